"""The legacy Keras ``.h5`` full-model file: glassnet writes what Keras 3.15.1 writes and reads
files written by Keras 3 and Keras 2 (real tf_keras 2.21 files: test_legacy_h5_tf_keras.py).

The fixtures and the scripts that made them are in tests/fixtures/legacy_h5/: ``keras3_adam.h5``
was written by real Keras 3.15.1, the ``keras2_*`` files by hand to TF <= 2.10's layout (see
make_keras2_fixtures.py).
"""
import json
import pathlib
import shutil
import warnings

import numpy as np
import pytest

from glassnet.keras import Input, Sequential, layers, models, optimizers, regularizers

h5py = pytest.importorskip("h5py")

FIXTURES = pathlib.Path(__file__).parents[2] / "fixtures" / "legacy_h5"
KERAS3_FILE = FIXTURES / "keras3_adam.h5"
LEGACY_WARNING = ("You are saving your model as an HDF5 file via `model.save()` or `keras.saving.save_model(model)`. "
                  "This file format is considered legacy.")
OPTIMIZERS = {
    "sgd": lambda: optimizers.SGD(0.05, momentum=0.9, nesterov=True),
    "adam": lambda: optimizers.Adam(0.01),
    "adamw": lambda: optimizers.AdamW(0.01, weight_decay=0.01),
    "rmsprop": lambda: optimizers.RMSprop(0.01, momentum=0.5, centered=True),
    "adagrad": lambda: optimizers.Adagrad(0.05),
}


def _data(rows=16):
    rng = np.random.default_rng(3)
    x = rng.normal(1.0, 2.0, (rows, 3)).astype("float32")
    return x, (x[:, :1] - x[:, 1:2] > 0).astype("float32")


def _model(optimizer=None, dropout=0.0):
    x, _ = _data()
    model = Sequential([Input((3,)), layers.Normalization(),
                        layers.Dense(5, activation="tanh", kernel_regularizer=regularizers.L2(0.01), name="hidden"),
                        layers.Dropout(dropout), layers.Dense(1, activation="sigmoid", name="out")])
    model.layers[0].adapt(x)
    model.compile(optimizer=optimizer or optimizers.Adam(0.01), loss="binary_crossentropy", metrics=["accuracy"])
    return model


def _save(model, path, **kwargs):
    with pytest.warns(UserWarning, match="considered legacy"):
        model.save(path, **kwargs)


def _load(path, **kwargs):
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # a file glassnet wrote loads without any warning
        return models.load_model(path, **kwargs)


def _tree(path):
    """``{object path: (kind, shape, dtype, {attribute: value})}`` of an HDF5 file."""
    found = {}
    with h5py.File(path, "r") as file:
        def visit(name, node):
            attributes = {key: np.asarray(value, dtype=object).tolist() for key, value in node.attrs.items()}
            found[name] = (type(node).__name__, getattr(node, "shape", None), str(getattr(node, "dtype", "")),
                           attributes)
        visit("/", file)
        file.visititems(visit)
    return found


# --- the file glassnet writes -------------------------------------------------------------------
def test_save_writes_the_layout_keras_writes(tmp_path):
    # Load Keras's own file, save it again: the same tree, attributes and values, except the
    # backend's name and the Dense option glassnet does not have (quantization_config: null).
    model = models.load_model(KERAS3_FILE)
    _save(model, tmp_path / "again.h5")
    theirs, mine = _tree(KERAS3_FILE), _tree(tmp_path / "again.h5")
    assert sorted(mine) == sorted(theirs)
    for name in theirs:
        their_attributes, my_attributes = dict(theirs[name][3]), dict(mine[name][3])
        if "backend" in their_attributes:
            assert their_attributes.pop("backend") == "jax" and my_attributes.pop("backend") == "numpy"
        if name == "/":  # the JSON text itself is the same, key order and number formats included
            their_config = their_attributes.pop("model_config").replace(', "quantization_config": null', "")
            assert my_attributes.pop("model_config") == their_config
            assert my_attributes.pop("training_config") == their_attributes.pop("training_config")
        assert (mine[name][:3], my_attributes) == (theirs[name][:3], their_attributes), name
    with h5py.File(KERAS3_FILE, "r") as theirs, h5py.File(tmp_path / "again.h5", "r") as mine:
        for name in ("model_weights/hidden/sequential/hidden/kernel", "optimizer_weights/adam/iteration",
                     "optimizer_weights/adam/sequential_out_kernel_velocity"):
            np.testing.assert_array_equal(mine[name][()], theirs[name][()])


