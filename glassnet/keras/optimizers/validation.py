"""Checks for optimizer and schedule arguments, run before any work is done.

Each check returns the value as a Python float (or bool) so that hyperparameters never
carry a NumPy float64 into float32 arithmetic.
"""
import math
import numbers


def is_real(value):
    """True for int/float-like numbers (NumPy scalars included), False for bools."""
    return isinstance(value, numbers.Real) and not isinstance(value, bool)


def _fail(name, value, expected):
    raise ValueError(f"Invalid `{name}`: expected {expected}. Received: {name}={value!r}")


def real(name, value, low=-math.inf, high=math.inf, expected="a finite float"):
    """`value` as a float if it is a finite number in [low, high], else ValueError."""
    if not is_real(value) or not math.isfinite(value) or not low <= value <= high:
        _fail(name, value, expected)
    return float(value)


def positive(name, value):
    """`value` as a float if it is a finite number > 0.

    >>> positive("clipnorm", 1)
    1.0
    """
    number = real(name, value, expected="a positive float")
    if number <= 0:
        _fail(name, value, "a positive float")
    return number


def non_negative(name, value):
    """`value` as a float if it is a finite number >= 0."""
    return real(name, value, low=0.0, expected="a non-negative float")


def fraction(name, value, include_one=True):
    """`value` as a float in [0, 1] (or [0, 1) when `include_one` is False)."""
    expected = "a float in [0, 1]" if include_one else "a float in [0, 1)"
    number = real(name, value, low=0.0, high=1.0, expected=expected)
    if number == 1.0 and not include_one:
        _fail(name, value, expected)
    return number


def boolean(name, value):
    """`value` if it is a bool (NumPy bools included)."""
    if not isinstance(value, bool) and type(value).__name__ != "bool_":
        raise TypeError(f"Invalid `{name}`: expected True or False. Received: {name}={value!r}")
    return bool(value)


def optional(check, name, value, *args):
    """None passes through; anything else goes through `check`."""
    return None if value is None else check(name, value, *args)
