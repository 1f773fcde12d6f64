"""N-d transposed convolution (channels_last), as Keras's ``ops.conv_transpose`` plus bias and activation.

A transposed convolution is the input gradient of a convolution: each input position's vector is
spread through the kernel onto the output positions a convolution's window would have read from,
and summed there. So its forward pass is convolution.scatter_windows (the convolution's own
input-gradient code) and its backward pass is the convolution's forward (the input gradient: the
output gradient seen through windows, times the kernel) and its kernel gradient (the same window
matrix against the input), all with convolution.py's machinery.

Output length per axis, from Keras's padding rule for JAX (backend_utils): with
``k = dilation * (kernel - 1) + 1``, JAX pads the stride-dilated input ``(n - 1) * stride + 1``
with (left, right) and convolves 'valid', so ``length = (n - 1) * stride + left + right - k + 2``,
and the full scatter (``(n - 1) * stride + k`` long) is cropped by ``k - 1 - left`` at the start.
"""
import math

import numpy as np

from glassnet.autodiff.ops import convolution, windows
from glassnet.autodiff.ops.nn import relu
from glassnet.autodiff.primitive import primitive


def keras_pads(kernel, stride, dilation, padding, output_padding):
    """Keras's (left, right) JAX padding of one axis (backend_utils, conv transpose, keras to jax)."""
    k = (kernel - 1) * dilation + 1
    if padding == "valid":
        extra = max(k, stride) - k if output_padding is None else output_padding
        return k - 1, k - 1 + extra
    total = stride + k - 2 if output_padding is None else k + k % 2 - 2 + output_padding
    left = min(total // 2 + total % 2, k - 1)
    return left, total - left


def output_size(size, kernel, stride, dilation, padding, output_padding):
    """The transposed convolution's output length along one axis (Keras's, for the JAX backend)."""
    left, right = keras_pads(kernel, stride, dilation, padding, output_padding)
    return (size - 1) * stride + left + right - (kernel - 1) * dilation + 1


@primitive
def conv_transpose(x, kernel, bias=None, *, strides=1, padding="valid", output_padding=None, dilation_rate=1,
                   activation=None, input_gradient=True):
    """``activation(conv_transpose(x, kernel) + bias)`` as one op, channels_last, as Keras's ConvTranspose layers.

    Args:
        x: ``(batch, *spatial, in_channels)``.
        kernel: ``(*kernel_size, filters, in_channels)``, Keras's layout.
        bias: ``(filters,)`` or None.
        strides, dilation_rate: an int or one per spatial axis.
        padding: 'valid' or 'same'.
        output_padding: None, or an int or one per axis (each below its stride): extra length at the end.
        activation: a primitive of glassnet.autodiff.ops (``relu``...), or None for linear.
        input_gradient: False skips the gradient with respect to `x`.

    Returns ``(batch, *out_spatial, filters)``, each length given by `output_size`.
    """
    windows.require_spatial("conv_transpose", x)
    rank = kernel.ndim - 2
    kernel_size = kernel.shape[:rank]
    strides = convolution.per_axis(strides, rank)
    dilation_rate = convolution.per_axis(dilation_rate, rank)
    output_padding = (None,) * rank if output_padding is None else convolution.per_axis(output_padding, rank)
    in_shape = x.shape[1:-1]
    # As the convolution whose input gradient this is: its (padded) input has `padded` positions per
    # axis, of which this op's output is the interior after `crop` (before) and `after` positions.
    spatial_pads, padded = [], []
    for n, k, s, d, extra in zip(in_shape, kernel_size, strides, dilation_rate, output_padding):
        length = output_size(n, k, s, d, padding, extra)
        before = (k - 1) * d - keras_pads(k, s, d, padding, extra)[0]
        padded.append(max((n - 1) * s + (k - 1) * d + 1, before + length))  # the scatter reaches (n-1)s + k
        spatial_pads.append((before, padded[-1] - before - length))
    filters = kernel.shape[-2]
    padded_shape = (x.shape[0], *padded, filters)
    rows = x.reshape(-1, x.shape[-1])
    z = convolution.scatter_windows(rows, kernel, padded_shape, spatial_pads, strides, dilation_rate, in_shape)
    if bias is not None:
        z += bias  # z is this op's own array
    if activation is relu:  # in place, as conv: out > 0 exactly where z > 0
        out = np.maximum(z, 0, out=z)
        activation_backward = lambda g: convolution.where_positive(np.asarray(g), out)  # noqa: E731
    else:
        out, activation_backward = (z, None) if activation is None else activation.forward(z)

    def backward(g):
        gz = g if activation_backward is None else activation_backward(g)
        # The output gradient, padded back to the scattered extent, seen through the kernel's windows:
        # one row per input position.
        cols = convolution.window_matrix(windows.pad(gz, spatial_pads), kernel_size, strides, dilation_rate, in_shape)
        g_kernel = (cols.T @ rows).reshape(kernel.shape)
        g_x = None
        if input_gradient:
            g_x = (cols @ kernel.reshape(math.prod(kernel_size) * filters, -1)).reshape(x.shape)
        g_bias = None if bias is None else gz.reshape(-1, filters).sum(axis=0)
        return g_x, g_kernel, g_bias

    return out, backward