def test_save_warns_with_keras_words_and_writes_names_and_optimizer_paths(tmp_path):
    model = _model()
    x, y = _data()
    model.fit(x, y, epochs=1, batch_size=8, verbose=0)
    with pytest.warns(UserWarning) as record:
        model.save(tmp_path / "m.h5")
    assert str(record[0].message).startswith(LEGACY_WARNING)
    with h5py.File(tmp_path / "m.h5", "r") as file:
        assert file.attrs["keras_version"] == "3.15.1"
        group = file["model_weights"]
        assert list(group.attrs["layer_names"]) == ["normalization", "hidden", "dropout", "out"]
        assert list(group["hidden"].attrs["weight_names"]) == ["sequential/hidden/kernel", "sequential/hidden/bias"]
        assert list(group["normalization"].attrs["weight_names"])[-1] == "sequential/normalization/count"
        assert group["normalization/sequential/normalization/count"].dtype == np.int32
        assert len(group["dropout"].attrs["weight_names"]) == 0
        names = list(file["optimizer_weights"].attrs["weight_names"])
        assert names[:3] == ["adam/iteration", "adam/learning_rate", "adam/sequential_hidden_kernel_momentum"]
        assert file["optimizer_weights/adam/iteration"][()] == 2
        training = json.loads(file.attrs["training_config"])
        assert training["optimizer_config"] == {"class_name": "Adam", "config": model.optimizer.get_config()}
        assert training["loss"] == "binary_crossentropy" and training["metrics"] == ["accuracy"]


def test_a_loss_alias_is_written_by_its_full_name_which_keras_can_read(tmp_path):
    model = Sequential([Input((2,)), layers.Dense(1)])
    model.compile(optimizer="sgd", loss="mse", metrics=["mae"])
    _save(model, tmp_path / "m.h5")
    with h5py.File(tmp_path / "m.h5", "r") as file:
        training = json.loads(file.attrs["training_config"])
    assert training["loss"] == "mean_squared_error" and training["metrics"] == ["mae"]
    assert _load(tmp_path / "m.h5").loss == "mean_squared_error"


def test_uncompiled_model_and_include_optimizer_false_write_no_training_state(tmp_path):
    # The course lab's Q-network: built from an Input, trained by a custom loop, never compiled.
    q_network = Sequential([Input((8,)), layers.Dense(64, activation="relu"), layers.Dense(64, activation="relu"),
                            layers.Dense(4, activation="linear")])
    _save(q_network, tmp_path / "lunar_lander_model.h5")
    _save(_model(), tmp_path / "no_optimizer.hdf5", include_optimizer=False)
    for name in ("lunar_lander_model.h5", "no_optimizer.hdf5"):
        with h5py.File(tmp_path / name, "r") as file:
            assert "training_config" not in file.attrs and "optimizer_weights" not in file
    loaded = _load(tmp_path / "lunar_lander_model.h5")
    state = np.random.default_rng(0).normal(size=(5, 8)).astype("float32")
    np.testing.assert_array_equal(loaded.predict(state, verbose=0), q_network.predict(state, verbose=0))
    assert not loaded.compiled and not _load(tmp_path / "no_optimizer.hdf5").compiled


