"""window: elements grouped into windows, each window a Dataset (a structure of them, as the element's)."""
from collections import deque

from glassnet.data import arrays, cardinality as counts
from glassnet.data.dataset import Dataset
from glassnet.data.sources import TensorSlices
from glassnet.data.structure import map_structure
from glassnet.keras import validation as check


class DatasetSpec:
    """The spec of an element that is itself a Dataset (``tf.data.DatasetSpec``): its element spec."""

    def __init__(self, element_spec, dataset_shape=()):
        self.element_spec, self.dataset_shape = element_spec, tuple(dataset_shape)

    def __eq__(self, other):
        return isinstance(other, DatasetSpec) and (self.element_spec, self.dataset_shape) == (
            other.element_spec, other.dataset_shape)

    def __hash__(self):
        return hash((repr(self.element_spec), self.dataset_shape))

    def __repr__(self):
        return f"DatasetSpec({self.element_spec!r}, TensorShape({list(self.dataset_shape)}))"


class Window(Dataset):
    """Windows of `size` elements, each `stride` apart, a new window every `shift` elements.

    As TensorFlow: each window is a structure of Datasets shaped like the element (a tuple element
    gives a tuple of Datasets); ``window(...).flat_map(lambda w: w.batch(size))`` makes them tensors.
    The last windows are shorter unless `drop_remainder`.

    >>> windows = Dataset.range(7).window(3, shift=2)
    >>> [[int(x) for x in w] for w in windows]
    [[0, 1, 2], [2, 3, 4], [4, 5, 6], [6]]
    """

    def __init__(self, dataset, size, shift, stride, drop_remainder):
        self.input = dataset
        self.size = check.integer("size", _number(size), minimum=1, owner="window")
        self.shift = self.size if shift is None else check.integer("shift", _number(shift), minimum=1, owner="window")
        self.stride = check.integer("stride", _number(stride), minimum=1, owner="window")
        self.drop_remainder = check.boolean("drop_remainder", drop_remainder, owner="window")

    def _elements(self):
        elements = iter(self.input._elements())
        buffer, first, ended = deque(), 0, False  # buffer[0] is input element number `first`
        span = (self.size - 1) * self.stride + 1
        for start in _starts(self.shift):
            while not ended and first + len(buffer) < start + span:
                element = next(elements, None)
                ended = element is None
                if not ended:
                    buffer.append(element)
            while first < start and buffer:
                buffer.popleft()
                first += 1
            if not buffer or (self.drop_remainder and first + len(buffer) < start + span):
                return
            picked = [buffer[i] for i in range(0, min(span, len(buffer)), self.stride)]
            yield map_structure(lambda column: TensorSlices(column), arrays.stack(picked))

    def _cardinality(self):
        count = self.input._cardinality()
        if not counts.known(count):
            return count
        if not self.drop_remainder:
            return -(-count // self.shift)
        span = (self.size - 1) * self.stride + 1
        return 0 if count < span else (count - span) // self.shift + 1

    def _spec(self):
        return map_structure(DatasetSpec, self.input.element_spec)


def _starts(shift):
    start = 0
    while True:
        yield start
        start += shift


def _number(value):
    return int(value) if hasattr(value, "numpy") else value
