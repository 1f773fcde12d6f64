"""Weight regularizers: penalties on a layer's weights, added to the training loss.

A regularizer is called on a weight and returns a scalar Tensor built from
differentiable ops, so the penalty's gradient reaches the weight through the tape.
The penalty is added once per batch, not divided by the batch size.

Keras's formulas, with no 1/2 factor on L2:

- ``L1(l1)``:      ``l1 * sum(|w|)``
- ``L2(l2)``:      ``l2 * sum(w**2)``
- ``L1L2(l1, l2)``: both terms (each 0 by default)

The lowercase names ``l1``, ``l2`` and ``l1_l2`` are the same classes, as in Keras
(``type(layer.kernel_regularizer) == regularizers.l2`` holds).

>>> round(float(L2(0.01)(np.array([[1.0, -2.0]], dtype="float32"))), 6)   # 0.01 * (1 + 4)
0.05
"""
import math

import numpy as np

from glassnet.keras import serialization
from glassnet.keras.identifiers import lookup, resolve
from glassnet.autodiff import convert_to_tensor, ops


def _validate_factor(value, name):
    """A non-negative finite float from `value`, else ValueError naming the argument."""
    if isinstance(value, bool) or not isinstance(value, (int, float, np.integer, np.floating)) or (
        not math.isfinite(value) or value < 0
    ):
        raise ValueError(
            f"Invalid value for argument {name}: expected a non-negative float. Received: {name}={value!r}"
        )
    return float(value)


class Regularizer(serialization.Configurable):
    """Base class: ``__call__(weight)`` returns a scalar penalty Tensor."""

    def __call__(self, weight):
        return convert_to_tensor(np.zeros((), dtype=convert_to_tensor(weight).dtype))


class L1(Regularizer):
    """``l1 * sum(|w|)``.

    Args:
        l1: non-negative factor (0.01; None also means 0.01, as in Keras).
    """

    def __init__(self, l1=0.01):
        self.l1 = _validate_factor(0.01 if l1 is None else l1, "l1")

    def __call__(self, weight):
        return self.l1 * ops.sum(ops.abs(convert_to_tensor(weight)))

    def get_config(self):
        return {"l1": self.l1}


class L2(Regularizer):
    """``l2 * sum(w**2)`` (no 1/2 factor).

    Args:
        l2: non-negative factor (0.01; None also means 0.01, as in Keras).
    """

    def __init__(self, l2=0.01):
        self.l2 = _validate_factor(0.01 if l2 is None else l2, "l2")

    def __call__(self, weight):
        return self.l2 * ops.sum(ops.square(convert_to_tensor(weight)))

    def get_config(self):
        return {"l2": self.l2}


class L1L2(Regularizer):
    """``l1 * sum(|w|) + l2 * sum(w**2)``; both factors default to 0.

    Args:
        l1, l2: non-negative factors (None means 0).
    """

    def __init__(self, l1=0.0, l2=0.0):
        self.l1 = _validate_factor(0.0 if l1 is None else l1, "l1")
        self.l2 = _validate_factor(0.0 if l2 is None else l2, "l2")

    def __call__(self, weight):
        weight = convert_to_tensor(weight)
        penalty = super().__call__(weight)
        # Zero factors add nothing, so their terms are left out of the graph.
        if self.l1:
            penalty = penalty + self.l1 * ops.sum(ops.abs(weight))
        if self.l2:
            penalty = penalty + self.l2 * ops.sum(ops.square(weight))
        return penalty

    def get_config(self):
        return {"l1": self.l1, "l2": self.l2}


l1, l2, l1_l2 = L1, L2, L1L2

# Keras accepts the class names and their snake_case forms; "l1_l2" is not among them.
_BY_NAME = {"Regularizer": Regularizer, "L1": L1, "L2": L2, "L1L2": L1L2,
            "regularizer": Regularizer, "l1": L1, "l2": L2, "l1l2": L1L2}


def _lookup(name):
    return lookup(_BY_NAME, name, "regularizer", "regularizers")


def serialize(regularizer):
    """Keras's dict for a regularizer object (``None`` for ``None``).

    >>> serialize(L2(0.01))
    {'module': 'keras.regularizers', 'class_name': 'L2', 'config': {'l2': 0.01}, 'registered_name': None}
    """
    return serialization.serialize(regularizer, "keras.regularizers")


def deserialize(config):
    """A regularizer from :func:`serialize`'s dict (or Keras 2's, without ``module``)."""
    if not isinstance(config, dict) or "class_name" not in config:
        raise ValueError(f"Expected a dict with a 'class_name' key. Received: config={config!r}")
    return _lookup(config["class_name"]).from_config(dict(config.get("config") or {}))


def get(identifier):
    """A regularizer from a name (``'l1'``, ``'l2'``, ``'L1L2'``), a dict, a class, an
    instance or a callable; ``None`` gives ``None``.

    >>> get("l2").l2
    0.01
    """
    return resolve(identifier, Regularizer, _lookup, deserialize, "regularizer",
                   "'l1', 'l2', 'L1L2', a dict, a Regularizer or a callable")
