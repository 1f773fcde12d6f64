"""Datasets that draw elements from several others: sample_from_datasets, choose_from_datasets, random.

The random ones draw from a NumPy generator seeded by `seed` (or, without one, by a seed taken
from glassnet's global generator when the dataset is built, as ``shuffle`` does): every pass
gives the same order, as TensorFlow's seeded ``Dataset.random`` does. The orders are glassnet's
own, not TensorFlow's (its random numbers come from Philox).
"""
import numpy as np

from glassnet import random as glassnet_random
from glassnet.data import cardinality as counts
from glassnet.data.dataset import Dataset
from glassnet.data.structure import describe, flatten, same_structure
from glassnet.keras import validation as check
from glassnet.tensor_spec import TensorSpec


def _seed(seed, owner):
    if seed is None:
        return int(glassnet_random.generator().integers(2**63 - 1))
    return check.integer("seed", int(seed) if hasattr(seed, "numpy") else seed, minimum=0, owner=owner)


def _checked_datasets(datasets, owner):
    """`datasets` as a list of Datasets of one element structure and dtypes, as TensorFlow requires."""
    if isinstance(datasets, Dataset) or not isinstance(datasets, (list, tuple)):
        check.fail("datasets", datasets, "a list of Datasets", owner, TypeError)
    datasets = list(datasets)
    if not datasets:
        raise ValueError("Invalid `datasets`. `datasets` should not be empty.")
    for dataset in datasets:
        if not isinstance(dataset, Dataset):
            check.fail("datasets", datasets, "a list of Datasets", owner, TypeError)
    first = datasets[0].element_spec
    for dataset in datasets[1:]:
        spec = dataset.element_spec
        if not same_structure(first, spec) or any(a.dtype != b.dtype for a, b in zip(flatten(first), flatten(spec))):
            raise TypeError("Invalid `datasets`. `datasets` must have compatible element specs.\n"
                            + "\n".join(f"Dataset {i} element_spec={describe(d.element_spec)}."
                                        for i, d in enumerate(datasets)))
    return datasets


def _all_infinite(datasets):
    return all(d._cardinality() == counts.INFINITE_CARDINALITY for d in datasets)


class SampleFrom(Dataset):
    """Each element from a dataset drawn at random with `weights` (uniform when None).

    Without `stop_on_empty_dataset`, a dataset that runs out is left out and the weights of the
    others renormalized, until all are out; with it, the first draw of an empty dataset ends the pass.
    """

    def __init__(self, datasets, weights, seed, stop_on_empty_dataset, rerandomize_each_iteration=None):
        owner = "sample_from_datasets"
        self.datasets = _checked_datasets(datasets, owner)
        if weights is None:
            weights = np.full(len(self.datasets), 1.0 / len(self.datasets))
        weights = np.asarray(getattr(weights, "value", weights), dtype=np.float64)
        if weights.shape != (len(self.datasets),):
            raise ValueError(f"Invalid `weights`. `weights` should have the same length as `datasets` but got "
                             f"`len(weights)={weights.size}` vs. `len(datasets)={len(self.datasets)}`.")
        if np.any(weights < 0) or not np.all(np.isfinite(weights)) or weights.sum() <= 0:
            check.fail("weights", weights.tolist(), "finite non-negative numbers with a positive sum", owner)
        self.weights = weights
        self.seed = _seed(seed, owner)
        self.stop = check.boolean("stop_on_empty_dataset", stop_on_empty_dataset, owner=owner)
        self.rerandomize, self.passes = bool(rerandomize_each_iteration), 0

    def _elements(self):
        self.passes += 1
        rng = np.random.default_rng([self.seed, self.passes if self.rerandomize else 0])
        iterators = [iter(d._elements()) for d in self.datasets]
        weights = self.weights.copy()
        while weights.sum() > 0:
            i = rng.choice(len(weights), p=weights / weights.sum())
            element = next(iterators[i], None)
            if element is not None:
                yield element
            elif self.stop:
                return
            else:
                weights[i] = 0.0

    def _cardinality(self):
        # As TensorFlow counts it: one endless input makes the sample endless, stop_on_empty_dataset or not.
        endless = any(d._cardinality() == counts.INFINITE_CARDINALITY for d in self.datasets)
        return counts.INFINITE_CARDINALITY if endless else counts.UNKNOWN_CARDINALITY

    def _spec(self):
        return self.datasets[0].element_spec


class ChooseFrom(Dataset):
    """Element ``k`` from ``datasets[choice[k]]``; with `stop_on_empty_dataset`, choosing an empty dataset
    ends the pass, otherwise that choice is skipped."""

    def __init__(self, datasets, choice_dataset, stop_on_empty_dataset):
        owner = "choose_from_datasets"
        self.datasets = _checked_datasets(datasets, owner)
        if not isinstance(choice_dataset, Dataset):
            check.fail("choice_dataset", choice_dataset, "a Dataset of scalar int64 elements", owner, TypeError)
        if choice_dataset.element_spec != TensorSpec((), np.int64):
            raise TypeError("Invalid `choice_dataset`. Elements of `choice_dataset` must be scalar `tf.int64` "
                            f"tensors but are {describe(choice_dataset.element_spec)}.")
        self.choices = choice_dataset
        self.stop = check.boolean("stop_on_empty_dataset", stop_on_empty_dataset, owner=owner)

    def _elements(self):
        iterators = [iter(d._elements()) for d in self.datasets]
        for choice in self.choices._elements():
            i = int(choice)
            if not 0 <= i < len(iterators):
                raise IndexError(f"choose_from_datasets: `choice_dataset` gave {i}, out of range for "
                                 f"{len(iterators)} datasets (expected 0 to {len(iterators) - 1}).")
            element = next(iterators[i], None)
            if element is not None:
                yield element
            elif self.stop:
                return

    def _cardinality(self):
        infinite = self.choices._cardinality() == counts.INFINITE_CARDINALITY and _all_infinite(self.datasets)
        return counts.INFINITE_CARDINALITY if infinite else counts.UNKNOWN_CARDINALITY

    def _spec(self):
        return self.datasets[0].element_spec


class RandomNumbers(Dataset):
    """An endless stream of random int64 scalars in [0, 2**32) (``Dataset.random``)."""

    def __init__(self, seed, rerandomize_each_iteration):
        self.seed = _seed(seed, "Dataset.random")
        self.rerandomize = bool(rerandomize_each_iteration)
        self.passes = 0

    def _elements(self):
        self.passes += 1
        rng = np.random.default_rng([self.seed, self.passes if self.rerandomize else 0])
        while True:
            for value in rng.integers(2**32, size=1024, dtype=np.int64):
                yield np.asarray(value)

    def _cardinality(self):
        return counts.INFINITE_CARDINALITY

    def _spec(self):
        return TensorSpec((), np.int64)
