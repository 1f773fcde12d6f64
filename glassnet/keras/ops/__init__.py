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
from glassnet.keras.ops.numpy import (
    abs, absolute, add, arange, argmax, argmin, argsort, clip, concatenate, cumsum, divide, dot, erf,  # noqa: A004
    exp, expand_dims, full, full_like, linspace, log, matmul, max, maximum, mean, min, minimum, multiply,  # noqa: A004
    negative, norm, ones, ones_like, pad, power, prod, reshape, sort, sqrt, square, squeeze, stack, subtract,
    sum, take, take_along_axis, tanh, tile, transpose, where, zeros, zeros_like,  # noqa: A004
)
from glassnet.missing import attribute_error as _attribute_error

__getattr__ = _attribute_error(__name__, "keras.ops")

__all__ = [
    "abs", "absolute", "add", "arange", "argmax", "argmin", "argsort", "cast", "clip", "concatenate",
    "convert_to_numpy", "convert_to_tensor", "cumsum", "divide", "dot", "erf", "exp", "expand_dims", "full",
    "full_like", "gelu", "linspace", "log", "log_softmax", "matmul", "max", "maximum", "mean", "min", "minimum",
    "multiply", "negative", "norm", "one_hot", "ones", "ones_like", "pad", "power", "prod", "relu", "reshape",
    "shape", "sigmoid", "silu", "softmax", "softplus", "sort", "sqrt", "square", "squeeze", "stack", "subtract",
    "sum", "take", "take_along_axis", "tanh", "tile", "transpose", "unstack", "where", "zeros", "zeros_like",
]
