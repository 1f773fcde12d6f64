"""BackupAndRestore: a training process killed (SIGKILL) mid-epoch, or mid-save, and started
again with the same command ends with the weights of a run that was never interrupted, bit for
bit; and the files are Keras's."""
import doctest
import hashlib
import json
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
from glassnet.keras.callbacks import BackupAndRestore, Callback
from glassnet.keras.models import Sequential

pytest.importorskip("h5py")

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))))

# The training script: seeds, builds a Dense stack with Dropout, fits with BackupAndRestore,
# logs each trained batch, and saves the final weights as .npy files.
# argv: work folder, save_freq ("epoch" or an int), pause at "epoch,batch" (once: the first run
# to get there leaves pause.flag and sleeps until killed), slow save number (0: none; else the
# n-th replacement of latest.weights.h5 writes saving.flag and sleeps before its rename).
SCRIPT = textwrap.dedent('''
    import json, os, sys, time
    import numpy as np
    import glassnet as tf
    from glassnet.keras import layers, optimizers
    from glassnet.keras.callbacks import BackupAndRestore, Callback

    work, save_freq, pause_at, slow_save = sys.argv[1:]
    save_freq = save_freq if save_freq == "epoch" else int(save_freq)
    pause_at = tuple(int(n) for n in pause_at.split(","))
    slow_save = int(slow_save)

    def mark(name):
        with open(os.path.join(work, name), "w") as file:
            file.write("x")

    if slow_save:
        real_replace, replaced = os.replace, [0]
        def slow_replace(source, target):
            if str(target).endswith("latest.weights.h5"):
                replaced[0] += 1
                if replaced[0] == slow_save:
                    mark("saving.flag")  # the temporary file is written, the rename not done
                    time.sleep(120)
            real_replace(source, target)
        os.replace = slow_replace

    class Pause(Callback):
        def on_epoch_begin(self, epoch, logs=None):
            self.epoch = epoch
        def on_train_batch_end(self, batch, logs=None):
            with open(os.path.join(work, "trained.txt"), "a") as file:
                file.write(f"{self.epoch} {batch}\\n")
            if (self.epoch, batch) == pause_at and not os.path.exists(os.path.join(work, "pause.flag")):
                mark("pause.flag")
                time.sleep(120)

    tf.random.set_seed(7)
    data = np.random.default_rng(0)
    x = data.normal(size=(64, 5)).astype("float32")
    y = (x.sum(axis=1, keepdims=True) > 0).astype("float32")
    model = tf.keras.Sequential([tf.keras.Input(shape=(5,)), layers.Dense(8, activation="relu"),
                                 layers.Dropout(0.3), layers.Dense(8, activation="tanh"),
                                 layers.Dropout(0.2, seed=5), layers.Dense(1, activation="sigmoid")])
    model.compile(optimizer=optimizers.Adam(0.01), loss="binary_crossentropy", metrics=["accuracy"])
    backup = BackupAndRestore(os.path.join(work, "backup"), save_freq=save_freq)
    history = model.fit(x, y, batch_size=8, epochs=4, verbose=0, validation_split=0.25,
                        callbacks=[backup, Pause()])
    for i, weight in enumerate(model.get_weights()):
        np.save(os.path.join(work, f"w{i}.npy"), weight)
    with open(os.path.join(work, "history.json"), "w") as file:
        json.dump({"epoch": history.epoch, **history.history}, file)
    mark("done.flag")
''')
NO_PAUSE = "-1,-1"


def start(work, save_freq="epoch", pause_at=NO_PAUSE, slow_save=0):
    os.makedirs(work, exist_ok=True)
    script = os.path.join(work, "train.py")
    with open(script, "w") as file:
        file.write(SCRIPT)
    env = {**os.environ, "PYTHONPATH": ROOT}
    return subprocess.Popen([sys.executable, script, str(work), str(save_freq), pause_at, str(slow_save)],
                            env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)


