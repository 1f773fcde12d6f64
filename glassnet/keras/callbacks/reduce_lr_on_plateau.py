"""`ReduceLROnPlateau`: lower the learning rate when the monitored value stalls."""
import warnings

import numpy as np

from glassnet.keras import validation as check
from glassnet.keras.callbacks._output import print_msg, read_learning_rate
from glassnet.keras.callbacks.monitor_callback import MonitorCallback


class ReduceLROnPlateau(MonitorCallback):
    """Multiplies the learning rate by `factor` after `patience` epochs without improvement.

    Args:
        monitor: the log key to watch.
        factor: ``new_lr = max(lr * factor, min_lr)``; must be in [0, 1).
        patience: epochs without improvement before reducing.
        verbose: 1 prints ``Epoch N: ReduceLROnPlateau reducing learning rate to ...``.
        mode: ``"auto"``, ``"min"`` or ``"max"`` (see `MonitorCallback`).
        min_delta: a change smaller than this is no improvement.
        cooldown: epochs after a reduction during which waiting is paused.
        min_lr: the rate never goes below this.

    At each epoch end it writes the current rate (before any reduction) into
    ``logs["learning_rate"]``, as Keras does.

    Example:
        >>> class Optimizer: learning_rate = 0.5
        >>> class Model: optimizer = Optimizer()
        >>> model = Model(); reducer = ReduceLROnPlateau("loss", factor=0.5, patience=1)
        >>> reducer.set_model(model); reducer.on_train_begin()
        >>> for epoch in range(3):
        ...     reducer.on_epoch_end(epoch, {"loss": 1.0})
        >>> model.optimizer.learning_rate
        0.125
    """

    def __init__(self, monitor="val_loss", factor=0.1, patience=10, verbose=0, mode="auto",
                 min_delta=1e-4, cooldown=0, min_lr=0.0):
        super().__init__(monitor, mode, min_delta=min_delta)
        owner = "ReduceLROnPlateau"
        check.non_negative("factor", factor, owner=owner)
        if factor >= 1.0:
            raise ValueError(f"ReduceLROnPlateau does not support a factor >= 1.0 (it would not "
                             f"reduce the learning rate). Received: factor={factor!r}")
        self.factor = factor
        self.patience = check.integer("patience", patience, minimum=0, owner=owner)
        self.verbose = check.integer("verbose", verbose, minimum=0, owner=owner)
        self.cooldown = check.integer("cooldown", cooldown, minimum=0, owner=owner)
        self.min_lr = check.non_negative("min_lr", min_lr, owner=owner)
        self.cooldown_counter = 0
        self.wait = 0

    def on_train_begin(self, logs=None):
        # `best` is kept across fits, as in Keras; the counters restart.
        self.cooldown_counter = 0
        self.wait = 0

    def in_cooldown(self):
        return self.cooldown_counter > 0

    def on_epoch_end(self, epoch, logs=None):
        if self.monitor_op is None:
            self._set_monitor_op()
        logs = {} if logs is None else logs
        logs["learning_rate"] = read_learning_rate(self.model.optimizer)
        current = logs.get(self.monitor)
        if current is None:
            warnings.warn(f"Learning rate reduction is conditioned on metric `{self.monitor}` which is "
                          f"not available. Available metrics are: {','.join(logs)}.", stacklevel=2)
            return
        if self.in_cooldown():
            self.cooldown_counter -= 1
            self.wait = 0
        if self._is_improvement(current, self.best):
            self.best = current
            self.wait = 0
        elif not self.in_cooldown():
            self.wait += 1
            if self.wait >= self.patience:
                self._reduce(epoch)

    def _reduce(self, epoch):
        old_lr = read_learning_rate(self.model.optimizer)
        # float32 comparison, as Keras: a rate stored as float32(min_lr) counts as reached.
        if old_lr > np.float32(self.min_lr):
            new_lr = max(old_lr * self.factor, self.min_lr)
            self.model.optimizer.learning_rate = new_lr
            if self.verbose > 0:
                print_msg(f"\nEpoch {epoch + 1}: ReduceLROnPlateau reducing learning rate to {new_lr}.")
            self.cooldown_counter = self.cooldown
            self.wait = 0
