"""The GRU recurrence as one primitive (Keras's GRUCell, gate order z, r, h).

With ``x_z, x_r, x_h`` the three parts of ``x_t @ kernel + input_bias``:

reset_after=True (Keras's default; bias of shape (2, 3 * units): input bias, recurrent bias)::

    a = h_prev @ recurrent_kernel + recurrent_bias        (parts a_z, a_r, a_h)
    z = rec(x_z + a_z)   r = rec(x_r + a_r)   hh = act(x_h + r * a_h)

reset_after=False (bias of shape (3 * units,))::

    z = rec(x_z + h_prev @ U_z)   r = rec(x_r + h_prev @ U_r)   hh = act(x_h + (r * h_prev) @ U_h)

and then ``h = z * h_prev + (1 - z) * hh``. See recurrence.py for masks and the packed result.
"""
import numpy as np

from glassnet.autodiff.ops import recurrence as r
from glassnet.autodiff.primitive import primitive


@primitive
def gru(x, kernel, recurrent_kernel, bias, h0, *, mask=None, activation="tanh", recurrent_activation="sigmoid",
        reset_after=True, go_backwards=False, return_sequences=False, zero_output_for_mask=False):
    """Run a GRU over ``x`` (batch, time, features) from state `h0` (batch, units).

    Returns ``(batch, n, units)``: the outputs (every step in processing order, or the last), then
    the final h. `bias` may be None.
    """
    act, d_act = r.ACTIVATIONS[activation]
    rec, d_rec = r.ACTIVATIONS[recurrent_activation]
    bias = None if bias is None else np.asarray(bias)
    input_bias = None if bias is None else (bias[0] if reset_after else bias)
    recurrent_bias = bias[1] if bias is not None and reset_after else None
    xs, xw = r.input_projection(x, kernel, input_bias, go_backwards)
    steps, batch, width = xw.shape
    n = width // 3
    masks = r.step_masks(mask, go_backwards, xw.dtype)
    gates = np.empty_like(xw)  # z, r, hh after their activations
    h_prev = np.empty((steps, batch, n), dtype=xw.dtype)
    a_h = np.empty_like(h_prev)  # reset_after: the recurrent part of hh; else r * h_prev
    outputs = np.empty_like(h_prev)
    h = np.asarray(h0, dtype=xw.dtype)
    for s in range(steps):
        h_prev[s] = h
        gate, x_s = gates[s], xw[s]
        if reset_after:
            a = h @ recurrent_kernel
            if recurrent_bias is not None:
                a += recurrent_bias
            rec(x_s[:, :2 * n] + a[:, :2 * n], gate[:, :2 * n])
            np.copyto(a_h[s], a[:, 2 * n:])
            act(x_s[:, 2 * n:] + gate[:, n:2 * n] * a_h[s], gate[:, 2 * n:])
        else:
            rec(x_s[:, :2 * n] + h @ recurrent_kernel[:, :2 * n], gate[:, :2 * n])
            np.multiply(gate[:, n:2 * n], h, out=a_h[s])
            act(x_s[:, 2 * n:] + a_h[s] @ recurrent_kernel[:, 2 * n:], gate[:, 2 * n:])
        zg, hh = gate[:, :n], gate[:, 2 * n:]
        h_new = hh + zg * (h - hh)
        if masks is None:
            h = h_new
            outputs[s] = h
        else:
            m = masks[s]
            h = np.where(m > 0, h_new, h)
            outputs[s] = h_new * m if zero_output_for_mask else h

    def backward(g):
        d_outputs, (dh,) = r.unpack(g, steps, return_sequences, 1)
        zg, rg, hh = (gates[..., k * n:(k + 1) * n] for k in range(3))
        d_rec_all = d_rec(gates[..., :2 * n])
        z_by_dh = (h_prev - hh) * d_rec_all[..., :n]  # d(pre-activation of z) per unit of dh
        hh_by_dh = (1 - zg) * d_act(hh)  # d(pre-activation of hh) per unit of dh
        dxw = np.empty_like(xw)  # gradients of the input projection: z, r, hh parts
        da = np.empty_like(xw) if reset_after else None  # gradients of h_prev @ recurrent_kernel
        d_rh = np.empty_like(h_prev) if not reset_after else None  # gradients of r * h_prev
        kernel_t = np.ascontiguousarray(recurrent_kernel.T)
        dh = dh.copy()
        for s in range(steps - 1, -1, -1):
            if masks is None:
                if return_sequences or s == steps - 1:  # only the last step has an output gradient otherwise
                    dh += d_outputs[s]
                dh_new = dh
            else:
                dh_new, dh_kept = r.masked_output_gradients(d_outputs[s], dh, masks[s], zero_output_for_mask)
            np.multiply(dh_new, z_by_dh[s], out=dxw[s, :, :n])
            d_hh = np.multiply(dh_new, hh_by_dh[s], out=dxw[s, :, 2 * n:])
            if reset_after:
                np.multiply(d_hh, a_h[s] * d_rec_all[s, :, n:], out=dxw[s, :, n:2 * n])
                da[s, :, :2 * n] = dxw[s, :, :2 * n]
                np.multiply(d_hh, rg[s], out=da[s, :, 2 * n:])
                dh = dh_new * zg[s] + da[s] @ kernel_t
            else:
                d_rh[s] = d_hh @ kernel_t[2 * n:]
                np.multiply(d_rh[s], h_prev[s] * d_rec_all[s, :, n:], out=dxw[s, :, n:2 * n])
                dh = dh_new * zg[s] + d_rh[s] * rg[s] + dxw[s, :, :2 * n] @ kernel_t[:2 * n]
            if masks is not None:
                dh += dh_kept
            if s % r.FLUSH_EVERY == 0:
                r.flush_tiny(dh)
        flat_h = h_prev.reshape(-1, n)
        if reset_after:
            d_recurrent = flat_h.T @ da.reshape(-1, width)
        else:
            d_recurrent = np.concatenate([flat_h.T @ dxw[..., :2 * n].reshape(-1, 2 * n),
                                          a_h.reshape(-1, n).T @ dxw[..., 2 * n:].reshape(-1, n)], axis=1)
        dx, d_kernel, d_input_bias = r.input_gradients(dxw, xs, kernel, go_backwards)
        if bias is None:
            d_bias = None
        elif reset_after:
            d_bias = np.stack([d_input_bias, da.reshape(-1, width).sum(axis=0)])
        else:
            d_bias = d_input_bias
        return dx, d_kernel, d_recurrent, d_bias, dh

    return r.pack(outputs, [h], return_sequences), backward
