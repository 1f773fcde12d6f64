"""A relu convolution followed by max pooling of tiling windows, as one op: what Keras's
``Conv2D(..., activation="relu")`` then ``MaxPooling2D()`` compute.

relu is monotonic, so ``max_pool(relu(z)) == relu(max_pool(z))``: this op pools the
convolution's output ``z`` first and rectifies the pooled array, 4x smaller for 2x2 windows,
so neither the relu nor its mask in the backward pass runs on the full-size output.

The window matrix's rows come pool tap first: for 2x2 pools, the rows of every pool's top-left
output, then of every top-right one, and so on (windows.pooled_view). The product then gives
each pool tap's outputs as one contiguous block, the max is taken between whole blocks, and the
backward pass writes the gradient of ``z`` in that order too, with no strided copy either way.
Outputs past the last whole pool (a ragged edge, which pooling drops) get no row at all: on W4's
second convolution (11x11 outputs pooled to 5x5) that is a sixth of its products skipped.

The output and the input's gradient are the separate ops' numbers, bit for bit: each output is
the same row-by-column product, and each input element adds its window taps' shares in the same
order. The kernel's and bias's gradients are equal to rounding: the product over the rows sums
them in another order. Where a window's max ``p`` is positive, the element that takes the
gradient is the first one equal to ``p``, in ``z`` as in ``relu(z)`` (they are equal exactly
there), and relu's mask there is 1. Where ``p <= 0``, relu's gradient (0 at 0, as Keras) zeroes
the whole window in both orders. One case differs: a NaN in ``z`` (the separate ops send the
gradient to the window's last element when its relu is positive; here relu's mask at the NaN max
is 0), after which the loss is NaN anyway.

Each part of the batch (two per BLAS thread; see batch_parallel) runs the convolution, pooling
and relu, and backward the pooling's and the convolution's gradients, whole on one thread, a few
images at a time. The forward pass marks, while ``z`` is fresh from the product, the element of
each window that takes its gradient (relu's mask folded in), and lets ``z`` go: the backward pass
is then one multiply of those 0/1 masks by the output's gradient, a chunk at a time, each chunk's
gradient of ``z`` sent back to the input and into the kernel's gradient while it is in cache (on
W4's first convolution, at one thread, a quarter off its backward pass against writing the whole
gradient of ``z`` out and reading it back for one product).
"""
import math

import numpy as np

from glassnet.autodiff.ops import batch_parallel, pooling, windows
from glassnet.autodiff.ops.convolution import Convolution, matrix_of_windows, new_window_matrix, per_axis
from glassnet.autodiff.primitive import primitive

# Elements of z computed and pooled at a time: the chunk's window matrix and z stay in a core's
# cache between the copy, the product and the passes that read them (W4's first convolution, one
# thread: its forward pass 6.3 -> 4.5 ms). A product's row does not depend on the rows computed
# with it (OpenBLAS's kernels sum each one the same way; tests/autodiff/test_conv_pool_ops.py
# checks it down to one image a product), so z is the convolution's own, bit for bit.
CHUNK = 1 << 17


