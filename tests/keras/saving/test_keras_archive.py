"""The .keras file: model.save and load_model round trips, resumed training, refusals and faults.

Against the truth of the model that was saved: the same predictions and optimizer state bit
for bit, training that resumes exactly, and for damaged files a clean error, never a wrong model.
"""
import io
import json
import os
import subprocess
import sys
import textwrap
import zipfile

import numpy as np
import pytest

import glassnet
from glassnet.keras import Input, Sequential, layers, models, optimizers, saving

pytest.importorskip("h5py")


def _data(n=64):
    rng = np.random.default_rng(0)
    x = rng.random((n, 3), dtype="float32")
    return x, (x.sum(axis=1, keepdims=True) > 1.5).astype("float32")


def _trained(optimizer="adam", epochs=2):
    glassnet.random.set_seed(0)
    x, y = _data()
    normalization = layers.Normalization()
    normalization.adapt(x)
    model = Sequential([Input((3,)), normalization, layers.Dense(4, activation="relu", kernel_regularizer="l2"),
                        layers.Dropout(0.2), layers.Dense(1, activation="sigmoid")])
    model.compile(optimizer=optimizers.get(optimizer), loss="binary_crossentropy", metrics=["accuracy"])
    model.fit(x, y, epochs=epochs, verbose=0)
    return model


def _assert_same_state(a, b):
    for mine, theirs in zip(a.get_weights() + [v.numpy() for v in a.optimizer.variables],
                            b.get_weights() + [v.numpy() for v in b.optimizer.variables], strict=True):
        np.testing.assert_array_equal(mine, theirs)


@pytest.mark.parametrize("optimizer", ["adam", "sgd", "rmsprop", "adagrad", "adamw"])
def test_save_and_load_keep_everything_and_training_resumes_exactly(tmp_path, optimizer):
    x, y = _data()
    model = _trained(optimizer)
    model.save(tmp_path / "m.keras")
    loaded = models.load_model(tmp_path / "m.keras")
    assert type(loaded.optimizer) is type(model.optimizer) and loaded.loss == "binary_crossentropy"
    _assert_same_state(loaded, model)
    np.testing.assert_array_equal(loaded.predict(x, verbose=0), model.predict(x, verbose=0))
    # Unshuffled: a model's first fit draws one extra permutation (as Keras's does), and the
    # loaded model's next fit is its first.
    glassnet.random.set_seed(5)
    model.fit(x, y, epochs=2, verbose=0, shuffle=False)
    glassnet.random.set_seed(5)
    loaded.fit(x, y, epochs=2, verbose=0, shuffle=False)
    _assert_same_state(loaded, model)


def test_the_archive_has_keras_members_in_keras_order(tmp_path):
    _trained().save(tmp_path / "m.keras")
    with zipfile.ZipFile(tmp_path / "m.keras") as archive:
        infos = archive.infolist()
        metadata = json.loads(archive.read("metadata.json"))
    assert [info.filename for info in infos] == ["metadata.json", "config.json", "model.weights.h5"]
    assert all(info.compress_type == zipfile.ZIP_STORED for info in infos)
    assert metadata["keras_version"] == "3.15.1" and len(metadata["date_saved"]) == 19


def test_compile_false_and_an_uncompiled_model(tmp_path):
    model = _trained()
    model.save(tmp_path / "m.keras")
    loaded = models.load_model(tmp_path / "m.keras", compile=False)
    assert not loaded.compiled and loaded.optimizer is None
    np.testing.assert_array_equal(loaded.get_weights()[3], model.get_weights()[3])
    plain = Sequential([Input((2,)), layers.Dense(1)])
    plain.save(tmp_path / "plain.keras")
    assert not models.load_model(tmp_path / "plain.keras").compiled


@saving.register_keras_serializable(package="archive_tests")
class Offset(layers.Layer):
    def __init__(self, offset=1.0, **kwargs):
        super().__init__(**kwargs)
        self.offset = offset

    def build(self, input_shape):
        self.bias = self.add_weight(shape=(input_shape[-1],), initializer="ones", name="bias")

    def call(self, inputs):
        return inputs + self.bias * self.offset

    def get_config(self):
        return {**super().get_config(), "offset": self.offset}


class Tower(glassnet.keras.Model):
    def __init__(self, units=3, **kwargs):
        super().__init__(**kwargs)
        self.hidden = layers.Dense(units, activation="tanh")
        self.offset = Offset(0.5)
        self.out = layers.Dense(1)

    def call(self, inputs):
        return self.out(self.offset(self.hidden(inputs)))


def test_a_subclassed_model_with_a_custom_layer_round_trips(tmp_path):
    x, y = _data()
    glassnet.random.set_seed(1)
    model = Tower(units=5)
    model.compile(optimizer="adam", loss="mse")
    model.fit(x, y, epochs=1, verbose=0)
    model.save(tmp_path / "tower.keras")
    with pytest.raises(TypeError, match="Could not locate class 'Tower'"):
        models.load_model(tmp_path / "tower.keras")
    loaded = models.load_model(tmp_path / "tower.keras", custom_objects={"Tower": Tower})
    _assert_same_state(loaded, model)
    np.testing.assert_array_equal(loaded.predict(x, verbose=0), model.predict(x, verbose=0))


def test_bad_paths_are_refused_before_anything_is_written(tmp_path):
    model = _trained()
    with pytest.raises(ValueError, match="Invalid filepath extension"):
        model.save(tmp_path / "m.zip")
    (tmp_path / "m.keras").write_bytes(b"old")
    with pytest.raises(FileExistsError, match="overwrite=False"):
        model.save(tmp_path / "m.keras", overwrite=False)
    assert (tmp_path / "m.keras").read_bytes() == b"old"
    with pytest.raises(FileNotFoundError):
        model.save(tmp_path / "missing" / "m.keras")
    with pytest.raises(FileNotFoundError):
        models.load_model(tmp_path / "absent.keras")
    assert sorted(os.listdir(tmp_path)) == ["m.keras"]


