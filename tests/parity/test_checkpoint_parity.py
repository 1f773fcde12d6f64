"""ModelCheckpoint and BackupAndRestore against Keras 3.

ModelCheckpoint: both callbacks are driven through the same scripted fit (epochs, batches and
their logs) with a model that records its saves: the same files on the same epochs and batches,
the same printed lines, the same warnings.

BackupAndRestore: the folder one library writes, the other resumes from (the epoch, the weights
and the optimizer's state), and both write the same training_metadata.json at the same points.
"""
import contextlib
import io
import json
import os
import warnings

import keras
import numpy as np
import pytest

import glassnet as tf
from glassnet.keras import callbacks as glassnet_callbacks

pytest.importorskip("h5py")


class SavingModel:
    """What ModelCheckpoint touches on a model: save, save_weights, stop_training."""

    def __init__(self):
        self.stop_training = False
        self.saved = []

    def save(self, filepath, overwrite=True):
        self.saved.append(("model", filepath))

    def save_weights(self, filepath, overwrite=True):
        self.saved.append(("weights", filepath))


def drive(callback, model, epochs, steps=3):
    """Call the hooks as fit does; each epoch's and batch's logs come from `epochs`:
    ``[(batch_logs_list, epoch_logs)]``. Returns (saves, printed text, warning messages)."""
    callback.set_model(model)
    out = io.StringIO()
    with contextlib.redirect_stdout(out), warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        callback.on_train_begin()
        for epoch, (batch_logs, epoch_logs) in enumerate(epochs):
            callback.on_epoch_begin(epoch)
            for batch, logs in enumerate(batch_logs):
                callback.on_train_batch_begin(batch)
                callback.on_train_batch_end(batch, dict(logs))
            callback.on_epoch_end(epoch, dict(epoch_logs))
        callback.on_train_end()
    return model.saved, out.getvalue(), [str(w.message) for w in caught]


def scripted(values, key="val_loss", steps=3):
    """Epochs whose batch logs carry a running loss and whose epoch logs carry `key`."""
    return [([{"loss": v + 0.1 * (steps - b)} for b in range(steps)], {"loss": v, key: v}) for v in values]


VALUES = [0.7, 0.5, 0.5, 0.6, 0.2, 0.2 - 1e-7, 0.3]
CASES = [
    ("every-epoch", {"filepath": "ckpt-{epoch:02d}-{val_loss:.2f}.keras"}, scripted(VALUES)),
    ("weights", {"filepath": "w-{epoch}.weights.h5", "save_weights_only": True}, scripted(VALUES)),
    ("best-min", {"filepath": "best-{epoch}.keras", "save_best_only": True}, scripted(VALUES)),
    ("best-one-file", {"filepath": "best.keras", "save_best_only": True, "mode": "min"}, scripted(VALUES)),
    ("best-max", {"filepath": "b{epoch}.keras", "monitor": "val_auc", "mode": "max", "save_best_only": True},
     scripted(VALUES, key="val_auc")),
    ("threshold", {"filepath": "t{epoch}.keras", "save_best_only": True, "initial_value_threshold": 0.55},
     scripted(VALUES)),
    ("missing-monitor", {"filepath": "m{epoch}.keras", "monitor": "val_acc", "mode": "max", "save_best_only": True},
     scripted(VALUES[:3])),
    ("batches", {"filepath": "e{epoch}-b{batch}.keras", "save_freq": 2}, scripted(VALUES[:4])),
    ("batches-5", {"filepath": "e{epoch}-b{batch}-{loss:.3f}.weights.h5", "save_freq": 5,
                   "save_weights_only": True}, scripted(VALUES)),
    ("batches-best", {"filepath": "bb-{epoch}.keras", "save_freq": 2, "monitor": "loss", "mode": "min",
                      "save_best_only": True}, [([{"loss": 0.5}], {"loss": 0.5})] + scripted(VALUES[:3])),
]


@pytest.mark.parametrize("verbose", [0, 1])
@pytest.mark.parametrize(("options", "epochs"), [case[1:] for case in CASES], ids=[case[0] for case in CASES])
def test_model_checkpoint_saves_prints_and_warns_as_keras(options, epochs, verbose):
    theirs = drive(keras.callbacks.ModelCheckpoint(verbose=verbose, **options), SavingModel(), epochs)
    ours = drive(glassnet_callbacks.ModelCheckpoint(verbose=verbose, **options), SavingModel(), epochs)
    assert ours == theirs
    assert theirs[0]  # every case saves something


@pytest.mark.parametrize(("options", "error"), [
    ({"filepath": "m.h5", "save_weights_only": True}, ValueError),
    ({"filepath": "m.txt"}, ValueError),
    ({"filepath": "m.keras", "save_freq": "batch"}, ValueError),
    ({"filepath": "m.keras", "save_freq": 2.0}, ValueError),
])
def test_model_checkpoint_refuses_the_paths_keras_refuses(options, error):
    with pytest.raises(error) as theirs:
        keras.callbacks.ModelCheckpoint(**options)
    with pytest.raises(error) as ours:
        glassnet_callbacks.ModelCheckpoint(**options)
    assert str(ours.value) == str(theirs.value)


@pytest.mark.parametrize("path", ["m.weights.h5", "m.h5", "{epoch}.keras"])
def test_model_checkpoint_accepts_the_model_paths_keras_accepts(path):
    keras.callbacks.ModelCheckpoint(path)
    assert glassnet_callbacks.ModelCheckpoint(path).filepath == path


