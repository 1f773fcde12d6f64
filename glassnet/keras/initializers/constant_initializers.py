"""Initializers that draw nothing: zeros, ones, a constant, the identity."""
import numpy as np

from glassnet import backend
from glassnet.keras.initializers.initializer import Initializer, standardize_shape


class Zeros(Initializer):
    """All zeros."""

    def __call__(self, shape, dtype=None):
        return np.zeros(standardize_shape(shape), dtype=backend.standardize_dtype(dtype))


class Ones(Initializer):
    """All ones."""

    def __call__(self, shape, dtype=None):
        return np.ones(standardize_shape(shape), dtype=backend.standardize_dtype(dtype))


class Constant(Initializer):
    """Every element equal to `value` (a number, or an array that broadcasts to the shape).

    >>> Constant(2.5)((2,))
    array([2.5, 2.5], dtype=float32)
    """

    def __init__(self, value=0.0):
        if not np.issubdtype(np.asarray(value).dtype, np.number):
            raise TypeError(f"Expected `value` to be a number or numeric array. Received: value={value!r}")
        self.value = value

    def __call__(self, shape, dtype=None):
        shape, dtype = standardize_shape(shape), backend.standardize_dtype(dtype)
        return np.broadcast_to(np.asarray(self.value, dtype=dtype), shape).copy()

    def get_config(self):
        return {"value": self.value}


class Identity(Initializer):
    """``gain * I`` for a 2-D shape (a non-square shape gets ones on its main diagonal)."""

    def __init__(self, gain=1.0):
        self.gain = gain

    def __call__(self, shape, dtype=None):
        shape, dtype = standardize_shape(shape), backend.standardize_dtype(dtype)
        if len(shape) != 2:
            raise ValueError(f"Identity initializer needs a 2-D shape. Received: shape={shape}")
        return (self.gain * np.eye(*shape)).astype(dtype)

    def get_config(self):
        return {"gain": self.gain}
