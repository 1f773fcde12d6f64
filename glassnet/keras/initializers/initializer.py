"""The base class of the initializers, and the shape and dtype checks they share."""
import numpy as np

from glassnet import backend
from glassnet.keras import serialization


def standardize_shape(shape):
    """A tuple of non-negative ints from an int, a tuple or a list."""
    dims = (shape,) if isinstance(shape, (int, np.integer)) else shape
    if not isinstance(dims, (tuple, list)) or not all(
        isinstance(d, (int, np.integer)) and not isinstance(d, bool) and d >= 0 for d in dims
    ):
        raise ValueError(
            f"Expected `shape` to be a tuple of non-negative integers. Received: shape={shape!r}"
        )
    return tuple(int(d) for d in dims)


def float_dtype(dtype):
    dtype = backend.standardize_dtype(dtype)
    if not np.issubdtype(dtype, np.floating):
        raise ValueError(
            f"Random initializers need a floating-point dtype. Received: dtype={dtype.name!r}"
        )
    return dtype


class Initializer(serialization.Configurable):
    """Base class: subclasses implement ``__call__(shape, dtype=None)``.

    ``get_config()`` returns the constructor arguments, so
    ``cls.from_config(init.get_config())`` rebuilds an equal initializer.
    """

    def __call__(self, shape, dtype=None):
        raise NotImplementedError(f"{type(self).__name__} must implement __call__(shape, dtype=None).")

    def clone(self):
        return type(self).from_config(self.get_config())