# --- round trips ------------------------------------------------------------------------------
@pytest.mark.parametrize("name", sorted(OPTIMIZERS))
def test_fit_save_load_fit_equals_an_uninterrupted_fit(tmp_path, name):
    x, y = _data()
    uninterrupted, interrupted = _model(OPTIMIZERS[name]()), _model(OPTIMIZERS[name]())
    interrupted.set_weights(uninterrupted.get_weights())
    uninterrupted.fit(x, y, epochs=4, batch_size=8, shuffle=False, verbose=0)
    interrupted.fit(x, y, epochs=2, batch_size=8, shuffle=False, verbose=0)
    _save(interrupted, tmp_path / "m.h5")
    resumed = _load(tmp_path / "m.h5")
    assert resumed.optimizer.get_config() == interrupted.optimizer.get_config()
    for mine, theirs in zip(resumed.optimizer.variables, interrupted.optimizer.variables):
        np.testing.assert_array_equal(mine.numpy(), theirs.numpy())
    resumed.fit(x, y, epochs=2, batch_size=8, shuffle=False, verbose=0)
    for mine, theirs in zip(resumed.get_weights(), uninterrupted.get_weights()):
        np.testing.assert_array_equal(mine, theirs)


def test_round_trip_keeps_predictions_compile_settings_and_layers(tmp_path):
    model = _model(dropout=0.5)
    x, y = _data()
    model.fit(x, y, epochs=1, verbose=0)
    _save(model, tmp_path / "m.h5")
    loaded = _load(tmp_path / "m.h5")
    np.testing.assert_array_equal(loaded.predict(x, verbose=0), model.predict(x, verbose=0))
    assert [type(layer) for layer in loaded.layers] == [type(layer) for layer in model.layers]
    assert loaded.layers[2].rate == 0.5 and loaded.layers[1].kernel_regularizer.get_config() == {"l2": 0.01}
    assert loaded.get_compile_config() == model.get_compile_config()
    assert not _load(tmp_path / "m.h5", compile=False).compiled


class Scale(layers.Layer):
    """A user's layer with a weight and an option of its own."""

    def __init__(self, factor=2.0, **kwargs):
        super().__init__(**kwargs)
        self.factor = factor

    def build(self, input_shape):
        self.w = self.add_weight(shape=(input_shape[-1],), initializer="random_normal", name="w")

    def call(self, inputs):
        return inputs * self.w * self.factor

    def get_config(self):
        return {**super().get_config(), "factor": self.factor}


def test_a_users_layer_loads_through_custom_objects_or_its_registration(tmp_path):
    from glassnet.keras import saving
    model = Sequential([Input((3,)), Scale(3.0, name="scale"), layers.Dense(1)])
    _save(model, tmp_path / "m.h5")
    with pytest.raises(TypeError, match="Could not locate class 'Scale'"):
        models.load_model(tmp_path / "m.h5")
    loaded = _load(tmp_path / "m.h5", custom_objects={"Scale": Scale})
    x, _ = _data(4)
    np.testing.assert_array_equal(loaded.predict(x, verbose=0), model.predict(x, verbose=0))
    assert loaded.layers[0].factor == 3.0

    registered = saving.register_keras_serializable("legacy_h5_test")(type("Registered", (Scale,), {}))
    model = Sequential([Input((3,)), registered(name="scale"), layers.Dense(1)])
    _save(model, tmp_path / "registered.h5")
    with h5py.File(tmp_path / "registered.h5", "r") as file:
        entry = json.loads(file.attrs["model_config"])["config"]["layers"][1]
    assert entry["class_name"] == "legacy_h5_test>Registered"
    assert type(_load(tmp_path / "registered.h5").layers[0]) is registered


def test_a_subclassed_model_is_refused_with_the_reason(tmp_path):
    from glassnet.keras import Model

    class Small(Model):
        def __init__(self, **kwargs):
            super().__init__(**kwargs)
            self.dense = layers.Dense(2)

        def call(self, inputs):
            return self.dense(inputs)

    model = Small()
    model(np.ones((1, 3), "float32"))
    _save(model, tmp_path / "m.h5")
    with pytest.raises(ValueError, match="was not built from its config.*Save it as .keras"):
        models.load_model(tmp_path / "m.h5", custom_objects={"Small": Small})


