"""Weight constraints: projections the optimizer applies to a weight after each update.

A constraint is called on a weight and returns the projected value; the optimizer writes
it back (``w.assign(constraint(w))``) after every ``apply``, as Keras does. Keras's
formulas, with ``norms = sqrt(sum(w**2, axis, keepdims=True))`` and ``eps = 1e-7``
(``backend.epsilon()``) added to the norms, not clipped in:

- ``MaxNorm(max_value=2, axis=0)``:  ``w * (clip(norms, 0, max_value) / (eps + norms))``
- ``MinMaxNorm(min_value=0.0, max_value=1.0, rate=1.0, axis=0)``:
  ``w * ((rate * clip(norms, min_value, max_value) + (1 - rate) * norms) / (eps + norms))``
- ``NonNeg()``:                      ``maximum(w, 0)``
- ``UnitNorm(axis=0)``:               ``w / (eps + norms)``

Because of ``eps``, a column already inside the bound still shrinks by a factor
``norm / (norm + 1e-7)``, in Keras as here. In a Dense kernel of shape ``(inputs, units)``,
``axis=0`` constrains each unit's incoming weights.

The lowercase names ``max_norm``, ``min_max_norm``, ``non_neg`` and ``unit_norm`` are the
same classes, as in Keras.

>>> MaxNorm(2.0)(np.array([[3.0], [4.0]], dtype="float32")).numpy().round(4)   # norm 5 -> 2
array([[1.2],
       [1.6]], dtype=float32)
"""
import numbers

from glassnet import backend
from glassnet.autodiff import convert_to_tensor, ops
from glassnet.keras import serialization
from glassnet.keras import validation as check
from glassnet.keras.identifiers import lookup, resolve


def _bound(name, value, owner):
    """A non-negative number, kept an int if given one (Keras's configs keep ``max_value=2``)."""
    check.non_negative(name, value, owner)
    return int(value) if isinstance(value, numbers.Integral) else float(value)


def _axis(value, owner):
    """An int, or a list/tuple of ints (``[0, 1, 2]`` for a Conv2D kernel), as given."""
    axes = value if isinstance(value, (list, tuple)) else [value]
    if not axes or any(isinstance(a, bool) or not isinstance(a, numbers.Integral) for a in axes):
        check.fail("axis", value, "an integer or a list of integers", owner)
    return value


def _norms(w, axis):
    """``sqrt(sum(w**2))`` over `axis`, keeping the reduced axes so that it broadcasts over `w`."""
    axis = tuple(axis) if isinstance(axis, list) else axis
    return ops.sqrt(ops.sum(ops.square(w), axis=axis, keepdims=True))


def _rescaled(w, desired, norms):
    # Divide first, then multiply, with epsilon added to the norms: Keras's order, so float32 agrees.
    return w * (desired / (backend.epsilon() + norms))


class Constraint(serialization.Configurable):
    """Base class: ``__call__(w)`` returns the projected weight (here, `w` unchanged)."""

    def __call__(self, w):
        return w


class MaxNorm(Constraint):
    """Rescale each slice along `axis` whose L2 norm exceeds `max_value` down to it.

    Args:
        max_value: the largest norm allowed (non-negative; default 2).
        axis: the axis (or list of axes) the norms are taken over; 0 for a Dense kernel.
    """

    def __init__(self, max_value=2, axis=0):
        self.max_value = _bound("max_value", max_value, "MaxNorm")
        self.axis = _axis(axis, "MaxNorm")

    def __call__(self, w):
        w = convert_to_tensor(w)
        norms = _norms(w, self.axis)
        return _rescaled(w, ops.clip(norms, low=0, high=self.max_value), norms)

    def get_config(self):
        return {"max_value": self.max_value, "axis": self.axis}


