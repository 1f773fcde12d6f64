"""Argument checks shared by the convolution and pooling layers: Keras's standardize_tuple,
standardize_padding and standardize_data_format, with messages that name the layer."""
import numbers

_DATA_FORMATS = ("channels_last", "channels_first")


def int_tuple(owner, name, value, n, minimum=1):
    """`value` (an int, or `n` ints) as a tuple of `n` Python ints >= `minimum`."""
    values = (value,) * n if _is_int(value) else value
    try:
        values = tuple(values)
    except TypeError:
        values = None
    if values is None or len(values) != n or not all(_is_int(v) and v >= minimum for v in values):
        expected = "a positive integer" if minimum == 1 else f"an integer >= {minimum}"
        raise ValueError(f"Invalid `{name}` for {owner}: expected {expected} or a tuple of {n} such integers. "
                         f"Received: {name}={value!r}")
    return tuple(int(v) for v in values)


def padding(owner, value, allowed=("valid", "same")):
    """The padding name in lower case, as Keras stores it."""
    if not isinstance(value, str) or value.lower() not in allowed:
        raise ValueError(f"Invalid `padding` for {owner}: expected one of "
                         f"{', '.join(repr(a) for a in allowed)}. Received: padding={value!r}")
    return value.lower()


def data_format(owner, value):
    value = "channels_last" if value is None else value
    if not isinstance(value, str) or value.lower() not in _DATA_FORMATS:
        raise ValueError(f"Invalid `data_format` for {owner}: expected 'channels_last' or 'channels_first'. "
                         f"Received: data_format={value!r}")
    return value.lower()


def channels_last_axes(rank):
    """The permutation that moves a channels_first input's channels axis last."""
    return (0, *range(2, rank + 2), 1)


def channels_first_axes(rank):
    """The permutation that moves a channels_last output's channels axis back to axis 1."""
    return (0, rank + 1, *range(1, rank + 1))


def _is_int(value):
    return isinstance(value, numbers.Integral) and not isinstance(value, bool)
