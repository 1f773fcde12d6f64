"""Checks for constructor arguments, so a bad setting fails where it is written."""
import numbers


def check_bool(name, value):
    if not isinstance(value, (bool, int)) or value not in (0, 1):
        raise TypeError(f"Expected `{name}` to be True or False. Received: {name}={value!r}")
    return bool(value)


def check_fraction(name, value):
    """A float in [0, 1], returned as a Python float (a np.float64 would upcast float32 work)."""
    if isinstance(value, bool) or not isinstance(value, numbers.Real) or not 0.0 <= value <= 1.0:
        raise ValueError(f"Expected `{name}` to be a float in [0, 1]. Received: {name}={value!r}")
    return float(value)


def check_positive(name, value):
    if isinstance(value, bool) or not isinstance(value, numbers.Real) or not value > 0:
        raise ValueError(f"Expected `{name}` to be a positive number. Received: {name}={value!r}")
    return float(value)


def check_axis(value, name="axis"):
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise TypeError(f"Expected `{name}` to be an integer axis such as -1. Received: {name}={value!r}")
    return int(value)


def check_optional_int(name, value):
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise TypeError(f"Expected `{name}` to be an integer or None. Received: {name}={value!r}")
    return int(value)
