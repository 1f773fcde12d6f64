"""Legacy ``.h5`` files written by real Keras 2 (TensorFlow 2.21.0, tf_keras 2.21.0) load in glassnet:
the same layers and weights (bit-equal to the file's), tf_keras's predictions, the compile settings
as saved, the optimizer's state, and training resumes as it did in tf_keras.

The files and what tf_keras computed from them (``tfk2_<case>.npz``) are in
tests/fixtures/legacy_h5/, made by make_tf_keras_fixtures.py, which is run by hand in an
environment of its own: nothing here imports TensorFlow.
"""
import importlib.util
import json
import pathlib
import shutil
import subprocess
import sys
import warnings

import numpy as np
import pytest

from glassnet.keras import losses, metrics, models, optimizers

h5py = pytest.importorskip("h5py")

TESTS = pathlib.Path(__file__).parents[2]
FIXTURES = TESTS / "fixtures" / "legacy_h5"
# One file per glassnet optimizer and per option that adds slots (amsgrad, centered, momentum, use_ema).
OPTIMIZER_CASES = ["optimizer_adamw", "optimizer_adam_amsgrad", "optimizer_adagrad",
                   "optimizer_rmsprop_centered_momentum", "optimizer_adam_ema"]
CASES = ["lunar_lander_adam", "normalization_sgd", "string_loss_accuracy", "lab_uncompiled", "no_optimizer",
         *OPTIMIZER_CASES]
_spec = importlib.util.spec_from_file_location("parity_tools_for_tf_keras", TESTS / "parity" / "parity_tools.py")
parity_tools = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(parity_tools)


def _path(case):
    return FIXTURES / f"tfk2_{case}.h5"


def _expected(case):
    return np.load(FIXTURES / f"tfk2_{case}.npz")


def _load(case, **kwargs):
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # a tf_keras 2.21 file loads without any warning
        return models.load_model(_path(case), **kwargs)


def _file_config(case):
    with h5py.File(_path(case), "r") as file:
        model_config = json.loads(file.attrs["model_config"])
        training = file.attrs.get("training_config")
        return model_config, None if training is None else json.loads(training)


def _stored_optimizer(case):
    """``{name: value}`` of the optimizer variables tf_keras held when it saved."""
    expected = _expected(case)
    return {str(name): expected[f"optimizer_{index}"] for index, name in enumerate(expected["optimizer_names"])}


# --- architecture and weights -----------------------------------------------------------------
@pytest.mark.parametrize("case", CASES)
def test_layers_are_the_files_with_the_same_types_names_and_options(case):
    model = _load(case)
    model_config, _ = _file_config(case)
    saved_layers = [layer for layer in model_config["config"]["layers"] if layer["class_name"] != "InputLayer"]
    assert model.name == model_config["config"]["name"]
    assert [(type(layer).__name__, layer.name) for layer in model.layers] == [
        (layer["class_name"], layer["config"]["name"]) for layer in saved_layers]
    for layer, saved in zip(model.layers, saved_layers):
        for key in ("units", "activation", "rate", "axis", "use_bias"):
            if key in saved["config"]:
                value = getattr(layer, key)
                value = getattr(value, "__name__", value)
                assert value == saved["config"][key] or list(value) == saved["config"][key], (layer.name, key)
    assert model.input.shape[1:] == tuple(model_config["config"]["layers"][0]["config"]["batch_input_shape"][1:])


@pytest.mark.parametrize("case", CASES)
def test_every_weight_is_bit_equal_to_the_files_and_to_tf_keras_values(case):
    model = _load(case)
    expected = _expected(case)
    tf_keras_values = {str(name): expected[f"weight_{index}"] for index, name in enumerate(expected["weight_names"])}
    compared = 0
    with h5py.File(_path(case), "r") as file:
        for layer in model.layers:
            group = file["model_weights"][layer.name]
            names = [name.decode() if isinstance(name, bytes) else name for name in group.attrs["weight_names"]]
            mine = list(layer.trainable_weights) + list(layer.non_trainable_weights)
            assert len(mine) == len(names), layer.name
            for variable, name in zip(mine, names):
                assert name.rsplit("/", 1)[-1] == f"{variable.name}:0"  # kernel:0, mean:0, count:0, ...
                stored = group[name][()]
                assert variable.numpy().dtype == stored.dtype or name == "count:0", name
                np.testing.assert_array_equal(variable.numpy(), stored, err_msg=name)
                np.testing.assert_array_equal(variable.numpy(), tf_keras_values.pop(name), err_msg=name)
                compared += 1
    assert not tf_keras_values and compared == len(expected["weight_names"])


