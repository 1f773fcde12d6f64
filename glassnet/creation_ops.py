"""TensorFlow's functions that make tensors or describe them: ``tf.zeros``, ``tf.range``, ``tf.shape``...

None is differentiable except ``cast`` between float dtypes, as in TensorFlow.

>>> import glassnet as tf
>>> tf.range(3).numpy(), tf.range(0.0, 1.0, 0.5).numpy()
(array([0, 1, 2], dtype=int32), array([0. , 0.5], dtype=float32))
"""
import numbers

import numpy as np

from glassnet import tensor_args as args
from glassnet.autodiff import Tensor, convert_to_tensor, ops
from glassnet.keras.op_dispatch import dispatch_module as _dispatch_module


def constant(value, dtype=None, shape=None, name=None):
    """A Tensor holding `value` (Python floats become float32, ints int32, as in TensorFlow).

    With `shape`, a scalar fills it and a value with as many elements is reshaped to it.
    """
    x = convert_to_tensor(value, None if dtype is None else args.dtype("dtype", dtype))
    if shape is None:
        return x
    shape = args.shape("shape", shape, "constant")
    count = 1
    for n in shape:
        count *= n
    if x.size == 1:
        return ops.full(shape, x.numpy().reshape(()), x.dtype)
    if x.size != count:
        args.fail("shape", shape, f"a shape with {x.size} elements, or a scalar value", "constant")
    return ops.reshape(x, shape=shape)


def zeros(shape, dtype="float32", name=None):
    return ops.full(args.shape("shape", shape, "zeros"), 0, args.dtype("dtype", dtype))


def ones(shape, dtype="float32", name=None):
    return ops.full(args.shape("shape", shape, "ones"), 1, args.dtype("dtype", dtype))


def zeros_like(input, dtype=None, name=None):  # noqa: A002 - TensorFlow's name
    return ops.full_like(convert_to_tensor(input), 0, None if dtype is None else args.dtype("dtype", dtype))


def ones_like(input, dtype=None, name=None):  # noqa: A002 - TensorFlow's name
    return ops.full_like(convert_to_tensor(input), 1, None if dtype is None else args.dtype("dtype", dtype))


def fill(dims, value, name=None):
    """A tensor of shape `dims` holding `value` everywhere, in `value`'s dtype (float32 for floats)."""
    value = convert_to_tensor(value)
    if value.ndim != 0:
        args.fail("value", value, "a scalar", "fill")
    return ops.full(args.shape("dims", dims, "fill"), value.numpy(), value.dtype)


def _number(name, value, owner):
    if isinstance(value, Tensor) and value.ndim == 0:
        value = value.numpy()[()]
    if not isinstance(value, numbers.Real) or isinstance(value, (bool, np.bool_)):
        args.fail(name, value, "a number", owner)
    return value


# TensorFlow's range takes the widest of its arguments' dtypes in this order (a Python int counts as
# int32, a float as float32; NumPy scalars and Tensors bring their own).
_RANGE_DTYPES = ("int32", "int64", "float16", "float32", "float64")


def _range_dtype(value):
    if isinstance(value, np.generic):
        return value.dtype.name
    return "int32" if isinstance(value, numbers.Integral) else "float32"


def range(start, limit=None, delta=1, dtype=None, name=None):  # noqa: A001 - TensorFlow's name
    """``start, start + delta, ...`` up to but not including `limit` (``range(n)``: 0..n-1).

    The dtype follows the arguments as in TensorFlow: int32 for ints, float32 if any is a float,
    a NumPy scalar's own (int64, float64) when it is the widest. A `limit` behind `start` in the
    direction of `delta` is an error, as in TensorFlow.
    """
    if limit is None:
        start, limit = 0, start
    values = [_number(n, v, "range") for n, v in (("start", start), ("limit", limit), ("delta", delta))]
    if values[2] == 0:
        args.fail("delta", delta, "a non-zero step", "range")
    if (values[1] - values[0]) * values[2] < 0:
        args.fail("limit", limit, f"a limit reached from start={start!r} in steps of delta={delta!r}", "range")
    inferred = max((_range_dtype(v) for v in values),
                   key=lambda d: _RANGE_DTYPES.index(d) if d in _RANGE_DTYPES else -1)
    return ops.arange(*values, args.dtype("dtype", dtype, inferred))


def linspace(start, stop, num, name=None, axis=0):
    """`num` evenly spaced values from `start` to `stop` inclusive, in `start`'s dtype: float32 for
    Python floats, float64 for float64 and (as in TensorFlow) for integer starts."""
    num = args.integer("num", num, "linspace", minimum=0)
    first, last = convert_to_tensor(start), convert_to_tensor(stop)
    dtype = first.dtype if first.dtype.kind == "f" else "float64"
    return ops.linspace(first.numpy(), last.numpy(), num, axis, dtype)


def cast(x, dtype, name=None):
    """`x` in `dtype`; the gradient flows only between float dtypes, as in TensorFlow."""
    return ops.cast(convert_to_tensor(x), dtype=args.dtype("dtype", dtype))


def shape(input, out_type="int32", name=None):  # noqa: A002 - TensorFlow's name
    """The shape of `input` as a 1-D int32 Tensor."""
    return ops.shape_of(convert_to_tensor(input), args.dtype("out_type", out_type))


def size(input, out_type="int32", name=None):  # noqa: A002 - TensorFlow's name
    """The number of elements of `input`, as a 0-d int32 Tensor."""
    return convert_to_tensor(convert_to_tensor(input).size, args.dtype("out_type", out_type))


def rank(input, name=None):  # noqa: A002 - TensorFlow's name
    """The number of axes of `input`, as a 0-d int32 Tensor."""
    return convert_to_tensor(convert_to_tensor(input).ndim, "int32")


_dispatch_module(globals(), "tf")  # on KerasTensors, each function records a TFOpLambda layer
