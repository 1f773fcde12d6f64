"""Where fit, evaluate and predict get their batches: arrays, Python generators, PyDatasets.

Each source has ``num_batches`` (None when unknown) and ``epoch()``, which yields
``(step, (x, y, sample_weight))`` with NumPy arrays (y and sample_weight may be None).
Arrays are sliced in Keras's order (epoch_iterator.py); a generator or a PyDataset hands
out whole batches, each checked as it arrives, with the same checks arrays get up front.
"""
import inspect
import warnings

from glassnet.keras.trainers.epoch_iterator import OUT_OF_DATA, EpochIterator, batch_size_for
from glassnet.keras.utils.py_dataset import PyDataset


def is_batch_stream(data):
    """A Python generator, another iterator, or a PyDataset: data that comes in whole batches."""
    if isinstance(data, PyDataset):
        return True
    return inspect.isgenerator(data) or (hasattr(data, "__next__") and hasattr(data, "__iter__"))


class ArrayBatches:
    """Batches sliced from arrays of the same length."""

    def __init__(self, x, y=None, sample_weight=None, batch_size=None, shuffle=False, steps=None):
        self.arrays = (x, y, sample_weight)
        self.iterator = EpochIterator(len(x), batch_size_for(len(x), batch_size, steps), shuffle, steps)
        self.exhausted = False

    @property
    def num_batches(self):
        return self.iterator.num_batches

    def reset(self):
        self.iterator.reset()

    def epoch(self):
        x, y, weights = self.arrays
        for step, rows in self.iterator.epoch():
            yield step, (x[rows], None if y is None else y[rows], None if weights is None else weights[rows])


class StreamBatches:
    """Batches from a generator or PyDataset, each passed through `prepare` (checks, conversion).

    A generator is read once: without `steps`, the first epoch runs until it stops, and a later
    epoch that gets no batch ends training with Keras's out-of-data warning (``exhausted``).
    """

    def __init__(self, data, prepare, steps=None):
        self.data, self.prepare, self.steps = data, prepare, steps
        self.exhausted = False
        self._iterator = None if isinstance(data, PyDataset) else iter(data)

    @property
    def num_batches(self):
        if self.steps is not None or self._iterator is not None:
            return self.steps
        return self.data.num_batches

    def reset(self):
        """Batches cannot be replayed: a generator's next epoch goes on where this one stopped."""

    def epoch(self):
        if self._iterator is None:
            yield from self._indexed_epoch()
            return
        given = 0
        for step in range(self.steps) if self.steps is not None else _count():
            try:
                batch = next(self._iterator)
            except StopIteration:
                break
            given += 1
            yield step, self.prepare(batch)
        if given == 0 or (self.steps is not None and given < self.steps):
            warnings.warn(OUT_OF_DATA, stacklevel=4)
            self.exhausted = True

    def _indexed_epoch(self):
        self.data.on_epoch_begin()
        count = self.data.num_batches if self.steps is None else self.steps
        for step in range(count) if count is not None else _count():
            try:
                batch = self.data[step]
            except IndexError:
                if count is None:
                    break
                raise
            yield step, self.prepare(batch)
        self.data.on_epoch_end()


def _count():
    step = 0
    while True:
        yield step
        step += 1