@pytest.mark.parametrize("case", CASES)
def test_predictions_are_tf_keras_within_the_forward_tolerance(case):
    model = _load(case)
    expected = _expected(case)
    parity_tools.assert_close(model.predict(expected["x"], verbose=0), expected["predictions"], family="forward",
                              what=f"tf_keras 2.21 file {case}")


def test_normalization_keeps_its_adapted_statistics():
    model = _load("normalization_sgd")
    normalization, expected = model.layers[0], _expected("normalization_sgd")
    x = expected["x"].astype("float64") * 2.0 + 1.0  # what the fixture script adapted it on
    np.testing.assert_allclose(normalization.mean.numpy().ravel(), x.mean(axis=0), rtol=1e-5)
    np.testing.assert_allclose(normalization.variance.numpy().ravel(), x.var(axis=0), rtol=1e-5)
    assert int(normalization.count.numpy()) == len(x)


# --- compile settings -------------------------------------------------------------------------
def _optimizer_config(model):
    return {key: value for key, value in model.optimizer.get_config().items() if value is not None}


def test_adam_and_a_string_loss_come_back_as_saved():
    model = _load("lunar_lander_adam")
    _, training = _file_config("lunar_lander_adam")
    assert training["optimizer_config"]["class_name"] == "Custom>Adam"
    assert type(model.optimizer) is optimizers.Adam
    saved = training["optimizer_config"]["config"]
    assert _optimizer_config(model) == pytest.approx({
        "name": "Adam", "learning_rate": saved["learning_rate"], "beta_1": 0.9, "beta_2": 0.999, "epsilon": 1e-7,
        "amsgrad": False, "use_ema": False, "ema_momentum": 0.99})
    assert model.loss == "mse" and model._compile_arguments.get("metrics") is None


def test_sgd_with_momentum_and_loss_and_metric_objects_come_back_as_saved():
    model = _load("normalization_sgd")
    assert type(model.optimizer) is optimizers.SGD
    assert _optimizer_config(model) == pytest.approx({
        "name": "SGD", "learning_rate": 0.05, "momentum": 0.9, "nesterov": True, "use_ema": False,
        "ema_momentum": 0.99})
    assert type(model.loss) is losses.BinaryCrossentropy
    assert model.loss.get_config() == {"name": "binary_crossentropy", "reduction": "sum_over_batch_size",
                                       "from_logits": False, "label_smoothing": 0.0, "axis": -1}
    [metric] = model._compile_arguments["metrics"]
    assert type(metric) is metrics.BinaryAccuracy and metric.name == "acc" and metric.get_config()["threshold"] == 0.5
    assert model.layers[1].kernel_regularizer.get_config() == {"l2": pytest.approx(0.01)}


def test_rmsprop_string_loss_and_accuracy_come_back_and_accuracy_is_the_sparse_one():
    model = _load("string_loss_accuracy")
    assert type(model.optimizer) is optimizers.RMSprop
    assert _optimizer_config(model) == pytest.approx({
        "name": "RMSprop", "learning_rate": 0.001, "rho": 0.9, "momentum": 0.0, "epsilon": 1e-7, "centered": False,
        "use_ema": False, "ema_momentum": 0.99, "ema_overwrite_frequency": 100})
    assert model.loss == "sparse_categorical_crossentropy" and model._compile_arguments["metrics"] == ["accuracy"]
    expected = _expected("string_loss_accuracy")
    results = model.evaluate(expected["x"], expected["y"], verbose=0, return_dict=True)
    assert results["accuracy"] == pytest.approx(np.mean(expected["predictions"].argmax(axis=1) == expected["y"]))


