"""`BackupAndRestore`: back up the training state during `fit`; a restarted `fit` resumes from it.

The backup folder holds Keras's two files, so that Keras resumes from a glassnet backup and
glassnet from a Keras one:

    latest.weights.h5        the model's weights and the optimizer's variables (save_weights)
    training_metadata.json   {"epoch": epochs completed, "batch": last batch seen}

and glassnet's own ``glassnet_state.json``, which makes the resumed run bit-identical to one
that was never interrupted: where to resume (the epoch, and the batches of it already trained
when saving every N batches) and every random state training draws from (NumPy's global
generator, which fit shuffles with, as it was when that epoch began; glassnet's generator and
the generators of seeded layers, as they were at the save), and, for a backup in the middle
of an epoch, the metrics' running values, so that the resumed epoch logs what the
uninterrupted one does. It keeps the last few such
records, each with the SHA-256 of the weights file it goes with: the three files are written
one after another (each atomically), the state first, so a process killed between two writes
leaves a weights file whose record is still there, and the run resumes from that one.
"""
import hashlib
import io
import json
import os
import random as python_random
import shutil
import warnings

import numpy as np

from glassnet import random
from glassnet.keras.callbacks.callback import Callback
from glassnet.keras.saving import atomic, weights_file
from glassnet.keras.saving.h5 import require_h5py

WEIGHTS, METADATA, STATE = "latest.weights.h5", "training_metadata.json", "glassnet_state.json"
_FORMAT = 1
_RECORDS_KEPT = 3  # the current backup, the one before (double_checkpoint's .bkp), and one spare


