"""Constructor arguments shared by every optimizer: Keras 2's legacy keywords, the
learning rate, and the rule that only one clipping option may be set."""
import warnings

import numpy as np

from glassnet.keras.optimizers import schedules
from glassnet.keras import validation as check


class DefaultLearningRate(float):
    """A subclass's default learning rate, marked as such.

    The mark lets the legacy ``lr=`` keyword tell ``Adam(lr=0.1)`` (fine) from
    ``Adam(0.2, lr=0.1)`` (two learning rates).
    """


def legacy_keywords(cls, learning_rate, kwargs):
    """Handle Keras 2's ``lr=`` and ``decay=``; any other unknown keyword is a TypeError."""
    decay = kwargs.pop("decay", None)
    if decay:
        warnings.warn("Argument `decay` is no longer supported and will be ignored.", stacklevel=4)
    if "lr" in kwargs:
        if not isinstance(learning_rate, DefaultLearningRate):
            raise TypeError(
                f"{cls.__name__} got two learning rates: learning_rate={learning_rate!r} and the "
                f"legacy lr={kwargs['lr']!r}. Pass only `learning_rate`."
            )
        warnings.warn("`lr` is deprecated, use `learning_rate` instead.", DeprecationWarning, stacklevel=4)
        learning_rate = kwargs.pop("lr")
    if kwargs:
        raise TypeError(f"{cls.__name__}.__init__() got unexpected keyword argument(s): {sorted(kwargs)}")
    return learning_rate


def checked_learning_rate(value):
    if isinstance(value, schedules.LearningRateSchedule):
        return value
    return check.real("learning_rate", value, low=0.0,
                      expected="a non-negative float or a LearningRateSchedule")


def as_python_number(value):
    """A Tensor, Variable or 0-d array as a Python number; anything else unchanged."""
    array = np.asarray(getattr(value, "value", value)) if not isinstance(value, str) else None
    if array is not None and array.ndim == 0 and array.dtype.kind in "iuf":
        return array.item()
    return value


def check_one_clip_option(**options):
    given = {k: v for k, v in options.items() if v is not None}
    if len(given) > 1:
        received = ", ".join(f"{k}={v!r}" for k, v in given.items())
        raise ValueError(f"Only one of `clipnorm`, `clipvalue` and `global_clipnorm` can be set. Received: {received}")