@pytest.mark.parametrize("case", ["lunar_lander_adam", "normalization_sgd", "string_loss_accuracy", *OPTIMIZER_CASES])
def test_every_optimizer_hyperparameter_is_the_files(case):
    # All of tf_keras's options but how it ran (jit_compile, is_legacy_optimizer), which glassnet drops.
    model = _load(case)
    _, training = _file_config(case)
    saved = dict(training["optimizer_config"]["config"])
    assert saved.pop("jit_compile") is False and saved.pop("is_legacy_optimizer") is False
    assert training["optimizer_config"]["class_name"] == f"Custom>{type(model.optimizer).__name__}"
    config = model.optimizer.get_config()
    assert {key: config[key] for key in saved} == pytest.approx(saved)


@pytest.mark.parametrize("case", ["lab_uncompiled", "no_optimizer"])
def test_a_model_saved_uncompiled_or_without_its_optimizer_loads_uncompiled(case):
    _, training = _file_config(case)
    assert training is None
    with h5py.File(_path(case), "r") as file:
        assert "optimizer_weights" not in file
    model = _load(case)
    assert not model.compiled and model.optimizer is None


# --- optimizer state and training on ---------------------------------------------------------------
@pytest.mark.parametrize("case", ["lunar_lander_adam", "normalization_sgd", "string_loss_accuracy", *OPTIMIZER_CASES])
def test_the_optimizer_state_is_tf_keras_state_slot_for_slot(case):
    # tf_keras names a slot "<optimizer>/<m|v|vhat|velocity|...>/<layer>/<weight>:0", glassnet
    # "<model>_<layer>_<weight>_<momentum|velocity|velocity_hat|...>": every one is matched and bit-equal.
    model = _load(case)
    stored = _stored_optimizer(case)
    assert model.optimizer.iterations.numpy() == stored.pop("iteration:0") > 0
    slot_names = {"m": "momentum", "v": "velocity", "vhat": "velocity_hat"}
    for name, value in stored.items():
        _, slot, weight = name.split("/", 2)
        layer_name, weight_name = weight[:-len(":0")].split("/")
        wanted = f"{model.name}_{layer_name}_{weight_name}_{slot_names.get(slot, slot)}"
        [variable] = [v for v in model.optimizer.variables if v.name == wanted]
        np.testing.assert_array_equal(variable.numpy(), value, err_msg=name)
    _, training = _file_config(case)
    assert model.optimizer.learning_rate.numpy() == np.float32(training["optimizer_config"]["config"]["learning_rate"])
    assert len(model.optimizer.variables) == len(_stored_optimizer(case)) + 1  # + glassnet's learning_rate


@pytest.mark.parametrize("case", ["lunar_lander_adam", "string_loss_accuracy", *OPTIMIZER_CASES])
def test_training_resumes_as_it_did_in_tf_keras(case):
    model = _load(case)
    expected = _expected(case)
    model.fit(expected["x"], expected["y"], epochs=1, batch_size=8, shuffle=False, verbose=0)
    weights = model.get_weights()
    assert len(weights) == len([key for key in expected.files if key.startswith("resumed_")])
    for index, weight in enumerate(weights):
        parity_tools.assert_close(weight, expected[f"resumed_{index}"], family="fit",
                                  what=f"weight {index} of {case} after one more epoch")


@pytest.mark.parametrize("case", CASES)
def test_training_continues_with_finite_losses(case):
    model = _load(case)
    expected = _expected(case)
    if not model.compiled:
        model.compile(optimizer=optimizers.Adam(1e-3), loss="mse")
    history = model.fit(expected["x"], expected["y"], epochs=2, batch_size=8, verbose=0)
    assert len(history.history["loss"]) == 2 and np.all(np.isfinite(history.history["loss"]))