@primitive
def conv_max_pool(x, kernel, bias=None, *, pool_size, strides=1, padding="valid", dilation_rate=1,
                  input_gradient=True):
    """``max_pool(relu(conv(x, kernel) + bias), pool_size)``, channels_last, the pooling windows
    tiling the convolution's output (strides = pool_size, 'valid' padding; a ragged edge is
    dropped, as there).

    Args:
        x, kernel, bias, strides, padding, dilation_rate, input_gradient: as in ``conv``.
        pool_size: an int or one per spatial axis.

    Returns ``(batch, *pooled_spatial, filters)``.
    """
    windows.require_spatial("conv_max_pool", x)
    linear = Convolution(np.asarray(x), kernel, bias, strides, padding, dilation_rate)
    pool_size = per_axis(pool_size, kernel.ndim - 2)
    pooled_shape = tuple(n // p for n, p in zip(linear.out_shape, pool_size))
    if not all(pooled_shape):
        raise ValueError(f"Invalid pool_size for conv_max_pool: each window must fit in the convolution's "
                         f"output {linear.out_shape}. Received: pool_size={pool_size}")
    filters = linear.shape[-1]
    out = np.empty((linear.shape[0], *pooled_shape, filters), dtype=linear.dtype)
    taps = math.prod(pool_size)
    rows_per_image = taps * math.prod(pooled_shape)  # z's rows an image computes: its pooled outputs' taps

    def rows(images, part):
        """The rows of `images` (a chunk of `part`) in the part's window matrix and z: chunk by chunk,
        each chunk's rows pool tap first, then image, then pooled position."""
        return slice((images.start - part.start) * rows_per_image, (images.stop - part.start) * rows_per_image)

    def in_view(images, part, leading):
        """The index of `images` (a chunk of `part`) in a view of the part whose batch axis comes after
        `leading` axes (windows.pooled_view's pool taps; pooled_tap_views's window and pool taps)."""
        return (*(slice(None),) * leading, slice(images.start - part.start, images.stop - part.start))

    def tap_major(array, images):
        """A chunk's rows of z (or of its gradient, its masks) as (taps, images, *pooled_shape, filters)."""
        return array.reshape(taps, images.stop - images.start, *pooled_shape, array.shape[-1])

    def forward_part(index):
        part = linear.pieces[index]
        padded = windows.pad(linear.x[part], linear.spatial_pads)
        view = windows.pooled_view(padded, linear.kernel_size, linear.strides, linear.dilation_rate, pool_size,
                                   pooled_shape)
        rank = len(pool_size)
        cols = new_window_matrix(view, rank, (part.stop - part.start) * rows_per_image, ones=bias is not None)
        # Per pool tap, 1 where it takes the window's gradient: the first max of z, where the max is positive.
        masks = np.empty((len(cols), filters), dtype=linear.dtype)
        for images in _chunks(part, rows_per_image * filters):  # a few images at a time, z staying in cache
            chunk = rows(images, part)
            matrix_of_windows(view[in_view(images, part, rank)], rank, bias is not None, out=cols[chunk])
            z = np.matmul(cols[chunk], linear.weights)
            _pool(list(tap_major(z, images)), out[images], tap_major(masks[chunk], images))
        return cols, padded.shape, masks

    saved = batch_parallel.run(forward_part, range(len(linear.pieces)))

    def backward(g):
        g = np.asarray(g)
        g_x = linear.input_gradient_buffer(np.result_type(g, linear.dtype)) if input_gradient else None

        def backward_part(index):
            part = linear.pieces[index]
            cols, padded_shape, masks = saved[index]
            pieces = _chunks(part, rows_per_image * filters)
            # One chunk's gradient of z at a time, so it stays in cache (the first chunk is the largest).
            gz = np.empty((rows(pieces[0], part).stop, filters), dtype=np.result_type(g, masks))
            g_padded = None if g_x is None else _input_gradient_target(g_x[part], padded_shape, linear.spatial_pads)
            tap_views = None if g_padded is None else windows.pooled_tap_views(
                g_padded, linear.kernel_size, linear.strides, linear.dilation_rate, pool_size, pooled_shape)
            g_weights = None
            for images in pieces:
                chunk = rows(images, part)
                gz_chunk = gz[:chunk.stop - chunk.start]
                np.multiply(tap_major(masks[chunk], images), g[images], out=tap_major(gz_chunk, images))
                if tap_views is not None:
                    _add_input_gradient(gz_chunk, linear.kernel, tap_views[in_view(images, part, 2 * len(pool_size))])
                product = cols[chunk].T @ gz_chunk  # its last row, against the ones, is the bias gradient
                g_weights = product if g_weights is None else np.add(g_weights, product, out=g_weights)
            if g_padded is not None and g_padded.shape != g_x[part].shape:  # padded: its interior is the gradient
                g_x[part] = g_padded[windows.interior(g_x[part].shape, linear.spatial_pads)]
            return g_weights

        return (g_x, *linear.parameter_gradients(batch_parallel.run(backward_part, range(len(linear.pieces)))))

    return out, backward


def _chunks(part, per_image):
    """The images of `part` in slices of about CHUNK elements (`per_image` each), at least one image each."""
    step = max(1, CHUNK // per_image)
    return [slice(start, min(start + step, part.stop)) for start in range(part.start, part.stop, step)]


def _pool(taps, out, masks):
    """relu of each window's max of its `taps` (z's, one contiguous array per pool tap) into `out`,
    and into `masks` (taps, *out.shape) 1 for the taps that take the gradient: each window's first
    max, where that max is positive (relu's gradient is 0 at 0 too, as Keras's). Done here, while z
    is fresh, the backward pass need not read z again."""
    peaks = pooling.max_of(taps, out=np.empty_like(out))
    np.maximum(peaks, 0, out=out)
    dead = np.logical_not(np.greater(peaks, 0))
    pooling.first_winner_masks(peaks, taps, masks.dtype, masks=masks, taken=dead)


def _input_gradient_target(g_x_part, padded_shape, spatial_pads):
    """Zeros to add a part's input gradient into: `g_x_part` itself, or a padded array whose interior it is."""
    if padded_shape == g_x_part.shape:
        g_x_part[...] = 0
        return g_x_part
    return np.zeros(padded_shape, dtype=g_x_part.dtype)


def _add_input_gradient(gz, kernel, tap_views):
    """Add into `tap_views` (windows.pooled_tap_views of a chunk's images, padded) what the chunk's
    z gradient `gz` (its rows pool tap first) sends back through each window tap: each tap's share
    from one batched product (as conv's, so the same numbers), then one strided add per window tap,
    in window-tap order (the order conv adds them in)."""
    per_tap = kernel.reshape(-1, kernel.shape[-2], kernel.shape[-1]).transpose(0, 2, 1)  # (taps, filters, in)
    g_taps = np.matmul(gz, per_tap)
    for g_tap, tap in zip(g_taps, windows.taps(kernel.shape[:-2])):
        target = tap_views[tap]
        target += g_tap.reshape(target.shape)
