import contextlib
import doctest
import io
import os
import signal
import subprocess
import sys
import textwrap
import time

import numpy as np
import pytest

import glassnet as tf
from glassnet.keras import layers
from glassnet.keras.callbacks import LambdaCallback, ModelCheckpoint
from glassnet.keras.models import Sequential, load_model

pytest.importorskip("h5py")  # fit with ModelCheckpoint asks for it up front


class SavingModel:
    """What ModelCheckpoint touches on a model: save, save_weights, metrics."""

    def __init__(self):
        self.stop_training = False
        self.metrics = []
        self.history = None
        self.saved = []  # (kind, path) for each save

    def save(self, filepath, overwrite=True):
        self.saved.append(("model", filepath))

    def save_weights(self, filepath, overwrite=True):
        self.saved.append(("weights", filepath))


def val_losses(*values):
    return [{"loss": 1.0, "val_loss": v} for v in values]


# --- arguments -------------------------------------------------------------------------
@pytest.mark.parametrize("path", ["model.h5.keras.txt", "model", "weights.weights.h5.bak"])
def test_a_model_path_must_end_in_keras_or_h5(path):
    with pytest.raises(ValueError, match=f"must end in `.keras` .*filepath={path}"):
        ModelCheckpoint(path)


@pytest.mark.parametrize("path", ["w.h5", "w.keras", "weights"])
def test_a_weights_path_must_end_in_weights_h5(path):
    with pytest.raises(ValueError, match=f"must end in `.weights.h5`.*filepath={path}"):
        ModelCheckpoint(path, save_weights_only=True)


def test_save_freq_is_epoch_or_an_int():
    with pytest.raises(ValueError, match="Unrecognized save_freq: batch"):
        ModelCheckpoint("m.keras", save_freq="batch")


def test_a_path_like_is_accepted(tmp_path):
    assert ModelCheckpoint(tmp_path / "m.keras").filepath == str(tmp_path / "m.keras")


# --- when and where it saves (scripted logs) ---------------------------------------------
def test_saves_every_epoch_with_the_path_formatted_from_epoch_and_logs(fit):
    model = SavingModel()
    fit(model, [ModelCheckpoint("ckpt-{epoch:02d}-{val_loss:.2f}.keras")], val_losses(0.5, 0.25, 0.125))
    assert model.saved == [("model", "ckpt-01-0.50.keras"), ("model", "ckpt-02-0.25.keras"),
                           ("model", "ckpt-03-0.12.keras")]


def test_save_best_only_saves_on_improvement_only(fit):
    model = SavingModel()
    checkpoint = ModelCheckpoint("e{epoch}.weights.h5", save_best_only=True, save_weights_only=True)
    fit(model, [checkpoint], val_losses(0.5, 0.6, 0.4, 0.4, 0.1))
    assert model.saved == [("weights", "e1.weights.h5"), ("weights", "e3.weights.h5"), ("weights", "e5.weights.h5")]
    assert checkpoint.best == 0.1


def test_mode_max_and_auto_accuracy_keep_the_highest(fit):
    for mode in ("max", "auto"):
        model = SavingModel()
        logs = [{"val_accuracy": v} for v in (0.5, 0.4, 0.7)]
        fit(model, [ModelCheckpoint("e{epoch}.keras", monitor="val_accuracy", mode=mode, save_best_only=True)], logs)
        assert [path for _, path in model.saved] == ["e1.keras", "e3.keras"]


def test_initial_value_threshold_must_be_beaten_first(fit):
    model = SavingModel()
    fit(model, [ModelCheckpoint("e{epoch}.keras", save_best_only=True, initial_value_threshold=0.3)],
        val_losses(0.5, 0.2, 0.25))
    assert model.saved == [("model", "e2.keras")]


def test_a_missing_monitor_warns_and_saves(fit):
    model = SavingModel()
    with pytest.warns(UserWarning, match="Can save best model only with val_loss available"):
        fit(model, [ModelCheckpoint("m.keras", save_best_only=True)], [{"loss": 1.0}])
    assert model.saved == [("model", "m.keras")]


def test_int_save_freq_counts_batches_across_epochs(fit):
    model = SavingModel()
    fit(model, [ModelCheckpoint("e{epoch}-b{batch}.keras", save_freq=3)], val_losses(1, 1, 1), steps=2)
    # batches 0 1 | 0 1 | 0 1: the 3rd and 6th batch overall
    assert model.saved == [("model", "e2-b1.keras"), ("model", "e3-b2.keras")]


