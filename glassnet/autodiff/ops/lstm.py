"""The LSTM recurrence as one primitive (Keras's LSTMCell, gate order i, f, c, o).

For each step, with ``z = x_t @ kernel + h @ recurrent_kernel + bias`` split in four::

    i = rec(z_i)   f = rec(z_f)   g = act(z_c)   o = rec(z_o)
    c = f * c_prev + i * g
    h = o * act(c)

`rec` is the recurrent activation (sigmoid), `act` the activation (tanh). See recurrence.py for
the layout shared with the other recurrences (masks, go_backwards, the packed result).
"""
import numpy as np

from glassnet.autodiff.ops import recurrence as r
from glassnet.autodiff.primitive import primitive


@primitive
def lstm(x, kernel, recurrent_kernel, bias, h0, c0, *, mask=None, activation="tanh",
         recurrent_activation="sigmoid", go_backwards=False, return_sequences=False, zero_output_for_mask=False):
    """Run an LSTM over ``x`` (batch, time, features) from states `h0`, `c0` (batch, units).

    Returns ``(batch, n, units)``: the outputs (every step in processing order, or only the last),
    then the final h and c. `bias` may be None; `mask` is a (batch, time) bool array or None.
    """
    act, d_act = r.ACTIVATIONS[activation]
    rec, d_rec = r.ACTIVATIONS[recurrent_activation]
    xs, xw = r.input_projection(x, kernel, bias, go_backwards)
    steps, batch, width = xw.shape
    n = width // 4
    masks = r.step_masks(mask, go_backwards, xw.dtype)
    gates = np.empty_like(xw)  # rec(z) in all four slots (one call per step; the c slot goes unused)
    # the states before and after each step: hs[s] is step s's h_prev, hs[s + 1] its result (no copies)
    hs = np.empty((steps + 1, batch, n), dtype=xw.dtype)
    cs = np.empty_like(hs)
    hs[0], cs[0] = h0, c0
    cell_input = np.empty((steps, batch, n), dtype=xw.dtype)  # g = act(z_c)
    tanh_c = np.empty_like(cell_input)
    outputs = hs[1:] if masks is None or not zero_output_for_mask else np.empty_like(cell_input)
    z = np.empty((batch, width), dtype=xw.dtype)
    for s in range(steps):
        np.matmul(hs[s], recurrent_kernel, out=z)
        z += xw[s]
        gate = gates[s]
        act(z[:, 2 * n:3 * n], cell_input[s])
        rec(z, gate)
        c_new = cs[s + 1] if masks is None else np.empty_like(cs[s])
        np.multiply(gate[:, n:2 * n], cs[s], out=c_new)
        c_new += gate[:, :n] * cell_input[s]
        act(c_new, tanh_c[s])
        if masks is None:
            np.multiply(gate[:, 3 * n:], tanh_c[s], out=hs[s + 1])
        else:
            m = masks[s]
            h_new = gate[:, 3 * n:] * tanh_c[s]
            np.copyto(hs[s + 1], np.where(m > 0, h_new, hs[s]))
            np.copyto(cs[s + 1], np.where(m > 0, c_new, cs[s]))
            if zero_output_for_mask:
                outputs[s] = h_new * m
    h_prev, c_prev = hs[:-1], cs[:-1]
    h, c = hs[-1], cs[-1]

    def backward(g):
        d_outputs, (dh, dc) = r.unpack(g, steps, return_sequences, 2)
        i, f, o = gates[..., :n], gates[..., n:2 * n], gates[..., 3 * n:]
        gg = cell_input
        # the factors of each gate's gradient that do not depend on the carried gradient, all steps at once
        d_rec_all = d_rec(gates)
        by_dc = np.empty((steps, batch, 3, n), dtype=xw.dtype)  # d z_i, z_f, z_c per unit of dc
        np.multiply(gg, d_rec_all[..., :n], out=by_dc[:, :, 0])
        np.multiply(c_prev, d_rec_all[..., n:2 * n], out=by_dc[:, :, 1])
        np.multiply(i, d_act(gg), out=by_dc[:, :, 2])
        o_by_dh = tanh_c * d_rec_all[..., 3 * n:]  # d z_o per unit of dh
        c_by_dh = o * d_act(tanh_c)  # d c per unit of dh
        dz = np.empty_like(xw)
        dz_by_gate = dz.reshape(steps, batch, 4, n)  # a view: writes land in dz
        recurrent_t = np.ascontiguousarray(recurrent_kernel.T)
        dh = dh.copy()
        for s in range(steps - 1, -1, -1):
            if masks is None:
                if return_sequences or s == steps - 1:  # only the last step has an output gradient otherwise
                    dh += d_outputs[s]
                dh_new, dc_new = dh, dc
            else:
                m = masks[s]
                dh_new, dh_kept = r.masked_output_gradients(d_outputs[s], dh, m, zero_output_for_mask)
                dc_new, dc_kept = dc * m, dc * (1 - m)
            np.multiply(dh_new, o_by_dh[s], out=dz[s, :, 3 * n:])
            dc_new = dc_new + dh_new * c_by_dh[s]
            np.multiply(dc_new[:, None, :], by_dc[s], out=dz_by_gate[s, :, :3])
            dh = dz[s] @ recurrent_t
            dc = dc_new * f[s]
            if masks is not None:
                dh += dh_kept
                dc += dc_kept
            if s % r.FLUSH_EVERY == 0:
                r.flush_tiny(dh)
                r.flush_tiny(dc)
        d_recurrent = h_prev.reshape(-1, n).T @ dz.reshape(-1, width)
        dx, d_kernel, d_bias = r.input_gradients(dz, xs, kernel, go_backwards)
        return dx, d_kernel, d_recurrent, None if bias is None else d_bias, dh, dc

    return r.pack(outputs, [h, c], return_sequences), backward
