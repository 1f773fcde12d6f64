"""The batches of each epoch, handed out as Keras's EpochIterator hands out arrays.

Without a step count, every epoch (and every evaluate or predict call) is one pass over the
rows. With one (`steps_per_epoch`, `validation_steps`, `steps`), a pass carries on across
epochs: each epoch takes the next batches of the pass; an epoch that reaches the end of the
pass stops there, with Keras's warning, and the next epoch starts a fresh pass.

Shuffling draws from NumPy's global generator when a pass starts, exactly as Keras's JAX
backend does, so a seed gives the same batches in both libraries.
"""
import math
import warnings

import numpy as np

OUT_OF_DATA = ("Your input ran out of data; interrupting training. Make sure that your dataset or "
               "generator can generate at least `steps_per_epoch * epochs` batches.")


def batch_size_for(n, batch_size, steps):
    """Keras's batch size for n rows: the one given, else enough for `steps` batches, else 32."""
    if batch_size is not None:
        return batch_size
    return math.ceil(n / steps) if steps else 32


class EpochIterator:
    """``epoch()`` yields ``(step, rows)`` for one epoch; rows are a slice or an index array.

    >>> batches = EpochIterator(10, 4, steps_per_epoch=2)
    >>> [rows for _, rows in batches.epoch()], [rows for _, rows in batches.epoch()]
    ([slice(0, 4, None), slice(4, 8, None)], [slice(8, 10, None)])
    """

    def __init__(self, n, batch_size, shuffle=False, steps_per_epoch=None):
        self.n, self.batch_size, self.shuffle = n, batch_size, shuffle
        self.steps_per_epoch = steps_per_epoch
        self.batches_per_pass = math.ceil(n / batch_size)
        self.reset()

    @property
    def num_batches(self):
        """The progress bar's target: the step count when given, else one pass."""
        return self.steps_per_epoch or self.batches_per_pass

    def reset(self):
        self._pass, self._seen = None, 0

    def epoch(self):
        if self._pass is None or self.steps_per_epoch is None:
            self._pass, self._seen = self._new_pass(), 0
        for step in range(self.num_batches):
            if self._seen >= self.batches_per_pass:
                warnings.warn(OUT_OF_DATA, stacklevel=4)
                break
            self._seen += 1
            yield step, next(self._pass)
        if self._seen >= self.batches_per_pass:
            self._pass, self._seen = self._new_pass(), 0

    def _new_pass(self):
        # A generator: the permutation is drawn at the pass's first batch, not before.
        n, size = self.n, self.batch_size
        order = np.random.permutation(n) if self.shuffle and self.shuffle != "batch" else None
        for start in range(0, n, size):
            stop = min(start + size, n)
            if self.shuffle == "batch":
                yield np.random.permutation(stop - start) + start
            else:
                yield slice(start, stop) if order is None else order[start:stop]