def run(work, **options):
    process = start(work, **options)
    output, _ = process.communicate(timeout=120)
    assert process.returncode == 0, output.decode()


def kill_when(process, flag, deadline_s=120):
    """SIGKILL `process` as soon as it writes `flag` (it then sleeps until killed)."""
    deadline = time.monotonic() + deadline_s
    while not os.path.exists(flag):
        if process.poll() is not None:
            pytest.fail(f"the training process ended before {flag}: {process.stdout.read().decode()}")
        if time.monotonic() > deadline:
            process.kill()
            pytest.fail(f"no {flag} after {deadline_s} s")
        time.sleep(0.02)
    process.send_signal(signal.SIGKILL)
    process.wait()
    assert process.returncode == -signal.SIGKILL


def logs(work):
    with open(os.path.join(work, "history.json")) as file:
        return json.load(file)


def same_run(work, uninterrupted):
    """The final weights, and the logs of every epoch the second run trained, are the
    uninterrupted run's, bit for bit."""
    weights, history = uninterrupted
    resumed = logs(work)
    first = resumed["epoch"][0]
    assert resumed == {key: values[first:] for key, values in history.items()}
    return same(final_weights(work), weights)


def final_weights(work):
    count = len([name for name in os.listdir(work) if name.startswith("w") and name.endswith(".npy")])
    return [np.load(os.path.join(work, f"w{i}.npy")) for i in range(count)]


def trained(work):
    """(epoch, batch) of every batch trained, in order, over every run in `work`."""
    with open(os.path.join(work, "trained.txt")) as file:
        return [tuple(int(n) for n in line.split()) for line in file]


def resumed_at(batches):
    """(last batch the killed run logged, first batch of the second run)."""
    restart = next(i for i in range(1, len(batches)) if batches[i] <= batches[i - 1])
    return batches[restart - 1], batches[restart]


def same(a, b):
    return len(a) == len(b) and all(np.array_equal(x, y) for x, y in zip(a, b))


@pytest.fixture(scope="module")
def uninterrupted(tmp_path_factory):
    work = tmp_path_factory.mktemp("uninterrupted")
    run(work)
    assert trained(work) == [(e, b) for e in range(4) for b in range(6)]  # 48 rows for training: 6 batches
    assert not os.path.exists(work / "backup")  # delete_checkpoint
    return final_weights(work), logs(work)


def test_killed_mid_epoch_resumes_from_the_epoch_backup_bit_identically(tmp_path, uninterrupted):
    process = start(tmp_path, pause_at="2,3")
    kill_when(process, tmp_path / "pause.flag")
    assert sorted(os.listdir(tmp_path / "backup")) == ["glassnet_state.json", "latest.weights.h5",
                                                        "training_metadata.json"]
    with open(tmp_path / "backup" / "training_metadata.json") as file:
        assert json.load(file) == {"epoch": 2, "batch": 0}  # Keras's record: two epochs done
    run(tmp_path, pause_at="2,3")
    assert resumed_at(trained(tmp_path)) == ((2, 3), (2, 0))  # the second run starts at epoch 2, not at 0
    assert same_run(tmp_path, uninterrupted)
    assert not os.path.exists(tmp_path / "backup")


def test_killed_mid_epoch_resumes_from_the_batch_backup_bit_identically(tmp_path, uninterrupted):
    # save_freq=4 over 6 batches an epoch: backups after batches (0,3), (1,1), (1,5), (2,3), ...
    process = start(tmp_path, save_freq=4, pause_at="2,1")
    kill_when(process, tmp_path / "pause.flag")
    with open(tmp_path / "backup" / "training_metadata.json") as file:
        assert json.load(file) == {"epoch": 1, "batch": 5}
    run(tmp_path, save_freq=4, pause_at="2,1")
    assert resumed_at(trained(tmp_path)) == ((2, 1), (2, 0))  # after (1,5): epoch 2 from its first batch
    assert same_run(tmp_path, uninterrupted)


