"""What the recurrent ops (lstm.py, gru.py, simple_rnn.py) share: their activations, the order and
masks of the time steps, and how their results are packed into one array.

Each recurrence is ONE primitive: its forward loops over time with one matmul per step for the
recurrent part (the input projection of every step is one big matmul up front), and its backward
is the backpropagation-through-time loop beside it. Whatever does not depend on the carried
gradient (the activations' derivatives, products of stored gates) is computed for all steps at
once before the backward loop, so each step costs a handful of NumPy calls.

Masks follow Keras: a masked step (``mask[b, t] == False``) keeps the previous state, and its
output is the previous output (or zeros, with ``zero_output_for_mask``). ``go_backwards`` runs
from the last step to the first and returns the outputs in that (processing) order.
"""
import numpy as np


def _sigmoid(z, out):
    # 0.5 * tanh(z / 2) + 0.5 equals 1 / (1 + exp(-z)) and never overflows
    np.multiply(z, 0.5, out=out)
    np.tanh(out, out=out)
    out *= 0.5
    out += 0.5
    return out


def _hard_sigmoid(z, out):
    np.add(z, 3.0, out=out)
    out /= 6.0
    return np.clip(out, 0.0, 1.0, out=out)


# name: (f(z, out) writing f(z) into out, f'(z) written from y = f(z))
ACTIVATIONS = {
    "tanh": (lambda z, out: np.tanh(z, out=out), lambda y: 1 - y * y),
    "sigmoid": (_sigmoid, lambda y: y * (1 - y)),
    "relu": (lambda z, out: np.maximum(z, 0, out=out), lambda y: (y > 0).astype(y.dtype)),
    "linear": (lambda z, out: np.copyto(out, z) or out, lambda y: np.ones_like(y)),
    "hard_sigmoid": (_hard_sigmoid, lambda y: ((y > 0) & (y < 1)).astype(y.dtype) / 6),
}


def step_order(steps, go_backwards):
    """The time index processed at each step."""
    return range(steps - 1, -1, -1) if go_backwards else range(steps)


def time_major(x, go_backwards):
    """(batch, time, ...) as (step, batch, ...) in processing order (a view)."""
    x = np.swapaxes(x, 0, 1)
    return x[::-1] if go_backwards else x


def step_masks(mask, go_backwards, dtype):
    """A (batch, time) mask as (step, batch, 1) floats in processing order, or None."""
    if mask is None:
        return None
    return np.ascontiguousarray(time_major(np.asarray(mask, dtype=bool), go_backwards)[..., None], dtype=dtype)


def input_projection(x, kernel, bias, go_backwards):
    """``x @ kernel + bias`` for every step in one matmul: (step, batch, gates) in processing order,
    and the time-major copy of x that the backward needs."""
    xs = np.ascontiguousarray(time_major(x, go_backwards))
    steps, batch, features = xs.shape
    projected = (xs.reshape(-1, features) @ kernel).reshape(steps, batch, -1)
    if bias is not None:
        projected += bias
    return xs, projected


def input_gradients(d_projected, xs, kernel, go_backwards):
    """The gradients of ``input_projection``'s x, kernel and bias from that of its result (one
    matmul each, on (steps * batch) rows)."""
    steps, batch, features = xs.shape
    flat_g = d_projected.reshape(-1, d_projected.shape[-1])
    d_kernel = xs.reshape(-1, features).T @ flat_g
    dx = (flat_g @ kernel.T).reshape(steps, batch, features)
    dx = np.swapaxes(dx[::-1] if go_backwards else dx, 0, 1)
    return dx, d_kernel, flat_g.sum(axis=0)


def pack(outputs, states, return_sequences):
    """One (batch, steps + states, units) array: the outputs (all steps, or the last), then each
    final state. The layer slices it; a primitive gives one array."""
    kept = outputs if return_sequences else outputs[-1:]
    return np.swapaxes(np.concatenate([kept, *[s[None] for s in states]], axis=0), 0, 1)


def unpack(g, steps, return_sequences, n_states):
    """The gradient of `pack`'s result as (gradient of each step's output in processing order,
    gradients of the final states)."""
    g = np.swapaxes(g, 0, 1)
    kept = g[:-n_states]
    if return_sequences:
        d_outputs = kept
    else:
        d_outputs = np.zeros((steps, *g.shape[1:]), dtype=g.dtype)
        d_outputs[-1] = kept[0]
    return d_outputs, [g[-n_states + i] for i in range(n_states)]


# Steps between flushes: checking every step costs three NumPy calls per state per step; in four
# steps a gradient would have to shrink 10**7-fold to pass from the threshold below to subnormal.
FLUSH_EVERY = 4


def flush_tiny(a):
    """Set to zero, in place, the entries of a carried gradient that are about to become subnormal.

    Going back through many steps a gradient can shrink below float32's smallest normal number
    (1.2e-38); arithmetic on such subnormal numbers is tens of times slower on CPUs, and a
    200-step backward then takes seconds instead of milliseconds. XLA (Keras's JAX backend) flushes
    subnormals to zero on CPU; this does the same a little earlier, at 2**24 times the smallest
    normal number (2e-31 in float32), which changes no gradient that is not already negligible.
    """
    np.copyto(a, 0, where=np.abs(a) < np.finfo(a.dtype).tiny * 2.0 ** 24)
    return a


def masked_output_gradients(d_out, dh, m, zero_output_for_mask):
    """How the gradient `d_out` of a masked step's output and `dh` of its new state split between the
    step's fresh state (kept where m is 1) and the state it carried (where m is 0)."""
    if zero_output_for_mask:  # the output is fresh or zero; the state is fresh or carried
        return (dh + d_out) * m, dh * (1 - m)
    total = dh + d_out  # the output is the state
    return total * m, total * (1 - m)
