"""glassnet: the Keras way of training neural networks, in readable Python on NumPy.

Code written for TensorFlow runs by changing its import::

    import glassnet as tf
    model = tf.keras.Sequential([tf.keras.layers.Dense(1, activation="sigmoid")])
"""
from glassnet import autograph, dtypes, inspect, keras, math, nn, plot, random, utils
from glassnet.autodiff import GradientTape, Tensor, TensorShape, Variable, convert_to_tensor
from glassnet.dtypes import bool, float16, float32, float64, int32, int64, uint8  # noqa: A004
from glassnet.logging_utils import get_logger
from glassnet.math import reduce_max, reduce_mean, reduce_min, reduce_sum

__version__ = "0.1.0"


def constant(value, dtype=None):
    """A Tensor holding `value` (Python floats become float32, as in TensorFlow)."""
    return convert_to_tensor(value, dtype)


def function(fn=None, **kwargs):
    """``@tf.function`` runs the Python function as written (there is no graph to trace)."""
    return fn if fn is not None else (lambda f: f)


__all__ = [
    "GradientTape", "Tensor", "TensorShape", "Variable", "autograph", "constant", "convert_to_tensor",
    "dtypes", "function", "get_logger", "inspect", "keras", "math", "nn", "plot", "random", "utils",
]
