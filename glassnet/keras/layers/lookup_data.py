"""The batches that the preprocessing layers' ``adapt`` reads, as Keras walks them.

An array (a NumPy array, a Tensor, a pandas column) is one batch; a glassnet.data.Dataset,
a PyDataset or any other iterable (a generator) gives one batch per element, each taken as
it comes (Keras does not batch a Dataset for these layers). A list is one batch for the
lookup layers and a list of batches for Discretization, as in Keras.
"""
import itertools

import numpy as np

from glassnet.keras.utils.py_dataset import PyDataset


def adapt_batches(data, steps=None, lists_are_batches=False):
    """The NumPy batches of `data`, at most `steps` of them from an iterable."""
    from glassnet.data import Dataset
    if isinstance(data, PyDataset):
        data = (data[index] for index in range(len(data)))
    single = hasattr(data, "__array__") or hasattr(data, "value") or not hasattr(data, "__iter__") \
        or (isinstance(data, (list, tuple)) and not lists_are_batches)
    if single and not isinstance(data, Dataset):
        return iter([_array(data)])
    batches = (_array(batch[0] if isinstance(batch, tuple) else batch) for batch in data)
    return itertools.islice(batches, steps) if steps is not None else batches


def _array(value):
    return np.asarray(getattr(value, "value", value))


def as_text(array):
    """A string array as Python str (bytes decoded as UTF-8, as Keras's default encoding)."""
    array = np.asarray(array)
    if array.dtype.kind == "U":
        return array
    if array.dtype.kind == "S" or array.dtype == object:
        decode = np.frompyfunc(lambda v: v.decode("utf-8") if isinstance(v, bytes) else v, 1, 1)
        return decode(array).astype(object)
    return array
