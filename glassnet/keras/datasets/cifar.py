"""Reading one CIFAR batch file (a pickled dict) without unpickling it."""
import numpy as np

from glassnet.keras.datasets.pickle_reader import read_pickle


def load_batch(fpath, label_key="labels"):
    """``(data, labels)`` of the CIFAR batch at `fpath`: uint8 images ``(n, 3, 32, 32)`` and a list of ints.

    The file must be exactly a CIFAR batch: a dict with bytes keys whose ``b"data"`` is a uint8
    array of shape ``(n, 3072)`` and whose `label_key` is a list of n ints (other entries, such as
    the file names, are lists or strings). Anything else is refused; nothing in it is run.
    """
    with open(fpath, "rb") as stream:
        batch = read_pickle(stream.read(), fpath)
    if type(batch) is not dict or not all(type(key) is bytes for key in batch):
        raise ValueError(f"Refusing to read {fpath}: a CIFAR batch is a dict with bytes keys; found "
                         f"{type(batch).__name__}{' keys ' + str(list(batch)) if type(batch) is dict else ''}.")
    batch = {key.decode("utf8"): value for key, value in batch.items()}
    data, labels = batch.get("data"), batch.get(label_key)
    if not isinstance(data, np.ndarray) or data.dtype != np.uint8 or data.ndim != 2 or data.shape[1] != 3072:
        raise ValueError(f"Refusing to read {fpath}: its 'data' should be a uint8 array of shape (n, 3072); found "
                         f"{getattr(data, 'dtype', type(data).__name__)} {getattr(data, 'shape', '')}.")
    if type(labels) is not list or len(labels) != len(data) or not all(type(label) is int for label in labels):
        raise ValueError(f"Refusing to read {fpath}: its {label_key!r} should be a list of {len(data)} ints; found "
                         f"{type(labels).__name__} of length {len(labels) if hasattr(labels, '__len__') else '-'}.")
    return data.reshape(data.shape[0], 3, 32, 32), labels
