"""Tensor functions on KerasTensors: ``tf.linalg.l2_normalize(vu, axis=1)`` inside a functional model.

tf.keras 2 turns such a call into a ``TFOpLambda`` layer and Keras 3 into an operation node; here
every public tensor function (tf.*, tf.math, tf.linalg, tf.nn, keras.ops) is wrapped once, where it
is defined, by :func:`dispatch_module`. Called with a KerasTensor anywhere among its arguments, the
wrapper returns the output of a new ``TFOpLambda`` layer (layers/op_layer.py) holding the function
and its other arguments; called with values, it is the function itself, one type check later.
"""
import functools

from glassnet.keras.keras_tensor import KerasTensor, holds_keras_tensor


def has_keras_tensor(args, kwargs):
    """Whether a KerasTensor is among `args` or `kwargs`' values (also inside a list, tuple or dict)."""
    for value in (*args, *kwargs.values()):
        if isinstance(value, KerasTensor) or (type(value) in (list, tuple, dict) and holds_keras_tensor(value)):
            return True
    return False


def symbolic(function, api_name):
    """`function`, which on KerasTensors records a ``TFOpLambda`` layer named `api_name` instead."""
    @functools.wraps(function)
    def wrapper(*args, **kwargs):
        if has_keras_tensor(args, kwargs):
            from glassnet.keras.layers.op_layer import TFOpLambda
            return TFOpLambda.apply(function, api_name, args, kwargs)
        return function(*args, **kwargs)
    wrapper._symbolic_api_name = api_name
    return wrapper


def dispatch_module(namespace, api_prefix, names=None):
    """Wrap, in place, every public function defined in the module whose globals are `namespace`
    (run at the module's end: re-exports elsewhere then share the wrapped object, and an alias such as
    ``swish = silu`` stays the same object as its original). `names` gives the layer name of a function
    TensorFlow files elsewhere (tf.keras names ``tf.nn.l2_normalize`` ``tf.math.l2_normalize``)."""
    names = names or {}
    wrapped = {}
    for name, value in list(namespace.items()):
        if (callable(value) and not isinstance(value, type) and not name.startswith("_")
                and getattr(value, "__module__", None) == namespace["__name__"]
                and not hasattr(value, "_symbolic_api_name")):
            if id(value) not in wrapped:
                wrapped[id(value)] = symbolic(value, names.get(name, f"{api_prefix}.{name}"))
            namespace[name] = wrapped[id(value)]


def _getitem(x, key):
    """``x[key]``: a KerasTensor's slicing, recorded as ``__operators__.getitem`` (tf.keras's name)."""
    return x[key]


getitem = symbolic(_getitem, "__operators__.getitem")
