"""Keras 3's NumPy-like ops (``keras.ops.sum``, ``keras.ops.take``...), eager only.

Where Keras's signature is TensorFlow's, the function is the very object of ``tf.*``
(``keras.ops.square is tf.math.square``); where the arguments or the semantics differ
(``axis=None`` flattening in ``argmax``, NumPy's ``norm``), a thin adapter calls the same ops.
"""
import numbers

from glassnet import array_ops, comparison_ops, creation_ops, norms
from glassnet import math as tfmath
from glassnet import tensor_args as args
from glassnet.autodiff import Tensor, convert_to_tensor, ops
from glassnet.keras.op_dispatch import dispatch_module as _dispatch_module

exp = tfmath.exp
log = tfmath.log
sqrt = tfmath.sqrt
square = tfmath.square
tanh = tfmath.tanh
erf = tfmath.erf


def abs(x):  # noqa: A001 - Keras's name
    """|x|; the slope at 0 is +1, as JAX's (tf.abs's is 0)."""
    return ops.abs(convert_to_tensor(x))


absolute = abs


def add(x1, x2):
    return ops.add(*args.operands(x1, x2))


def subtract(x1, x2):
    return ops.subtract(*args.operands(x1, x2))


def multiply(x1, x2):
    return ops.multiply(*args.operands(x1, x2))


def divide(x1, x2):
    return ops.divide(*args.operands(x1, x2))


def power(x1, x2):
    return tfmath.pow(x1, x2)


def negative(x):
    return ops.negative(convert_to_tensor(x))


def maximum(x1, x2):
    """On a tie the gradient is split equally, as JAX's (tf.maximum gives it all to x1)."""
    return ops.maximum(*args.operands(x1, x2))


def minimum(x1, x2):
    return ops.minimum(*args.operands(x1, x2))


def _bool_as_int(x):
    """Keras counts booleans in int32 (sum, prod, cumsum)."""
    x = convert_to_tensor(x)
    return ops.cast(x, dtype="int32") if x.dtype.kind == "b" else x


def sum(x, axis=None, keepdims=False):  # noqa: A001 - Keras's name
    return tfmath.reduce_sum(_bool_as_int(x), axis=axis, keepdims=keepdims)


def mean(x, axis=None, keepdims=False):
    """The mean; integer and bool inputs give float32 (TensorFlow's reduce_mean would truncate)."""
    x = convert_to_tensor(x)
    if x.dtype.kind not in "fc":
        x = ops.cast(x, dtype="float32")
    return tfmath.reduce_mean(x, axis=axis, keepdims=keepdims)


def _with_initial(reduced, combine, x, axis, keepdims, initial):
    out = reduced(x, axis=axis, keepdims=keepdims)
    return out if initial is None else combine(out, initial)


def max(x, axis=None, keepdims=False, initial=None):  # noqa: A001 - Keras's name
    return _with_initial(tfmath.reduce_max, maximum, x, axis, keepdims, initial)


def min(x, axis=None, keepdims=False, initial=None):  # noqa: A001 - Keras's name
    return _with_initial(tfmath.reduce_min, minimum, x, axis, keepdims, initial)


def prod(x, axis=None, keepdims=False, dtype=None):
    x = _bool_as_int(x) if dtype is None else creation_ops.cast(x, dtype)
    return tfmath.reduce_prod(x, axis=axis, keepdims=keepdims)


def cumsum(x, axis=None, dtype=None):
    """Running sum along `axis`; None runs over the flattened tensor, as NumPy does."""
    x = _bool_as_int(x) if dtype is None else creation_ops.cast(x, dtype)
    if axis is None:
        x, axis = ops.reshape(x, shape=(-1,)), 0
    return tfmath.cumsum(x, axis=axis)


def _flat_or(x, axis):
    x = convert_to_tensor(x)
    return (ops.reshape(x, shape=(-1,)), 0) if axis is None else (x, axis)


def argmax(x, axis=None, keepdims=False):
    """int32 index of the first maximum along `axis` (None: of the flattened tensor)."""
    x = convert_to_tensor(x)
    axis = args.axis("axis", axis, x.ndim, "argmax")
    return ops.argmax(x, axis=axis, keepdims=keepdims, dtype="int32")


def argmin(x, axis=None, keepdims=False):
    """int32 index of the first minimum along `axis` (None: of the flattened tensor)."""
    x = convert_to_tensor(x)
    axis = args.axis("axis", axis, x.ndim, "argmin")
    return ops.argmin(x, axis=axis, keepdims=keepdims, dtype="int32")


def argsort(x, axis=-1):
    """int32 indices that sort `x` ascending along `axis` (None: flattened); stable."""
    return array_ops.argsort(*_flat_or(x, axis))


def sort(x, axis=-1):
    return array_ops.sort(*_flat_or(x, axis))


