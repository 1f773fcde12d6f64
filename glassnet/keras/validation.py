"""Argument checks for the public entry points: fail before any work is done, naming the
argument, the value received and what was expected.

Each check returns the value as a Python float, int or bool, so that a hyperparameter
never carries a NumPy float64 into float32 arithmetic. `owner` (a class name) goes into
the message where the argument's name alone would not say whose it is.

>>> positive("clipnorm", 1)
1.0
>>> integer("patience", -1, minimum=0, owner="EarlyStopping")
Traceback (most recent call last):
...
ValueError: Invalid `patience` for EarlyStopping: expected a non-negative integer. Received: patience=-1
"""
import math
import numbers

import numpy as np


def fail(name, value, expected, owner=None, error=ValueError):
    where = f" for {owner}" if owner else ""
    raise error(f"Invalid `{name}`{where}: expected {expected}. Received: {name}={value!r}")


def is_real(value):
    """True for int/float-like numbers (NumPy scalars included), False for bools."""
    return isinstance(value, numbers.Real) and not isinstance(value, bool)


def real(name, value, low=-math.inf, high=math.inf, expected="a finite number", owner=None):
    """`value` as a float if it is a finite number in [low, high]."""
    if not is_real(value) or not math.isfinite(value) or not low <= value <= high:
        fail(name, value, expected, owner)
    return float(value)


def positive(name, value, owner=None):
    """`value` as a float if it is a finite number > 0."""
    if real(name, value, expected="a positive number", owner=owner) <= 0:
        fail(name, value, "a positive number", owner)
    return float(value)


def non_negative(name, value, owner=None):
    return real(name, value, low=0.0, expected="a non-negative number", owner=owner)


def fraction(name, value, include_one=True, owner=None):
    """`value` as a float in [0, 1] (or [0, 1) when `include_one` is False)."""
    expected = "a float in [0, 1]" if include_one else "a float in [0, 1)"
    if real(name, value, low=0.0, high=1.0, expected=expected, owner=owner) == 1.0 and not include_one:
        fail(name, value, expected, owner)
    return float(value)


def integer(name, value, minimum=None, owner=None):
    """`value` as an int (>= `minimum` when given); NumPy integers pass, bools and floats do not."""
    if isinstance(value, bool) or not isinstance(value, numbers.Integral) \
            or (minimum is not None and value < minimum):
        expected = {None: "an integer", 0: "a non-negative integer", 1: "a positive integer"}.get(
            minimum, f"an integer >= {minimum}")
        fail(name, value, expected, owner)
    return int(value)


def boolean(name, value, owner=None):
    """`value` if it is a bool (NumPy bools included)."""
    if not isinstance(value, (bool, np.bool_)):
        fail(name, value, "True or False", owner, TypeError)
    return bool(value)


def string(name, value, owner=None):
    if not isinstance(value, str):
        fail(name, value, "a string", owner, TypeError)
    return value


def one_of(name, value, allowed, owner=None):
    if not isinstance(value, str) or value not in allowed:
        fail(name, value, "one of " + ", ".join(repr(a) for a in allowed), owner)
    return value


def optional(check, name, value, *args, **kwargs):
    """None passes through; anything else goes through `check`."""
    return None if value is None else check(name, value, *args, **kwargs)
