"""Max and average pooling over the spatial axes of a channels_last array, as Keras's ops compute them.

Max pooling gives its gradient to the first largest element of each window in row-major order
(what JAX's and TF's max-pool gradients do, ties included: a window of equal values, common after
a relu, sends it to its first element). Average pooling with 'same' padding divides each window's
sum by its count of real, unpadded elements, as Keras does.

Both walk the window's taps: each tap is one strided slice over the whole batch, so the work is
(window size) vectorised passes, not a loop over output positions. When the stride equals the
pool size and there is no padding (MaxPooling2D's default), the windows tile the input and the
max is a reshape and one reduction.
"""
import numpy as np

from glassnet.autodiff.ops import windows
from glassnet.autodiff.primitive import primitive


def _geometry(x, pool_size, strides, padding, op):
    windows.require_spatial(op, x)
    rank = x.ndim - 2
    pool_size = _per_axis(pool_size, rank)
    strides = pool_size if strides is None else _per_axis(strides, rank)
    ones = (1,) * rank
    spatial_pads = windows.pads(x.shape[1:-1], pool_size, strides, ones, padding)
    out_shape = tuple(windows.output_size(n, k, s, 1, padding) for n, k, s in zip(x.shape[1:-1], pool_size, strides))
    return pool_size, strides, spatial_pads, out_shape


def _tiles(x, pool_size, out_shape):
    """`x` cropped to whole tiles and reshaped to (batch, o1, p1, o2, p2, ..., C): a view."""
    crop = (slice(None), *(slice(0, o * p) for o, p in zip(out_shape, pool_size)), slice(None))
    shape = [x.shape[0]]
    for o, p in zip(out_shape, pool_size):
        shape += [o, p]
    return x[crop].reshape(*shape, x.shape[-1])


@primitive
def max_pool(x, *, pool_size, strides=None, padding="valid"):
    """The largest value of each window. `x` is ``(batch, *spatial, channels)``; `strides` defaults to `pool_size`."""
    pool_size, strides, spatial_pads, out_shape = _geometry(x, pool_size, strides, padding, "max_pool")
    rank = len(pool_size)
    if strides == pool_size and not any(b or a for b, a in spatial_pads):
        tiles = _tiles(x, pool_size, out_shape)
        out = tiles.max(axis=tuple(range(2, 2 * rank + 1, 2)))
        return out, lambda g: _max_tiles_backward(g, x, tiles, out, pool_size, out_shape)
    padded = windows.pad(x, spatial_pads, value=-np.inf)
    ones = (1,) * rank
    out = None
    for tap in windows.taps(pool_size):
        window = padded[windows.tap_slice(tap, strides, ones, out_shape)]
        out = window.copy() if out is None else np.maximum(out, window, out=out)

    def backward(g):
        g_padded = np.zeros(padded.shape, dtype=g.dtype)
        taken = np.zeros(out.shape, dtype=bool)
        for tap in windows.taps(pool_size):
            index = windows.tap_slice(tap, strides, ones, out_shape)
            first = (padded[index] == out) & ~taken
            taken |= first
            g_padded[index] += np.where(first, g, 0)
        return g_padded[windows.interior(x.shape, spatial_pads)]

    return out, backward


def _max_tiles_backward(g, x, tiles, out, pool_size, out_shape):
    g_tiles = np.zeros(tiles.shape, dtype=g.dtype)
    taken = np.zeros(out.shape, dtype=bool)
    lead = (slice(None),)
    for tap in windows.taps(pool_size):
        index = (*lead, *(part for t in tap for part in (slice(None), t)), slice(None))
        first = tiles[index] == out
        first &= ~taken
        taken |= first
        np.multiply(g, first, out=g_tiles[index])
    g_x = g_tiles.reshape(x.shape[0], *(o * p for o, p in zip(out_shape, pool_size)), x.shape[-1])
    if g_x.shape == x.shape:
        return g_x
    full = np.zeros(x.shape, dtype=g.dtype)
    full[tuple(slice(0, n) for n in g_x.shape)] = g_x
    return full


@primitive
def average_pool(x, *, pool_size, strides=None, padding="valid"):
    """The mean of each window's real elements. `x` is ``(batch, *spatial, channels)``."""
    pool_size, strides, spatial_pads, out_shape = _geometry(x, pool_size, strides, padding, "average_pool")
    ones = (1,) * len(pool_size)
    padded = windows.pad(x, spatial_pads)
    total = None
    for tap in windows.taps(pool_size):
        window = padded[windows.tap_slice(tap, strides, ones, out_shape)]
        if total is None:  # a float copy: integer inputs average to floats
            total = window.astype(np.result_type(x, np.float32))
        else:
            total += window
    count = _counts(x.shape[1:-1], pool_size, strides, spatial_pads, out_shape).astype(total.dtype)
    out = total / count

    def backward(g):
        share = g / count
        g_padded = np.zeros(padded.shape, dtype=share.dtype)
        for tap in windows.taps(pool_size):
            g_padded[windows.tap_slice(tap, strides, ones, out_shape)] += share
        return g_padded[windows.interior(x.shape, spatial_pads)]

    return out, backward


def _counts(spatial_shape, pool_size, strides, spatial_pads, out_shape):
    """How many real (unpadded) elements each window covers, shaped to broadcast over (batch, *out, C).

    The count factors by axis: a window's real extent on each axis is independent of the others."""
    count = np.ones((1,) * (len(spatial_shape) + 2))
    for axis, (n, k, s, (before, _), o) in enumerate(zip(spatial_shape, pool_size, strides, spatial_pads, out_shape)):
        start = np.arange(o) * s - before
        real = np.minimum(start + k, n) - np.maximum(start, 0)
        shape = [1] * (len(spatial_shape) + 2)
        shape[axis + 1] = o
        count = count * real.reshape(shape)
    return count


def _per_axis(value, rank):
    return (value,) * rank if isinstance(value, int) else tuple(value)