def test_resumes_in_the_middle_of_an_epoch(tmp_path, uninterrupted):
    process = start(tmp_path, save_freq=4, pause_at="1,4")
    kill_when(process, tmp_path / "pause.flag")
    run(tmp_path, save_freq=4, pause_at="1,4")
    assert resumed_at(trained(tmp_path)) == ((1, 4), (1, 2))  # the backup after (1,1): on with batch 2
    assert same_run(tmp_path, uninterrupted)


def test_killed_mid_save_keeps_the_previous_backup_and_still_resumes_exactly(tmp_path, uninterrupted):
    # The 3rd backup (after batch (1,5)) is killed between writing its temporary file and the rename.
    process = start(tmp_path, save_freq=4, slow_save=3)
    kill_when(process, tmp_path / "saving.flag")
    backup = tmp_path / "backup"
    leftovers = [name for name in os.listdir(backup) if name.endswith(".tmp")]
    assert len(leftovers) == 1  # the unfinished file, beside the intact previous one
    with open(backup / "latest.weights.h5", "rb") as file:
        digest = hashlib.sha256(file.read()).hexdigest()
    with open(backup / "glassnet_state.json") as file:
        records = json.load(file)["records"]
    assert [(r["epoch"], r["step"]) for r in records] == [(1, 6), (1, 2), (0, 4)]
    assert digest == records[1]["weights_sha256"]  # the file is the previous backup's, whole
    model = model_like_the_script()
    model.load_weights(str(backup / "latest.weights.h5"))  # and it loads
    run(tmp_path, save_freq=4)
    assert resumed_at(trained(tmp_path)) == ((1, 4), (1, 2))  # killed in (1,5)'s backup: on from (1,1)'s
    assert same_run(tmp_path, uninterrupted)


def test_without_the_random_states_the_resumed_run_differs(tmp_path, uninterrupted):
    """The negative control: Keras's files alone resume the epoch but not the shuffle and the
    dropout masks, so the weights differ (this is what glassnet_state.json is for)."""
    process = start(tmp_path, pause_at="2,3")
    kill_when(process, tmp_path / "pause.flag")
    os.remove(tmp_path / "backup" / "glassnet_state.json")
    run(tmp_path, pause_at="2,3")
    assert resumed_at(trained(tmp_path)) == ((2, 3), (2, 0))  # Keras's resume: at the epoch
    assert not same(final_weights(tmp_path), uninterrupted[0])


# --- in-process ---------------------------------------------------------------------------
X = np.random.default_rng(1).normal(size=(16, 5)).astype("float32")
Y = (X[:, :1] > 0).astype("float32")


def model_like_the_script():
    tf.random.set_seed(0)
    model = Sequential([tf.keras.Input(shape=(5,)), layers.Dense(8, activation="relu"), layers.Dropout(0.3),
                        layers.Dense(8, activation="tanh"), layers.Dropout(0.2, seed=5),
                        layers.Dense(1, activation="sigmoid")])
    model.compile(optimizer="adam", loss="binary_crossentropy")
    return model


class Interrupt(Callback):
    def __init__(self, epoch):
        super().__init__()
        self.epoch = epoch

    def on_epoch_begin(self, epoch, logs=None):
        if epoch == self.epoch:
            raise RuntimeError("Interrupting!")


def test_keras_docstring_example_runs_the_remaining_epochs(tmp_path):
    backup = BackupAndRestore(backup_dir=str(tmp_path / "backup"))
    model = model_like_the_script()
    with pytest.raises(RuntimeError, match="Interrupting"):
        model.fit(X, Y, epochs=10, batch_size=4, verbose=0, callbacks=[backup, Interrupt(4)])
    history = model.fit(X, Y, epochs=10, batch_size=4, verbose=0, callbacks=[backup])
    assert history.epoch == [4, 5, 6, 7, 8, 9]
    assert not os.path.exists(tmp_path / "backup")


