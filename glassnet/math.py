"""``tf.math``: elementwise math and reductions under TensorFlow's names.

Inputs may be NumPy arrays, lists, numbers or Tensors; results are Tensors. All
but :func:`argmax` are built on the autodiff ops, so gradients flow through them.
A Python number beside an array takes the array's dtype (``multiply(x32, 0.5)``
stays float32), as TensorFlow's constants do, and a NumPy array or list takes the dtype of the
first operand of add, multiply, maximum... (``add(x32, x64_array)`` is float32), as TensorFlow
converts them.

>>> import glassnet as tf
>>> tf.math.reduce_sum([[1.0, 2.0], [3.0, 4.0]], axis=0).numpy()
array([4., 6.], dtype=float32)
"""
import numpy as np

from glassnet import tensor_args as args
from glassnet.array_ops import top_k  # noqa: F401 - tf.math.top_k is tf.nn.top_k
from glassnet.comparison_ops import (  # noqa: F401 - tf.math.equal is tf.equal
    equal, floor, greater, greater_equal, less, less_equal, logical_and, logical_not, logical_or, not_equal,
    reduce_all, reduce_any, round, sign,  # noqa: A004
)
from glassnet.autodiff import convert_to_tensor, ops
from glassnet.keras import activations
from glassnet.missing import attribute_error as _attribute_error
from glassnet.nn import l2_normalize  # noqa: F401 - tf.math.l2_normalize is tf.nn.l2_normalize
from glassnet.keras.op_dispatch import dispatch_module as _dispatch_module

sigmoid = activations.sigmoid
tanh = activations.tanh


def exp(x, name=None):
    """e ** x. An integer input gives NumPy's float64 (TensorFlow refuses it)."""
    return ops.exp(convert_to_tensor(x))


def log(x, name=None):
    """Natural logarithm; ints as in exp."""
    return ops.log(convert_to_tensor(x))


def sqrt(x, name=None):
    """Square root; ints as in exp."""
    return ops.sqrt(convert_to_tensor(x))


def square(x, name=None):
    return ops.square(convert_to_tensor(x))


def abs(x, name=None):  # noqa: A001 - TensorFlow's name
    """|x|; the gradient at 0 is 0 (TensorFlow's sign(0); Keras's keras.ops.abs has +1)."""
    return ops.abs(convert_to_tensor(x), slope_at_zero=0)


def softplus(features, name=None):
    """``log(1 + exp(features))``, computed without overflow."""
    return ops.softplus(convert_to_tensor(features))


def log_sigmoid(x, name=None):
    """``log(sigmoid(x)) = -softplus(-x)``, exact where sigmoid(x) would round to 0."""
    return ops.log_sigmoid(convert_to_tensor(x))


def _in_dtype_of(x, result):
    """Integer inputs give results of their own dtype, as in TensorFlow (NumPy would widen int32
    sums to int64 and give float means; TF's integer mean truncates toward zero)."""
    return ops.cast(result, dtype=x.dtype) if x.dtype.kind in "iu" and result.dtype != x.dtype else result


def _reduced(op, name, input_tensor, axis, keepdims, numbers_only=False):
    x = convert_to_tensor(input_tensor)
    if numbers_only and x.dtype.kind == "b":  # TensorFlow has no bool sum, mean or product
        args.fail("input_tensor", f"a {x.dtype} tensor", "numbers (cast bools first: tf.cast(x, tf.int32))", name,
                  error=TypeError)
    return _in_dtype_of(x, op(x, axis=args.axis("axis", axis, x.ndim, name), keepdims=bool(keepdims)))


def _extreme(op, name, input_tensor, axis, keepdims, lowest):
    """reduce_max/min. Over no elements TensorFlow gives the identity: the dtype's lowest value
    for a maximum (-inf for floats), its highest for a minimum."""
    x = convert_to_tensor(input_tensor)
    axes = args.axis("axis", axis, x.ndim, name)
    if x.size:
        return op(x, axis=axes, keepdims=bool(keepdims))
    shape = np.zeros(x.shape).sum(axis=axes, keepdims=bool(keepdims)).shape
    if x.dtype.kind == "f":
        return ops.full(shape, -np.inf if lowest else np.inf, x.dtype)
    return ops.full(shape, np.iinfo(x.dtype).min if lowest else np.iinfo(x.dtype).max, x.dtype)


def reduce_sum(input_tensor, axis=None, keepdims=False, name=None):
    """Sum over `axis` (an int, a list, or None for all axes)."""
    return _reduced(ops.sum, "reduce_sum", input_tensor, axis, keepdims, numbers_only=True)


def reduce_mean(input_tensor, axis=None, keepdims=False, name=None):
    """Mean over `axis` (an int, a list, or None for all axes)."""
    return _reduced(ops.mean, "reduce_mean", input_tensor, axis, keepdims, numbers_only=True)


def reduce_max(input_tensor, axis=None, keepdims=False, name=None):
    """Maximum over `axis`; tied maxima share the gradient equally; over no elements, -inf."""
    return _extreme(ops.max, "reduce_max", input_tensor, axis, keepdims, lowest=True)


def reduce_min(input_tensor, axis=None, keepdims=False, name=None):
    """Minimum over `axis`; tied minima share the gradient equally; over no elements, inf."""
    return _extreme(ops.min, "reduce_min", input_tensor, axis, keepdims, lowest=False)


