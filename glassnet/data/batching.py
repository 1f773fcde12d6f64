"""batch, padded_batch and unbatch.

Over rows of arrays (``from_tensor_slices(...).shuffle(...)``), a batch is one slice or one
gather of the arrays by its indices; other elements are stacked.
"""
import itertools

from glassnet.data import arrays, cardinality as counts
from glassnet.data.dataset import Dataset
from glassnet.data.structure import flatten, map_structure
from glassnet.keras import validation as check
from glassnet.tensor_spec import TensorSpec


class Batch(Dataset):
    def __init__(self, dataset, batch_size, drop_remainder, padded=False, padding_values=None, padded_shapes=None):
        self.input = dataset
        owner = "padded_batch" if padded else "batch"
        self.batch_size = check.integer("batch_size", _number(batch_size), minimum=1, owner=owner)
        self.drop_remainder = check.boolean("drop_remainder", drop_remainder, owner=owner)
        self.padded, self.padding_values = padded, padding_values
        if padded_shapes is not None:
            raise NotImplementedError("padded_batch pads to the largest shape in each batch; `padded_shapes` is "
                                      f"not supported. Received: padded_shapes={padded_shapes!r}")

    def _elements(self):
        source = self.input._index_source()
        if source is not None:
            batches = (arrays.rows(source.columns, index)
                       for index in _batched_indices(self.input._index_chunks(), self.batch_size))
        elif hasattr(self.input, "_batches") and not self.padded:  # a reader that makes whole batches (CSV)
            batches = self.input._batches(self.batch_size)
        else:
            batches = self._stacked()
        for batch in batches:
            if not self.drop_remainder or len(flatten(batch)[0]) == self.batch_size:
                yield batch

    def _stacked(self):
        """Elements stacked (or padded and stacked) `batch_size` at a time."""
        join = (lambda rows: arrays.padded_stack(rows, self.padding_values)) if self.padded else arrays.stack
        elements = iter(self.input._elements())
        while rows := list(itertools.islice(elements, self.batch_size)):
            yield join(rows)

    def _cardinality(self):
        count = self.input._cardinality()
        if not counts.known(count):
            return count
        return count // self.batch_size if self.drop_remainder else -(-count // self.batch_size)

    def _spec(self):
        first = self.batch_size if self.drop_remainder else None

        def batched(spec):
            if spec.shape is None:
                return TensorSpec(None, spec.dtype)
            inner = (None,) * len(spec.shape) if self.padded else spec.shape
            return TensorSpec((first, *inner), spec.dtype)
        return map_structure(batched, self.input.element_spec)


def _batched_indices(chunks, size):
    """Index chunks cut into pieces of `size` (the last may be shorter); ranges stay ranges."""
    pending, count = [], 0
    for chunk in chunks:
        while len(chunk):
            cut = size - count
            pending.append(chunk[:cut])
            count += len(pending[-1])
            chunk = chunk[cut:]
            if count == size:
                yield pending[0] if len(pending) == 1 else arrays.concatenate(pending)
                pending, count = [], 0
    if pending:
        yield pending[0] if len(pending) == 1 else arrays.concatenate(pending)


class Unbatch(Dataset):
    def __init__(self, dataset):
        self.input = dataset
        spec = dataset.element_spec
        if any(leaf.shape is not None and len(leaf.shape) == 0 for leaf in flatten(spec)):
            raise ValueError(f"Cannot unbatch an input with scalar components: unbatch splits each element along "
                             f"its first axis. Received elements of spec {spec}.")

    def _elements(self):
        for element in self.input._elements():
            yield from arrays.split(element)

    def _cardinality(self):
        count = self.input._cardinality()
        return count if count == counts.INFINITE_CARDINALITY else counts.UNKNOWN_CARDINALITY

    def _spec(self):
        return map_structure(lambda spec: TensorSpec(None if spec.shape is None else spec.shape[1:], spec.dtype),
                             self.input.element_spec)


def _number(value):
    return int(value) if hasattr(value, "numpy") else value