def test_save_best_only_with_int_save_freq_watches_the_batch_logs(fit):
    model = SavingModel()
    checkpoint = ModelCheckpoint("m.keras", monitor="loss", save_best_only=True, save_freq=1)
    fit(model, [checkpoint], [{"loss": 1.0}], steps=3, batch_logs={"loss": 0.5})
    # the first batch improves on None; equal values after it do not
    assert len(model.saved) == 1


def test_verbose_prints_keras_lines(fit):
    model = SavingModel()
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        fit(model, [ModelCheckpoint("m.keras", save_best_only=True, verbose=1)], val_losses(0.69314718, 0.7))
    assert out.getvalue() == ("\nEpoch 1: val_loss improved from None to 0.69315, saving model to m.keras\n"
                              "\nEpoch 1: finished saving model to m.keras\n"
                              "\nEpoch 2: val_loss did not improve from 0.69315\n")


def test_a_missing_format_key_names_the_filepath(fit):
    with pytest.raises(KeyError, match='Failed to format this callback filepath: "{val_acc}.keras"'):
        fit(SavingModel(), [ModelCheckpoint("{val_acc}.keras")], val_losses(0.5))


# --- real files --------------------------------------------------------------------------
X = np.random.default_rng(0).normal(size=(24, 3)).astype("float32")
Y = (X.sum(axis=1, keepdims=True) > 0).astype("float32")


def small_model():
    tf.random.set_seed(3)
    model = Sequential([tf.keras.Input(shape=(3,)), layers.Dense(4, activation="relu"), layers.Dropout(0.2),
                        layers.Dense(1, activation="sigmoid")])
    model.compile(optimizer="adam", loss="binary_crossentropy")
    return model


def test_each_epoch_file_loads_as_the_model_at_that_epoch(tmp_path):
    model = small_model()
    at_epoch = {}
    record = LambdaCallback(on_epoch_end=lambda epoch, logs: at_epoch.update({epoch + 1: model.get_weights()}))
    pattern = str(tmp_path / "sub" / "ckpt-{epoch:02d}.keras")
    model.fit(X, Y, epochs=3, batch_size=8, verbose=0, callbacks=[ModelCheckpoint(pattern), record])
    assert sorted(os.listdir(tmp_path / "sub")) == ["ckpt-01.keras", "ckpt-02.keras", "ckpt-03.keras"]
    for epoch, weights in at_epoch.items():
        loaded = load_model(pattern.format(epoch=epoch))
        assert all(np.array_equal(a, b) for a, b in zip(loaded.get_weights(), weights, strict=True))
    assert not np.array_equal(at_epoch[1][0], at_epoch[3][0])  # the files differ: each is its own epoch


def test_weights_only_files_load_into_the_model(tmp_path):
    model = small_model()
    path = str(tmp_path / "best.weights.h5")
    model.fit(X, Y, epochs=2, batch_size=8, verbose=0, validation_data=(X, Y),
              callbacks=[ModelCheckpoint(path, save_weights_only=True)])
    copy = small_model()
    copy.load_weights(path)
    assert all(np.array_equal(a, b) for a, b in zip(copy.get_weights(), model.get_weights(), strict=True))


def test_an_existing_folder_as_filepath_is_refused(tmp_path):
    (tmp_path / "m.keras").mkdir()
    with pytest.raises(OSError, match="non-directory filepath"):
        small_model().fit(X, Y, epochs=1, verbose=0, callbacks=[ModelCheckpoint(str(tmp_path / "m.keras"))])


def test_docstring_examples():
    from glassnet.keras.callbacks import model_checkpoint
    result = doctest.testmod(model_checkpoint)
    assert result.attempted > 0 and result.failed == 0


def test_batch_files_hold_the_weights_after_that_batch(tmp_path):
    model = small_model()
    after = {}
    record = LambdaCallback(on_epoch_begin=lambda epoch, logs: after.update(epoch=epoch + 1),
                            on_train_batch_end=lambda batch, logs: after.update(
                                {(after["epoch"], batch + 1): model.get_weights()}))
    pattern = str(tmp_path / "e{epoch}-b{batch}.weights.h5")
    model.fit(X, Y, epochs=2, batch_size=8, shuffle=False, verbose=0,
              callbacks=[ModelCheckpoint(pattern, save_weights_only=True, save_freq=2), record])
    # 3 batches an epoch, a save after every 2nd batch overall: (epoch, batch) (1,2), (2,1), (2,3)
    assert sorted(os.listdir(tmp_path)) == ["e1-b2.weights.h5", "e2-b1.weights.h5", "e2-b3.weights.h5"]
    for epoch, batch in [(1, 2), (2, 1), (2, 3)]:
        copy = small_model()
        copy.load_weights(pattern.format(epoch=epoch, batch=batch))
        assert all(np.array_equal(a, b) for a, b in zip(copy.get_weights(), after[(epoch, batch)], strict=True))


