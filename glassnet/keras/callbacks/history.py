"""`History`: the per-epoch results that `fit` returns."""
import numbers

import numpy as np

from glassnet.keras.callbacks.callback import Callback


class History(Callback):
    """Records the logs of every epoch; `fit` adds one and returns it.

    Attributes:
        history: dict name -> list of Python floats, one per epoch run, keys in
            the order the logs first had them (sorted, then ``val_``, then
            keys other callbacks added, such as ``learning_rate``).
        epoch: the 0-based indices of the epochs run, e.g. ``[1, 2]`` after
            ``fit(..., initial_epoch=1, epochs=3)``.
        params: ``{'verbose': v, 'epochs': epochs, 'steps': steps}``.

    Example:
        >>> history = History()
        >>> history.on_train_begin()
        >>> history.on_epoch_end(0, {"loss": 0.5, "val_loss": 0.75})
        >>> history.history, history.epoch
        ({'loss': [0.5], 'val_loss': [0.75]}, [0])
    """

    def __init__(self):
        super().__init__()
        self.history = {}
        self.epoch = []

    def on_train_begin(self, logs=None):
        # Keras restarts `epoch` but keeps appending to `history` when reused.
        self.epoch = []

    def on_epoch_end(self, epoch, logs=None):
        self.epoch.append(epoch)
        for key, value in (logs or {}).items():
            self.history.setdefault(key, []).append(_as_float(value))
        if self.model is not None:
            self.model.history = self


def _as_float(value):
    """NumPy scalars and 0-d arrays become Python floats; anything else is kept."""
    if isinstance(value, numbers.Real) or (isinstance(value, np.ndarray) and value.ndim == 0):
        return float(value)
    return value