# --- files written by Keras -----------------------------------------------------------------
def test_a_keras3_file_predicts_and_resumes_training_as_keras_did():
    expected = np.load(FIXTURES / "keras3_adam_expected.npz")
    model = _load(KERAS3_FILE)
    np.testing.assert_allclose(model.predict(expected["x"], verbose=0), expected["predictions"], atol=2e-7)
    assert model.optimizer.iterations.numpy() == 4
    model.fit(expected["x"], expected["y"], epochs=1, batch_size=8, shuffle=False, verbose=0)
    for index, weight in enumerate(model.get_weights()):
        np.testing.assert_allclose(weight, expected[f"resumed_{index}"], atol=1e-6)


def test_a_tf_2_10_keras2_file_loads_with_its_weights_compile_settings_and_a_fresh_optimizer():
    # Real tf_keras 2.21 files are tested in test_legacy_h5_tf_keras.py; this hand-made one has
    # TF <= 2.10's optimizer state ("Adam/iter:0", all m then all v), which is not restored.
    filename = "keras2_legacy_adam.h5"
    expected = np.load(FIXTURES / "keras2_expected.npz")
    with pytest.warns(UserWarning, match=r"written by Keras 2\.10\.0.*freshly initialized optimizer"):
        model = models.load_model(FIXTURES / filename)
    np.testing.assert_allclose(model.predict(expected["x"], verbose=0), expected[filename], atol=2e-7)
    assert type(model.optimizer) is optimizers.Adam and model.optimizer.iterations.numpy() == 0
    assert model.loss == "binary_crossentropy" and model._compile_arguments["metrics"] == ["accuracy"]
    assert model.layers[0].kernel_regularizer.get_config() == {"l2": pytest.approx(0.01)}
    assert model.get_layer("dropout").rate == 0.5


def test_a_keras2_learning_rate_decay_is_refused_unless_compile_is_false():
    path = FIXTURES / "keras2_adam_decay.h5"
    with pytest.raises(ValueError, match=r"decay=0\.01.*compile=False"):
        models.load_model(path)
    expected = np.load(FIXTURES / "keras2_expected.npz")
    model = _load(path, compile=False)
    np.testing.assert_allclose(model.predict(expected["x"], verbose=0), expected["keras2_adam_decay.h5"], atol=2e-7)


# --- faults -----------------------------------------------------------------------------------
def _copy(tmp_path, source=KERAS3_FILE):
    target = tmp_path / "copy.h5"
    shutil.copyfile(source, target)
    return target


