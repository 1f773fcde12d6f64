"""N-d convolution (channels_last), as Keras's ``ops.conv`` plus the layer's bias and activation.

The forward pass is im2col: the padded input seen through a strided window view, copied once into
a (positions, window * in_channels) matrix and multiplied by the kernel reshaped to
(window * in_channels, filters): one BLAS matrix product, no loop over output positions. The
backward pass reuses that matrix: the kernel gradient is one product with it, and the input
gradient one product back to window columns, scattered onto the input by one strided add per
kernel tap (col2im).
"""
import math

import numpy as np

from glassnet.autodiff.ops import windows
from glassnet.autodiff.primitive import primitive


def _columns(x, kernel_size, strides, dilation_rate, padding):
    """The padded input's windows as a (positions, window * channels) matrix, and the output's spatial shape."""
    spatial_pads = windows.pads(x.shape[1:-1], kernel_size, strides, dilation_rate, padding)
    padded = windows.pad(x, spatial_pads)
    out_shape = tuple(
        windows.output_size(n, k, s, d, "valid")
        for n, k, s, d in zip(padded.shape[1:-1], kernel_size, strides, dilation_rate)
    )
    view = windows.view(padded, kernel_size, strides, dilation_rate, out_shape)
    rows = x.shape[0] * math.prod(out_shape)
    return view.reshape(rows, -1), out_shape, spatial_pads, padded.shape


@primitive
def conv(x, kernel, bias=None, *, strides=1, padding="valid", dilation_rate=1, activation=None,
         input_gradient=True):
    """``activation(conv(x, kernel) + bias)`` as one op, channels_last, as Keras's Conv layers compute it.

    Args:
        x: ``(batch, *spatial, in_channels)``.
        kernel: ``(*kernel_size, in_channels, filters)``, Keras's layout.
        bias: ``(filters,)`` or None.
        strides, dilation_rate: an int or one per spatial axis.
        padding: 'valid', 'same' (TF's split: the odd unit of padding after) or 'causal' (before only).
        activation: a primitive of glassnet.autodiff.ops (``relu``...), or None for linear.
        input_gradient: False skips the gradient with respect to `x` (a model's first layer).

    Returns ``(batch, *out_spatial, filters)``.
    """
    windows.require_spatial("conv", x)
    rank = kernel.ndim - 2
    kernel_size = kernel.shape[:rank]
    strides = _per_axis(strides, rank)
    dilation_rate = _per_axis(dilation_rate, rank)
    cols, out_shape, spatial_pads, padded_shape = _columns(x, kernel_size, strides, dilation_rate, padding)
    filters = kernel.shape[-1]
    k2 = kernel.reshape(-1, filters)
    z = cols @ k2
    if bias is not None:
        z += bias
    z = z.reshape(x.shape[0], *out_shape, filters)
    out, activation_backward = (z, None) if activation is None else activation.forward(z)

    def backward(g):
        gz = g if activation_backward is None else activation_backward(g)
        rows = gz.reshape(-1, filters)
        g_kernel = (cols.T @ rows).reshape(kernel.shape)
        g_bias = None if bias is None else np.add.reduce(rows, axis=0)
        g_x = None
        if input_gradient:
            g_cols = (rows @ k2.T).reshape(x.shape[0], *out_shape, *kernel_size, x.shape[-1])
            g_x = _col2im(g_cols, padded_shape, spatial_pads, kernel_size, strides, dilation_rate, out_shape)
        return g_x, g_kernel, g_bias

    return out, backward


def _col2im(g_cols, padded_shape, spatial_pads, kernel_size, strides, dilation_rate, out_shape):
    """Add each window column's gradient back onto the input position it was read from."""
    rank = len(kernel_size)
    g_padded = np.zeros(padded_shape, dtype=g_cols.dtype)
    lead = (slice(None),) * (rank + 1)
    for tap in windows.taps(kernel_size):
        g_padded[windows.tap_slice(tap, strides, dilation_rate, out_shape)] += g_cols[(*lead, *tap)]
    shape = (padded_shape[0], *(n - b - a for n, (b, a) in zip(padded_shape[1:-1], spatial_pads)), padded_shape[-1])
    return g_padded[windows.interior(shape, spatial_pads)]


def _per_axis(value, rank):
    return (value,) * rank if isinstance(value, int) else tuple(value)
