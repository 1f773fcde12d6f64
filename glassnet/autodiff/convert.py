"""Turning user data (arrays, lists, numbers, tensors) into Tensors."""
import numpy as np

from glassnet import backend
from glassnet.autodiff.tensor import Tensor


def convert_to_tensor(value, dtype=None):
    """A Tensor from array-like `value`.

    Python floats and lists of them become floatx (float32) like TensorFlow's
    constants; NumPy arrays keep their dtype unless `dtype` is given.
    """
    if isinstance(value, Tensor):
        return value if dtype is None or value.dtype == np.dtype(dtype) else Tensor(value.value.astype(dtype))
    if dtype is None and not isinstance(value, (np.ndarray, np.generic)):
        array = np.asarray(value)
        if array.dtype == np.float64:
            array = array.astype(backend.floatx())
        elif array.dtype == np.int64:
            array = array.astype(np.int32)
        return Tensor(array)
    return Tensor(np.asarray(value, dtype=dtype))