class BackupAndRestore(Callback):
    """Back up the training state in `backup_dir`; a later `fit` with this callback resumes there.

    Args:
        backup_dir: the folder for the backup files; nothing else should write there.
        save_freq: ``"epoch"`` to back up at the end of each epoch, or an int: every that many
            training batches (a restarted fit then resumes in the middle of the epoch).
        double_checkpoint: also keep the previous backup (``*.bkp``), restored when the latest
            one cannot be read.
        delete_checkpoint: delete `backup_dir` when fit completes.

    Resuming restores the weights, the optimizer's state, the epoch (and batch) and the random
    states, so the weights after the restarted fit equal, bit for bit, those of a fit that was
    never interrupted (same seed, same data, same arguments); an epoch resumed in its middle
    also starts from the metrics' running values at the backup, so its logs are those of the
    uninterrupted run too (other callbacks' own state is not backed up). Batches that carry over
    from one epoch to the next (``steps_per_epoch`` shorter than the data) resume at the start
    of the restored epoch's pass, so that case is not bit-identical.

    Example:
        >>> BackupAndRestore("backup", save_freq=10).save_freq
        10
    """

    def __init__(self, backup_dir, save_freq="epoch", double_checkpoint=False, delete_checkpoint=True):
        super().__init__()
        if not backup_dir:
            raise ValueError("Empty `backup_dir` argument passed")
        if save_freq != "epoch" and not isinstance(save_freq, int):
            raise ValueError(f"Invalid value for argument `save_freq`. Received: save_freq={save_freq}. "
                             "Expected either 'epoch' or an integer value.")
        self.backup_dir = os.fspath(backup_dir)
        self.save_freq = save_freq
        self.double_checkpoint = double_checkpoint
        self.delete_checkpoint = delete_checkpoint
        self._weights_path = os.path.join(self.backup_dir, WEIGHTS)
        self._training_metadata_path = os.path.join(self.backup_dir, METADATA)
        self._state_path = os.path.join(self.backup_dir, STATE)
        self._prev_weights_path = f"{self._weights_path}.bkp"
        self._prev_training_metadata_path = f"{self._training_metadata_path}.bkp"
        self._batches_seen_since_last_saving = 0
        self._last_batch_seen = 0
        self._current_epoch = 0  # epochs completed
        self._epoch_numpy_state = None  # NumPy's global state when the running epoch began
        self._records = []  # the state records on disk, newest first
        self._resumed_metrics = None  # the running metrics of an epoch resumed in its middle

    # --- restoring -----------------------------------------------------------------
    def on_train_begin(self, logs=None):
        require_h5py()  # the backup is an HDF5 weights file: say so before training, not after
        try:
            self._load_model()
        except (OSError, ValueError) as error:
            # The latest weights may be damaged: fall back on the previous backup, as Keras does.
            if not os.path.exists(self._prev_weights_path) or isinstance(error, (_NotBuiltError, _NotThisModelError)):
                raise
            _copy(self._prev_weights_path, self._weights_path)
            if os.path.exists(self._prev_training_metadata_path):
                _copy(self._prev_training_metadata_path, self._training_metadata_path)
            elif os.path.exists(self._training_metadata_path):
                os.remove(self._training_metadata_path)
            self._load_model()

    def _load_model(self):
        if not self.model.built:
            raise _NotBuiltError(
                "To use the BackupAndRestore callback, you model must be built before you call `fit()`. "
                f"Model {self.model} is unbuilt. You can build it beforehand by calling it on a batch of data.")
        if not os.path.exists(self._weights_path):
            return
        with open(self._weights_path, "rb") as file:
            data = file.read()
        records = self._read_records()
        record = next((r for r in records if r["weights_sha256"] == _digest(data)), None)
        if record is not None:
            self._check_generators(record)  # before anything changes
        optimizer = getattr(self.model, "optimizer", None)
        if optimizer is not None:  # its variables must exist to be loaded; built as fit builds it
            optimizer._ensure_built(self.model.trainable_weights)
        self.model.load_weights(self._weights_path)
        if record is not None:
            self._resume(record)
            self._records = [record] + [r for r in records if r is not record]
        else:
            if records:
                warnings.warn(f"{self._state_path} does not describe {self._weights_path}: resuming at the epoch "
                              f"{self._training_metadata_path} names, without the random states, so the run is "
                              "not bit-identical to an uninterrupted one.", stacklevel=3)
            self._resume_from_metadata()

    def _resume(self, record):
        """Put back the random states and tell fit where to start (see Trainer._resume_point)."""
        np.random.set_state(_numpy_state(record["numpy_global"]))
        python_random.setstate(_python_state(record["python"]))
        for generator, state in zip(_generators(self.model), record["generators"]):
            generator.bit_generator.state = state
        self.model._initial_epoch = record["epoch"]
        self.model._initial_step = record["step"]
        self._resumed_metrics = record["metrics"] if record["step"] else None
        self._current_epoch = record["epoch"]
        self._last_batch_seen = record["step"] - 1 if record["step"] else 0
        self._batches_seen_since_last_saving = record["batches_since_save"]

    def _check_generators(self, record):
        count = len(_generators(self.model))
        if count != len(record["generators"]):
            raise _NotThisModelError(
                f"The backup in {self.backup_dir} holds {len(record['generators'])} random generators (glassnet's "
                f"and seeded layers'), but this model has {count}: it is not the model that was backed up. "
                "Use another backup_dir for another model.")

    def _resume_from_metadata(self):
        """Keras's resume: the epoch of training_metadata.json (a backup Keras wrote)."""
        if os.path.exists(self._training_metadata_path):
            with open(self._training_metadata_path) as file:
                epoch = json.load(file)["epoch"]
            self.model._initial_epoch = epoch
            self._current_epoch = epoch

    def _read_records(self):
        if not os.path.exists(self._state_path):
            return []
        try:
            with open(self._state_path) as file:
                state = json.load(file)
        except (OSError, ValueError) as error:
            warnings.warn(f"Cannot read {self._state_path} ({error}); ignoring it.", stacklevel=4)
            return []
        if not isinstance(state, dict) or state.get("format") != _FORMAT:
            warnings.warn(f"{self._state_path} is not a glassnet state file of format {_FORMAT}; ignoring it.",
                          stacklevel=4)
            return []
        return state["records"]

    # --- backing up ----------------------------------------------------------------
    def on_epoch_begin(self, epoch, logs=None):
        # fit draws this epoch's shuffle after this point: a mid-epoch backup resumes from here.
        self._epoch_numpy_state = np.random.get_state()
        if self._resumed_metrics is not None:  # fit has just reset them: the epoch's batches so far
            _set_metric_values(self.model, self._resumed_metrics)
            self._resumed_metrics = None

    def on_epoch_end(self, epoch, logs=None):
        self._current_epoch = epoch + 1
        self._last_batch_seen = 0
        if self.save_freq == "epoch":
            # Nothing draws from NumPy's generator before the next epoch's shuffle.
            self._save_model(step=0, numpy_state=np.random.get_state())

    def on_train_batch_end(self, batch, logs=None):
        if self._should_save_on_batch(batch):
            self._save_model(step=batch + 1, numpy_state=self._epoch_numpy_state)

    def _should_save_on_batch(self, batch):
        """Keras's count: True every `save_freq` batches (a lower batch number starts an epoch)."""
        if self.save_freq == "epoch":
            return False
        if batch <= self._last_batch_seen:
            added = batch + 1
        else:
            added = batch - self._last_batch_seen
        self._batches_seen_since_last_saving += added
        self._last_batch_seen = batch
        if self._batches_seen_since_last_saving >= self.save_freq:
            self._batches_seen_since_last_saving = 0
            return True
        return False

    def _save_model(self, step, numpy_state):
        """Write the state record, then the weights, then Keras's metadata (see the module's doc)."""
        os.makedirs(self.backup_dir, exist_ok=True)
        if self.double_checkpoint and os.path.exists(self._weights_path):
            _copy(self._weights_path, self._prev_weights_path)
        if self.double_checkpoint and os.path.exists(self._training_metadata_path):
            _copy(self._training_metadata_path, self._prev_training_metadata_path)
        buffer = io.BytesIO()
        weights_file.write_weights(self.model, buffer)
        data = buffer.getvalue()
        record = {  # "epoch": the epochs completed, which is also the index of the one to resume
            "epoch": self._current_epoch,
            "step": step,
            "batches_since_save": self._batches_seen_since_last_saving,
            "weights_sha256": _digest(data),
            "numpy_global": _numpy_state_json(numpy_state),
            "python": _python_state_json(python_random.getstate()),
            "generators": [generator.bit_generator.state for generator in _generators(self.model)],
            "metrics": [variable.value.tolist() for variable in _metric_variables(self.model)] if step else [],
        }
        records = [record] + self._records[:_RECORDS_KEPT - 1]
        atomic.write_bytes(self._state_path, json.dumps({"format": _FORMAT, "records": records}).encode())
        atomic.write_bytes(self._weights_path, data)
        metadata = {"epoch": self._current_epoch, "batch": self._last_batch_seen}
        atomic.write_bytes(self._training_metadata_path, json.dumps(metadata).encode())
        self._records = records

    def on_train_end(self, logs=None):
        if self.delete_checkpoint and os.path.exists(self.backup_dir):
            shutil.rmtree(self.backup_dir)
        self._records = []


