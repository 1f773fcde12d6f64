"""A relu convolution followed by max pooling of tiling windows, as one op: what Keras's
``Conv2D(..., activation="relu")`` then ``MaxPooling2D()`` compute, bit for bit.

relu is monotonic, so ``max_pool(relu(z)) == relu(max_pool(z))``: this op pools the
convolution's output ``z`` first and rectifies the pooled array, 4x smaller for 2x2 windows,
so neither the relu nor its mask in the backward pass runs on the full-size output.

The gradients are the same numbers too. Where a window's max ``p`` is positive, the element
that takes the gradient is the first one equal to ``p``, in ``z`` as in ``relu(z)`` (they are
equal exactly there), and relu's mask there is 1. Where ``p <= 0``, relu's gradient (0 at 0, as
Keras) zeroes the whole window in both orders. Each zero keeps the sign of the output gradient,
as in the two separate ops (both multiply by masks of 0 and 1). The forward values agree even
for signed zeros, because a matrix product never yields -0 (its sums start from +0). One case
differs: a NaN in ``z`` (the separate ops send the gradient to the window's last element when
its relu is positive; here relu's mask at the NaN max is 0), after which the loss is NaN anyway.

Each part of the batch (one per BLAS thread; see batch_parallel) runs the convolution, pooling
and relu, and backward the pooling's and the convolution's gradients, whole on one thread. The
forward pass also marks, while ``z`` is fresh from the product, the element of each window that
takes its gradient (relu's mask folded in), and lets ``z`` go: the backward pass is then one
multiply of those 0/1 masks by the output's gradient, written straight into the gradient of
``z``. In a W4 training step at one thread this took ~10% off the step against the same op
reading ``z`` again in its backward pass to find the winners (which the separate ops do).
"""
import math

import numpy as np

from glassnet.autodiff.ops import batch_parallel, pooling, windows
from glassnet.autodiff.ops.convolution import Convolution, per_axis
from glassnet.autodiff.primitive import primitive

# Elements of z computed and pooled at a time: z stays in a core's cache between the product that
# writes it and the passes that read it (W4's first convolution, one thread: its forward pass
# 6.3 -> 4.5 ms, with the window taps gathered contiguous; no change on the second). A product's
# row does not depend on the rows computed with it (OpenBLAS's kernels sum each one the same way;
# tests/autodiff/test_conv_pool_ops.py checks it down to one image a product), so z is the
# convolution's own, bit for bit.
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
    out = np.empty((linear.shape[0], *pooled_shape, linear.shape[-1]), dtype=linear.dtype)
    # Per window tap, 1 where it takes the window's gradient: the first max of z, where the max is positive.
    masks = np.empty((math.prod(pool_size), *out.shape), dtype=linear.dtype)

    def forward_part(index):
        saved = linear.window_part(index)
        part, rows = linear.pieces[index], math.prod(linear.out_shape)
        for images in _chunks(part, linear.shape):  # a few images at a time, z staying in cache
            z = np.empty((images.stop - images.start, *linear.shape[1:]), dtype=linear.dtype)
            np.matmul(saved[0][(images.start - part.start) * rows:(images.stop - part.start) * rows],
                      linear.weights, out=z.reshape(-1, linear.shape[-1]))
            _pool(z, pool_size, out[images], masks[:, images])
        return saved

    columns = batch_parallel.run(forward_part, range(len(linear.pieces)))

    def backward(g):
        g = np.asarray(g)
        gz = np.empty(linear.shape, dtype=np.result_type(g, masks))
        g_x = linear.input_gradient_buffer(gz.dtype) if input_gradient else None

        def backward_part(index):
            part = linear.pieces[index]
            for images in _chunks(part, linear.shape):
                pooling.scatter_tiles(masks[:, images], g[images], pool_size, gz[images])
            pooling.clear_ragged_edge(gz[part], pool_size, pooled_shape)  # here, on this part's thread
            return linear.backward_part(index, columns[index], gz[part], g_x)

        return (g_x, *linear.parameter_gradients(batch_parallel.run(backward_part, range(len(linear.pieces)))))

    return out, backward


def _chunks(part, shape):
    """The images of `part` in slices of about CHUNK elements of z (of `shape`), at least one image each."""
    step = max(1, CHUNK // math.prod(shape[1:]))
    return [slice(start, min(start + step, part.stop)) for start in range(part.start, part.stop, step)]


def _pool(z, pool_size, out, masks):
    """relu of each window's max of `z` into `out`, and into `masks` 1 for the taps that take the
    gradient: each window's first max, where that max is positive (relu's gradient is 0 at 0 too,
    as Keras's). Done here, while z is fresh, the backward pass need not read z again."""
    taps = list(pooling.gather_tiles(z, pool_size, out.shape[1:-1]))
    peaks = pooling.max_of(taps, out=np.empty_like(out))
    np.maximum(peaks, 0, out=out)
    dead = np.logical_not(np.greater(peaks, 0))
    pooling.first_winner_masks(peaks, taps, masks.dtype, masks=masks, taken=dead)
