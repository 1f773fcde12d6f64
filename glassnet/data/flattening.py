"""flat_map and interleave: a function makes a Dataset of each element, whose elements are read in turn."""
import os

from glassnet.data import cardinality as counts
from glassnet.data.dataset import Dataset, _arguments
from glassnet.data.shuffling import peeking
from glassnet.keras import validation as check

AUTOTUNE = -1


def _inner(map_func, element, owner):
    """The Dataset `map_func` makes of one element."""
    dataset = map_func(*_arguments(element))
    if not isinstance(dataset, Dataset):
        raise TypeError(f"The `map_func` of {owner} must return a Dataset. It returned a value of type "
                        f"{type(dataset).__name__}: {dataset!r:.200}")
    return dataset


class _OfDatasets(Dataset):
    """A dataset whose elements come from the Datasets `map_func` makes of its input's elements."""

    def __init__(self, dataset, map_func, owner):
        if not callable(map_func):
            raise TypeError(f"`map_func` must be callable. Received: map_func={map_func!r}")
        self.input, self.map_func, self.owner = dataset, map_func, owner

    def _datasets(self):
        for element in self.input._elements():
            yield iter(_inner(self.map_func, element, self.owner)._elements())

    def _cardinality(self):
        return counts.UNKNOWN_CARDINALITY  # as TensorFlow, even for an infinite input

    def _spec(self):
        """The spec of the first Dataset made (TensorFlow traces the function instead)."""
        with peeking():
            element = next(iter(self.input._elements()), None)
        if element is None:
            raise ValueError(f"Cannot tell the element structure of {self.owner} over an empty dataset.")
        return _inner(self.map_func, element, self.owner).element_spec


class FlatMap(_OfDatasets):
    """The elements of each Dataset made, one Dataset after the other."""

    def __init__(self, dataset, map_func):
        super().__init__(dataset, map_func, "flat_map")

    def _elements(self):
        for elements in self._datasets():
            yield from elements


class Interleave(_OfDatasets):
    """TensorFlow's deterministic interleave: `cycle_length` Datasets open at once, `block_length`
    elements from each in turn; a Dataset that ends hands its place to the next input element's
    (at that place's next turn), and the turn moves on.

    >>> ds = Dataset.range(1, 4).interleave(lambda x: Dataset.range(10 * x, 10 * x + 2), cycle_length=2)
    >>> [int(x) for x in ds]
    [10, 20, 11, 21, 30, 31]
    """

    def __init__(self, dataset, map_func, cycle_length, block_length):
        super().__init__(dataset, map_func, "interleave")
        # AUTOTUNE (or None) is the number of CPU cores, as TensorFlow picks it.
        if cycle_length is None or cycle_length == AUTOTUNE:
            cycle_length = os.cpu_count() or 1
        self.cycle_length = check.integer("cycle_length", _number(cycle_length), minimum=1, owner="interleave")
        self.block_length = check.integer("block_length", _number(block_length), minimum=1, owner="interleave")

    def _elements(self):
        datasets = self._datasets()
        slots = [None] * self.cycle_length
        inputs_left = True
        while inputs_left or any(slot is not None for slot in slots):
            for place in range(self.cycle_length):
                if slots[place] is None and inputs_left:
                    slots[place] = next(datasets, None)
                    inputs_left = slots[place] is not None
                if slots[place] is None:
                    continue
                for _ in range(self.block_length):
                    element = next(slots[place], None)
                    if element is None:
                        slots[place] = None
                        break
                    yield element


def _number(value):
    return int(value) if hasattr(value, "numpy") else value
