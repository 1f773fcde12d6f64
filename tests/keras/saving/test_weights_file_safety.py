"""Weights files without h5py, saves that fail or are killed midway, and loads that fail midway."""
import os
import signal
import subprocess
import sys
import textwrap

import numpy as np
import pytest

import glassnet as tf
from glassnet.keras import layers
from glassnet.keras.models import Sequential
from glassnet.keras.saving import atomic, reading, weights_file

h5py = pytest.importorskip("h5py")
ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))))


def model(units=4):
    net = Sequential([tf.keras.Input(shape=(3,)), layers.Dense(units), layers.Dense(1)])
    net.compile(optimizer="adam", loss="mse")
    net.fit(np.ones((8, 3), "float32"), np.ones((8, 1), "float32"), verbose=0)
    return net


def values(net):
    return [np.array(w.value) for w in net.weights] + [np.array(v.value) for v in net.optimizer.variables]


def test_a_save_failing_midway_keeps_the_previous_file(tmp_path, monkeypatch):
    path = tmp_path / "m.weights.h5"
    model(units=4).save_weights(path)
    previous = path.read_bytes()
    written = []

    def failing_fsync(descriptor):  # the new content is written, not yet on disk nor renamed
        written.append(os.fstat(descriptor).st_size)
        raise OSError(28, "No space left on device")
    monkeypatch.setattr(atomic.os, "fsync", failing_fsync)
    with pytest.raises(OSError, match="No space left"):
        model(units=5).save_weights(path)
    assert written and written[0] > 0
    assert path.read_bytes() == previous
    assert os.listdir(tmp_path) == ["m.weights.h5"]  # the temporary file is gone


def test_a_save_failing_while_building_the_file_keeps_the_previous_file(tmp_path, monkeypatch):
    path = tmp_path / "m.weights.h5"
    model().save_weights(path)
    previous = path.read_bytes()
    calls = []
    original = h5py.Group.__setitem__

    def failing_on_third_dataset(self, key, value):
        calls.append(key)
        if len(calls) == 3:
            raise RuntimeError("disk vanished")
        return original(self, key, value)
    monkeypatch.setattr(h5py.Group, "__setitem__", failing_on_third_dataset)
    with pytest.raises(RuntimeError, match="disk vanished"):
        model().save_weights(path)
    assert path.read_bytes() == previous and os.listdir(tmp_path) == ["m.weights.h5"]


def test_a_save_killed_midway_keeps_the_previous_file(tmp_path):
    """A child process saves over the file and is killed (SIGKILL) while writing the new content."""
    path = tmp_path / "m.weights.h5"
    model().save_weights(path)
    previous = path.read_bytes()
    child = textwrap.dedent(f"""
        import os, sys, time
        import numpy as np
        import glassnet as tf
        from glassnet.keras.saving import atomic
        net = tf.keras.Sequential([tf.keras.Input(shape=(3,)), tf.keras.layers.Dense(7)])
        real_fsync = os.fsync
        def stalled_fsync(descriptor):
            print("writing", flush=True)
            time.sleep(60)
        atomic.os.fsync = stalled_fsync
        net.save_weights({str(path)!r})
    """)
    process = subprocess.Popen([sys.executable, "-c", child], cwd=ROOT, stdout=subprocess.PIPE, text=True)
    try:
        assert process.stdout.readline().strip() == "writing"
        os.kill(process.pid, signal.SIGKILL)
    finally:
        process.wait(timeout=30)
    assert path.read_bytes() == previous
    net = model()
    net.load_weights(path)  # still a complete, loadable file


def test_a_load_failing_while_reading_changes_nothing(tmp_path, monkeypatch):
    source, target = model(), model()
    source.save_weights(tmp_path / "m.weights.h5")
    before = values(target)
    reads = []
    original = reading.read_array

    def failing_on_fifth_read(dataset, path, where):
        reads.append(path)
        if len(reads) == 5:
            raise OSError("Can't read data (wrong B-tree signature)")
        return original(dataset, path, where)
    monkeypatch.setattr(reading, "read_array", failing_on_fifth_read)
    with pytest.raises(OSError, match=r"Cannot read '.*m\.weights\.h5': the file is damaged.*B-tree"):
        target.load_weights(tmp_path / "m.weights.h5")
    for a, b in zip(values(target), before):
        np.testing.assert_array_equal(a, b)


def test_the_lead_can_write_into_and_read_from_any_binary_file(tmp_path):
    source = model()
    with open(tmp_path / "member.h5", "wb") as file:
        weights_file.write_weights(source, file)
    target = model()
    with open(tmp_path / "member.h5", "rb") as file:
        weights_file.read_weights(target, file)
    for a, b in zip(values(target), values(source)):
        np.testing.assert_array_equal(a, b)


def test_saving_into_a_missing_folder_or_onto_a_folder(tmp_path):
    with pytest.raises(FileNotFoundError, match=r"the folder '.*nowhere' does not exist"):
        model().save_weights(tmp_path / "nowhere" / "m.weights.h5")
    (tmp_path / "d.weights.h5").mkdir()
    with pytest.raises(IsADirectoryError, match="it is a folder"):
        model().save_weights(tmp_path / "d.weights.h5")
