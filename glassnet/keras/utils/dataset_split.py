"""``keras.utils.split_dataset``: a left and a right part of a small in-memory dataset, as Keras cuts it.

Keras lists the samples, shuffles that list with Python's ``random`` (seeded by `seed`, which
reseeds the global generator as Keras does), keeps the first `left_size` and the last
`right_size` samples, and makes a ``from_tensor_slices`` dataset of each, batched again when the
input's last step was a ``batch``. Here arrays are cut by index instead of sample by sample:
``random.shuffle`` permutes a list of n indices exactly as it permutes any list of n items, so the
parts are Keras's.
"""
import random

import numpy as np

from glassnet.data import Dataset
from glassnet.data.batching import Batch
from glassnet.data.structure import map_structure


def split_dataset(dataset, left_size=None, right_size=None, shuffle=False, seed=None, preferred_backend=None):
    """Split a dataset in two (e.g. train and test): ``(left, right)`` glassnet Datasets.

    Sizes are counts of samples (an int) or fractions of them (a float in (0, 1), rounded); a
    missing one is the rest. The left part is the first samples, the right part the last ones.

    Args:
        dataset: a ``glassnet.data.Dataset``, a NumPy array, or a list or tuple of arrays of one length.
        left_size: the left part's size (int or float), or None for the rest.
        right_size: the right part's size (int or float), or None for the rest.
        shuffle: shuffle the samples (Python's ``random``, as Keras) before cutting.
        seed: the shuffle's seed (None: one drawn from Python's ``random``).
        preferred_backend: accepted for Keras's signature; only ``None`` or ``"tensorflow"`` (Datasets).

    Returns:
        Two ``glassnet.data.Dataset`` objects, batched like the input if its last step was ``batch``.

    >>> left, right = split_dataset(np.arange(10.0), left_size=0.8)
    >>> len(left), len(right), [float(x) for x in right.as_numpy_iterator()]
    (8, 2, [8.0, 9.0])
    """
    if preferred_backend not in (None, "tensorflow"):
        raise ValueError('`preferred_backend` must be None or "tensorflow" (glassnet returns glassnet.data.Dataset '
                         f"objects). Received: preferred_backend={preferred_backend!r}")
    if left_size is None and right_size is None:
        raise ValueError("At least one of the `left_size` or `right_size` must be specified. "
                         "Received: left_size=None and right_size=None")
    samples, batch_size = _samples(dataset)
    total = _length(samples)
    order = list(range(total))
    if shuffle:
        if seed is None:
            seed = random.randint(0, int(1e6))
        random.seed(seed)
        random.shuffle(order)
    left_size, right_size = _rescale(left_size, right_size, total)
    parts = []
    for index in (order[:left_size], order[-right_size:]):
        part = Dataset.from_tensor_slices(_take(samples, np.asarray(index)))
        parts.append(part if batch_size is None else part.batch(batch_size))
    return tuple(parts)


def _samples(dataset):
    """The dataset as arrays with one row per sample, in its element structure, and the batch size
    to restore (Keras re-batches only a dataset whose last step is ``batch``)."""
    if isinstance(dataset, (list, tuple)):
        if len(dataset) == 0:
            raise ValueError("Received an empty list or tuple dataset. Please provide a non-empty one of arrays.")
        for i, element in enumerate(dataset):
            if not isinstance(element, np.ndarray):
                raise ValueError(f"Expected a list or tuple of `numpy.ndarray` objects. Received: {type(element)} "
                                 f"at index {i}.")
            if len(element) != len(dataset[0]):
                raise ValueError(f"Received arrays of different lengths: {len(dataset[0])} at index 0, "
                                 f"{len(element)} at index {i}. Please provide arrays of the same length.")
        return tuple(dataset), None
    if isinstance(dataset, np.ndarray):
        return dataset, None
    if isinstance(dataset, Dataset):
        batch_size = dataset.batch_size if isinstance(dataset, Batch) else None
        rows = list((dataset.unbatch() if batch_size else dataset).as_numpy_iterator())
        if not rows:
            raise ValueError("Received an empty dataset. Argument `dataset` must be a non-empty list/tuple of "
                             "`numpy.ndarray` objects or a non-empty Dataset.")
        return map_structure(lambda *column: np.array(column), *rows), batch_size
    raise TypeError("The `dataset` argument must be a glassnet.data.Dataset, a NumPy array, or a list/tuple of "
                    f"arrays. Received: dataset of type {type(dataset)}")


def _take(samples, index):
    return map_structure(lambda column: column[index], samples)


def _length(samples):
    while isinstance(samples, (tuple, dict)):
        samples = next(iter(samples.values())) if isinstance(samples, dict) else samples[0]
    return len(samples)


def _rescale(left_size, right_size, total):
    """Keras's checks and rounding of the two sizes, in its words."""
    for name, size in (("left_size", left_size), ("right_size", right_size)):
        if size is not None and type(size) not in (int, float):
            raise TypeError(f"Invalid `{name}` Type. Expected: int or float or None, Received: "
                            f"type({name})={type(size)}.")
    if left_size == 0 and right_size == 0:
        raise ValueError("Both `left_size` and `right_size` are zero. At least one of the split sizes must be "
                         "non-zero.")
    for name, size in (("left_size", left_size), ("right_size", right_size)):
        if (type(size) is int and not 0 < size < total) or (type(size) is float and not 0 < size < 1):
            raise ValueError(f"`{name}` should be either a positive integer smaller than {total}, or a float "
                             f"within the range `[0, 1]`. Received: {name}={size}")
    if type(left_size) is float and type(right_size) is float and left_size + right_size > 1:
        raise ValueError("The sum of `left_size` and `right_size` is greater than 1. It must be less than or "
                         "equal to 1.")
    left = round(left_size * total) if type(left_size) is float else left_size
    right = round(right_size * total) if type(right_size) is float else right_size
    left = total - right if left is None else left
    right = total - left if right is None else right
    if left + right > total:
        raise ValueError(f"The sum of `left_size` and `right_size` should be smaller than the {total}. "
                         f"Received: left_size + right_size = {left + right} and total_length = {total}")
    for split, side in ((left, "left"), (right, "right")):
        if split == 0:
            raise ValueError(f"With `dataset` of length={total}, `left_size`={left} and `right_size`={right}. "
                             f"Resulting {side} side dataset split will be empty. Adjust any of the "
                             "aforementioned parameters")
    return int(left), int(right)
