"""Sliding windows over the spatial axes of a channels_last array, shared by convolution and pooling.

An input of shape ``(batch, *spatial, channels)`` is padded as Keras pads it, then seen through
``as_strided`` as ``(batch, *out, *window, channels)`` without copying. The backward passes walk
the window's taps (a 3x3 window has 9) and add into strided slices: each tap's slice is one
vectorised NumPy operation over the whole batch, so no Python loop runs over output positions.
"""
import itertools
import math

import numpy as np
from numpy.lib.stride_tricks import as_strided


def require_spatial(op, x):
    """Refuse an input without (batch, spatial..., channels) axes, naming the op and the shape."""
    if np.ndim(x) < 3:
        raise ValueError(f"Invalid input `x` for {op}: expected a tensor with at least 1 dimension for the batch, "
                         f"1 or more spatial ones and 1 for the channels (batch, *spatial, channels). "
                         f"Received: x with shape {np.shape(x)}")


def output_size(size, window, stride, dilation, padding):
    """Keras's output length of one spatial axis (ops/operation_utils.compute_conv_output_shape)."""
    if padding == "valid":
        return (size - dilation * (window - 1) - 1) // stride + 1
    return (size - 1) // stride + 1  # 'same' and 'causal'


def pads(spatial_shape, window, strides, dilation, padding):
    """The (before, after) padding of each spatial axis.

    'same' pads so the output has ceil(size / stride) positions, the odd unit after (as TF and
    Keras do); 'causal' (1-D) pads only before, so output t sees inputs up to t.
    """
    if padding == "valid":
        return tuple((0, 0) for _ in spatial_shape)
    result = []
    for size, k, s, d in zip(spatial_shape, window, strides, dilation):
        reach = d * (k - 1) + 1
        if padding == "causal":
            result.append((reach - 1, 0))
            continue
        total = max((math.ceil(size / s) - 1) * s + reach - size, 0)
        result.append((total // 2, total - total // 2))
    return tuple(result)


def pad(x, spatial_pads, value=0):
    """`x` padded on its spatial axes with `value` (the same array when there is nothing to pad)."""
    if not any(before or after for before, after in spatial_pads):
        return x
    shape = (x.shape[0], *(n + b + a for n, (b, a) in zip(x.shape[1:-1], spatial_pads)), x.shape[-1])
    out = np.full(shape, value, dtype=x.dtype)
    out[interior(x.shape, spatial_pads)] = x
    return out


def interior(shape, spatial_pads):
    """The index of the unpadded input inside its padded copy."""
    inner = tuple(slice(b, b + n) for n, (b, _) in zip(shape[1:-1], spatial_pads))
    return (slice(None), *inner, slice(None))


def view(x, window, strides, dilation, out_shape):
    """`x` (batch, *spatial, C) seen as (batch, *out_shape, *window, C), without a copy."""
    step = x.strides
    spatial = step[1:-1]
    return as_strided(
        x,
        shape=(x.shape[0], *out_shape, *window, x.shape[-1]),
        strides=(step[0], *(t * s for t, s in zip(spatial, strides)), *(t * d for t, d in zip(spatial, dilation)),
                 step[-1]),
        writeable=False,
    )


def pooled_view(x, window, strides, dilation, pool_size, pooled_shape):
    """`x` (batch, *spatial, C) seen as (*pool_size, batch, *pooled_shape, *window, C), without a copy:
    the windows a convolution reads for the outputs that tiling pools of `pool_size` cover, each
    pool's tap first. Pooled position o, pool tap t is the convolution's output o * pool + t on each
    axis; outputs past the last whole pool (a ragged edge) are not in the view."""
    pool_steps, pooled_steps, window_steps = _pooled_steps(x, strides, dilation, pool_size)
    return as_strided(x, shape=(*pool_size, x.shape[0], *pooled_shape, *window, x.shape[-1]),
                      strides=(*pool_steps, x.strides[0], *pooled_steps, *window_steps, x.strides[-1]),
                      writeable=False)


def pooled_tap_views(x, window, strides, dilation, pool_size, pooled_shape):
    """The elements of `x` (batch, *spatial, C) that each window tap reads for the outputs of
    pooled_view, as one writeable (*window, *pool_size, batch, *pooled_shape, C) view: indexed by a
    tap, where a convolution's input gradient adds that tap's share (no element appears twice in
    one tap's view; the taps' views overlap)."""
    pool_steps, pooled_steps, window_steps = _pooled_steps(x, strides, dilation, pool_size)
    return as_strided(x, shape=(*window, *pool_size, x.shape[0], *pooled_shape, x.shape[-1]),
                      strides=(*window_steps, *pool_steps, x.strides[0], *pooled_steps, x.strides[-1]))


def tile_view(x, size, step, count, writeable=False):
    """`x` (batch, *spatial, C) seen as (*size, batch, *count, C), without a copy: on each spatial
    axis `count` tiles of `size` elements, one every `step` (overlapping where step < size); tap t
    of tile o is x's element o * step + t. Writeable only where asked, for gradients added in."""
    spatial = x.strides[1:-1]
    return as_strided(x, shape=(*size, x.shape[0], *count, x.shape[-1]),
                      strides=(*spatial, x.strides[0], *(t * s for t, s in zip(spatial, step)), x.strides[-1]),
                      writeable=writeable)


def _pooled_steps(x, strides, dilation, pool_size):
    """The byte steps in `x` between pool taps, pooled positions and window taps, per spatial axis."""
    spatial = x.strides[1:-1]
    return (tuple(t * s for t, s in zip(spatial, strides)),
            tuple(t * s * p for t, s, p in zip(spatial, strides, pool_size)),
            tuple(t * d for t, d in zip(spatial, dilation)))


def taps(window):
    """Every position of the window, in row-major order (Keras's order for ties of a max)."""
    return itertools.product(*(range(k) for k in window))


def tap_slice(tap, strides, dilation, out_shape):
    """The index of the input elements that tap `tap` reads, one per output position."""
    spatial = tuple(slice(t * d, t * d + s * (o - 1) + 1, s) for t, s, d, o in zip(tap, strides, dilation, out_shape))
    return (slice(None), *spatial, slice(None))
