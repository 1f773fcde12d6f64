"""`ModelCheckpoint`: save the model (or its weights) during `fit`, every epoch or every N batches."""
import os
import warnings

import numpy as np

from glassnet.keras.callbacks._output import print_msg
from glassnet.keras.callbacks.monitor_callback import MonitorCallback
from glassnet.keras.saving.h5 import require_h5py


class ModelCheckpoint(MonitorCallback):
    """Save the model, or only its weights, at the end of each epoch or every `save_freq` batches.

    Args:
        filepath: where to save; it must end in ``.keras`` (or Keras's legacy ``.h5``), or in
            ``.weights.h5`` with ``save_weights_only=True``. It is formatted with
            ``epoch`` (counted from 1), ``batch`` (from 1, when saving every N batches) and
            every log key: ``"ckpt-{epoch:02d}-{val_loss:.2f}.keras"``.
        monitor: the log key that decides what is best, e.g. ``"val_loss"``.
        verbose: 1 prints a line for each save (and each non-improvement), as Keras does.
        save_best_only: save only when `monitor` improves on the best value so far.
        save_weights_only: ``model.save_weights`` instead of ``model.save``.
        mode: ``"auto"``, ``"min"`` or ``"max"``: which direction of `monitor` is better.
        save_freq: ``"epoch"``, or an int: save after every that many training batches.
        initial_value_threshold: the value of `monitor` to beat before the first save
            (with ``save_best_only``).

    Every file is written atomically: a save cut short leaves the earlier file as it was.

    Example:
        >>> ModelCheckpoint("ckpt-{epoch:02d}.weights.h5", save_weights_only=True).filepath
        'ckpt-{epoch:02d}.weights.h5'
        >>> ModelCheckpoint("ckpt.h5", save_weights_only=True)  # doctest: +ELLIPSIS
        Traceback (most recent call last):
        ...
        ValueError: When using `save_weights_only=True` in `ModelCheckpoint`, the filepath provided must end ...
    """

    def __init__(self, filepath, monitor="val_loss", verbose=0, save_best_only=False, save_weights_only=False,
                 mode="auto", save_freq="epoch", initial_value_threshold=None):
        super().__init__(monitor, mode, initial_value_threshold)
        self.verbose = verbose
        self.filepath = os.fspath(filepath)
        self.save_best_only = save_best_only
        self.save_weights_only = save_weights_only
        self.save_freq = save_freq
        self._batches_seen_since_last_saving = 0
        self._last_batch_seen = None
        self._current_epoch = 0
        _check_save_freq(save_freq)
        _check_filepath(self.filepath, save_weights_only)

    def on_train_begin(self, logs=None):
        require_h5py()  # every file it writes holds HDF5 weights: say so before training, not after

    def on_epoch_begin(self, epoch, logs=None):
        self._current_epoch = epoch

    def on_train_batch_end(self, batch, logs=None):
        if self._should_save_on_batch(batch):
            self._save_model(epoch=self._current_epoch, batch=batch, logs=logs)

    def on_epoch_end(self, epoch, logs=None):
        if self.monitor_op is None:  # delayed until the model's metrics exist
            self._set_monitor_op()
        if self.save_freq == "epoch":
            self._save_model(epoch=epoch, batch=None, logs=logs)

    def _should_save_on_batch(self, batch):
        """Count batches (a lower batch number means a new epoch); True every `save_freq` of them."""
        if self.save_freq == "epoch":
            return False
        if self._last_batch_seen is None or batch <= self._last_batch_seen:
            added = batch + 1
        else:  # steps_per_execution reports every Nth batch only
            added = batch - self._last_batch_seen
        self._batches_seen_since_last_saving += added
        self._last_batch_seen = batch
        if self._batches_seen_since_last_saving >= self.save_freq:
            self._batches_seen_since_last_saving = 0
            return True
        return False

    def _save_model(self, epoch, batch, logs):
        filepath = self._get_file_path(epoch, batch, logs)
        if not self._should_save_model(epoch, logs or {}, filepath):
            return
        if os.path.isdir(filepath):
            raise OSError("Please specify a non-directory filepath for ModelCheckpoint. Filepath used is an "
                          f"existing directory: {filepath}")
        folder = os.path.dirname(filepath)
        if folder:
            os.makedirs(folder, exist_ok=True)
        if self.save_weights_only:
            self.model.save_weights(filepath, overwrite=True)
        else:
            self.model.save(filepath, overwrite=True)
        if self.verbose > 0:
            print_msg(f"\nEpoch {epoch + 1}: finished saving model to {filepath}")

    def _should_save_model(self, epoch, logs, filepath):
        """Keras's rule: always without save_best_only; else when `monitor` improved (and saves
        with a warning when `monitor` is missing or not a scalar)."""
        if not self.save_best_only:
            if self.verbose > 0:
                print_msg(f"\nEpoch {epoch + 1}: saving model to {filepath}")
            return True
        current = logs.get(self.monitor)
        if current is None:
            warnings.warn(f"Can save best model only with {self.monitor} available.", stacklevel=3)
            return True
        if np.ndim(current) > 0:
            warnings.warn(f"Can save best model only when `monitor` is a scalar value. Received: {current}. "
                          "Falling back to `save_best_only=False`.", stacklevel=3)
            return True
        if self.monitor_op is None:  # a batch save before the first epoch end (Keras fails here)
            self._set_monitor_op()
        best = "None" if self.best is None else f"{self.best:.5f}"
        if self._is_improvement(current, self.best):
            if self.verbose > 0:
                print_msg(f"\nEpoch {epoch + 1}: {self.monitor} improved from {best} to {current:.5f}, "
                          f"saving model to {filepath}")
            self.best = current
            return True
        if self.verbose > 0:
            print_msg(f"\nEpoch {epoch + 1}: {self.monitor} did not improve from {best}")
        return False

    def _get_file_path(self, epoch, batch, logs):
        """`filepath` with ``epoch`` (from 1), ``batch`` (from 1, for batch saves) and the log keys."""
        logs = logs or {}
        try:
            if batch is None or "batch" in logs:
                return self.filepath.format(epoch=epoch + 1, **logs)
            return self.filepath.format(epoch=epoch + 1, batch=batch + 1, **logs)
        except KeyError as error:
            raise KeyError(f'Failed to format this callback filepath: "{self.filepath}". Reason: {error}') from None


def _check_save_freq(save_freq):
    if save_freq != "epoch" and not isinstance(save_freq, int):
        raise ValueError(f"Unrecognized save_freq: {save_freq}. Expected save_freq are 'epoch' or integer values")


def _check_filepath(filepath, save_weights_only):
    """Keras's extensions: ``.weights.h5`` for weights; ``.keras`` (or legacy ``.h5``) for models."""
    if save_weights_only and not filepath.endswith(".weights.h5"):
        raise ValueError("When using `save_weights_only=True` in `ModelCheckpoint`, the filepath provided must end "
                         f"in `.weights.h5` (Keras weights format). Received: filepath={filepath}")
    if not save_weights_only and not filepath.endswith((".keras", ".h5")):
        raise ValueError(f"The filepath provided must end in `.keras` (Keras model format). Received: "
                         f"filepath={filepath}")
