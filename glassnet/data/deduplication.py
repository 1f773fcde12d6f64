"""unique: each distinct element once, at its first occurrence."""
import numpy as np

from glassnet.data import cardinality as counts
from glassnet.data.dataset import Dataset


class Unique(Dataset):
    """The elements not seen before in this pass; single tensors of int32, int64 or strings, as TensorFlow."""

    def __init__(self, dataset):
        spec = dataset.element_spec
        dtype = getattr(spec, "dtype", None)
        if dtype is None or np.dtype(dtype) not in (np.dtype(np.int32), np.dtype(np.int64)) \
                and np.dtype(dtype).kind != "S":
            raise TypeError(f"`tf.data.Dataset.unique` does not support type {spec!r} -- only single tensors of "
                            "`tf.int32`, `tf.int64`, and `tf.string` are supported.")
        self.input = dataset

    def _elements(self):
        seen = set()
        for element in self.input._elements():
            # Bytes by value: arrays of strings pad them to their own widths.
            key = (element.shape, tuple(element.ravel().tolist()) if element.dtype.kind == "S" else element.tobytes())
            if key not in seen:
                seen.add(key)
                yield element

    def _cardinality(self):
        return counts.UNKNOWN_CARDINALITY

    def _spec(self):
        return self.input.element_spec
