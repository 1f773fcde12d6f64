"""Argument checks shared by the public entry points: fail early, say what was received."""
import numpy as np


def positive_int(value, argument):
    """`value` as an int >= 1, or a ValueError naming `argument`."""
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < 1:
        raise ValueError(f"Expected a positive integer for `{argument}`. Received: {argument}={value!r}")
    return int(value)


def non_negative_int(value, argument):
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < 0:
        raise ValueError(f"Expected a non-negative integer for `{argument}`. Received: {argument}={value!r}")
    return int(value)


def one_of(value, allowed, argument):
    if value not in allowed:
        raise ValueError(f"Expected `{argument}` to be one of {list(allowed)}. Received: {argument}={value!r}")
    return value
