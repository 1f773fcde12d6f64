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

A 3x3 convolution of stride 1 pooled 2x2, with at least 8 input channels and filters (W4's
second), runs instead as Winograd's F(2x2, 3x3) tiles, one tile per pool (winograd.py): its three
products take 2.25x fewer multiply-adds, and its outputs come out pool tap first all the same.

Through the window matrix, the output and the input's gradient are the separate ops' numbers,
bit for bit: each output is the same row-by-column product, and each input element adds its
window taps' shares in the same order. The kernel's and bias's gradients are equal to rounding:
the product over the rows sums them in another order. Through Winograd's tiles all are equal to
rounding (the same sums, taken through other partial sums). Where a window's max ``p`` is
positive, the element that takes the gradient is the first one equal to ``p``, in ``z`` as in
``relu(z)`` (they are equal exactly there), and relu's mask there is 1. Where ``p <= 0``, relu's
gradient (0 at 0, as Keras) zeroes the whole window in both orders. One case differs: a NaN in
``z`` (the separate ops send the gradient to the window's last element when its relu is
positive; here relu's mask at the NaN max is 0), after which the loss is NaN anyway.

Each part of the batch (two per BLAS thread; see batch_parallel) runs the convolution, pooling
and relu, and backward the pooling's and the convolution's gradients, whole on one thread, a few
images at a time (more where the batch is split among threads: THREADED_WORK says why). The
forward pass marks, while ``z`` is fresh from the product, the element of each window that takes
its gradient (relu's mask folded in), and lets ``z`` go: the backward pass is then one multiply
of those 0/1 masks by the output's gradient, a chunk at a time, each chunk's gradient of ``z``
sent back to the input and into the kernel's gradient while it is in cache (on W4's first
convolution, at one thread, a quarter off its backward pass against writing the whole gradient
of ``z`` out and reading it back for one product).
"""
import math

import numpy as np

from glassnet.autodiff.ops import batch_parallel, pooling, windows, winograd
from glassnet.autodiff.ops.convolution import (
    Convolution, matrix_of_windows, new_window_matrix, per_axis, tap_kernels,
)
from glassnet.autodiff.primitive import primitive

# Elements of z computed and pooled at a time: the chunk's window matrix and z stay in a core's
# cache between the copy, the product and the passes that read them (W4's first convolution, one
# thread: its forward pass 6.3 -> 4.5 ms). A product's row does not depend on the rows computed
# with it (OpenBLAS's kernels sum each one the same way; tests/autodiff/test_conv_pool_ops.py
# checks it down to one image a product), so z is the convolution's own, bit for bit.
CHUNK = 1 << 17

# Where the batch is split among threads, each NumPy call also hands the GIL to the other thread
# and back, which costs more than a call's work on small arrays (two threads each adding 50,000
# floats in a loop ran no faster together than one alone; 200,000, 1.9x). A chunk's calls then
# need this many multiply-adds of the window matrix's product (rows x depth) at least: W4's first
# convolution (depth 10) then runs its parts whole (4.9 -> 2.9 ms forward at two threads), while a
# deep product has them in a cache-sized chunk already (32 channels, depth 289, on 32x32 images:
# 89 ms against whole parts' 101). Winograd's tiles have their own floor (winograd.THREADED_TILES).
THREADED_WORK = 1 << 19


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
    if winograd.fits(linear.kernel_size, linear.strides, linear.dilation_rate, pool_size, x.shape[-1], filters):
        method = winograd.PooledTiles(kernel, bias, pooled_shape, linear.dtype)
    else:
        method = _WindowMatrix(linear, pool_size, pooled_shape)
    rows_per_image = taps * math.prod(pooled_shape)  # z's rows an image computes: its pooled outputs' taps
    least = method.threaded_images if len(linear.pieces) > 1 else 1  # the fewest images a chunk: see THREADED_WORK

    def rows(images):
        """The rows of `images` (a slice of a part's images) in the part's z and masks: chunk by chunk,
        each chunk's rows pool tap first, then image, then pooled position."""
        return _image_rows(images, rows_per_image)

    def tap_major(array, images):
        """A chunk's rows of z (or of its gradient, its masks) as (taps, images, *pooled_shape, filters)."""
        return array.reshape(taps, images.stop - images.start, *pooled_shape, array.shape[-1])

    def forward_part(index):
        part = linear.pieces[index]
        images = part.stop - part.start
        padded = windows.pad(linear.x[part], linear.spatial_pads)
        view = method.view(padded)
        saved = method.new_saved(view, images)
        # Per pool tap, 1 where it takes the window's gradient: the first max of z, where the max is positive.
        masks = np.empty((images * rows_per_image, filters), dtype=linear.dtype)
        for chunk in _chunks(images, method.per_image, least):  # a few images at a time, z staying in cache
            z = method.outputs(view, saved, chunk)
            _pool(list(tap_major(z, chunk)), out[part][chunk], tap_major(masks[rows(chunk)], chunk))
        return saved, padded.shape, masks

    saved_parts = batch_parallel.run(forward_part, range(len(linear.pieces)))

    def backward(g):
        g = np.asarray(g)
        g_x = linear.input_gradient_buffer(np.result_type(g, linear.dtype)) if input_gradient else None

        def backward_part(index):
            part = linear.pieces[index]
            saved, padded_shape, masks = saved_parts[index]
            chunks = _chunks(part.stop - part.start, method.per_image, least)
            # One chunk's gradient of z at a time, so it stays in cache (the first chunk is the largest).
            gz = np.empty((rows(chunks[0]).stop, filters), dtype=np.result_type(g, masks))
            g_padded = None if g_x is None else _input_gradient_target(g_x[part], padded_shape, linear.spatial_pads)
            g_view = None if g_padded is None else method.gradient_view(g_padded)
            total = None
            for chunk in chunks:
                gz_chunk = gz[:rows(chunk).stop - rows(chunk).start]
                np.multiply(tap_major(masks[rows(chunk)], chunk), g[part][chunk], out=tap_major(gz_chunk, chunk))
                gradients = method.backward(saved, chunk, gz_chunk, g_view)
                total = gradients if total is None else [np.add(a, b, out=a) for a, b in zip(total, gradients)]
            if g_padded is not None and g_padded.shape != g_x[part].shape:  # padded: its interior is the gradient
                g_x[part] = g_padded[windows.interior(g_x[part].shape, linear.spatial_pads)]
            return method.weights_gradient(*total)

        return (g_x, *linear.parameter_gradients(batch_parallel.run(backward_part, range(len(linear.pieces)))))

    return out, backward


class _WindowMatrix:
    """The convolution as conv computes it, through its window matrix (conv's numbers), the matrix's
    rows pool tap first (windows.pooled_view): the chunk-by-chunk forward and backward
    conv_max_pool runs where Winograd's tiles do not fit."""

    def __init__(self, linear, pool_size, pooled_shape):
        self.linear, self.pool_size, self.pooled_shape = linear, pool_size, pooled_shape
        self.rank = len(pool_size)
        self.rows_per_image = math.prod(pool_size) * math.prod(pooled_shape)
        self.per_image = self.rows_per_image * linear.shape[-1]  # z's elements
        self.threaded_images = math.ceil(THREADED_WORK / (self.rows_per_image * len(linear.weights)))

    def view(self, padded):
        """The windows a part's padded input gives its pooled outputs: (*pool, images, *pooled, *window, C)."""
        linear = self.linear
        return windows.pooled_view(padded, linear.kernel_size, linear.strides, linear.dilation_rate,
                                   self.pool_size, self.pooled_shape)

    def gradient_view(self, g_padded):
        linear = self.linear
        return windows.pooled_tap_views(g_padded, linear.kernel_size, linear.strides, linear.dilation_rate,
                                        self.pool_size, self.pooled_shape)

    def new_saved(self, view, images):
        """The window matrix of `images` images, kept from the forward pass for the kernel's gradient."""
        return new_window_matrix(view, self.rank, images * self.rows_per_image, ones=self.linear.bias is not None)

    def outputs(self, view, saved, images):
        """z's rows of `images` (a slice of the part), pool tap first: their windows copied into
        `saved`, one product."""
        cols = saved[self._rows(images)]
        matrix_of_windows(view[(slice(None),) * self.rank + (images,)], self.rank, self.linear.bias is not None,
                          out=cols)
        return np.matmul(cols, self.linear.weights)

    def backward(self, saved, images, gz, g_view):
        """Add `images`' input gradient into `g_view` (gradient_view's) when given; return the chunk's
        gradient of the weights (the kernel's rows, then the bias's)."""
        if g_view is not None:
            _add_input_gradient(gz, self.linear.kernel, g_view[(slice(None),) * (2 * self.rank) + (images,)])
        return (saved[self._rows(images)].T @ gz,)  # its last row, against the ones, is the bias gradient

    def weights_gradient(self, g_weights):
        return g_weights

    def _rows(self, images):
        return _image_rows(images, self.rows_per_image)


def _image_rows(images, rows_per_image):
    """The rows of `images` (a slice of a part's images) in an array of `rows_per_image` rows an image."""
    return slice(images.start * rows_per_image, images.stop * rows_per_image)


def _chunks(images, per_image, least):
    """Slices of range(images) of about CHUNK elements (`per_image` each), at least `least` images
    each (all the images, where fewer)."""
    step = max(1, CHUNK // per_image, least)
    return [slice(start, min(start + step, images)) for start in range(0, images, step)]


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
    g_taps = np.matmul(gz, tap_kernels(kernel))
    for g_tap, tap in zip(g_taps, windows.taps(kernel.shape[:-2])):
        target = tap_views[tap]
        target += g_tap.reshape(target.shape)
