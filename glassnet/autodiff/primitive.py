"""The `primitive` decorator: turns a NumPy function with a gradient into a tape op.

A primitive is written as one function that computes its forward value from
NumPy arrays and returns it together with its backward function::

    @primitive
    def multiply(a, b):
        def backward(g):
            return sum_to(g * b, np.shape(a)), sum_to(g * a, np.shape(b))
        return a * b, backward

Positional arguments are the differentiable inputs (Tensors, arrays or Python
numbers); keyword arguments are static settings such as ``axis``.

That backward works on NumPy arrays: it is what training runs. For second and higher
derivatives (a gradient taken under an outer tape) an op also states its backward on
Tensors, right below it, with glassnet's own ops, so that the outer tape records it::

    @differentiable_backward(multiply)
    def _multiply_backward(g, a, b, *, out):
        return sum_to(g * b, np.shape(a)), sum_to(g * a, np.shape(b))

See glassnet/autodiff/higher_order.py for why there are two and when each runs.
"""
import functools

import numpy as np

from glassnet.autodiff import tape
from glassnet.autodiff.tensor import Node, Tensor

# NumPy 2 lets a Python number take the dtype of the array it meets (NEP 50); NumPy 1 does so
# only for arrays of one or more dimensions, so 0-d float32 * 0.5 gave float64 there.
_NUMPY_1 = np.lib.NumpyVersion(np.__version__) < "2.0.0"


def primitive(forward):
    @functools.wraps(forward)
    def op(*inputs, **settings):
        arrays = [x._value if isinstance(x, Tensor) else x for x in inputs]
        if _NUMPY_1:
            arrays = _python_numbers_as_array_dtypes(arrays)
        value, backward = forward(*arrays, **settings)
        value = np.asarray(value)  # full reductions give NumPy scalars; a Tensor always holds an array
        if _NUMPY_1 and "dtype" not in settings:
            value, backward = _numpy_2_dtypes(value, backward, arrays)
        if tape.is_recording():
            edges = [(i, x) for i, x in enumerate(inputs) if isinstance(x, Tensor) and tape.is_tracked(x)]
            if edges:
                return Tensor(value, Node(backward, edges, op, inputs, settings))
        return Tensor(value)

    op.forward = forward
    op.differentiable_backward = None  # set by @differentiable_backward(op) below the op
    return op


def differentiable_backward(op):
    """Register the function under it as `op`'s backward on Tensors.

    It is called as ``fn(g, *inputs, out=result, **settings)``: the gradient `g` and the op's
    result `out` are Tensors, the inputs as the op received them. It returns what the NumPy
    backward returns (one gradient per input, None where there is none), computed with
    glassnet's ops so a recording tape records it. Factors that are constant almost everywhere
    (a relu's mask, a maximum's winner) may be NumPy arrays: their derivative is zero.
    """

    def register(fn):
        op.differentiable_backward = fn
        return fn

    return register


def _numpy_2_dtypes(value, backward, arrays):
    """NumPy 1 widens a 0-d float32 meeting a Python float to float64; NumPy 2 (NEP 50) keeps
    float32. The value, and each input's gradient, are given back the dtypes NumPy 2 gives them:
    the value that of its widest float input, a gradient its input's."""
    floats = [a.dtype for a in arrays if isinstance(a, np.ndarray) and a.dtype.kind == "f"]
    if not floats or value.dtype.kind != "f":
        return value, backward
    widest = max(floats, key=lambda dtype: dtype.itemsize)
    if value.dtype.itemsize > widest.itemsize:
        value = value.astype(widest)

    def backward_in_input_dtypes(g, *rest, **options):
        grads = backward(g, *rest, **options)
        if not isinstance(grads, tuple):
            return _as_dtype_of(grads, arrays[0])
        return tuple(_as_dtype_of(grad, a) for grad, a in zip(grads, arrays))
    return value, backward_in_input_dtypes


def _as_dtype_of(grad, array):
    if grad is None or not isinstance(array, np.ndarray) or array.dtype.kind != "f":
        return grad
    grad = np.asarray(grad)
    return grad.astype(array.dtype) if grad.dtype.kind == "f" and grad.dtype != array.dtype else grad


def _python_numbers_as_array_dtypes(arrays):
    """Python numbers take the dtype of the arrays they meet, as NumPy 2 does: the first float
    array's, else (for Python ints) the first integer array's, so 0-d int32 + 1 stays int32."""
    floating = next((a.dtype for a in arrays if isinstance(a, np.ndarray) and a.dtype.kind == "f"), None)
    if floating is not None:
        return [np.asarray(a, floating) if type(a) in (int, float) else a for a in arrays]
    integer = next((a.dtype for a in arrays if isinstance(a, np.ndarray) and a.dtype.kind in "iu"), None)
    if integer is None:
        return arrays
    return [np.asarray(a, integer) if type(a) is int else a for a in arrays]


def sum_to(grad, shape):
    """Undo broadcasting: sum `grad` down to `shape`.

    Every binary op's backward calls this, because a (32, 25) + (25,) addition
    must hand the bias a (25,) gradient: the sum over the broadcast axis.
    """
    if grad.shape == tuple(shape):
        return grad
    if isinstance(grad, Tensor):  # a backward being recorded (see higher_order.py)
        from glassnet.autodiff import ops  # the ops import this module

        return ops.reshape(ops.sum(grad, axis=_broadcast_axes(grad.shape, shape), keepdims=True), shape=tuple(shape))
    return grad.sum(axis=_broadcast_axes(grad.shape, shape), keepdims=True).reshape(shape)


def _broadcast_axes(grad_shape, shape):
    """The axes of `grad_shape` that broadcasting added to, or stretched from, `shape`."""
    extra = len(grad_shape) - len(shape)
    return tuple(range(extra)) + tuple(
        i + extra for i, n in enumerate(shape) if n == 1 and grad_shape[i + extra] != 1
    )


def require_an_axis(op, **inputs):
    """Refuse a 0-d input to an op that works along an axis (softmax, matmul), naming it."""
    for name, x in inputs.items():
        if np.ndim(x) == 0:
            raise ValueError(
                f"Invalid input `{name}` for {op}: expected a tensor with at least 1 dimension, as {op} "
                f"works along an axis. Received: {name} with shape ()"
            )


def unwrap(x):
    """The NumPy value of a Tensor, or `x` itself."""
    return x._value if isinstance(x, Tensor) else x


def as_array(x, dtype=None):
    return np.asarray(unwrap(x), dtype=dtype)
