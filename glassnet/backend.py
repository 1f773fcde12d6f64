"""Global numeric settings: the default float type and the fuzz factor."""
import numpy as np

from glassnet.keras import validation as check

_FLOATX = "float32"
_EPSILON = 1e-7
_ALLOWED_FLOATX = ("float16", "float32", "float64")


def floatx():
    """The default float type of new layers and tensors (``'float32'``)."""
    return _FLOATX


def set_floatx(value):
    """Set the default float type of layers created from now on."""
    global _FLOATX
    if str(value) not in _ALLOWED_FLOATX:
        raise ValueError(f"Unknown floatx type: {value!r}. Expected one of {_ALLOWED_FLOATX}.")
    _FLOATX = str(value)


def epsilon():
    """The small constant Keras adds to avoid division by zero and log(0)."""
    return _EPSILON


def set_epsilon(value):
    global _EPSILON
    _EPSILON = float(value)


def standardize_dtype(dtype):
    """A NumPy dtype from a name, a NumPy dtype or None (the floatx default).

    Every ``dtype=`` argument (layers, losses, metrics, initializers) comes through here, so a
    name NumPy does not know fails once, here, naming the argument.
    """
    try:
        return np.dtype(floatx() if dtype is None else getattr(dtype, "name", dtype))
    except (TypeError, ValueError):
        check.fail("dtype", dtype, "a NumPy dtype or its name, such as 'float32' or 'int32'")
