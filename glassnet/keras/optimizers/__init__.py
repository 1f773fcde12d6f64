"""Optimizers (``keras.optimizers``): SGD, Adam, AdamW, RMSprop, Adagrad, and schedules.

``get`` turns what users pass to ``compile(optimizer=...)`` into an optimizer:
an instance passes through, a name such as ``"adam"`` (any case) gives a new
instance with default arguments, and a config dict is deserialized.
"""
from glassnet.keras import serialization
from glassnet.keras.optimizers import schedules
from glassnet.keras.optimizers.adagrad import Adagrad
from glassnet.keras.optimizers.adam import Adam
from glassnet.keras.optimizers.adamw import AdamW
from glassnet.keras.optimizers.optimizer import Optimizer
from glassnet.keras.optimizers.rmsprop import RMSprop
from glassnet.keras.optimizers.sgd import SGD

__all__ = ["Adagrad", "Adam", "AdamW", "Optimizer", "RMSprop", "SGD", "deserialize", "get",
           "schedules", "serialize"]

_OPTIMIZERS = {cls.__name__.lower(): cls for cls in (SGD, Adam, AdamW, RMSprop, Adagrad)}


def serialize(optimizer):
    """An optimizer as Keras's ``{"module", "class_name", "config", "registered_name"}`` dict."""
    return serialization.serialize(optimizer, "keras.optimizers")


def deserialize(config):
    """A new optimizer from a ``{"class_name": ..., "config": {...}}`` dict (class name in any case)."""
    name = config.get("class_name")
    cls = _OPTIMIZERS.get(name.lower()) if isinstance(name, str) else None
    if cls is None:
        raise ValueError(_unknown(name))
    return cls.from_config(config.get("config") or {})


def get(identifier):
    """An optimizer from an instance, a name (``"adam"``, ``"RMSprop"``) or a config dict.

    None gives None, as in Keras (``compile(optimizer=None)`` makes a model that can
    evaluate and predict but not train).

    >>> type(get("Adam")).__name__
    'Adam'
    """
    if identifier is None or isinstance(identifier, Optimizer):
        return identifier
    if isinstance(identifier, dict):
        return deserialize(identifier)
    if isinstance(identifier, str):
        return deserialize({"class_name": identifier, "config": {}})
    if isinstance(identifier, type) and issubclass(identifier, Optimizer):
        raise ValueError(
            f"Could not interpret optimizer identifier: {identifier!r} is an optimizer class, "
            f"not an optimizer. Pass an instance: optimizer={identifier.__name__}()."
        )
    raise ValueError(_unknown(identifier))


def _unknown(identifier):
    known = ", ".join(repr(name) for name in _OPTIMIZERS)
    return f"Could not interpret optimizer identifier: {identifier!r}. Known optimizers: {known}"