def test_a_file_that_is_not_hdf5_or_is_truncated_is_refused(tmp_path):
    (tmp_path / "text.h5").write_text("not a model")
    with pytest.raises(ValueError, match="is not a readable HDF5 file"):
        models.load_model(tmp_path / "text.h5")
    data = KERAS3_FILE.read_bytes()
    for size in (100, len(data) // 2, len(data) - 100):
        (tmp_path / "cut.h5").write_bytes(data[:size])
        with pytest.raises(ValueError):
            models.load_model(tmp_path / "cut.h5")
    with pytest.raises(FileNotFoundError):
        models.load_model(tmp_path / "absent.h5")


@pytest.mark.parametrize("damage, message", [
    (lambda f: f["model_weights/hidden/sequential/hidden"].pop("bias"), "lists the weight 'sequential/hidden/bias'"),
    (lambda f: _set(f["model_weights/hidden"], "weight_names", [b"sequential/hidden/kernel"]),
     r"Weight count mismatch for layer #1 \(named hidden"),
    (lambda f: _replace(f, "model_weights/out/sequential/out/kernel", np.zeros((4, 2), "float32")),
     r"Shape mismatch .*sequential/out/kernel.*expects shape \(4, 1\).*\(4, 2\)"),
    (lambda f: _set(f["model_weights"], "layer_names", [b"normalization", b"hidden"]),
     "Layer count mismatch .* expected 3 layers, found 2"),
    (lambda f: _replace(f, "model_weights/hidden/sequential/hidden/bias", np.array([b"x"] * 4)), "is not numeric"),
    (lambda f: f.attrs.__delitem__("model_config"), "No model config found"),
    (lambda f: _set(f, "model_config", b"{not json"), "model_config attribute is not valid JSON"),
    (lambda f: _set(f, "model_config", f.attrs["model_config"].replace('"Dense"', '"Evil"').encode()),
     "Could not locate class 'Evil'"),
    (lambda f: f.__delitem__("model_weights"), "no group 'model_weights'"),
])
def test_a_damaged_file_is_refused_with_what_is_wrong(tmp_path, damage, message):
    path = _copy(tmp_path)
    with h5py.File(path, "r+") as file:
        damage(file)
    with pytest.raises((ValueError, TypeError), match=message):
        models.load_model(path)


def _set(node, name, value):
    node.attrs[name] = value
    return node


def _replace(file, name, value):
    del file[name]
    file[name] = value


@pytest.mark.parametrize("seed", range(3))
def test_corrupted_files_end_in_a_clean_error_or_a_model(tmp_path, seed):
    # 3 x 150 files: truncated, with bits flipped, with runs of random bytes. The legacy format has
    # no checksum, so a flip inside a weight's data loads (in Keras too) as a different weight;
    # everything else must be refused with a ValueError or TypeError that says what is wrong.
    source = KERAS3_FILE.read_bytes()
    rng = np.random.default_rng(seed)
    outcomes = {"refused": 0, "loaded": 0}
    for case in range(150):
        data = bytearray(source)
        if case % 3 == 0:
            data = data[:rng.integers(0, len(data))]
        elif case % 3 == 1:
            for _ in range(rng.integers(1, 4)):
                data[rng.integers(0, len(data))] ^= 1 << int(rng.integers(0, 8))
        else:
            start = int(rng.integers(0, len(data)))
            data[start:start + 32] = rng.integers(0, 256, len(data[start:start + 32]), dtype=np.uint8).tobytes()
        path = tmp_path / f"case{case}.h5"
        path.write_bytes(bytes(data))
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                model = models.load_model(path)
        except (ValueError, TypeError) as error:
            assert type(error) in (ValueError, TypeError) and str(error), (case, repr(error))
            outcomes["refused"] += 1
        else:
            assert [layer.name for layer in model.layers] == ["normalization", "hidden", "out"]
            outcomes["loaded"] += 1
    assert outcomes["refused"] > 75 and sum(outcomes.values()) == 150


def test_an_optimizer_state_that_does_not_fit_is_skipped_with_keras_warning(tmp_path):
    path = _copy(tmp_path)
    with h5py.File(path, "r+") as file:
        names = list(file["optimizer_weights"].attrs["weight_names"])
        _set(file["optimizer_weights"], "weight_names", [name.encode() for name in names[:-1]])
    with pytest.warns(UserWarning, match=r"freshly initialized optimizer.*has 10 variables.*has 9 of"):
        model = models.load_model(path)
    assert model.optimizer.iterations.numpy() == 0


def test_a_failed_save_leaves_the_earlier_file_intact(tmp_path, monkeypatch):
    from glassnet.keras.saving import legacy_h5_file
    path = tmp_path / "m.h5"
    _save(_model(), path)
    before = path.read_bytes()

    def fail_midway(file, model, *args):
        file.attrs["keras_version"] = "3.15.1"
        raise OSError("disk full")

    monkeypatch.setattr(legacy_h5_file, "write", fail_midway)
    with pytest.raises(OSError, match="disk full"), pytest.warns(UserWarning):
        _model().save(path)
    assert path.read_bytes() == before and sorted(p.name for p in tmp_path.iterdir()) == ["m.h5"]
    with pytest.raises(FileExistsError), pytest.warns(UserWarning):
        _model().save(path, overwrite=False)
    with pytest.raises(ValueError, match="not supported"):
        _model().save(path, save_traces=True)
    with pytest.raises(ValueError, match="contradicts the file's extension"):
        _model().save(path, save_format="tf")
    assert path.read_bytes() == before


def test_a_model_saved_before_its_first_step_loads_its_unbuilt_optimizer_state(tmp_path):
    model = _model(optimizers.SGD(0.1, momentum=0.9))
    model.optimizer.iterations.assign(7)  # anything in the file's two variables is restored
    _save(model, tmp_path / "m.h5")
    with h5py.File(tmp_path / "m.h5", "r") as file:
        assert list(file["optimizer_weights"].attrs["weight_names"]) == ["sgd/iteration", "sgd/learning_rate"]
    loaded = _load(tmp_path / "m.h5")  # no warning: the slots it builds are the fresh ones
    assert loaded.optimizer.iterations.numpy() == 7 and len(loaded.optimizer.variables) == 6


def test_keras2_save_format_h5_is_accepted_with_keras_deprecation_warning(tmp_path):
    with pytest.warns(DeprecationWarning, match="`save_format` argument is deprecated"), \
            pytest.warns(UserWarning, match="considered legacy"):
        _model().save(tmp_path / "m.h5", save_format="h5")
    assert _load(tmp_path / "m.h5").compiled


def test_the_legacy_warning_points_at_the_line_that_saved(tmp_path):
    with pytest.warns(UserWarning, match="considered legacy") as record:
        _model().save(tmp_path / "m.h5")
    assert record[0].filename == __file__


_SAVING_CHILD = """
import sys, warnings
import numpy as np
from glassnet.keras import Input, Sequential, layers
warnings.simplefilter("ignore")
model = Sequential([Input((200,)), layers.Dense(500), layers.Dense(1)])
model.layers[1].bias.assign(np.zeros(1, "float32"))
model.save(sys.argv[1])
print("saved", flush=True)
for step in range(1, 100000):
    model.layers[1].bias.assign(np.full(1, step, "float32"))
    model.save(sys.argv[1])
"""


def test_a_save_killed_midway_leaves_a_whole_file(tmp_path):
    import subprocess
    import sys
    import time
    path = tmp_path / "m.h5"
    rng = np.random.default_rng(0)
    root = pathlib.Path(__file__).parents[3]
    for _ in range(4):
        child = subprocess.Popen([sys.executable, "-c", _SAVING_CHILD, str(path)], cwd=root, stdout=subprocess.PIPE,
                                 text=True)
        assert child.stdout.readline().strip() == "saved"
        time.sleep(rng.uniform(0.05, 0.4))
        child.kill()
        child.wait()
        model = _load(path)
        bias = float(model.layers[1].bias.numpy()[0])
        assert bias == int(bias) and model.layers[0].kernel.shape == (200, 500)
    assert [p.name for p in tmp_path.iterdir() if not p.name.startswith(".")] == ["m.h5"]


def test_without_h5py_saving_says_what_to_install(tmp_path, monkeypatch):
    import sys
    monkeypatch.setitem(sys.modules, "h5py", None)
    with pytest.raises(ImportError, match=r"pip install \"glassnet\[h5\]\""), pytest.warns(UserWarning):
        _model().save(tmp_path / "m.h5")
    with pytest.raises(ImportError, match=r"pip install \"glassnet\[h5\]\""):
        models.load_model(KERAS3_FILE)
    assert not (tmp_path / "m.h5").exists()


def test_importing_glassnet_does_not_import_h5py():
    import subprocess
    import sys
    code = "import sys, glassnet, glassnet.keras.saving; print('h5py' in sys.modules)"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                            cwd=pathlib.Path(__file__).parents[3])
    assert result.stdout.strip() == "False"