def test_a_save_that_fails_midway_leaves_the_earlier_file(tmp_path, monkeypatch):
    path = tmp_path / "m.keras"
    _trained(epochs=1).save(path)
    before = path.read_bytes()
    from glassnet.keras.saving import weights_file

    def broken(model, target):
        target.write(b"half a file")
        raise OSError("disk full")

    monkeypatch.setattr(weights_file, "write_weights", broken)
    with pytest.raises(OSError, match="disk full"):
        _trained(epochs=2).save(path)
    assert path.read_bytes() == before and os.listdir(tmp_path) == ["m.keras"]


def test_a_process_killed_mid_save_leaves_the_earlier_file(tmp_path):
    path = tmp_path / "m.keras"
    _trained(epochs=1).save(path)
    before = path.read_bytes()
    script = textwrap.dedent(f"""
        import os, signal, zipfile
        import numpy as np
        import glassnet
        from glassnet.keras import Input, Sequential, layers
        original = zipfile.ZipFile.writestr
        def write_then_die(archive, name, data, *args, **kwargs):
            original(archive, name, data, *args, **kwargs)
            if name == "config.json":  # the temporary file holds half an archive now
                os.kill(os.getpid(), signal.SIGKILL)
        zipfile.ZipFile.writestr = write_then_die
        model = Sequential([Input((3,)), layers.Dense(2)])
        model.save({str(path)!r})
    """)
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, timeout=120)
    assert result.returncode == -9, result.stderr.decode()
    assert path.read_bytes() == before
    assert models.load_model(path).layers[-1].units == 1


def _corruptions(original, rng, count):
    """(description, bytes) of damaged copies of a .keras file."""
    with zipfile.ZipFile(io.BytesIO(original)) as archive:
        members = {info.filename: archive.read(info.filename) for info in archive.infolist()}
    cases = []
    for _ in range(count // 4):
        cut = int(rng.integers(0, len(original)))
        cases.append((f"truncated at {cut}", original[:cut]))
    for _ in range(count // 4):
        damaged = bytearray(original)
        for position in rng.integers(0, len(original), size=int(rng.integers(1, 4))):
            damaged[position] ^= 1 << int(rng.integers(0, 8))
        cases.append(("bits flipped", bytes(damaged)))
    rewrites = [
        ("config.json missing", {k: v for k, v in members.items() if k != "config.json"}),
        ("weights missing", {k: v for k, v in members.items() if k != "model.weights.h5"}),
        ("config and weights swapped", {**members, "config.json": members["model.weights.h5"],
                                         "model.weights.h5": members["config.json"]}),
        ("path traversal", {**members, "../evil.txt": b"x"}),
        ("absolute member", {**members, "/etc/evil": b"x"}),
        ("config not a model", {**members, "config.json": b'{"a": 1}'}),
        ("config a list", {**members, "config.json": b"[1, 2]"}),
        ("config not utf-8", {**members, "config.json": b"\xff\xfe"}),
        ("weights empty", {**members, "model.weights.h5": b""}),
    ]
    config = json.loads(members["config.json"])
    layer = config["config"]["layers"][2]
    for change, value in (("units", 7), ("units", -1), ("units", "four"), ("activation", "nonesuch"),
                          ("kernel_regularizer", {"class_name": "L9"}), ("use_bias", False)):
        changed = json.loads(json.dumps(config))
        changed["config"]["layers"][2]["config"][change] = value
        rewrites.append((f"{layer['class_name']}.{change}={value!r}", {**members, "config.json": json.dumps(changed)}))
    for change in ("class_name", "module"):
        changed = json.loads(json.dumps(config))
        changed["config"]["layers"][2][change] = "Nonesuch"
        rewrites.append((f"layer {change} changed", {**members, "config.json": json.dumps(changed)}))
    for description, content in rewrites:
        stream = io.BytesIO()
        with zipfile.ZipFile(stream, "w") as archive:
            for name, data in content.items():
                archive.writestr(name, data)
        cases.append((description, stream.getvalue()))
    return cases


def test_damaged_files_are_refused_cleanly_or_load_the_saved_model(tmp_path):
    x, _ = _data()
    model = _trained()
    model.save(tmp_path / "good.keras")
    original = (tmp_path / "good.keras").read_bytes()
    expected = model.predict(x, verbose=0)
    outcomes = {"refused": 0, "loaded": 0}
    cases = _corruptions(original, np.random.default_rng(7), 800)
    for i, (description, content) in enumerate(cases):
        path = tmp_path / f"case{i}.keras"
        path.write_bytes(content)
        try:
            loaded = models.load_model(path)
        except (ValueError, TypeError) as error:
            assert str(error), description
            outcomes["refused"] += 1
        else:
            np.testing.assert_array_equal(loaded.predict(x, verbose=0), expected, err_msg=description)
            outcomes["loaded"] += 1
        finally:
            path.unlink()
        assert (tmp_path / "good.keras").read_bytes() == original
    # The zip's CRC-32 of each member catches every flipped bit: all of these are refused.
    assert len(cases) > 400 and outcomes["refused"] + outcomes["loaded"] == len(cases), outcomes


def test_load_weights_reads_the_weights_of_a_keras_file(tmp_path):
    model = _trained()
    model.save(tmp_path / "m.keras")
    fresh = _trained(epochs=0)
    assert not np.array_equal(fresh.get_weights()[3], model.get_weights()[3])
    fresh.load_weights(tmp_path / "m.keras")
    _assert_same_state(fresh, model)
