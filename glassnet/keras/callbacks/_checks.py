"""Constructor-argument checks for the callbacks: fail before any work, naming the argument."""
import numbers


def check_int(value, name, owner, minimum=0):
    """`value` as an int >= `minimum`, or a ValueError naming `owner(name=...)`."""
    if isinstance(value, bool) or not isinstance(value, numbers.Integral) or value < minimum:
        raise ValueError(f"{owner} expects `{name}` to be an integer >= {minimum}. "
                         f"Received: {name}={value!r}")
    return int(value)


def check_number(value, name, owner, minimum=None):
    """`value` as a float (>= `minimum` when given), or a ValueError."""
    if isinstance(value, bool) or not isinstance(value, numbers.Real) \
            or (minimum is not None and value < minimum):
        expected = "a number" if minimum is None else f"a number >= {minimum}"
        raise ValueError(f"{owner} expects `{name}` to be {expected}. Received: {name}={value!r}")
    return value


def check_bool(value, name, owner):
    if not isinstance(value, bool):
        raise TypeError(f"{owner} expects `{name}` to be True or False. Received: {name}={value!r}")
    return value


def check_str(value, name, owner):
    if not isinstance(value, str):
        raise TypeError(f"{owner} expects `{name}` to be a string. Received: {name}={value!r}")
    return value


def check_mode(mode, owner):
    """One of 'auto', 'min', 'max' (Keras warns and falls back to 'auto'; we refuse)."""
    if mode not in ("auto", "min", "max"):
        raise ValueError(f"{owner} expects `mode` to be one of 'auto', 'min', 'max'. "
                         f"Received: mode={mode!r}")
    return mode
