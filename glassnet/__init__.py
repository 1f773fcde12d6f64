"""glassnet: the Keras way of training neural networks, in readable Python on NumPy.

Code written for TensorFlow runs by changing its import::

    import glassnet as tf
    model = tf.keras.Sequential([tf.keras.layers.Dense(1, activation="sigmoid")])

The tensor functions (``tf.reduce_sum``, ``tf.gather_nd``...) are listed in docs/api.md; a name
glassnet does not have raises an AttributeError that says so.
"""
from glassnet import autograph, dtypes, inspect, keras, linalg, math, nn, plot, random, strings, utils
from glassnet.array_ops import (
    argsort, clip_by_value, concat, expand_dims, gather, gather_nd, newaxis, one_hot, pad, reshape, sort,
    squeeze, stack, tile, top_k, transpose, unstack, where,
)
from glassnet.comparison_ops import (
    equal, floor, greater, greater_equal, less, less_equal, logical_and, logical_not, logical_or, not_equal,
    reduce_all, reduce_any, round, sign,  # noqa: A004
)
from glassnet.autodiff import GradientTape, Tensor, TensorShape, Variable, convert_to_tensor
from glassnet.creation_ops import (
    cast, constant, fill, linspace, ones, ones_like, range, rank, shape, size, zeros, zeros_like,  # noqa: A004
)
from glassnet.dtypes import bool, float16, float32, float64, int32, int64, string, uint8  # noqa: A004
from glassnet.linalg import matmul, norm
from glassnet.keras import losses, metrics  # tf.losses, tf.metrics: TensorFlow 2's aliases of Keras's
from glassnet.logging_utils import get_logger
from glassnet.math import (
    abs, add, add_n, argmax, argmin, cumsum, divide, exp, log, maximum, minimum, multiply, negative, pow,  # noqa: A004
    reduce_logsumexp, reduce_max, reduce_mean, reduce_min, reduce_prod, reduce_std, reduce_sum, reduce_variance,
    sigmoid, sqrt, square, subtract, tanh,
)
from glassnet.missing import attribute_error as _attribute_error
from glassnet import data  # noqa: E402 - after keras, whose checks it uses
from glassnet.tensor_spec import TensorSpec
from glassnet import distribute  # noqa: E402

__version__ = "0.1.0"

# TensorFlow 2's names for Keras's initializers: the same classes, with the same defaults
constant_initializer = keras.initializers.Constant
ones_initializer = keras.initializers.Ones
random_normal_initializer = keras.initializers.RandomNormal
random_uniform_initializer = keras.initializers.RandomUniform
zeros_initializer = keras.initializers.Zeros


def function(fn=None, **kwargs):
    """``@tf.function`` runs the Python function as written (there is no graph to trace)."""
    return fn if fn is not None else (lambda f: f)


__getattr__ = _attribute_error(__name__, "tf")

__all__ = [
    "GradientTape", "Tensor", "TensorShape", "Variable", "abs", "add", "add_n", "argmax", "argmin", "argsort",
    "autograph", "bool", "cast", "clip_by_value", "concat", "constant", "constant_initializer", "convert_to_tensor",
    "cumsum", "divide", "dtypes", "equal", "exp", "expand_dims", "fill", "float16", "float32", "float64", "floor",
    "function", "gather", "gather_nd", "get_logger", "greater", "greater_equal", "inspect", "int32", "int64", "keras",
    "less", "less_equal", "linalg", "linspace", "log", "logical_and", "logical_not", "logical_or", "losses", "math",
    "matmul", "maximum", "metrics", "minimum", "multiply", "negative", "newaxis", "nn", "norm", "not_equal",
    "one_hot", "ones", "ones_initializer", "ones_like", "pad", "plot", "pow", "random", "random_normal_initializer",
    "random_uniform_initializer", "range", "rank", "reduce_all", "reduce_any", "reduce_logsumexp", "reduce_max",
    "reduce_mean", "reduce_min", "reduce_prod", "reduce_std", "reduce_sum", "reduce_variance", "reshape", "round",
    "shape", "sigmoid", "sign", "size", "sort", "sqrt", "square", "squeeze", "stack", "string", "strings", "subtract",
    "tanh", "tile", "top_k", "transpose", "uint8", "unstack", "utils", "where", "zeros", "zeros_initializer",
    "zeros_like",
]
__all__ += ["TensorSpec", "data"]