class MinMaxNorm(Constraint):
    """Move each slice's L2 norm into ``[min_value, max_value]``, by a fraction `rate` of the way.

    Args:
        min_value, max_value: the bounds of the norm (non-negative, min_value <= max_value).
        rate: 1.0 enforces the bounds at once; below 1, each update moves the norm that
            fraction of the way towards them.
        axis: as in :class:`MaxNorm`.
    """

    def __init__(self, min_value=0.0, max_value=1.0, rate=1.0, axis=0):
        self.min_value = _bound("min_value", min_value, "MinMaxNorm")
        self.max_value = _bound("max_value", max_value, "MinMaxNorm")
        if self.min_value > self.max_value:
            check.fail("max_value", max_value, f"a number >= min_value={min_value!r}", "MinMaxNorm")
        self.rate = _bound("rate", rate, "MinMaxNorm")
        self.axis = _axis(axis, "MinMaxNorm")

    def __call__(self, w):
        w = convert_to_tensor(w)
        norms = _norms(w, self.axis)
        clipped = ops.clip(norms, low=self.min_value, high=self.max_value)
        return _rescaled(w, self.rate * clipped + (1 - self.rate) * norms, norms)

    def get_config(self):
        return {"min_value": self.min_value, "max_value": self.max_value, "rate": self.rate,
                "axis": self.axis}


class NonNeg(Constraint):
    """Set negative weights to 0: ``maximum(w, 0)``."""

    def __call__(self, w):
        return ops.maximum(convert_to_tensor(w), 0)


class UnitNorm(Constraint):
    """Scale each slice along `axis` to L2 norm 1 (``w / (eps + norms)``).

    Args:
        axis: as in :class:`MaxNorm`.
    """

    def __init__(self, axis=0):
        self.axis = _axis(axis, "UnitNorm")

    def __call__(self, w):
        w = convert_to_tensor(w)
        return w / (backend.epsilon() + _norms(w, self.axis))

    def get_config(self):
        return {"axis": self.axis}


max_norm, min_max_norm, non_neg, unit_norm = MaxNorm, MinMaxNorm, NonNeg, UnitNorm

# Keras accepts each class name and its snake_case form, exactly (no "maxnorm").
_CLASSES = (Constraint, MaxNorm, MinMaxNorm, NonNeg, UnitNorm)
_BY_NAME = {cls.__name__: cls for cls in _CLASSES}
_BY_NAME.update({"constraint": Constraint, "max_norm": MaxNorm, "min_max_norm": MinMaxNorm,
                 "non_neg": NonNeg, "unit_norm": UnitNorm})


def _lookup(name):
    return lookup(_BY_NAME, name, "constraint", "constraints")


def serialize(constraint):
    """Keras's dict for a constraint object (``None`` for ``None``).

    >>> serialize(NonNeg())
    {'module': 'keras.constraints', 'class_name': 'NonNeg', 'config': {}, 'registered_name': None}
    """
    if callable(constraint) and not hasattr(constraint, "get_config"):
        # A plain function: Keras records only its name (loading it back needs the function itself).
        name = getattr(constraint, "__name__", type(constraint).__name__)
        return {"module": "builtins", "class_name": "function", "config": name, "registered_name": "function"}
    return serialization.serialize(constraint, "keras.constraints")


def deserialize(config):
    """A constraint from :func:`serialize`'s dict (or Keras 2's, without ``module``)."""
    if not isinstance(config, dict) or "class_name" not in config:
        raise ValueError(f"Expected a dict with a 'class_name' key. Received: config={config!r}")
    return _lookup(config["class_name"]).from_config(dict(config.get("config") or {}))


def get(identifier):
    """A constraint from a name (``'max_norm'``, ``'NonNeg'``), a dict, a class, an instance
    or a callable; ``None`` gives ``None``.

    >>> get("max_norm").max_value
    2
    """
    return resolve(identifier, Constraint, _lookup, deserialize, "constraint",
                   "'max_norm', 'min_max_norm', 'non_neg', 'unit_norm', a dict, a Constraint or a callable")
