"""Datasets of files: list_files (file names matching a pattern) and TextLineDataset (their lines)."""
import glob
import gzip
import zlib

import numpy as np

from glassnet.data import cardinality as counts
from glassnet.data.dataset import Dataset
from glassnet.tensor_spec import TensorSpec

_COMPRESSIONS = (None, "", "GZIP", "ZLIB")


def _names(value, argument):
    """A file name, or a list, tuple, array or Dataset of them, as a list of str."""
    if isinstance(value, Dataset):
        return [_text(name) for name in value.as_numpy_iterator()]
    value = getattr(value, "value", value)
    if isinstance(value, (str, bytes)) or hasattr(value, "__fspath__"):
        return [_text(value)]
    try:
        names = [_text(name) for name in np.asarray(value).ravel().tolist()]
    except TypeError:
        names = None
    if names is None or not all(isinstance(name, str) for name in names):
        raise TypeError(f"`{argument}` must be a string, a list of strings or a Dataset of strings. "
                        f"Received: {argument}={value!r:.200}")
    return names


def _text(name):
    return name.decode() if isinstance(name, bytes) else str(name) if hasattr(name, "__fspath__") else name


def list_files(file_pattern, shuffle, seed):
    """The files matching `file_pattern` (one glob pattern or several), sorted, then shuffled unless
    `shuffle` is False, as TensorFlow: a Dataset of their names as bytes."""
    names = sorted({name for pattern in _names(file_pattern, "file_pattern") for name in glob.glob(pattern)})
    if not names:
        raise ValueError(f"No files matched pattern: {', '.join(_names(file_pattern, 'file_pattern'))}")
    files = Dataset.from_tensor_slices(np.array([name.encode() for name in names]))
    if shuffle is None or shuffle:
        files = files.shuffle(len(names), seed=seed)
    return files


class TextLines(Dataset):
    """Each line of each file, without its line ending, as a bytes scalar (``TextLineDataset``)."""

    def __init__(self, filenames, compression_type=None, buffer_size=None, num_parallel_reads=None, name=None):
        self.filenames = _names(filenames, "filenames")
        compression = compression_type.upper() if isinstance(compression_type, str) else compression_type
        if compression not in _COMPRESSIONS:
            raise ValueError(f"Invalid `compression_type`: expected '', 'GZIP' or 'ZLIB'. "
                             f"Received: compression_type={compression_type!r}")
        self.compression = compression or None

    def _lines(self, filename):
        with open(filename, "rb") as file:
            data = file.read()
        if self.compression == "GZIP":
            data = gzip.decompress(data)
        elif self.compression == "ZLIB":
            data = zlib.decompress(data)
        # TensorFlow splits at "\n" only and drops a "\r" before it.
        lines = data.split(b"\n")
        if lines[-1] == b"":
            lines.pop()
        return [line[:-1] if line.endswith(b"\r") else line for line in lines]

    def _elements(self):
        for filename in self.filenames:
            for line in self._lines(filename):
                yield np.array(line)

    def _cardinality(self):
        return counts.UNKNOWN_CARDINALITY

    def _spec(self):
        return TensorSpec((), np.bytes_)