def test_delete_checkpoint_false_keeps_the_backup_and_a_later_fit_starts_after_it(tmp_path):
    backup = BackupAndRestore(str(tmp_path / "b"), delete_checkpoint=False)
    model = model_like_the_script()
    model.fit(X, Y, epochs=2, verbose=0, callbacks=[backup])
    assert os.path.exists(tmp_path / "b" / "latest.weights.h5")
    history = model.fit(X, Y, epochs=3, verbose=0, callbacks=[backup])
    assert history.epoch == [2]


def test_double_checkpoint_falls_back_on_the_previous_backup(tmp_path):
    backup_dir = tmp_path / "b"
    with pytest.raises(RuntimeError):
        model_like_the_script().fit(X, Y, epochs=3, verbose=0,
                  callbacks=[BackupAndRestore(str(backup_dir), double_checkpoint=True), Interrupt(2)])
    assert os.path.exists(backup_dir / "latest.weights.h5.bkp")
    with open(backup_dir / "latest.weights.h5", "wb") as file:
        file.write(b"damaged")
    history = model_like_the_script().fit(X, Y, epochs=3, verbose=0,
                                          callbacks=[BackupAndRestore(str(backup_dir), double_checkpoint=True)])
    assert history.epoch == [1, 2]  # the .bkp is the backup after epoch 0


def test_an_unbuilt_model_is_refused():
    model = Sequential([layers.Dense(1)])
    model.compile(optimizer="sgd", loss="mse")
    backup = BackupAndRestore("unused")
    backup.set_model(model)
    with pytest.raises(ValueError, match="must be built before you call `fit\\(\\)`"):
        backup.on_train_begin()


@pytest.mark.parametrize(("options", "message"), [
    ({"backup_dir": ""}, "Empty `backup_dir` argument passed"),
    ({"backup_dir": "b", "save_freq": "batch"}, "Received: save_freq=batch"),
])
def test_arguments_are_checked(options, message):
    with pytest.raises(ValueError, match=message):
        BackupAndRestore(**options)


def test_docstring_examples():
    from glassnet.keras.callbacks import backup_and_restore
    result = doctest.testmod(backup_and_restore)
    assert result.attempted > 0 and result.failed == 0


def test_a_backup_of_a_model_with_other_random_generators_is_refused(tmp_path):
    backup = str(tmp_path / "b")
    with pytest.raises(RuntimeError):
        model_like_the_script().fit(X, Y, epochs=3, verbose=0, callbacks=[BackupAndRestore(backup), Interrupt(2)])
    tf.random.set_seed(0)
    unseeded = Sequential([tf.keras.Input(shape=(5,)), layers.Dense(8, activation="relu"), layers.Dropout(0.3),
                           layers.Dense(8, activation="tanh"), layers.Dropout(0.2),
                           layers.Dense(1, activation="sigmoid")])
    unseeded.compile(optimizer="adam", loss="binary_crossentropy")
    before = unseeded.get_weights()
    with pytest.raises(ValueError, match="holds 2 random generators .* this model has 1"):
        unseeded.fit(X, Y, epochs=3, verbose=0, callbacks=[BackupAndRestore(backup)])
    assert same(unseeded.get_weights(), before)  # refused before loading anything


def test_without_h5py_fit_says_what_to_install_before_training(tmp_path, monkeypatch):
    monkeypatch.setitem(sys.modules, "h5py", None)  # `import h5py` now raises ImportError
    model = model_like_the_script()
    before = model.get_weights()
    with pytest.raises(ImportError, match=r'pip install "glassnet\[h5\]"'):
        model.fit(X, Y, epochs=1, verbose=0, callbacks=[BackupAndRestore(str(tmp_path / "b"))])
    assert same(model.get_weights(), before) and not os.path.exists(tmp_path / "b")