def matmul(x1, x2):
    """NumPy's matmul: 1-D operands act as a row or column vector."""
    x1, x2 = convert_to_tensor(x1), convert_to_tensor(x2)
    for name, x in (("x1", x1), ("x2", x2)):
        if x.ndim == 0:
            args.fail(name, x, "a tensor of rank >= 1", "matmul")
    inner = x2.shape[0] if x2.ndim == 1 else x2.shape[-2]
    if x1.shape[-1] != inner:
        args.fail("x2", tuple(x2.shape), f"a shape whose contracted axis has {x1.shape[-1]} elements, "
                  f"to match x1 of shape {tuple(x1.shape)}", "matmul")
    return ops.matmul(x1, x2)


def dot(x1, x2):
    """NumPy's dot: a product with a scalar, an inner product, or a matrix product."""
    x1, x2 = convert_to_tensor(x1), convert_to_tensor(x2)
    if x1.ndim == 0 or x2.ndim == 0:
        return ops.multiply(x1, x2)
    if x2.ndim > 2:
        args.fail("x2", tuple(x2.shape), "a tensor of rank <= 2 (dot over higher ranks is not supported)", "dot")
    if x1.ndim == 1 and x2.ndim == 1:
        return ops.sum(ops.multiply(x1, x2))
    return matmul(x1, x2)


def clip(x, x_min, x_max):
    """x clamped to [x_min, x_max] (bounds in x's dtype); the gradient passes where x is inside,
    bounds included. Not tf.clip_by_value, whose bounds take gradients too."""
    x = convert_to_tensor(x)
    low, high = (ops.to_numpy(v) for v in (x_min, x_max))
    if (low > high).any():
        args.fail("x_min", x_min, f"a value <= x_max={x_max!r}", "clip")
    return ops.clip(x, low=low.astype(x.dtype), high=high.astype(x.dtype))


def where(condition, x1=None, x2=None):
    """Elements of x1 where `condition`, else of x2; with only `condition`, NumPy's ``nonzero``."""
    if x1 is None and x2 is None:
        return tuple(Tensor(i.astype("int32")) for i in ops.nonzero(convert_to_tensor(condition)))
    return array_ops.where(condition, convert_to_tensor(x1), convert_to_tensor(x2))  # NumPy's promotion


# As Tensors, the inputs keep their dtypes and NumPy promotes them (tf.concat converts them to the first's).
def concatenate(xs, axis=0):
    return array_ops.concat([convert_to_tensor(x) for x in xs] if isinstance(xs, (list, tuple)) else xs, axis=axis)


def stack(x, axis=0):
    return array_ops.stack([convert_to_tensor(v) for v in x] if isinstance(x, (list, tuple)) else x, axis=axis)


def reshape(x, newshape):
    return array_ops.reshape(x, newshape)


def transpose(x, axes=None):
    return array_ops.transpose(x, perm=axes)


def expand_dims(x, axis):
    return array_ops.expand_dims(x, axis)


def squeeze(x, axis=None):
    return array_ops.squeeze(x, axis=axis)


def take(x, indices, axis=None):
    """Slices at `indices` along `axis` (None: of the flattened tensor); negative indices count
    from the end, as in NumPy."""
    x, axis = _flat_or(x, axis)
    axis = args.axis("axis", axis, x.ndim, "take", allow_none=False)
    idx = convert_to_tensor(indices)
    if idx.dtype.kind not in "iu":
        args.fail("indices", indices, "integer indices", "take")
    n = x.shape[axis]
    if idx.size and (int(ops.min(idx)) < -n or int(ops.max(idx)) >= n):
        args.fail("indices", indices, f"indices in [{-n}, {n}) for axis {axis} of shape {tuple(x.shape)}", "take")
    return ops.take(x, idx, axis=axis)


def take_along_axis(x, indices, axis=None):
    x, axis = _flat_or(x, axis)
    axis = args.axis("axis", axis, x.ndim, "take_along_axis", allow_none=False)
    return ops.take_along_axis(x, convert_to_tensor(indices).numpy(), axis=axis)


def tile(x, repeats):
    """`x` repeated along each axis; `repeats` may be shorter or longer than x's rank (NumPy's rule)."""
    x = convert_to_tensor(x)
    repeats = args.shape("repeats", repeats, "tile")
    rank = len(repeats) if len(repeats) > x.ndim else x.ndim
    x = ops.reshape(x, shape=(1,) * (rank - x.ndim) + tuple(x.shape))
    return array_ops.tile(x, (1,) * (rank - len(repeats)) + repeats)


def pad(x, pad_width, mode="constant", constant_values=None):
    return array_ops.pad(x, pad_width, mode=mode, constant_values=0 if constant_values is None else constant_values)


def zeros(shape, dtype=None):
    return creation_ops.zeros(shape, dtype=args.dtype("dtype", dtype))


def ones(shape, dtype=None):
    return creation_ops.ones(shape, dtype=args.dtype("dtype", dtype))


def full(shape, fill_value, dtype=None):
    value = convert_to_tensor(fill_value, None if dtype is None else args.dtype("dtype", dtype))
    return creation_ops.fill(shape, value)


zeros_like = creation_ops.zeros_like
ones_like = creation_ops.ones_like


def full_like(x, fill_value, dtype=None):
    return ops.full_like(convert_to_tensor(x), fill_value, None if dtype is None else args.dtype("dtype", dtype))