# --- Keras 2 configs, entry by entry --------------------------------------------------------------
def test_keras2_layer_configs_without_modules_become_glassnet_layers():
    from glassnet.keras.saving import legacy_h5_config, serialization_lib
    scaling = {"class_name": "VarianceScaling", "config": {"scale": 1.0, "mode": "fan_avg", "distribution": "uniform",
                                                           "seed": None}}
    config = {"class_name": "Sequential", "config": {"name": "seq", "layers": [
        {"class_name": "InputLayer", "config": {"batch_input_shape": [None, 2, 3], "dtype": "float32", "name": "in"}},
        {"class_name": "Flatten", "config": {"name": "flatten", "trainable": True, "dtype": "float32"}},
        {"class_name": "Dense", "config": {
            "name": "d", "trainable": True, "dtype": {"class_name": "Policy", "config": {"name": "float32"}},
            "units": 2, "activation": "linear", "use_bias": True, "kernel_initializer": scaling,
            "bias_initializer": {"class_name": "Constant", "config": {"value": 0.5}},
            "kernel_regularizer": {"class_name": "L1L2", "config": {"l1": 0.0, "l2": 0.01}},
            "bias_regularizer": None, "activity_regularizer": None,
            "kernel_constraint": {"class_name": "MaxNorm", "config": {"max_value": 2, "axis": 0}},
            "bias_constraint": None}},
        {"class_name": "Activation", "config": {"name": "act", "trainable": True, "dtype": "float32",
                                                "activation": "softmax"}},
    ]}}
    model = serialization_lib.deserialize_keras_object(legacy_h5_config.model_entry(config))
    assert [layer.name for layer in model.layers] == ["flatten", "d", "act"] and model.input.shape == (None, 2, 3)
    dense = model.layers[1]
    assert dense.kernel_initializer.get_config()["mode"] == "fan_avg" and dense.bias.numpy().tolist() == [0.5, 0.5]
    assert dense.kernel_regularizer.get_config() == {"l1": 0.0, "l2": 0.01}
    assert dense.kernel_constraint.get_config() == {"max_value": 2, "axis": 0}


