"""Activation functions, by Keras's names and formulas.

Each takes an array-like or Tensor and returns a Tensor. Strings given to
layers resolve to these very objects, so ``Dense(3, activation='relu').activation
is relu``.
"""
import math
import warnings

import numpy as np

from glassnet.autodiff import convert_to_tensor, ops
from glassnet.keras.identifiers import lookup
from glassnet.keras.op_dispatch import dispatch_module as _dispatch_module


def linear(x):
    """The identity: ``linear(x) = x``."""
    return convert_to_tensor(x)


def sigmoid(x):
    """``1 / (1 + exp(-x))``."""
    return ops.sigmoid(convert_to_tensor(x))


def tanh(x):
    return ops.tanh(convert_to_tensor(x))


def relu(x, negative_slope=0.0, max_value=None, threshold=0.0):
    """``max(x, 0)``; with options, Keras's generalised ReLU."""
    x = convert_to_tensor(x)
    if negative_slope == 0.0 and max_value is None and threshold == 0.0:
        return ops.relu(x)
    out = ops.where(x.value > threshold, x, 0.0 * x)
    if max_value is not None:
        out = ops.clip(out, low=0.0, high=max_value)
    if negative_slope:
        out = out - negative_slope * ops.relu(threshold - x)
    return out


def leaky_relu(x, negative_slope=0.2):
    """``x`` if ``x >= 0`` else ``negative_slope * x`` (0.2, as Keras's function; the layer uses 0.3)."""
    return ops.leaky_relu(convert_to_tensor(x), negative_slope=negative_slope)


def elu(x, alpha=1.0):
    """``x`` if ``x > 0`` else ``alpha * (exp(x) - 1)``."""
    return ops.elu(convert_to_tensor(x), alpha=alpha)


def selu(x):
    """``scale * elu(x, alpha)`` with the self-normalising constants."""
    return 1.0507009873554805 * ops.elu(convert_to_tensor(x), alpha=1.6732632423543772)


def gelu(x, approximate=False):
    """Exact GELU ``0.5 x (1 + erf(x / sqrt 2))``, or the tanh approximation."""
    x = convert_to_tensor(x)
    if approximate:
        inner = math.sqrt(2 / math.pi) * (x + 0.044715 * x**3)
        return 0.5 * x * (1 + ops.tanh(inner))
    return 0.5 * x * (1 + ops.erf(x * (1 / math.sqrt(2))))


def softplus(x):
    """``log(1 + exp(x))``."""
    return ops.softplus(convert_to_tensor(x))


def softsign(x):
    x = convert_to_tensor(x)
    return x / (1 + ops.abs(x))


def silu(x):
    """``x * sigmoid(x)``, also called swish."""
    x = convert_to_tensor(x)
    return x * ops.sigmoid(x)


swish = silu


def exponential(x):
    return ops.exp(convert_to_tensor(x))


def hard_sigmoid(x):
    """``relu6(x + 3) / 6``, Keras 3's definition."""
    return relu6(convert_to_tensor(x) + 3.0) / 6.0


def relu6(x):
    """``min(max(x, 0), 6)``; the gradient is 0 at both corners, as JAX's (so Keras trains that way)."""
    x = convert_to_tensor(x)
    inside = (x.value > 0) & (x.value < 6)
    return ops.where(inside, x, np.clip(x.value, 0, 6).astype(x.dtype))


def softmax(x, axis=-1):
    """``exp(x) / sum(exp(x))`` along `axis`, computed stably.

    Over an axis of size 1 it is always 1; like Keras, it warns, as that is rarely what was meant."""
    x = convert_to_tensor(x)
    if isinstance(axis, int) and x.ndim and x.shape[axis] == 1:
        warnings.warn(_softmax_of_one_message(f"a softmax over axis {axis} of a tensor of shape {tuple(x.shape)}"),
                      UserWarning, stacklevel=2)
    return ops.softmax(x, axis=axis)


def _softmax_of_one_message(what):
    """Keras's warning for a softmax over one value, for `what` (the call, or a layer of one unit)."""
    return (f"You are using {what}. This axis has size 1. The softmax operation will always return the value 1, "
            "which is likely not what you intended. Did you mean to use a sigmoid instead?")


def log_softmax(x, axis=-1):
    return ops.log_softmax(convert_to_tensor(x), axis=axis)


# On KerasTensors, ``tf.nn.sigmoid(x)`` and the like record a TFOpLambda layer (keras/op_dispatch.py);
# wrapped before the name table below is made, so names and functions give the same objects.
_dispatch_module(globals(), "keras.activations")

_BY_NAME = {
    fn.__name__: fn
    for fn in (linear, sigmoid, tanh, relu, leaky_relu, elu, selu, gelu, softplus, softsign,
               silu, exponential, hard_sigmoid, relu6, softmax, log_softmax)
}
_BY_NAME["swish"] = silu


def get(identifier):
    """The activation function for a name, a function, or None (linear)."""
    if identifier is None:
        return linear
    if isinstance(identifier, str):
        return lookup(_BY_NAME, identifier, "activation function", "activations")
    if isinstance(identifier, dict):  # a saved custom function: {"class_name": "function", "config": its name}
        from glassnet.keras.saving.serialization_lib import deserialize_keras_object
        return deserialize_keras_object(identifier)
    if callable(identifier):
        return identifier
    raise TypeError(
        f"activation must be a string, a callable or None. Received: {identifier!r} "
        f"of type {type(identifier).__name__}"
    )


def serialize(activation):
    """What Keras writes in configs: ``'relu'`` for the built-ins; for a function registered with
    ``register_keras_serializable``, a dict naming it by its registered name; else its name."""
    name = getattr(activation, "__name__", str(activation))
    if _BY_NAME.get(name) is activation:
        return name
    from glassnet.keras.saving import object_registration
    registered = object_registration.get_registered_name(activation)
    if registered != name:
        return {"module": activation.__module__, "class_name": "function", "config": registered,
                "registered_name": "function"}
    return name