def arange(start, stop=None, step=None, dtype=None):
    """NumPy's arange as Keras gives it: int32 for ints, float32 if any is a float (NumPy scalars
    included), empty where `stop` is behind `start` (tf.range refuses that)."""
    if stop is None:
        start, stop = 0, start
    given = (start, stop, 1 if step is None else step)
    values = [v.numpy().item() if isinstance(v, Tensor) and v.ndim == 0 else v for v in given]
    for name, value in zip(("start", "stop", "step"), values):
        if not isinstance(value, numbers.Real) or isinstance(value, bool):
            args.fail(name, value, "a number", "arange")
    if values[2] == 0:
        args.fail("step", step, "a non-zero step", "arange")
    # (`all` here is keras.ops.all)
    inferred = "int32" if False not in [isinstance(v, numbers.Integral) for v in values] else "float32"
    return ops.arange(*values, args.dtype("dtype", dtype, inferred))


def linspace(start, stop, num=50, endpoint=True, retstep=False, dtype=None, axis=0):
    if not endpoint or retstep:
        args.fail("endpoint" if not endpoint else "retstep", False if not endpoint else True,
                  "the default (endpoint=True, retstep=False)", "linspace")
    num = args.integer("num", num, "linspace", minimum=0)
    first, last = convert_to_tensor(start), convert_to_tensor(stop)
    # float32 (float64 for float64 inputs); tf.linspace gives integer starts float64.
    inferred = "float64" if "float64" in (first.dtype, last.dtype) else "float32"
    out = ops.linspace(first.numpy(), last.numpy(), num, axis, inferred)
    return out if dtype is None else creation_ops.cast(out, dtype)


def norm(x, ord=None, axis=None, keepdims=False):  # noqa: A002 - Keras's name
    """NumPy's norm: of all elements (ord and axis None), of vectors along an int axis (or a 1-D
    x), or of matrices over a pair of axes (or a 2-D x with `ord` given)."""
    x = convert_to_tensor(x)
    if x.dtype.kind != "f":
        x = ops.cast(x, dtype="float32")
    axes = args.axis("axis", axis, x.ndim, "norm")
    if axes is None and ord is not None and x.ndim in (1, 2):
        axes = 0 if x.ndim == 1 else (0, 1)
    if axes is None or isinstance(axes, int):
        allowed = isinstance(ord, (int, float)) and not isinstance(ord, bool)
        if not (ord is None or allowed):
            args.fail("ord", ord, "None, inf, -inf, 0 or a number for a vector norm", "norm")
        return norms.vector_norm(x, 2 if ord is None else ord, axes, bool(keepdims))
    if len(axes) != 2 or ord not in (None, "fro", "nuc", 1, -1, 2, -2, float("inf"), float("-inf")):
        args.fail("ord" if len(axes) == 2 else "axis", ord if len(axes) == 2 else axis,
                  "'fro', 'nuc', 1, -1, 2, -2, inf or -inf over a pair of axes", "norm")
    return norms.matrix_norm(x, "fro" if ord is None else ord, axes, bool(keepdims))


equal = comparison_ops.equal
not_equal = comparison_ops.not_equal
greater = comparison_ops.greater
greater_equal = comparison_ops.greater_equal
less = comparison_ops.less
less_equal = comparison_ops.less_equal
sign = comparison_ops.sign
floor = comparison_ops.floor


def _as_bool(x):
    x = convert_to_tensor(x)
    return x if x.dtype.kind == "b" else ops.not_equal(x, 0)


def logical_and(x1, x2):
    return ops.logical_and(_as_bool(x1), _as_bool(x2))


def logical_or(x1, x2):
    return ops.logical_or(_as_bool(x1), _as_bool(x2))


def logical_not(x):
    return ops.logical_not(_as_bool(x))


def any(x, axis=None, keepdims=False):  # noqa: A001 - Keras's name
    return comparison_ops.reduce_any(_as_bool(x), axis=axis, keepdims=keepdims)


def all(x, axis=None, keepdims=False):  # noqa: A001 - Keras's name
    return comparison_ops.reduce_all(_as_bool(x), axis=axis, keepdims=keepdims)


def round(x, decimals=0):  # noqa: A001 - Keras's name
    if decimals != 0:
        args.fail("decimals", decimals, "0 (rounding to other decimals is not supported)", "round")
    return comparison_ops.round(x)


def logsumexp(x, axis=None, keepdims=False):
    return tfmath.reduce_logsumexp(x, axis=axis, keepdims=keepdims)


def var(x, axis=None, keepdims=False):
    return tfmath.reduce_variance(x, axis=axis, keepdims=keepdims)


def std(x, axis=None, keepdims=False):
    return tfmath.reduce_std(x, axis=axis, keepdims=keepdims)


def top_k(x, k, sorted=True):  # noqa: A002 - Keras's name
    """``(values, indices)`` of the `k` largest along the last axis."""
    return array_ops.top_k(x, k=k)


_dispatch_module(globals(), "keras.ops")  # on KerasTensors, each function records a TFOpLambda layer
