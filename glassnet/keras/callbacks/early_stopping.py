"""`EarlyStopping`: stop `fit` when the monitored value stops improving."""
import warnings

import numpy as np

from glassnet.keras import validation as check
from glassnet.keras.callbacks._output import print_msg
from glassnet.keras.callbacks.monitor_callback import MonitorCallback


class EarlyStopping(MonitorCallback):
    """Stops training after `patience` epochs without improvement.

    Args:
        monitor: the log key to watch.
        min_delta: a change smaller than this is no improvement.
        patience: epochs without improvement to allow before stopping.
        verbose: 1 prints ``Epoch N: early stopping`` and the restore message.
        mode: ``"auto"``, ``"min"`` or ``"max"`` (see `MonitorCallback`).
        baseline: the wait only restarts once the value beats this too.
        restore_best_weights: put back the best epoch's weights at the end of
            training, whether or not training stopped early (Keras 3).
        start_from_epoch: epochs to ignore at the start (a warm-up).

    At each epoch end (from `start_from_epoch` on)::

        wait += 1
        if improved(current, best): best = current; wait = 0 (if the baseline is beaten too)
        elif wait >= patience and epoch > 0: model.stop_training = True

    Example:
        >>> stopper = EarlyStopping(monitor="loss", patience=1)
        >>> class Model: stop_training = False
        >>> model = Model(); stopper.set_model(model); stopper.on_train_begin()
        >>> for epoch, loss in enumerate([0.5, 0.4, 0.45, 0.41]):
        ...     stopper.on_epoch_end(epoch, {"loss": loss})
        >>> model.stop_training, stopper.stopped_epoch
        (True, 3)
    """

    def __init__(self, monitor="val_loss", min_delta=0, patience=0, verbose=0, mode="auto",
                 baseline=None, restore_best_weights=False, start_from_epoch=0):
        super().__init__(monitor, mode, baseline=baseline, min_delta=min_delta)
        owner = "EarlyStopping"
        self.patience = check.integer("patience", patience, minimum=0, owner=owner)
        self.verbose = check.integer("verbose", verbose, minimum=0, owner=owner)
        self.baseline = baseline
        self.restore_best_weights = check.boolean("restore_best_weights", restore_best_weights, owner=owner)
        self.start_from_epoch = check.integer("start_from_epoch", start_from_epoch, minimum=0, owner=owner)
        self._reset()

    def _reset(self):
        self.wait = 0
        self.stopped_epoch = 0
        self.best = None
        self.best_weights = None
        self.best_epoch = 0

    def on_train_begin(self, logs=None):
        self._reset()  # the same instance may serve several fits

    def on_epoch_end(self, epoch, logs=None):
        if self.monitor_op is None:
            self._set_monitor_op()
        current = self._monitor_value(logs)
        if current is None or epoch < self.start_from_epoch:
            return
        if self.restore_best_weights and self.best_weights is None:
            # Until something improves, the first watched epoch is the best.
            self._remember(epoch)
        self.wait += 1
        if self._is_improvement(current, self.best):
            self.best = current
            self._remember(epoch)
            if self.baseline is None or self._is_improvement(current, self.baseline):
                self.wait = 0
        elif self.wait >= self.patience and epoch > 0:
            self.stopped_epoch = epoch
            self.model.stop_training = True

    def on_train_end(self, logs=None):
        if self.stopped_epoch > 0 and self.verbose > 0:
            print_msg(f"Epoch {self.stopped_epoch + 1}: early stopping")
        if self.restore_best_weights and self.best_weights is not None:
            if self.verbose > 0:
                print_msg(f"Restoring model weights from the end of the best epoch: {self.best_epoch + 1}.")
            self.model.set_weights(self.best_weights)

    def _remember(self, epoch):
        self.best_epoch = epoch
        if self.restore_best_weights:
            # Copies: the optimizer may update the model's arrays in place.
            self.best_weights = [np.array(w) for w in self.model.get_weights()]

    def _monitor_value(self, logs):
        logs = logs or {}
        value = logs.get(self.monitor)
        if value is None:
            warnings.warn(f"Early stopping conditioned on metric `{self.monitor}` which is not "
                          f"available. Available metrics are: {','.join(logs)}", stacklevel=3)
        return value
