"""PyDataset: batches served by index, for data that does not fit in one array (Keras's class)."""


class PyDataset:
    """Base class of a data set that hands out whole batches: ``dataset[i]`` is batch `i`, as
    ``x``, ``(x, y)`` or ``(x, y, sample_weight)``, and ``len(dataset)`` is the number of batches.

    ``fit`` asks for batches ``0 .. len - 1`` each epoch, in order, and calls
    :meth:`on_epoch_end` after each epoch (shuffle there if you want a new order).
    `workers`, `use_multiprocessing` and `max_queue_size` are Keras's arguments for loading in
    parallel; here batches are loaded one at a time, in the calling thread.

    >>> import numpy as np
    >>> from glassnet.keras.utils import PyDataset
    >>> class Squares(PyDataset):
    ...     def __len__(self):
    ...         return 2
    ...     def __getitem__(self, index):
    ...         x = np.arange(4.0).reshape(4, 1) + 4 * index
    ...         return x, x ** 2
    >>> len(Squares()), Squares()[1][1][:, 0].tolist()
    (2, [16.0, 25.0, 36.0, 49.0])
    """

    def __init__(self, workers=1, use_multiprocessing=False, max_queue_size=10):
        self._workers = workers
        self._use_multiprocessing = use_multiprocessing
        self._max_queue_size = max_queue_size

    @property
    def workers(self):
        return self._workers

    @property
    def use_multiprocessing(self):
        return self._use_multiprocessing

    @property
    def max_queue_size(self):
        return self._max_queue_size

    def __getitem__(self, index):
        raise NotImplementedError(f"{type(self).__name__} must implement __getitem__(index).")

    @property
    def num_batches(self):
        """The number of batches per epoch: ``len(self)``, or None when it is not known."""
        if hasattr(type(self), "__len__"):
            return len(self)
        return None

    def on_epoch_begin(self):
        """Called before each epoch."""

    def on_epoch_end(self):
        """Called after each epoch."""


# tf.keras 2's name for the same idea.
Sequence = PyDataset
