"""``tf.math``: elementwise math and reductions under TensorFlow's names.

Inputs may be NumPy arrays, lists, numbers or Tensors; results are Tensors. All
but :func:`argmax` are built on the autodiff ops, so gradients flow through them.
A Python number beside an array takes the array's dtype (``multiply(x32, 0.5)``
stays float32), as TensorFlow's constants do.

>>> import glassnet as tf
>>> tf.math.reduce_sum([[1.0, 2.0], [3.0, 4.0]], axis=0).numpy()
array([4., 6.], dtype=float32)
"""
import numbers

import numpy as np

from glassnet.autodiff import Tensor, convert_to_tensor, ops
from glassnet.keras import activations

sigmoid = activations.sigmoid
tanh = activations.tanh


def exp(x, name=None):
    return ops.exp(convert_to_tensor(x))


def log(x, name=None):
    """Natural logarithm."""
    return ops.log(convert_to_tensor(x))


def sqrt(x, name=None):
    return ops.sqrt(convert_to_tensor(x))


def square(x, name=None):
    return ops.square(convert_to_tensor(x))


def abs(x, name=None):  # noqa: A001 - TensorFlow's name
    return ops.abs(convert_to_tensor(x))


def softplus(features, name=None):
    """``log(1 + exp(features))``, computed without overflow."""
    return ops.softplus(convert_to_tensor(features))


def log_sigmoid(x, name=None):
    """``log(sigmoid(x)) = -softplus(-x)``, exact where sigmoid(x) would round to 0."""
    return ops.log_sigmoid(convert_to_tensor(x))


def _axis(axis):
    # NumPy reduces over several axes only when they come as a tuple.
    return tuple(axis) if isinstance(axis, list) else axis


def reduce_sum(input_tensor, axis=None, keepdims=False, name=None):
    """Sum over `axis` (an int, a list, or None for all axes)."""
    return ops.sum(convert_to_tensor(input_tensor), axis=_axis(axis), keepdims=keepdims)


def reduce_mean(input_tensor, axis=None, keepdims=False, name=None):
    """Mean over `axis` (an int, a list, or None for all axes)."""
    return ops.mean(convert_to_tensor(input_tensor), axis=_axis(axis), keepdims=keepdims)


def reduce_max(input_tensor, axis=None, keepdims=False, name=None):
    """Maximum over `axis`; tied maxima share the gradient equally."""
    return ops.max(convert_to_tensor(input_tensor), axis=_axis(axis), keepdims=keepdims)


def reduce_min(input_tensor, axis=None, keepdims=False, name=None):
    """Minimum over `axis`; tied minima share the gradient equally."""
    return ops.min(convert_to_tensor(input_tensor), axis=_axis(axis), keepdims=keepdims)


def _is_number(x):
    return isinstance(x, numbers.Number) and not isinstance(x, (np.generic, Tensor))


def _operands(x, y):
    """Tensors for x and y, except that a Python number beside an array stays a number,
    so NumPy gives the result the array's dtype."""
    if _is_number(y) and not _is_number(x):
        return convert_to_tensor(x), y
    if _is_number(x) and not _is_number(y):
        return x, convert_to_tensor(y)
    return convert_to_tensor(x), convert_to_tensor(y)


def add(x, y, name=None):
    return ops.add(*_operands(x, y))


def subtract(x, y, name=None):
    return ops.subtract(*_operands(x, y))


def multiply(x, y, name=None):
    return ops.multiply(*_operands(x, y))


def divide(x, y, name=None):
    """``x / y`` (true division)."""
    return ops.divide(*_operands(x, y))


def maximum(x, y, name=None):
    """Elementwise maximum; where x == y the gradient goes to x."""
    return ops.maximum(*_operands(x, y))


def minimum(x, y, name=None):
    """Elementwise minimum; where x == y the gradient goes to x."""
    return ops.minimum(*_operands(x, y))


def argmax(input, axis=None, output_type="int64", name=None):  # noqa: A002 - TensorFlow's name
    """Index of the largest value along `axis` (None means axis 0, as in TensorFlow).

    Ties give the first index. Not differentiable. Returns an int64 Tensor by default.

    >>> argmax([[1.0, 5.0], [7.0, 2.0]], axis=1).numpy()
    array([1, 0])
    """
    values = np.asarray(convert_to_tensor(input))
    return Tensor(np.argmax(values, axis=0 if axis is None else axis).astype(output_type))
