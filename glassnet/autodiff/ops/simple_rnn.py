"""The simple RNN recurrence as one primitive (Keras's SimpleRNNCell)::

    h = act(x_t @ kernel + bias + h_prev @ recurrent_kernel)

See recurrence.py for masks, go_backwards and the packed result.
"""
import numpy as np

from glassnet.autodiff.ops import recurrence as r
from glassnet.autodiff.primitive import primitive


@primitive
def simple_rnn(x, kernel, recurrent_kernel, bias, h0, *, mask=None, activation="tanh", go_backwards=False,
               return_sequences=False, zero_output_for_mask=False, recurrent_scale=None):
    """Run a simple RNN over ``x`` (batch, time, features) from state `h0` (batch, units).

    Returns ``(batch, n, units)``: the outputs (every step in processing order, or the last), then
    the final h. `bias` may be None. `recurrent_scale` (batch, units), Keras's recurrent dropout:
    h is multiplied by it before the recurrent matmul at every step.
    """
    act, d_act = r.ACTIVATIONS[activation]
    xs, xw = r.input_projection(x, kernel, bias, go_backwards)
    steps, batch, n = xw.shape
    masks = r.step_masks(mask, go_backwards, xw.dtype)
    fresh = np.empty_like(xw)  # each step's new state before masking
    h_prev = np.empty_like(xw)
    outputs = np.empty_like(xw)
    h = np.asarray(h0, dtype=xw.dtype)
    for s in range(steps):
        h_prev[s] = h
        act(xw[s] + (h if recurrent_scale is None else h * recurrent_scale) @ recurrent_kernel, fresh[s])
        if masks is None:
            h = fresh[s]
            outputs[s] = h
        else:
            m = masks[s]
            h = np.where(m > 0, fresh[s], h)
            outputs[s] = fresh[s] * m if zero_output_for_mask else h

    def backward(g):
        d_outputs, (dh,) = r.unpack(g, steps, return_sequences, 1)
        d_fresh = d_act(fresh)
        da = np.empty_like(xw)
        kernel_t = np.ascontiguousarray(recurrent_kernel.T)
        dh = dh.copy()
        for s in range(steps - 1, -1, -1):
            if masks is None:
                if return_sequences or s == steps - 1:  # only the last step has an output gradient otherwise
                    dh += d_outputs[s]
                dh_new = dh
            else:
                dh_new, dh_kept = r.masked_output_gradients(d_outputs[s], dh, masks[s], zero_output_for_mask)
            np.multiply(dh_new, d_fresh[s], out=da[s])
            dh = da[s] @ kernel_t
            if recurrent_scale is not None:
                dh *= recurrent_scale
            if masks is not None:
                dh += dh_kept
            if s % r.FLUSH_EVERY == 0:
                r.flush_tiny(dh)
        dropped = h_prev if recurrent_scale is None else h_prev * recurrent_scale
        d_recurrent = dropped.reshape(-1, n).T @ da.reshape(-1, n)
        dx, d_kernel, d_bias = r.input_gradients(da, xs, kernel, go_backwards)
        return dx, d_kernel, d_recurrent, None if bias is None else d_bias, dh

    return r.pack(outputs, [h], return_sequences), backward