def reduce_prod(input_tensor, axis=None, keepdims=False, name=None):
    """Product over `axis`; the gradient is the product of the other elements (exact at zeros)."""
    return _reduced(ops.prod, "reduce_prod", input_tensor, axis, keepdims, numbers_only=True)


def reduce_logsumexp(input_tensor, axis=None, keepdims=False, name=None):
    """``log(sum(exp(x)))`` over `axis`, without overflow; its gradient is the softmax."""
    return _reduced(ops.logsumexp, "reduce_logsumexp", input_tensor, axis, keepdims)


def reduce_variance(input_tensor, axis=None, keepdims=False, name=None):
    """Mean squared deviation from the mean over `axis` (the population variance)."""
    x = convert_to_tensor(input_tensor)
    axis = args.axis("axis", axis, x.ndim, "reduce_variance")
    deviation = x - ops.mean(x, axis=axis, keepdims=True)
    return ops.mean(ops.square(deviation), axis=axis, keepdims=bool(keepdims))


def reduce_std(input_tensor, axis=None, keepdims=False, name=None):
    """Square root of :func:`reduce_variance`."""
    return ops.sqrt(reduce_variance(input_tensor, axis=axis, keepdims=keepdims))


def negative(x, name=None):
    return ops.negative(convert_to_tensor(x))


def cumsum(x, axis=0, exclusive=False, reverse=False, name=None):
    """Running sum along `axis`: ``cumsum([a, b, c]) = [a, a + b, a + b + c]``.

    `exclusive` leaves each element out of its own sum (``[0, a, a + b]``); `reverse` runs
    from the end. Differentiable.
    """
    x = convert_to_tensor(x)
    axis = args.axis("axis", axis, x.ndim, "cumsum", allow_none=False)
    return _in_dtype_of(x, ops.cumsum(x, axis=axis, exclusive=bool(exclusive), reverse=bool(reverse)))


def add_n(inputs, name=None):
    """The elementwise sum of a list of tensors of one shape and dtype."""
    if not isinstance(inputs, (list, tuple)) or not inputs:
        args.fail("inputs", inputs, "a non-empty list of tensors of the same shape", "add_n")
    given = {convert_to_tensor(x).dtype.name for x in inputs if not args.is_number(x)}
    if len(given) > 1:  # TensorFlow converts Python numbers to the tensors' dtype, but casts no array
        args.fail("inputs", sorted(given), "tensors of one dtype, as in TensorFlow", "add_n", error=TypeError)
    tensors = [convert_to_tensor(x) for x in args.matching(list(inputs))]
    if any(t.shape != tensors[0].shape for t in tensors):
        args.fail("inputs", [tuple(t.shape) for t in tensors], "tensors of the same shape", "add_n")
    total = tensors[0]
    for t in tensors[1:]:
        total = ops.add(total, t)
    return total


def erf(x, name=None):
    """The error function."""
    return ops.erf(convert_to_tensor(x))


def pow(x, y, name=None):  # noqa: A001 - TensorFlow's name
    """``x ** y`` elementwise."""
    return convert_to_tensor(x) ** (y if args.is_number(y) else convert_to_tensor(y))


def add(x, y, name=None):
    return ops.add(*args.matching([x, y], tensor_first=False))


def subtract(x, y, name=None):
    return ops.subtract(*args.matching([x, y], tensor_first=False))


def multiply(x, y, name=None):
    return ops.multiply(*args.matching([x, y], tensor_first=False))


def divide(x, y, name=None):
    """``x / y`` (true division)."""
    return ops.divide(*args.matching([x, y], tensor_first=False))


def maximum(x, y, name=None):
    """Elementwise maximum; where x == y all the gradient goes to x, as in TensorFlow (Keras's
    keras.ops.maximum splits it)."""
    return ops.maximum(*args.matching([x, y], tensor_first=False), tie_share=1)


def minimum(x, y, name=None):
    """Elementwise minimum; where x == y all the gradient goes to x, as in TensorFlow."""
    return ops.minimum(*args.matching([x, y], tensor_first=False), tie_share=1)


def _arg_extreme(op, name, values, axis, output_type):
    x = convert_to_tensor(values)
    # axis None means 0, as in TensorFlow; a 0-d input has index 0 (NumPy's and JAX's answer).
    axis = None if x.ndim == 0 and axis is None else args.axis("axis", 0 if axis is None else axis, x.ndim, name)
    output_type = args.dtype("output_type", output_type)
    if output_type not in (np.dtype("int32"), np.dtype("int64")):
        args.fail("output_type", output_type, "tf.int32 or tf.int64", name)
    return op(x, axis=axis, dtype=output_type)


def argmax(input, axis=None, output_type="int64", name=None):  # noqa: A002 - TensorFlow's name
    """Index of the largest value along `axis` (None means axis 0, as in TensorFlow).

    Ties give the first index. Not differentiable. Returns an int64 Tensor by default.

    >>> argmax([[1.0, 5.0], [7.0, 2.0]], axis=1).numpy()
    array([1, 0])
    """
    return _arg_extreme(ops.argmax, "argmax", input, axis, output_type)


def argmin(input, axis=None, output_type="int64", name=None):  # noqa: A002 - TensorFlow's name
    """Index of the smallest value along `axis` (None means axis 0). Not differentiable."""
    return _arg_extreme(ops.argmin, "argmin", input, axis, output_type)




_dispatch_module(globals(), "tf.math")  # on KerasTensors, each function records a TFOpLambda layer


__getattr__ = _attribute_error(__name__, "tf.math")
