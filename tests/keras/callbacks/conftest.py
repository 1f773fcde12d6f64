"""Fakes standing in for the model: just what callbacks touch."""
import io

import numpy as np
import pytest

from glassnet.keras.callbacks import CallbackList


class FakeRate:
    """What reading ``optimizer.learning_rate`` gives: a float32 with ``.numpy()``."""

    def __init__(self, value):
        self.value = np.float32(value)

    def numpy(self):
        return self.value


class FakeOptimizer:
    def __init__(self, learning_rate=0.1, is_schedule=False):
        self._rate = FakeRate(learning_rate)
        self.is_schedule = is_schedule
        self.assigned = []  # every value assigned, as given

    @property
    def learning_rate(self):
        return self._rate

    @learning_rate.setter
    def learning_rate(self, value):
        if self.is_schedule:
            raise TypeError("This optimizer was created with a learning rate schedule.")
        self.assigned.append(value)
        self._rate = FakeRate(value)


class FakeModel:
    def __init__(self, weights=None, learning_rate=0.1):
        self.stop_training = False
        self.optimizer = FakeOptimizer(learning_rate)
        self.weights = [np.array(w, dtype="float32") for w in (weights or [[1.0, 2.0], [3.0]])]
        self.history = None

    def get_weights(self):
        return [w.copy() for w in self.weights]

    def set_weights(self, weights):
        self.weights = [np.array(w) for w in weights]


class FakeTTY(io.StringIO):
    """A stream that says it is a terminal."""

    def isatty(self):
        return True


@pytest.fixture
def model():
    return FakeModel()


@pytest.fixture
def make_model():
    return FakeModel


@pytest.fixture
def tty():
    """A terminal-like stream; use it with ``contextlib.redirect_stdout`` inside the test
    (pytest's own capture resets ``sys.stdout`` after fixtures run)."""
    return FakeTTY()


def _fit(model, callbacks, epoch_logs, steps=2, verbose=0, initial_epoch=0, batch_logs=None):
    """Drive callbacks as `fit` does; `epoch_logs[i]` is epoch i's end-of-epoch logs."""
    epochs = len(epoch_logs)
    callbacks = CallbackList(callbacks, add_history=True, add_progbar=verbose != 0,
                             model=model, verbose=verbose, epochs=epochs, steps=steps)
    callbacks.on_train_begin()
    logs = None
    for epoch in range(initial_epoch, epochs):
        callbacks.on_epoch_begin(epoch)
        for step in range(steps):
            callbacks.on_train_batch_begin(step)
            callbacks.on_train_batch_end(step, dict(batch_logs or {"loss": 1.0}))
            if model.stop_training:
                break
        logs = dict(epoch_logs[epoch])
        callbacks.on_epoch_end(epoch, logs)
        if model.stop_training:
            break
    callbacks.on_train_end(logs)
    return callbacks.history


@pytest.fixture
def fit():
    return _fit
