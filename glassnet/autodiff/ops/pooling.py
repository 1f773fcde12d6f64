"""Max and average pooling over the spatial axes of a channels_last array, as Keras's ops compute them.

Max pooling gives its gradient to the first largest element of each window in row-major order
(what JAX's and TF's max-pool gradients do, ties included: a window of equal values, common after
a relu, sends it to its first element). Average pooling with 'same' padding divides each window's
sum by its count of real, unpadded elements, as Keras does.

Both walk the window's taps: each tap is one strided slice over the whole batch, so the work is
(window size) vectorised passes, not a loop over output positions. When the stride equals the
pool size and there is no padding (MaxPooling2D's default), the windows tile the input and the
max is a reshape and one reduction, and with more than one BLAS thread each part of the batch is
pooled on its own thread (batch_parallel). Its backward builds each tap's 0/1 mask contiguous and
writes the input's gradient in one copy; a zero it gives a losing element may carry g's sign.
"""

import numpy as np

from glassnet.autodiff.ops import batch_parallel, windows
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


def tiles(x, pool_size, out_shape):
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
    ones = (1,) * rank
    if strides == pool_size and not any(b or a for b, a in spatial_pads):
        return _max_pool_tiles(x, pool_size, out_shape)
    padded = windows.pad(x, spatial_pads, value=-np.inf)
    indices = [windows.tap_slice(tap, strides, ones, out_shape) for tap in windows.taps(pool_size)]
    out = max_of([padded[index] for index in indices])

    def backward(g):
        g_padded = np.zeros(padded.shape, dtype=g.dtype)
        for index, share in zip(indices, _first_winner_shares(g, out, [padded[index] for index in indices])):
            g_padded[index] += share  # windows may overlap: add
        return g_padded[windows.interior(x.shape, spatial_pads)]

    return out, backward


def _max_pool_tiles(x, pool_size, out_shape):
    """Max pooling whose windows tile the input (stride == pool size, no padding): each tap is a
    slice of one reshaped view, and each input element belongs to one window. Each part of the
    batch (two per BLAS thread; see batch_parallel) is pooled whole by one thread."""
    out = np.empty((x.shape[0], *out_shape, x.shape[-1]), dtype=x.dtype)
    pieces = batch_parallel.parts(x.shape[0], x.size)
    batch_parallel.run(lambda part: tiled_max(x[part], pool_size, out=out[part]), pieces)

    def backward(g):
        g_x = tiled_gradient_buffer(x.shape, pool_size, out_shape, g.dtype)
        batch_parallel.run(lambda part: tiled_max_gradient(x[part], out[part], g[part], pool_size, g_x[part]),
                           pieces)
        return g_x

    return out, backward


def tiled_max(x, pool_size, out):
    """Each tile's max of `x` into `out` (batch, *out_spatial, C); returns `out`."""
    return max_of(tile_slices(x, pool_size, out.shape[1:-1]), out=out)


def tiled_gradient_buffer(shape, pool_size, out_shape, dtype):
    """The input gradient's array: zeros where the tiles leave a cropped edge (it gets none)."""
    whole = all(o * p == n for o, p, n in zip(out_shape, pool_size, shape[1:-1]))
    return (np.empty if whole else np.zeros)(shape, dtype=dtype)


def tiled_max_gradient(x, out, g, pool_size, g_x):
    """Write into `g_x` the gradient of tiled max pooling (`out` from `x`) given the output's `g`:
    each tile's first largest element takes g, the others 0."""
    view = tiles(x, pool_size, out.shape[1:-1])
    shares = first_winner_masks(out, [view[index] for index in _tile_taps(pool_size)], g_x.dtype)
    np.multiply(shares, g, out=shares)
    # every element of g_x's tiles is written once; a cropped edge stays 0
    copy_tap_major(shares, tiles(g_x, pool_size, out.shape[1:-1]))


def tile_slices(x, pool_size, out_shape):
    """Each window tap's values, one strided view per tap (row-major order), of tiling windows."""
    view = tiles(x, pool_size, out_shape)
    return [view[index] for index in _tile_taps(pool_size)]


def _tile_taps(pool_size):
    """Each tap's index into the view `tiles` returns, in row-major order."""
    return [(slice(None), *(part for t in tap for part in (slice(None), t)), slice(None))
            for tap in windows.taps(pool_size)]


def max_of(slices, out=None):
    """The elementwise max of `slices` (a sequence of equal-shaped arrays), into `out` when given.

    The first two go straight into one np.maximum: no copy of the first (a strided slice) to start from."""
    if len(slices) == 1:
        if out is None:
            return slices[0].copy()
        np.copyto(out, slices[0])
        return out
    out = np.maximum(slices[0], slices[1], out=out)
    for values in slices[2:]:
        np.maximum(out, values, out=out)
    return out


def first_winner_masks(out, taps, dtype, masks=None, taken=None):
    """(taps, *out.shape) of 1 and 0 as `dtype` (into `masks` when given): 1 where a tap holds its
    window's max and no earlier tap does (a tie goes to the first tap, as JAX and TF do; where none
    does, a NaN, the last tap). `taken`, a bool array of out's shape, marks windows whose taps all
    get 0 (it is overwritten).

    The taps are strided slices (runs of `channels` numbers), and NumPy pays for every run: so they
    are read once each, to compare, and all else works on contiguous arrays. Against a multiply,
    subtract and compare per tap on the slices this took a quarter off the backward of W4's first
    pooling (8-10 ms down to 6-7.7, one thread)."""
    if masks is None:
        masks = np.empty((len(taps), *out.shape), dtype=dtype)
    if taken is None:
        taken = np.zeros(out.shape, dtype=bool)
    equal = np.empty(out.shape, dtype=bool)
    for k, values in enumerate(taps[:-1]):
        np.equal(values, out, out=equal)
        np.greater(equal, taken, out=masks[k], casting="unsafe")  # equal and not taken
        np.logical_or(taken, equal, out=taken)
    np.logical_not(taken, out=masks[-1], casting="unsafe")
    return masks


def copy_tap_major(shares, g_tiles):
    """Write `shares` (taps, batch, *out, C), taps in row-major order, into `g_tiles` (batch, o1, p1,
    o2, p2, ..., C) in one copy."""
    tap_major = _tap_major(g_tiles)
    np.copyto(tap_major, shares.reshape(tap_major.shape))


def _tap_major(g_tiles):
    """(batch, o1, p1, o2, p2, ..., C) seen as (p1, p2, ..., batch, o1, o2, ..., C)."""
    rank = (g_tiles.ndim - 2) // 2
    pool_axes = [2 + 2 * i for i in range(rank)]
    keep_axes = [0, *(1 + 2 * i for i in range(rank)), g_tiles.ndim - 1]
    return g_tiles.transpose(*pool_axes, *keep_axes)


def _first_winner_shares(g, out, taps):
    """Per tap, the gradient it gets: `g` where it holds its window's max and no earlier tap did.

    `rest` is the gradient no tap has taken yet; a tap that wins takes all of it (rest * 1) and
    leaves 0 (rest - rest), exactly, so a tie goes to the first tap, as JAX and TF do. The last
    tap takes what is left without a comparison: where no earlier tap won, it holds the max.
    """
    shares = []
    rest = g
    for values in taps[:-1]:
        shares.append(rest * (values == out))
        rest = rest - shares[-1] if rest is g else np.subtract(rest, shares[-1], out=rest)  # never write into g
    return [*shares, rest]


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