def test_keras2_training_configs_become_compile_configs():
    from glassnet.keras.saving import legacy_h5_config
    config = legacy_h5_config.compile_config({
        "loss": {"class_name": "MeanSquaredError", "config": {"reduction": "auto", "name": "mean_squared_error"}},
        "metrics": [[{"class_name": "MeanAbsoluteError", "config": {"name": "mae", "dtype": "float32"}},
                     {"class_name": "MeanMetricWrapper", "config": {"name": "mse", "dtype": "float32",
                                                                    "fn": "mean_squared_error"}},
                     {"class_name": "MeanMetricWrapper", "config": {"name": "acc", "dtype": "float32",
                                                                    "fn": "binary_accuracy"}}]],
        "weighted_metrics": None, "loss_weights": None,
        "optimizer_config": {"class_name": "SGD", "config": {"name": "SGD", "lr": 0.1, "decay": 0.0, "momentum": 0.9,
                                                             "nesterov": False}}})
    assert config["optimizer"] == {"module": "keras.optimizers", "class_name": "SGD", "registered_name": None,
                                   "config": {"name": "SGD", "learning_rate": 0.1, "momentum": 0.9,
                                              "nesterov": False}}
    assert config["loss"]["config"]["reduction"] == "sum_over_batch_size"
    assert config["metrics"][1:] == ["mse", "acc"] and config["metrics"][0]["class_name"] == "MeanAbsoluteError"
    model = Sequential([Input((2,)), layers.Dense(1)])
    model.compile_from_config(config)
    assert type(model.optimizer) is optimizers.SGD and model.optimizer.get_config()["momentum"] == 0.9
    for decay in ({"decay": 1e-4}, {"decay": 0.5}):
        with pytest.raises(ValueError, match="Keras 2 option"):
            legacy_h5_config.optimizer_entry({"class_name": "RMSprop", "config": {"learning_rate": 0.1, **decay}})
    assert legacy_h5_config.optimizer_entry({"class_name": "Custom>RMSprop", "config": {}})["class_name"] == "RMSprop"