# --- BackupAndRestore ---------------------------------------------------------------------
X = np.random.default_rng(0).normal(size=(12, 3)).astype("float32")
Y = (X.sum(axis=1, keepdims=True) > 0).astype("float32")


def keras_model():
    keras.utils.set_random_seed(1)
    model = keras.Sequential([keras.Input(shape=(3,)), keras.layers.Dense(4, activation="relu"),
                              keras.layers.Dense(1, activation="sigmoid")])
    model.compile(optimizer=keras.optimizers.Adam(0.01), loss="binary_crossentropy")
    return model


def glassnet_model():
    tf.random.set_seed(2)
    model = tf.keras.Sequential([tf.keras.Input(shape=(3,)), tf.keras.layers.Dense(4, activation="relu"),
                                 tf.keras.layers.Dense(1, activation="sigmoid")])
    model.compile(optimizer=tf.keras.optimizers.Adam(0.01), loss="binary_crossentropy")
    return model


class Interrupt:
    """A callback for either library that stops fit at the start of `epoch`."""

    @staticmethod
    def of(library, epoch):
        class Stop(library.callbacks.Callback):
            def on_epoch_begin(self, current, logs=None):
                if current == epoch:
                    raise RuntimeError("Interrupting!")
        return Stop()


def optimizer_state(model):
    return [np.array(v.numpy() if hasattr(v, "numpy") else v) for v in model.optimizer.variables]


def test_glassnet_resumes_from_a_keras_backup(tmp_path):
    backup = str(tmp_path / "backup")
    trained = keras_model()
    with pytest.raises(RuntimeError):
        trained.fit(X, Y, epochs=5, batch_size=4, verbose=0,
                    callbacks=[keras.callbacks.BackupAndRestore(backup), Interrupt.of(keras, 3)])
    saved = [w.numpy() for w in trained.weights]
    resumed = glassnet_model()
    seen = {}
    peek = tf.keras.callbacks.LambdaCallback(
        on_epoch_begin=lambda epoch, logs: seen.setdefault("weights", resumed.get_weights()))
    history = resumed.fit(X, Y, epochs=5, batch_size=4, verbose=0,
                          callbacks=[tf.keras.callbacks.BackupAndRestore(backup), peek])
    assert history.epoch == [3, 4]
    assert all(np.array_equal(a, b) for a, b in zip(seen["weights"], saved, strict=True))


def test_keras_resumes_from_a_glassnet_backup(tmp_path):
    backup = str(tmp_path / "backup")
    trained = glassnet_model()
    with pytest.raises(RuntimeError):
        trained.fit(X, Y, epochs=5, batch_size=4, verbose=0,
                    callbacks=[tf.keras.callbacks.BackupAndRestore(backup), Interrupt.of(tf.keras, 3)])
    saved = trained.get_weights()
    saved_optimizer = optimizer_state(trained)
    resumed = keras_model()
    seen = {}
    peek = keras.callbacks.LambdaCallback(on_epoch_begin=lambda epoch, logs: seen.setdefault(
        "state", ([w.numpy() for w in resumed.weights], optimizer_state(resumed))))
    history = resumed.fit(X, Y, epochs=5, batch_size=4, verbose=0,
                          callbacks=[keras.callbacks.BackupAndRestore(backup), peek])
    assert history.epoch == [3, 4]
    weights, optimizer = seen["state"]
    assert all(np.array_equal(a, b) for a, b in zip(weights, saved, strict=True))
    assert all(np.array_equal(a, b) for a, b in zip(optimizer, saved_optimizer, strict=True))


@pytest.mark.parametrize("save_freq", ["epoch", 1, 2, 5])
def test_backup_writes_keras_training_metadata_at_the_same_points(tmp_path, save_freq):
    """After every batch and epoch hook: the metadata file both libraries leave."""
    def history(library, model, folder):
        callback = library.callbacks.BackupAndRestore(str(folder), save_freq=save_freq, delete_checkpoint=False)
        callback.set_model(model)
        callback.on_train_begin()
        path = folder / "training_metadata.json"
        seen = []
        for epoch in range(3):
            callback.on_epoch_begin(epoch)
            for batch in range(3):
                callback.on_train_batch_begin(batch)
                callback.on_train_batch_end(batch, {"loss": 1.0})
                seen.append(json.loads(path.read_text()) if path.exists() else None)
            callback.on_epoch_end(epoch, {"loss": 1.0})
            seen.append(json.loads(path.read_text()) if path.exists() else None)
        return seen, sorted(os.listdir(folder))

    theirs = history(keras, keras_model(), tmp_path / "keras")
    ours = history(tf.keras, glassnet_model(), tmp_path / "glassnet")
    assert ours[0] == theirs[0]
    assert ours[1] == sorted(theirs[1] + ["glassnet_state.json"])


@pytest.mark.parametrize(("options", "message"), [
    ({"backup_dir": ""}, "Empty"), ({"backup_dir": "b", "save_freq": "batch"}, "save_freq"),
])
def test_backup_and_restore_refuses_what_keras_refuses(options, message):
    with pytest.raises(ValueError, match=message) as theirs:
        keras.callbacks.BackupAndRestore(**options)
    with pytest.raises(ValueError) as ours:
        glassnet_callbacks.BackupAndRestore(**options)
    assert str(ours.value) == str(theirs.value)