class _NotBuiltError(ValueError):
    """An unbuilt model: not a damaged file, so no fallback on the previous backup."""


class _NotThisModelError(ValueError):
    """A backup of another model: not a damaged file, so no fallback on the previous backup."""


def _generators(model):
    """glassnet's generator, then each layer's own (a seeded Dropout's), in the model's layer order."""
    generators = [random.generator()]
    for layer in model._flatten_layers():
        generators += [value for value in vars(layer).values() if isinstance(value, np.random.Generator)]
    return generators


def _metric_variables(model):
    """The running sums and counts of the model's metrics (the loss's too), in a fixed order."""
    variables = []
    for metric in getattr(model, "metrics", None) or ():
        variables += metric.variables
        for inner in getattr(metric, "metrics", None) or ():
            variables += inner.variables
    return list({id(v): v for v in variables}.values())


def _set_metric_values(model, values):
    variables = _metric_variables(model)
    if len(variables) != len(values):
        warnings.warn(f"The backup holds {len(values)} metric values but the model has {len(variables)} metric "
                      "variables: the resumed epoch's logs cover only the batches trained after the restart.",
                      stacklevel=4)
        return
    for variable, value in zip(variables, values):
        variable.value[...] = np.asarray(value, dtype=variable.value.dtype)


def _digest(data):
    return hashlib.sha256(data).hexdigest()


def _copy(source, target):
    with open(source, "rb") as file:
        atomic.write_bytes(target, file.read())


def _numpy_state_json(state):
    name, keys, position, has_gauss, cached = state
    return [name, [int(k) for k in keys], int(position), int(has_gauss), float(cached)]


def _numpy_state(saved):
    name, keys, position, has_gauss, cached = saved
    return name, np.array(keys, dtype=np.uint32), position, has_gauss, cached


def _python_state_json(state):
    version, internal, gauss = state
    return [version, list(internal), gauss]


def _python_state(saved):
    version, internal, gauss = saved
    return version, tuple(internal), gauss
