"""The primitive ops, and the Tensor operators that call them."""
import numpy as np

from glassnet.autodiff.ops.arithmetic import (
    abs, add, clip, divide, exp, log, matmul, maximum, minimum, multiply, negative,
    power, sqrt, square, subtract, where,
)
from glassnet.autodiff.ops.nn import (
    dense, elu, leaky_relu, log_sigmoid, log_softmax, relu, sigmoid, softmax, softplus, tanh,
)
from glassnet.autodiff.ops.convolution import conv
from glassnet.autodiff.ops.conv_pool import conv_max_pool
from glassnet.autodiff.ops.conv_transpose import conv_transpose
from glassnet.autodiff.ops.pooling import average_pool, max_pool
from glassnet.autodiff.ops.reduction import logsumexp, max, mean, min, sum
from glassnet.autodiff.ops.shape import cast, concatenate, getitem, reshape, stack, transpose
from glassnet.autodiff.ops.special import erf
from glassnet.autodiff.ops.comparison import (
    all, any, equal, floor, greater, greater_equal, less, less_equal, logical_and, logical_not, logical_or,
    not_equal, round, sign,
)
from glassnet.autodiff.ops.creation import (
    arange, broadcast_shape, full, full_like, linspace, nonzero, result_type, shape_of, to_numpy, true_coordinates,
)
from glassnet.autodiff.ops.cumulative import cumsum, prod
from glassnet.autodiff.ops.indexing import (
    gather_nd, one_hot, pad, take, take_along_axis, tile, with_batch_coordinates,
)
from glassnet.autodiff.ops.linalg import singular_values
from glassnet.autodiff.ops.sorting import argmax, argmin, argsort, sort
from glassnet.autodiff.tensor import Tensor


def _pow(a, exponent):
    if isinstance(exponent, Tensor):
        return exp(multiply(exponent, log(a)))
    return power(a, exponent=exponent)


def _key(key):
    """A NumPy index from one that may hold Tensors."""
    if isinstance(key, tuple):
        return tuple(_key(k) for k in key)
    return key.value if isinstance(key, Tensor) else key


def _compare(fn):
    return lambda a, b: Tensor(fn(a.value, b.value if isinstance(b, Tensor) else b))


_OPERATORS = {
    "__add__": add, "__radd__": lambda a, b: add(b, a),
    "__sub__": subtract, "__rsub__": lambda a, b: subtract(b, a),
    "__mul__": multiply, "__rmul__": lambda a, b: multiply(b, a),
    "__truediv__": divide, "__rtruediv__": lambda a, b: divide(b, a),
    "__matmul__": matmul, "__rmatmul__": lambda a, b: matmul(b, a),
    "__pow__": _pow, "__rpow__": lambda a, b: _pow(b if isinstance(b, Tensor) else Tensor(np.asarray(b, a.dtype)), a),
    "__neg__": negative, "__pos__": lambda a: a, "__abs__": abs,
    "__getitem__": lambda a, key: getitem(a, key=_key(key)),
    "__lt__": _compare(lambda x, y: x < y), "__le__": _compare(lambda x, y: x <= y),
    "__gt__": _compare(lambda x, y: x > y), "__ge__": _compare(lambda x, y: x >= y),
    "__eq__": _compare(lambda x, y: x == y), "__ne__": _compare(lambda x, y: x != y),
}
for _name, _fn in _OPERATORS.items():
    setattr(Tensor, _name, _fn)
Tensor.T = property(lambda a: transpose(a))
Tensor.__floordiv__ = lambda a, b: Tensor(a.value // (b.value if isinstance(b, Tensor) else b))
Tensor.__mod__ = lambda a, b: Tensor(a.value % (b.value if isinstance(b, Tensor) else b))
Tensor.__invert__ = lambda a: Tensor(~a.value)
Tensor.__and__ = lambda a, b: Tensor(a.value & (b.value if isinstance(b, Tensor) else b))
Tensor.__or__ = lambda a, b: Tensor(a.value | (b.value if isinstance(b, Tensor) else b))
