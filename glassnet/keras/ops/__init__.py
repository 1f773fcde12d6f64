"""``keras.ops``: Keras 3's backend-neutral ops, on glassnet's tensors (eager use).

Each returns a Tensor built from the autodiff ops, so gradients flow through it inside a
GradientTape. Where TensorFlow has the same function with the same arguments, the object is
shared (``keras.ops.square is tf.math.square``).

>>> from glassnet.keras import ops
>>> ops.take([[1.0, 2.0], [3.0, 4.0]], [1, 0], axis=1).numpy()
array([[2., 1.],
       [4., 3.]], dtype=float32)
"""
from glassnet.keras.ops.core import cast, convert_to_numpy, convert_to_tensor, shape, unstack
from glassnet.keras.ops.nn import gelu, log_softmax, one_hot, relu, sigmoid, silu, softmax, softplus
from glassnet.keras.ops.numpy import (  # Keras's names shadow builtins: abs, all, any, max...
    abs, absolute, add, all, any, arange, argmax, argmin, argsort, clip, concatenate, cumsum, divide, dot, equal,  # noqa: A004
    erf, exp, expand_dims, floor, full, full_like, greater, greater_equal, less, less_equal, linspace, log,  # noqa: A004
    logical_and, logical_not, logical_or, logsumexp, matmul, max, maximum, mean, min, minimum, multiply, negative,  # noqa: A004
    norm, not_equal, ones, ones_like, pad, power, prod, reshape, round, sign, sort, sqrt, square, squeeze, stack,  # noqa: A004
    std, subtract, sum, take, take_along_axis, tanh, tile, top_k, transpose, var, where, zeros, zeros_like,  # noqa: A004
)
from glassnet.missing import attribute_error as _attribute_error

__getattr__ = _attribute_error(__name__, "keras.ops")

__all__ = [
    "abs", "absolute", "add", "all", "any", "arange", "argmax", "argmin", "argsort", "cast", "clip", "concatenate",
    "convert_to_numpy", "convert_to_tensor", "cumsum", "divide", "dot", "equal", "erf", "exp", "expand_dims",
    "floor", "full", "full_like", "gelu", "greater", "greater_equal", "less", "less_equal", "linspace", "log",
    "log_softmax", "logical_and", "logical_not", "logical_or", "logsumexp", "matmul", "max", "maximum", "mean",
    "min", "minimum", "multiply", "negative", "norm", "not_equal", "one_hot", "ones", "ones_like", "pad", "power",
    "prod", "relu", "reshape", "round", "shape", "sigmoid", "sign", "silu", "softmax", "softplus", "sort", "sqrt",
    "square", "squeeze", "stack", "std", "subtract", "sum", "take", "take_along_axis", "tanh", "tile", "top_k",
    "transpose", "unstack", "var", "where", "zeros", "zeros_like",
]