# A training script killed while ModelCheckpoint writes its 2nd file, between the temporary file
# and the rename: the 1st file must still be there, whole.
KILLED_SAVE = textwrap.dedent('''
    import os, sys, time
    import numpy as np
    import glassnet as tf
    from glassnet.keras import layers
    from glassnet.keras.callbacks import LambdaCallback, ModelCheckpoint

    work = sys.argv[1]
    real_replace, count = os.replace, [0]
    def slow_replace(source, target):
        if str(target).endswith("best.keras"):
            count[0] += 1
            if count[0] == 2:
                open(os.path.join(work, "saving.flag"), "w").close()
                time.sleep(120)
        real_replace(source, target)
    os.replace = slow_replace

    tf.random.set_seed(3)
    x = np.random.default_rng(0).normal(size=(24, 3)).astype("float32")
    y = (x.sum(axis=1, keepdims=True) > 0).astype("float32")
    model = tf.keras.Sequential([tf.keras.Input(shape=(3,)), layers.Dense(4, activation="relu"),
                                 layers.Dense(1, activation="sigmoid")])
    model.compile(optimizer="adam", loss="binary_crossentropy")
    keep = LambdaCallback(on_epoch_end=lambda epoch, logs: [
        np.save(os.path.join(work, f"e{epoch + 1}-w{i}.npy"), w) for i, w in enumerate(model.get_weights())])
    model.fit(x, y, epochs=3, verbose=0, callbacks=[keep, ModelCheckpoint(os.path.join(work, "best.keras"),
                                                                          monitor="loss")])
''')


def test_killed_while_saving_leaves_the_previous_file_whole(tmp_path):
    script = tmp_path / "train.py"
    script.write_text(KILLED_SAVE)
    root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))))
    process = subprocess.Popen([sys.executable, str(script), str(tmp_path)], env={**os.environ, "PYTHONPATH": root},
                               stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    deadline = time.monotonic() + 120
    while not (tmp_path / "saving.flag").exists():
        assert process.poll() is None, process.stdout.read().decode()
        assert time.monotonic() < deadline, "the script never reached its 2nd save"
        time.sleep(0.02)
    process.send_signal(signal.SIGKILL)
    process.wait()
    assert len([name for name in os.listdir(tmp_path) if name.endswith(".tmp")]) == 1  # the 2nd, unfinished
    loaded = load_model(tmp_path / "best.keras")
    first = [np.load(tmp_path / f"e1-w{i}.npy") for i in range(4)]
    second = [np.load(tmp_path / f"e2-w{i}.npy") for i in range(4)]
    assert all(np.array_equal(a, b) for a, b in zip(loaded.get_weights(), first, strict=True))
    assert not np.array_equal(first[0], second[0])


def test_without_h5py_fit_says_what_to_install_before_training(tmp_path, monkeypatch):
    monkeypatch.setitem(sys.modules, "h5py", None)  # `import h5py` now raises ImportError
    model = small_model()
    before = model.get_weights()
    with pytest.raises(ImportError, match=r'pip install "glassnet\[h5\]"'):
        model.fit(X, Y, epochs=1, verbose=0, callbacks=[ModelCheckpoint(str(tmp_path / "m.keras"))])
    assert all(np.array_equal(a, b) for a, b in zip(model.get_weights(), before, strict=True))


def test_a_legacy_h5_path_saves_the_legacy_format_that_loads_back(tmp_path):
    model = small_model()
    path = str(tmp_path / "m-{epoch}.h5")
    with pytest.warns(UserWarning, match="legacy"):  # Keras's warning on saving HDF5
        model.fit(X, Y, epochs=2, batch_size=8, verbose=0, callbacks=[ModelCheckpoint(path)])
    loaded = load_model(path.format(epoch=2))
    assert all(np.array_equal(a, b) for a, b in zip(loaded.get_weights(), model.get_weights(), strict=True))
