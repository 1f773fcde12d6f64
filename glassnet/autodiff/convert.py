"""Turning user data (arrays, lists, numbers, tensors) into Tensors."""
import numpy as np

from glassnet import backend
from glassnet.autodiff.tensor import Tensor


def convert_to_tensor(value, dtype=None):
    """A Tensor from array-like `value`.

    Python floats and lists of them become floatx (float32) like TensorFlow's
    constants, Python ints int32 (int64 where one does not fit); NumPy arrays keep their dtype
    unless `dtype` is given. As in TensorFlow, Python floats do not silently become integers.
    """
    if isinstance(value, Tensor):
        return value if dtype is None or value.dtype == np.dtype(dtype) else Tensor(value.value.astype(dtype))
    if isinstance(value, (np.ndarray, np.generic)):
        return Tensor(np.asarray(value, dtype=dtype))
    array = np.asarray(value)
    if array.dtype == object:  # NumPy 1 makes ragged lists object arrays (NumPy 2 refuses them)
        raise ValueError(f"Cannot convert {value!r} to a tensor: its lists have different lengths (a ragged "
                         "value); a tensor needs one length per axis.")
    if dtype is not None:
        if array.dtype.kind == "f" and np.dtype(dtype).kind in "iub":
            raise TypeError(f"Cannot convert {value!r} to a tensor of dtype {np.dtype(dtype).name}: Python floats "
                            f"do not become integers silently, as in TensorFlow. Cast instead: tf.cast(x, ...)")
        return Tensor(array.astype(dtype))
    if array.dtype == np.float64:
        array = array.astype(backend.floatx())
    elif array.dtype == np.int64 and _fits_int32(array):
        array = array.astype(np.int32)
    return Tensor(array)


def _fits_int32(array):
    info = np.iinfo(np.int32)
    return array.size == 0 or (info.min <= array.min() and array.max() <= info.max)
