"""Argument checks shared by the tensor functions (tf.*, tf.math, tf.linalg, keras.ops).

Each names the argument, the value received and what was expected, and runs before any work.
"""
import numbers

import numpy as np

from glassnet import backend
from glassnet.autodiff import Tensor, convert_to_tensor
from glassnet.keras import validation as check


def tensor(x):
    return convert_to_tensor(x)


def is_number(x):
    return isinstance(x, numbers.Number) and not isinstance(x, (np.generic, Tensor))


def operands(x, y):
    """Tensors for x and y, except that a Python number beside an array stays a number,
    so NumPy gives the result the array's dtype."""
    if is_number(y) and not is_number(x):
        return convert_to_tensor(x), y
    if is_number(x) and not is_number(y):
        return x, convert_to_tensor(y)
    return convert_to_tensor(x), convert_to_tensor(y)


def matching(values, tensor_first=True):
    """An op's inputs in one dtype, as TensorFlow converts them.

    The dtype is that of the first Tensor among them (concat, stack, where), or with
    `tensor_first` False that of the first input (add, maximum, matmul: ``add(x64_array, x32)`` is
    float64); Python numbers are passed over. NumPy arrays and lists are converted to it (a float64
    array beside a float32 tensor becomes float32; a list of Python floats for an integer op is a
    TypeError). Python numbers stay numbers, so NumPy gives them the dtype of the array they meet,
    and Tensors keep their own dtype, so NumPy promotes a mismatch TensorFlow would refuse.
    """
    leader = next((v for v in values if isinstance(v, Tensor)), None) if tensor_first else None
    if leader is None:
        leader = next((convert_to_tensor(v) for v in values if not is_number(v)), None)
    if leader is None:  # only Python numbers: each becomes a tensor of its own kind
        return [convert_to_tensor(v) for v in values]
    return [v if isinstance(v, Tensor) or is_number(v) else convert_to_tensor(v, leader.dtype) for v in values]


def axis(name, value, ndim, owner, allow_none=True):
    """`value` as a non-negative int, a tuple of them, or None; each axis in [-ndim, ndim)."""
    if value is None and allow_none:
        return None
    if ndim == 0:
        raise ValueError(f"Invalid input for {owner}: expected a tensor with at least 1 dimension, as "
                         f"{owner} works along an axis. Received: a tensor with shape () and {name}={value!r}")
    many = isinstance(value, (list, tuple))
    values = list(value) if many else [value]
    expected = f"an integer axis in [{-ndim}, {ndim}) for a tensor of rank {ndim}" + (
        ", a list of them or None" if allow_none else "")
    if many and not allow_none:  # functions of one axis (concat, gather...) take no list
        check.fail(name, value, expected, owner)
    for v in values:
        if isinstance(v, Tensor) and v.ndim == 0:
            v = int(v)
        if not isinstance(v, numbers.Integral) or isinstance(v, bool) or not -ndim <= v < ndim:
            check.fail(name, value, expected, owner)
    normal = tuple(int(v) % ndim for v in values)
    if len(set(normal)) != len(normal):
        check.fail(name, value, "distinct axes", owner)
    return normal if many else normal[0]


def dtype(name, value, default=None):
    """A NumPy dtype from a name, a dtype or a Python type; None gives `default` (floatx when None)."""
    if value is None:
        return backend.standardize_dtype(default)
    try:
        return backend.standardize_dtype(value)
    except ValueError:
        check.fail(name, value, "a dtype such as tf.float32 or 'int32'")


def shape(name, value, owner):
    """A tuple of non-negative ints from a list, tuple, int or 1-D integer Tensor; the items may be
    0-d integer Tensors, as TensorFlow takes ``(tf.shape(x)[0], 4)``."""
    if isinstance(value, Tensor):
        value = value.numpy().tolist()
    dims = [value] if isinstance(value, numbers.Integral) else value
    try:
        dims = tuple(d.numpy().item() if isinstance(d, Tensor) and d.ndim == 0 else d for d in dims)
    except TypeError:
        check.fail(name, value, "a shape: a list or tuple of non-negative integers", owner)
    if not all(isinstance(d, numbers.Integral) and not isinstance(d, bool) and d >= 0 for d in dims):
        check.fail(name, value, "a shape: a list or tuple of non-negative integers", owner)
    return tuple(int(d) for d in dims)


def integer(name, value, owner, minimum=None):
    if isinstance(value, Tensor) and value.ndim == 0:
        value = value.numpy().item()
    return check.integer(name, value, minimum=minimum, owner=owner)


def one_of(name, value, allowed, owner):
    return check.one_of(name, value, allowed, owner=owner)


fail = check.fail
