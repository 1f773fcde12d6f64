"""TensorFlow's comparisons, logic and rounding (``tf.equal``, ``tf.logical_and``, ``tf.round``...).

Comparisons give bool Tensors and carry no gradient; ``sign``'s gradient is zero, as in TF.
The accuracy idiom works as written:

>>> import glassnet as tf
>>> float(tf.reduce_mean(tf.cast(tf.equal([1, 2, 3], [1, 0, 3]), tf.float32)))
0.6666666865348816
"""
from glassnet import tensor_args as args
from glassnet.autodiff import convert_to_tensor, ops
from glassnet.keras.op_dispatch import dispatch_module as _dispatch_module


def _pair(x, y):
    return convert_to_tensor(x), convert_to_tensor(y)


def equal(x, y, name=None):
    return ops.equal(*_pair(x, y))


def not_equal(x, y, name=None):
    return ops.not_equal(*_pair(x, y))


def greater(x, y, name=None):
    return ops.greater(*_pair(x, y))


def greater_equal(x, y, name=None):
    return ops.greater_equal(*_pair(x, y))


def less(x, y, name=None):
    return ops.less(*_pair(x, y))


def less_equal(x, y, name=None):
    return ops.less_equal(*_pair(x, y))


def _booleans(name, x, owner):
    x = convert_to_tensor(x)
    if x.dtype.kind != "b":
        args.fail(name, f"a {x.dtype} tensor", "a bool tensor", owner)
    return x


def logical_and(x, y, name=None):
    return ops.logical_and(_booleans("x", x, "logical_and"), _booleans("y", y, "logical_and"))


def logical_or(x, y, name=None):
    return ops.logical_or(_booleans("x", x, "logical_or"), _booleans("y", y, "logical_or"))


def logical_not(x, name=None):
    return ops.logical_not(_booleans("x", x, "logical_not"))


def reduce_any(input_tensor, axis=None, keepdims=False, name=None):
    x = _booleans("input_tensor", input_tensor, "reduce_any")
    return ops.any(x, axis=args.axis("axis", axis, x.ndim, "reduce_any"), keepdims=bool(keepdims))


def reduce_all(input_tensor, axis=None, keepdims=False, name=None):
    x = _booleans("input_tensor", input_tensor, "reduce_all")
    return ops.all(x, axis=args.axis("axis", axis, x.ndim, "reduce_all"), keepdims=bool(keepdims))


def sign(x, name=None):
    """-1, 0 or 1 by the sign of each element; the gradient is zero."""
    return ops.sign(convert_to_tensor(x))


def round(x, name=None):  # noqa: A001 - TensorFlow's name
    """Nearest integer, halves to even (``round(2.5) == 2``), in x's dtype. Not differentiable."""
    return ops.round(convert_to_tensor(x))


def floor(x, name=None):
    """Largest integer not above x, in x's dtype. Not differentiable."""
    return ops.floor(convert_to_tensor(x))


_dispatch_module(globals(), "tf")  # on KerasTensors, each function records a TFOpLambda layer
