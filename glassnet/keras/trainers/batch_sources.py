"""Where fit, evaluate and predict get their batches: arrays, Python generators, PyDatasets, Datasets.

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


class DatasetBatches:
    """Batches from a glassnet.data.Dataset (already batched), each passed through `prepare`.

    As Keras's EpochIterator runs a tf.data dataset: without `steps`, each epoch is a new pass
    (a shuffle draws a new order). With `steps`, one pass carries on across epochs; an epoch
    that reaches the end of the pass (the dataset's cardinality, or where it stops) ends there
    with Keras's out-of-data warning, and the next epoch starts a new pass. An infinite
    (``repeat()``) dataset is read by one pass throughout. ``reset()`` (before each validation)
    starts the next epoch at the first batch.
    """

    def __init__(self, dataset, prepare, steps=None):
        self.dataset, self.prepare, self.steps = dataset, prepare, steps
        count = dataset._cardinality()
        self.batches_per_pass = count if count >= 0 else None
        self.exhausted = False
        self.reset()

    @property
    def num_batches(self):
        return self.steps or self.batches_per_pass

    def reset(self):
        self._pass, self._seen = None, 0

    def epoch(self):
        if self._pass is None or self.steps is None:
            self._pass, self._seen = iter(self.dataset._elements()), 0
        given = 0
        for step in range(self.steps) if self.steps is not None else _count():
            if self.batches_per_pass is not None and self._seen >= self.batches_per_pass:
                if self.steps is not None:
                    warnings.warn(OUT_OF_DATA, stacklevel=4)
                break
            try:
                batch = next(self._pass)
            except StopIteration:
                if self.steps is not None:
                    warnings.warn(OUT_OF_DATA, stacklevel=4)
                self.batches_per_pass = self._seen  # the pass's length is known now, as Keras learns it
                break
            self._seen += 1
            given += 1
            yield step, self.prepare(batch)
        if self.batches_per_pass is not None and self._seen >= self.batches_per_pass:
            self._pass = None
        self.exhausted = given == 0
