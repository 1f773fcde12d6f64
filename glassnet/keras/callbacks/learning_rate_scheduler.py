"""`LearningRateScheduler`: set the learning rate from a function of the epoch."""
import inspect

import numpy as np

from glassnet.keras import validation as check
from glassnet.keras.callbacks._output import print_msg, read_learning_rate
from glassnet.keras.callbacks.callback import Callback


class LearningRateScheduler(Callback):
    """Sets ``optimizer.learning_rate = schedule(epoch, lr)`` at each epoch start.

    Args:
        schedule: ``f(epoch, lr) -> float`` or ``f(epoch) -> float``; `epoch`
            counts from 0 and `lr` is the current rate as a Python float.
        verbose: 1 prints ``Epoch N: LearningRateScheduler setting learning rate to ...``.

    At each epoch end it writes the rate into ``logs["learning_rate"]``, so
    it appears in the history, the CSV log and the progress line.

    Example:
        >>> halve = LearningRateScheduler(lambda epoch, lr: lr * 0.5)
        >>> class Optimizer: learning_rate = 0.1
        >>> class Model: optimizer = Optimizer()
        >>> model = Model(); halve.set_model(model); halve.on_epoch_begin(0)
        >>> model.optimizer.learning_rate
        0.05
    """

    def __init__(self, schedule, verbose=0):
        super().__init__()
        if not callable(schedule):
            raise TypeError("LearningRateScheduler expects `schedule` to be a function "
                            f"f(epoch, lr) or f(epoch). Received: schedule={schedule!r}")
        self.schedule = schedule
        self.verbose = check.integer("verbose", verbose, minimum=0, owner="LearningRateScheduler")
        self._takes_lr = _accepts_two_args(schedule)

    def on_epoch_begin(self, epoch, logs=None):
        optimizer = self.model.optimizer
        current = read_learning_rate(optimizer)
        rate = self.schedule(epoch, current) if self._takes_lr else self.schedule(epoch)
        if not isinstance(rate, (float, np.floating)):
            raise ValueError("The output of the `schedule` function should be a float. "
                             f"Got: {rate!r} (of type {type(rate).__name__}) at epoch {epoch}")
        optimizer.learning_rate = rate
        if self.verbose > 0:
            print_msg(f"\nEpoch {epoch + 1}: LearningRateScheduler setting learning rate to {rate}.")

    def on_epoch_end(self, epoch, logs=None):
        if logs is not None:
            logs["learning_rate"] = read_learning_rate(self.model.optimizer)


def _accepts_two_args(function):
    """Whether `function` can be called as ``function(epoch, lr)``.

    Keras tries the two-argument call and falls back on TypeError, which also
    hides TypeErrors raised inside the schedule; reading the signature does not.
    """
    try:
        inspect.signature(function).bind(0, 0.0)
    except TypeError:
        return False
    except ValueError:  # no signature available (some built-ins): assume the modern form
        return True
    return True
