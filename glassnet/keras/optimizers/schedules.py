"""Learning-rate schedules: the learning rate as a function of the optimizer's step.

An optimizer given a schedule calls it with its ``iterations`` before every update
(0 at the first step) and uses the result as that step's learning rate. Like Keras,
the arithmetic is float32, so the numbers match Keras's to the last bit where NumPy's
float32 functions agree with XLA's.
"""
import math

import numpy as np

from glassnet import backend
from glassnet.autodiff import Tensor
from glassnet.keras import validation as check


def _step_array(step):
    """The step (an int, a NumPy scalar, a Tensor or a Variable) as a NumPy value."""
    return np.asarray(getattr(step, "value", step))


def _as_tensor(value):
    return Tensor(np.asarray(value, dtype=backend.floatx()))


class LearningRateSchedule:
    """Base class: subclasses define ``__call__(step)`` and ``get_config()``.

    >>> class Halving(LearningRateSchedule):
    ...     def __call__(self, step):
    ...         return 0.1 * 0.5 ** int(step)
    ...     def get_config(self):
    ...         return {}
    """

    def __call__(self, step):
        raise NotImplementedError(f"{type(self).__name__} must implement __call__(step).")

    def get_config(self):
        raise NotImplementedError(f"{type(self).__name__} must implement get_config().")

    @classmethod
    def from_config(cls, config):
        return cls(**config)


class _RateDecay(LearningRateSchedule):
    """What ExponentialDecay and InverseTimeDecay share: their arguments and their config."""

    def __init__(self, initial_learning_rate, decay_steps, decay_rate, staircase, name):
        self.initial_learning_rate = check.real("initial_learning_rate", initial_learning_rate)
        self.decay_steps = _decay_steps(decay_steps)
        self.decay_rate = check.real("decay_rate", decay_rate)
        self.staircase = check.boolean("staircase", staircase)
        self.name = name

    def get_config(self):
        return {
            "initial_learning_rate": self.initial_learning_rate, "decay_steps": self.decay_steps,
            "decay_rate": self.decay_rate, "staircase": self.staircase, "name": self.name,
        }


class ExponentialDecay(_RateDecay):
    """``lr(step) = initial_learning_rate * decay_rate ** (step / decay_steps)``.

    With ``staircase=True`` the exponent is floored, so the rate drops in steps.

    Args:
        initial_learning_rate: the rate at step 0.
        decay_steps: positive; the rate is multiplied by ``decay_rate`` every ``decay_steps``.
        decay_rate: the multiplier.
        staircase: floor ``step / decay_steps``.

    >>> float(ExponentialDecay(0.1, decay_steps=10, decay_rate=0.5)(20))   # 0.1 * 0.5**2
    0.02500000037252903
    """

    def __init__(self, initial_learning_rate, decay_steps, decay_rate, staircase=False,
                 name="ExponentialDecay"):
        super().__init__(initial_learning_rate, decay_steps, decay_rate, staircase, name)

    def __call__(self, step):
        p = _exponent(step, self.decay_steps, self.staircase)
        return _as_tensor(np.float32(self.initial_learning_rate) * np.float32(self.decay_rate) ** p)


class InverseTimeDecay(_RateDecay):
    """``lr(step) = initial_learning_rate / (1 + decay_rate * step / decay_steps)``.

    With ``staircase=True``, ``step / decay_steps`` is floored.

    >>> float(InverseTimeDecay(0.1, decay_steps=1, decay_rate=0.5)(2))   # 0.1 / (1 + 0.5*2)
    0.05000000074505806
    """

    def __init__(self, initial_learning_rate, decay_steps, decay_rate, staircase=False,
                 name="InverseTimeDecay"):
        super().__init__(initial_learning_rate, decay_steps, decay_rate, staircase, name)

    def __call__(self, step):
        p = _exponent(step, self.decay_steps, self.staircase)
        denominator = np.float32(1) + np.float32(self.decay_rate) * p
        return _as_tensor(np.float32(self.initial_learning_rate) / denominator)


