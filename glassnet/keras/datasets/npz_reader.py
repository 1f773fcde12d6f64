"""Reading Keras's ``.npz`` files of word sequences (IMDB, Reuters) without unpickling.

Such a file is a zip of ``.npy`` files. The labels are plain arrays, read by NumPy with pickles
refused. The sequences are ragged, so NumPy stored them as an object array: a ``.npy`` header,
then a pickle of an array of Python lists. That pickle is read by `pickle_reader` and accepted
only if it is exactly that: a 1-D array of lists of ints.
"""
import io
import zipfile

import numpy as np

from glassnet.keras.datasets.pickle_reader import read_pickle


def load_npz(path):
    """A dict of the arrays in the ``.npz`` file at `path`, object arrays included, never unpickled."""
    arrays = {}
    with zipfile.ZipFile(path) as archive:
        for member in archive.namelist():
            if member.endswith(".npy"):
                arrays[member[:-len(".npy")]] = _read_npy(archive.read(member), f"{member} in {path}")
    return arrays


def member(arrays, key, path):
    """``arrays[key]``, or an error that says the file lacks it."""
    if key not in arrays:
        raise ValueError(f"The file {path} has no array {key!r} (it holds {sorted(arrays)}); it is not the data set's "
                         "file. Delete it and download it again.")
    return arrays[key]


def _read_npy(data, what):
    stream = io.BytesIO(data)
    version = np.lib.format.read_magic(stream)
    header = np.lib.format.read_array_header_1_0 if version[0] == 1 else np.lib.format.read_array_header_2_0
    shape, fortran_order, dtype = header(stream)  # the header is a Python literal: read, not run
    if not dtype.hasobject:
        stream.seek(0)
        return np.lib.format.read_array(stream, allow_pickle=False)
    return _sequences(read_pickle(data[stream.tell():], what), shape, what)


def _sequences(array, shape, what):
    """`array` if it is an object array of `shape` (1-D) whose items are lists of ints; else an error."""
    if not isinstance(array, np.ndarray) or array.dtype != object or array.shape != shape or len(shape) != 1:
        raise ValueError(f"Refusing to read {what}: expected a 1-D object array of shape {shape} holding lists of "
                         f"ints; found {type(array).__name__} {getattr(array, 'shape', '')}.")
    for index, sequence in enumerate(array):
        if type(sequence) is not list or not all(type(word) is int for word in sequence):
            raise ValueError(f"Refusing to read {what}: item {index} is not a list of ints "
                             f"({type(sequence).__name__}); a sequence file holds only lists of word indices.")
    return array
