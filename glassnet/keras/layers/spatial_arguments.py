"""Argument checks shared by the layers that work on the steps, rows and columns of a sample
(padding, cropping, up-sampling, pooling): Keras's forms of `data_format`, sizes and paddings.

>>> int_tuple("size", 2, 2, owner="UpSampling2D")
(2, 2)
>>> int_pairs("padding", (1, (2, 0)), owner="ZeroPadding2D")
((1, 1), (2, 0))
"""
import numbers

from glassnet.keras import validation as check

_DATA_FORMATS = ("channels_last", "channels_first")


def data_format(value, owner):
    """`value` (None: ``'channels_last'``, the only image layout glassnet's backend has)."""
    if value is None:
        return "channels_last"
    if not isinstance(value, str) or value.lower() not in _DATA_FORMATS:
        check.fail("data_format", value, "'channels_last' or 'channels_first'", owner)
    return value.lower()


def _is_int(value):
    return isinstance(value, numbers.Integral) and not isinstance(value, bool)


def int_tuple(name, value, n, owner, allow_zero=False):
    """Keras's ``standardize_tuple``: an int repeated `n` times, or `n` ints; each positive (or
    non-negative with `allow_zero`)."""
    expected = f"an int or a tuple of {n} {'non-negative' if allow_zero else 'positive'} integers"
    values = (value,) * n if _is_int(value) else value
    try:
        values = tuple(values)
    except TypeError:
        check.fail(name, value, expected, owner)
    minimum = 0 if allow_zero else 1
    if len(values) != n or not all(_is_int(v) and v >= minimum for v in values):
        check.fail(name, value, expected, owner)
    return tuple(int(v) for v in values)


def int_pairs(name, value, owner):
    """Padding or cropping of two spatial axes: ``p`` (all four sides), ``(h, w)`` (symmetric) or
    ``((top, bottom), (left, right))``, as Keras's ZeroPadding2D and Cropping2D take it."""
    expected = ("an int, a tuple of 2 ints (symmetric height, symmetric width) or a tuple of 2 tuples of 2 "
                "non-negative ints ((top, bottom), (left, right))")
    if _is_int(value):
        pair = int_tuple(name, value, 2, owner, allow_zero=True)
        return pair, pair
    if not isinstance(value, (tuple, list)) or len(value) != 2:
        check.fail(name, value, expected, owner)
    return tuple(int_tuple(name, v, 2, owner, allow_zero=True) for v in value)


def require_rank(layer, shape, rank, what):
    """Refuse an input whose rank is not `rank`, naming the layer, the shape and the layout expected."""
    if len(shape) != rank:
        raise ValueError(
            f"Input 0 of layer '{layer.name}' ({type(layer).__name__}) is incompatible with the layer: expected "
            f"ndim={rank} ({what}), found ndim={len(shape)}. Full shape received: {tuple(shape)}"
        )


def padding(value, owner, allowed=("valid", "same")):
    """The padding name in lower case, as Keras stores it."""
    if not isinstance(value, str) or value.lower() not in allowed:
        check.fail("padding", value, f"one of {', '.join(repr(a) for a in allowed)}", owner)
    return value.lower()


def channels_last_axes(rank):
    """The permutation that moves a channels_first input's channels axis last."""
    return (0, *range(2, rank + 2), 1)


def channels_first_axes(rank):
    """The permutation that moves a channels_last output's channels axis back to axis 1."""
    return (0, rank + 1, *range(1, rank + 1))