def test_a_tf_keras_optimizer_state_that_does_not_fit_is_skipped_with_keras_warning(tmp_path):
    path = tmp_path / "copy.h5"
    shutil.copyfile(_path("lunar_lander_adam"), path)
    with h5py.File(path, "r+") as file:
        group = file["optimizer_weights"]
        group.attrs["weight_names"] = list(group.attrs["weight_names"])[:-1]  # the last bias's v slot gone
    with pytest.warns(UserWarning, match=r"freshly initialized optimizer.*Keras 2\.21\.0: the file holds no value "
                                         r"for the optimizer variable 'Adam/sequential_dense_2_bias_velocity'"):
        model = models.load_model(path)
    assert model.optimizer.iterations.numpy() == 0
    assert all(not np.any(v.numpy()) for v in model.optimizer.variables if v.name != "learning_rate")
    expected = _expected("lunar_lander_adam")
    parity_tools.assert_close(model.predict(expected["x"], verbose=0), expected["predictions"], family="forward",
                              what="weights load even when the optimizer state does not")


def _with_optimizer_weights(tmp_path, case, change):
    """A copy of the `case` file whose optimizer_weights group `change(group, names)` altered."""
    path = tmp_path / "copy.h5"
    shutil.copyfile(_path(case), path)
    with h5py.File(path, "r+") as file:
        group = file["optimizer_weights"]
        names = [name.decode() if isinstance(name, bytes) else name for name in group.attrs["weight_names"]]
        group.attrs["weight_names"] = change(group, names)
    return path


def test_the_state_is_matched_by_name_not_by_order(tmp_path):
    # tf_keras orders amsgrad's vhat slots and RMSprop's momentum/average_gradient slots after all
    # the others; glassnet matches by name, so any order of the file's slot names gives one state.
    case = "optimizer_rmsprop_centered_momentum"
    order = np.random.default_rng(0).permutation(12) + 1
    path = _with_optimizer_weights(tmp_path, case, lambda group, names: [names[0]] + [names[i] for i in order])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        shuffled = models.load_model(path)
    for a, b in zip(shuffled.optimizer.variables, _load(case).optimizer.variables, strict=True):
        np.testing.assert_array_equal(a.numpy(), b.numpy(), err_msg=a.path)


def _rotated(group, names):
    return names[1:] + names[:1]


def _wrong_shape(group, names):
    del group["Adam/m/dense/kernel:0"]
    group["Adam/m/dense/kernel:0"] = np.zeros(4, "float32")
    return names


def _extra(name):
    def change(group, names):
        group[name] = np.zeros(4, "float32")
        return names + [name]
    return change


@pytest.mark.parametrize(("change", "message"), [
    (_rotated, "written by Keras 2.21.0, whose optimizer variables are laid out differently.*freshly initialized"),
    (_wrong_shape, r"'Adam/m/dense/kernel:0' has shape \(4,\); the optimizer variable "
                   r"'Adam/sequential_dense_kernel_momentum' has shape \(3, 4\)"),
    (_extra("Adam/unknown/dense/bias:0"), r"the optimizer has no variable for the file's \['Adam/unknown/dense/bias"),
    (_extra("Adam/m/absent/bias:0"), "the file's slot 'Adam/m/absent/bias:0' is for a weight the model does not have"),
    (lambda group, names: names + names[1:2], "two of the file's slots .* are for the same glassnet slot"),
])
def test_a_tf_keras_state_that_names_other_slots_is_skipped_with_a_warning(tmp_path, change, message):
    path = _with_optimizer_weights(tmp_path, "optimizer_adam_amsgrad", change)
    with pytest.warns(UserWarning, match=message):
        model = models.load_model(path)
    assert model.optimizer.iterations.numpy() == 0
    assert all(not np.any(v.numpy()) for v in model.optimizer.variables if v.name != "learning_rate")


def test_loading_the_tf_keras_files_imports_no_tensorflow():
    code = ("import sys; from glassnet.keras import models\n"
            f"for case in {CASES!r}: models.load_model({str(FIXTURES)!r} + '/tfk2_' + case + '.h5')\n"
            "print(sorted(name for name in sys.modules if name.split('.')[0] in ('tensorflow', 'tf_keras', 'keras')))")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120,
                            cwd=TESTS.parent, check=True)
    assert result.stdout.strip() == "[]"