class PiecewiseConstantDecay(LearningRateSchedule):
    """``values[0]`` while ``step <= boundaries[0]``, ``values[i]`` while
    ``boundaries[i-1] < step <= boundaries[i]``, and ``values[-1]`` after the last boundary.

    >>> schedule = PiecewiseConstantDecay(boundaries=[10, 20], values=[1.0, 0.5, 0.1])
    >>> [float(schedule(s)) for s in (10, 11, 21)]
    [1.0, 0.5, 0.10000000149011612]
    """

    def __init__(self, boundaries, values, name="PiecewiseConstant"):
        boundaries, values = list(boundaries), list(values)
        if len(boundaries) + 1 != len(values):
            raise ValueError(
                "The length of `boundaries` should be 1 less than the length of `values`. "
                f"Received: boundaries={boundaries} of length {len(boundaries)}, "
                f"values={values} of length {len(values)}"
            )
        if any(not check.is_real(b) for b in boundaries) or any(np.diff(boundaries) < 0):
            raise ValueError(f"Invalid `boundaries`: expected increasing numbers. Received: boundaries={boundaries}")
        self.boundaries = boundaries
        self.values = [check.real("values", v) for v in values]
        self.name = name

    def __call__(self, step):
        step = _step_array(step)
        # Keras casts the boundaries to the step's dtype before comparing.
        boundaries = np.asarray(self.boundaries).astype(step.dtype)
        # searchsorted(side='left') counts the boundaries strictly below the step.
        return _as_tensor(self.values[int(np.searchsorted(boundaries, step, side="left"))])

    def get_config(self):
        return {"boundaries": self.boundaries, "values": self.values, "name": self.name}


class CosineDecay(LearningRateSchedule):
    """Cosine decay from ``initial_learning_rate`` to ``alpha * initial_learning_rate``.

    With ``s = min(step, decay_steps)``::

        lr(step) = initial_learning_rate * ((1 - alpha) * 0.5 * (1 + cos(pi * s / decay_steps)) + alpha)

    With ``warmup_target``, the rate first rises linearly from ``initial_learning_rate``
    to ``warmup_target`` over ``warmup_steps``, then decays from ``warmup_target``.

    >>> round(float(CosineDecay(0.1, decay_steps=10)(5)), 6)   # 0.1 * 0.5 * (1 + cos(pi/2))
    0.05
    """

    def __init__(self, initial_learning_rate, decay_steps, alpha=0.0, name="CosineDecay",
                 warmup_target=None, warmup_steps=0):
        self.initial_learning_rate = check.real("initial_learning_rate", initial_learning_rate)
        self.decay_steps = _decay_steps(decay_steps)
        self.alpha = check.real("alpha", alpha)
        self.name = name
        self.warmup_target = check.optional(check.real, "warmup_target", warmup_target)
        self.warmup_steps = int(check.non_negative("warmup_steps", warmup_steps))

    def __call__(self, step):
        step = np.float32(_step_array(step))
        if self.warmup_target is None:
            return _as_tensor(self._decay(min(step, np.float32(self.decay_steps)), self.initial_learning_rate))
        step = min(step, np.float32(self.decay_steps + self.warmup_steps))
        if step < self.warmup_steps:
            return _as_tensor(self._warmup(step))
        return _as_tensor(self._decay(step - np.float32(self.warmup_steps), self.warmup_target))

    def _decay(self, step, decay_from):
        completed = step / np.float32(self.decay_steps)
        cosine = np.float32(0.5) * (np.float32(1) + np.cos(np.float32(math.pi) * completed))
        return np.float32(decay_from) * ((np.float32(1 - self.alpha)) * cosine + np.float32(self.alpha))

    def _warmup(self, step):
        completed = step / np.float32(self.warmup_steps)
        initial = np.float32(self.initial_learning_rate)
        return (np.float32(self.warmup_target) - initial) * completed + initial

    def get_config(self):
        return {
            "initial_learning_rate": self.initial_learning_rate, "decay_steps": self.decay_steps,
            "alpha": self.alpha, "name": self.name, "warmup_target": self.warmup_target,
            "warmup_steps": self.warmup_steps,
        }


def _decay_steps(value):
    if not check.is_real(value) or not value > 0:
        raise ValueError(f"Invalid `decay_steps`: expected a positive number. Received: decay_steps={value!r}")
    return value


def _exponent(step, decay_steps, staircase):
    """``step / decay_steps`` in float32, floored for a staircase."""
    p = np.float32(_step_array(step)) / np.float32(decay_steps)
    return np.floor(p) if staircase else p


_SCHEDULES = {
    cls.__name__: cls
    for cls in (ExponentialDecay, InverseTimeDecay, PiecewiseConstantDecay, CosineDecay)
}


def serialize(schedule):
    """A schedule as Keras's ``{"module", "class_name", "config", "registered_name"}`` dict."""
    return {
        "module": "keras.optimizers.schedules", "class_name": type(schedule).__name__,
        "config": schedule.get_config(), "registered_name": None,
    }


def deserialize(config, custom_objects=None):
    """A schedule from :func:`serialize`'s dict; `custom_objects` maps the names of your own
    schedule classes to them."""
    name = config.get("class_name") if isinstance(config, dict) else None
    if name in (custom_objects or {}):
        return custom_objects[name].from_config(config["config"])
    if name not in _SCHEDULES:
        raise ValueError(
            f"Could not interpret learning rate schedule: {config!r}. "
            f"Known schedules: {sorted(_SCHEDULES)}"
        )
    return _SCHEDULES[name].from_config(config["config"])
