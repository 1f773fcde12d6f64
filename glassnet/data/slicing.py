"""Datasets that pick, repeat or join elements of others: repeat, take, skip, shard, concatenate, cache.

Each works on elements, and on the row order of arrays (index chunks) when its input has one,
so that a batch after them is still one slice or gather of the arrays.
"""
import itertools
import warnings

from glassnet.data import arrays, cardinality as counts, sources
from glassnet.data.dataset import Dataset
from glassnet.data.structure import describe, flatten, map_structure, same_structure
from glassnet.keras import validation as check
from glassnet.tensor_spec import TensorSpec


class _Following(Dataset):
    """A dataset that keeps its input's elements, spec and rows (what it picks is up to the subclass)."""

    def _index_source(self):
        return self.input._index_source()

    def _spec(self):
        return self.input.element_spec

    def _elements(self):
        if self._index_source() is not None:
            return super()._elements()
        return self._picked(self.input._elements)

    def _index_chunks(self):
        return self._picked(self.input._index_chunks, chunks=True)


class PassThrough(_Following):
    """prefetch, with_options: the same elements."""

    def __init__(self, dataset):
        self.input = dataset

    def _picked(self, items, chunks=False):
        return items()

    def _cardinality(self):
        return self.input._cardinality()


class Unknown(PassThrough):
    """ignore_errors: the same elements, of a cardinality TensorFlow does not know."""

    def _cardinality(self):
        return counts.UNKNOWN_CARDINALITY


class Repeat(_Following):
    def __init__(self, dataset, count):
        self.input = dataset
        count = -1 if count is None else check.integer("count", _number(count), minimum=-1, owner="repeat")
        self.count = count

    def _picked(self, items, chunks=False):
        passes = itertools.count() if self.count == -1 else range(self.count)
        for _ in passes:
            empty = True
            for item in items():
                empty = False
                yield item
            if empty:  # an empty input repeated forever is still empty
                return

    def _cardinality(self):
        count = self.input._cardinality()
        if self.count == 0 or count == 0:
            return 0
        if self.count == -1:  # even of an unknown count, as TensorFlow
            return counts.INFINITE_CARDINALITY
        return count * self.count if counts.known(count) else count


class Take(_Following):
    def __init__(self, dataset, count):
        self.input = dataset
        self.count = check.integer("count", _number(count), minimum=-1, owner="take")

    def _picked(self, items, chunks=False):
        if self.count == -1:
            yield from items()
            return
        if not chunks:
            yield from itertools.islice(items(), self.count)
            return
        left = self.count
        for chunk in items() if left else ():
            yield chunk[:left]
            left -= min(left, len(chunk))
            if not left:
                return

    def _cardinality(self):
        count = self.input._cardinality()
        if self.count == -1:
            return count
        if count == counts.INFINITE_CARDINALITY:
            return self.count
        return min(count, self.count) if counts.known(count) else count


class Skip(_Following):
    def __init__(self, dataset, count):
        self.input = dataset
        self.count = check.integer("count", _number(count), minimum=-1, owner="skip")

    def _picked(self, items, chunks=False):
        if self.count == -1:
            return
        if not chunks:
            yield from itertools.islice(items(), self.count, None)
            return
        left = self.count
        for chunk in items():
            if left >= len(chunk):
                left -= len(chunk)
                continue
            yield chunk[left:]
            left = 0

    def _cardinality(self):
        count = self.input._cardinality()
        if self.count == -1:  # all of it; TensorFlow still counts an infinite input as infinite
            return count if count == counts.INFINITE_CARDINALITY else 0
        return max(0, count - self.count) if counts.known(count) else count


class Shard(_Following):
    def __init__(self, dataset, num_shards, index):
        self.input = dataset
        self.num_shards = check.integer("num_shards", _number(num_shards), minimum=1, owner="shard")
        self.index = check.integer("index", _number(index), minimum=0, owner="shard")
        if self.index >= self.num_shards:
            check.fail("index", index, f"an integer in [0, {self.num_shards - 1}] (below num_shards={num_shards})",
                       "shard")

    def _picked(self, items, chunks=False):
        if not chunks:
            yield from itertools.islice(items(), self.index, None, self.num_shards)
            return
        position = 0  # of the chunk's first index in the whole order
        for chunk in items():
            first = (self.index - position) % self.num_shards
            yield arrays.concatenate([chunk])[first::self.num_shards]
            position += len(chunk)

    def _cardinality(self):
        count = self.input._cardinality()
        if not counts.known(count):
            return count
        return count // self.num_shards + (1 if self.index < count % self.num_shards else 0)


class Concatenate(Dataset):
    def __init__(self, first, second):
        if not isinstance(second, Dataset):
            raise TypeError(f"concatenate takes a Dataset. Received: dataset={second!r}")
        a, b = first.element_spec, second.element_spec
        fits = same_structure(a, b) and all(x.dtype == y.dtype for x, y in zip(flatten(a), flatten(b)))
        if not fits:
            raise TypeError(f"Incompatible dataset elements:\n  {describe(a)} vs.   {describe(b)}")
        self.first, self.second = first, second

    def _elements(self):
        yield from self.first._elements()
        yield from self.second._elements()

    def _cardinality(self):
        return counts.add(self.first._cardinality(), self.second._cardinality())

    def _spec(self):
        """The most specific spec both fit, as TensorFlow: a dimension that differs becomes None."""
        return map_structure(_joined, self.first.element_spec, self.second.element_spec)


def _joined(a, b):
    if a.shape is None or b.shape is None or len(a.shape) != len(b.shape):
        return TensorSpec(None, a.dtype)
    return TensorSpec([x if x == y else None for x, y in zip(a.shape, b.shape)], a.dtype)


class Cache(_Following):
    """The first complete pass, kept in memory and replayed (a pass stopped early is not kept, as TensorFlow).

    Over rows of arrays, the order of the first pass is kept. Other finite elements of one shape
    are read in one go when a pass over the cache starts and kept as arrays, so that the passes
    after it (``cache().shuffle().batch()``, as the overfitting tutorial runs) are slices and
    gathers like ``from_tensor_slices``'s; elements of different shapes are replayed one by one.
    """

    def __init__(self, dataset, filename):
        self.input = dataset
        if filename:
            warnings.warn(f"cache(filename={filename!r}): glassnet caches in memory only; the file is not written.",
                          stacklevel=3)
        self.kept = {}
        self.rows, self.stackable = None, True

    def _index_source(self):
        source = self.input._index_source()
        return source if source is not None else self._rows()

    def _rows(self):
        """The elements as a TensorSlices of their arrays, read once (None if infinite, empty or ragged)."""
        if self.rows is None and self.stackable and self.input._cardinality() != counts.INFINITE_CARDINALITY:
            elements = self.kept.get(False)
            if elements is None:
                elements = self.kept[False] = list(self.input._elements())
            try:
                self.rows = sources.TensorSlices(arrays.stack(elements)) if elements else None
            except ValueError:
                pass
            self.stackable = self.rows is not None
        return self.rows

    def _index_chunks(self):
        if self.input._index_source() is None:
            return self.rows._index_chunks()
        return self._picked(self.input._index_chunks, chunks=True)

    def _picked(self, items, chunks=False):
        if chunks in self.kept:
            yield from self.kept[chunks]
            return
        seen = []
        for item in items():
            seen.append(item)
            yield item
        self.kept[chunks] = seen

    def _cardinality(self):
        return self.input._cardinality()


def _number(value):
    return int(value) if hasattr(value, "numpy") else value
