"""Legacy ``.h5`` model files both ways against Keras 3.15.1: a glassnet-trained model saved to
``.h5`` loads in Keras and predicts the same, and trains on there; a Keras-trained ``.h5`` loads
in glassnet, predicts the same and resumes training with Keras's optimizer state.

Keras 3.15.1 quirks met here (checked by the last tests):
- its legacy loader builds the restored optimizer for the model's *own* variables (none in a
  Sequential), so it restores only ``iteration`` and ``learning_rate`` and then cannot ``fit``;
  training on in Keras therefore recompiles (the same optimizer class and hyperparameters) on
  both sides;
- it cannot read back a loss saved by its alias (``loss="mse"``), which glassnet writes by its
  full name for that reason.
"""
import pathlib
import warnings

import keras
import numpy as np
import pytest

import glassnet
from parity_tools import assert_close
from test_config_parity import ACTIVATIONS, OPTIMIZERS

h5py = pytest.importorskip("h5py")
FIXTURES = pathlib.Path(__file__).parents[1] / "fixtures" / "legacy_h5"


def _data():
    rng = np.random.default_rng(7)
    x = rng.normal(1.0, 2.0, (32, 3)).astype("float32")
    labels = (x[:, 0] - x[:, 1] > 0).astype("int64")
    return x, np.eye(2, dtype="float32")[labels]


def _build(api, activation, optimizer, dropout=True):
    """The same model in glassnet or Keras (`api` is glassnet.keras or keras), adapted and compiled."""
    layers = [api.Input((3,)), api.layers.Normalization(),
              api.layers.Dense(5, activation=activation, kernel_regularizer=api.regularizers.L2(0.01),
                               kernel_initializer=api.initializers.RandomNormal(stddev=0.1, seed=3), name="hidden")]
    if dropout:
        layers.append(api.layers.Dropout(0.25, seed=1))
    layers.append(api.layers.Dense(2, activation="softmax", name="out"))
    model = api.Sequential(layers, name="parity")
    model.layers[0].adapt(_data()[0])
    name, arguments = optimizer
    model.compile(optimizer=getattr(api.optimizers, name)(**arguments),
                  loss=api.losses.CategoricalCrossentropy(label_smoothing=0.1), metrics=["accuracy"])
    return model


def _same_start(theirs, mine):
    """Give the glassnet model the Keras model's initial weights."""
    mine.set_weights([np.asarray(w) for w in theirs.get_weights()])


def _save_glassnet(model, path):
    with pytest.warns(UserWarning, match="considered legacy"):
        model.save(path)


def _recompiled(model, api, optimizer, loss):
    """`model` compiled afresh with `optimizer`'s class and config (Keras cannot fit the one it restored)."""
    model.compile(optimizer=type(optimizer).from_config(optimizer.get_config()), loss=loss)
    return model


def _optimizer_cases():
    """Every activation, the optimizers taken in turn (each optimizer meets several activations)."""
    return [(activation, OPTIMIZERS[i % len(OPTIMIZERS)]) for i, activation in enumerate(ACTIVATIONS)]


_IDS = [f"{activation}-{optimizer[0]}" for activation, optimizer in _optimizer_cases()]


@pytest.mark.parametrize("activation, optimizer", _optimizer_cases(), ids=_IDS)
def test_glassnet_h5_loads_in_keras_with_the_same_predictions_and_settings(tmp_path, activation, optimizer):
    x, y = _data()
    mine = _build(glassnet.keras, activation, optimizer)
    mine.fit(x, y, epochs=2, batch_size=8, verbose=0)
    _save_glassnet(mine, tmp_path / "glassnet.h5")
    theirs = keras.models.load_model(tmp_path / "glassnet.h5")
    assert [type(layer).__name__ for layer in theirs.layers] == [type(layer).__name__ for layer in mine.layers]
    for a, k in zip(mine.get_weights(), theirs.get_weights()):
        np.testing.assert_array_equal(a, np.asarray(k))  # the file carries every bit
    assert_close(theirs.predict(x, verbose=0), mine.predict(x, verbose=0), family="forward",
                 what=f"Keras predicting from glassnet's .h5 ({activation}, {optimizer[0]})")
    assert theirs.optimizer.get_config() == mine.optimizer.get_config()
    assert int(theirs.optimizer.iterations) == int(mine.optimizer.iterations.numpy()) == 8
    assert theirs.layers[1].kernel_regularizer.get_config() == {"l2": 0.01}
    assert theirs.layers[2].rate == 0.25


@pytest.mark.parametrize("optimizer", OPTIMIZERS, ids=[name for name, _ in OPTIMIZERS])
def test_glassnet_h5_trains_on_in_keras_as_in_glassnet(tmp_path, optimizer):
    x, y = _data()
    mine = _build(glassnet.keras, "tanh", optimizer, dropout=False)
    mine.fit(x, y, epochs=2, batch_size=8, shuffle=False, verbose=0)
    _save_glassnet(mine, tmp_path / "glassnet.h5")
    theirs = keras.models.load_model(tmp_path / "glassnet.h5", compile=False)
    mine_again = glassnet.keras.models.load_model(tmp_path / "glassnet.h5", compile=False)
    _recompiled(theirs, keras, getattr(keras.optimizers, optimizer[0])(**optimizer[1]),
                keras.losses.CategoricalCrossentropy(label_smoothing=0.1))
    _recompiled(mine_again, glassnet.keras, getattr(glassnet.keras.optimizers, optimizer[0])(**optimizer[1]),
                glassnet.keras.losses.CategoricalCrossentropy(label_smoothing=0.1))
    theirs.fit(x, y, epochs=2, batch_size=8, shuffle=False, verbose=0)
    mine_again.fit(x, y, epochs=2, batch_size=8, shuffle=False, verbose=0)
    for index, (a, k) in enumerate(zip(mine_again.get_weights(), theirs.get_weights())):
        assert_close(a, k, family="fit", what=f"weight {index} after training on in Keras ({optimizer[0]})")


@pytest.mark.parametrize("activation, optimizer", _optimizer_cases(), ids=_IDS)
def test_keras_h5_loads_in_glassnet_with_the_same_predictions(tmp_path, activation, optimizer):
    x, y = _data()
    theirs = _build(keras, activation, optimizer)
    theirs.fit(x, y, epochs=2, batch_size=8, verbose=0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        theirs.save(tmp_path / "keras.h5")
    mine = glassnet.keras.models.load_model(tmp_path / "keras.h5")
    for a, k in zip(mine.get_weights(), theirs.get_weights()):
        np.testing.assert_array_equal(a, np.asarray(k))
    assert_close(mine.predict(x, verbose=0), theirs.predict(x, verbose=0), family="forward",
                 what=f"glassnet predicting from Keras's .h5 ({activation}, {optimizer[0]})")
    assert mine.optimizer.get_config() == theirs.optimizer.get_config()
    for a, k in zip(mine.optimizer.variables, theirs.optimizer.variables):
        np.testing.assert_array_equal(a.numpy(), np.asarray(k))


@pytest.mark.parametrize("optimizer", OPTIMIZERS, ids=[name for name, _ in OPTIMIZERS])
def test_keras_h5_resumes_training_in_glassnet_as_in_keras(tmp_path, optimizer):
    x, y = _data()
    theirs = _build(keras, "relu", optimizer, dropout=False)
    theirs.fit(x, y, epochs=2, batch_size=8, shuffle=False, verbose=0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        theirs.save(tmp_path / "keras.h5")
    mine = glassnet.keras.models.load_model(tmp_path / "keras.h5")
    assert int(mine.optimizer.iterations.numpy()) == 8
    theirs.fit(x, y, epochs=2, batch_size=8, shuffle=False, verbose=0)
    mine.fit(x, y, epochs=2, batch_size=8, shuffle=False, verbose=0)
    for index, (a, k) in enumerate(zip(mine.get_weights(), theirs.get_weights())):
        assert_close(a, k, family="fit", what=f"weight {index} resumed from Keras's .h5 ({optimizer[0]})")


EXTRA_OPTIMIZERS = [
    ("Adam", {"learning_rate": 0.01, "use_ema": True, "ema_momentum": 0.9}),
    ("SGD", {"learning_rate": 0.01, "momentum": 0.5, "gradient_accumulation_steps": 3}),
    ("Adam", {"learning_rate": {"class_name": "ExponentialDecay",
                                "config": {"initial_learning_rate": 0.01, "decay_steps": 5, "decay_rate": 0.5}}}),
]


@pytest.mark.parametrize("optimizer", EXTRA_OPTIMIZERS, ids=["ema", "accumulation", "schedule"])
def test_keras_h5_optimizer_options_restore_in_glassnet(tmp_path, optimizer):
    # EMA averages, accumulated gradients and a schedule: the same variables, in Keras's order.
    x, y = _data()
    name, arguments = optimizer
    rate = arguments["learning_rate"]
    schedule = isinstance(rate, dict)
    theirs_arguments = {**arguments, "learning_rate": keras.optimizers.schedules.ExponentialDecay(**rate["config"])
                        if schedule else rate}
    theirs = _build(keras, "relu", (name, theirs_arguments), dropout=False)
    theirs.fit(x, y, epochs=2, batch_size=8, shuffle=False, verbose=0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        theirs.save(tmp_path / "keras.h5")
    mine = glassnet.keras.models.load_model(tmp_path / "keras.h5")
    assert [v.path for v in mine.optimizer.variables] == [v.path for v in theirs.optimizer.variables]
    for a, k in zip(mine.optimizer.variables, theirs.optimizer.variables):
        np.testing.assert_array_equal(a.numpy(), np.asarray(k))
    if arguments.get("use_ema"):
        return  # Keras 3.15.1 on JAX fails on a second fit() with use_ema=True, saved or not
    theirs.fit(x, y, epochs=2, batch_size=8, shuffle=False, verbose=0)
    mine.fit(x, y, epochs=2, batch_size=8, shuffle=False, verbose=0)
    for index, (a, k) in enumerate(zip(mine.get_weights(), theirs.get_weights())):
        assert_close(a, k, family="fit", what=f"weight {index} resumed from Keras's .h5 ({optimizer})")


@pytest.mark.parametrize("filename", ["keras2_legacy_adam.h5", "keras2_adam_decay.h5"])
def test_keras_reads_the_hand_made_keras2_fixtures_as_glassnet_does(filename):
    # The fixtures are made by hand to tf.keras 2's layout: Keras 3's own legacy loader (its
    # reader of Keras 2 files) must read them, into the model glassnet reads.
    expected = np.load(FIXTURES / "keras2_expected.npz")
    theirs = keras.models.load_model(FIXTURES / filename, compile=False)
    mine = glassnet.keras.models.load_model(FIXTURES / filename, compile=False)
    assert [layer.name for layer in theirs.layers] == [layer.name for layer in mine.layers]
    assert_close(mine.predict(expected["x"], verbose=0), theirs.predict(expected["x"], verbose=0),
                 family="forward", what=f"{filename} in glassnet and Keras")
    assert_close(mine.predict(expected["x"], verbose=0), expected[filename], family="forward",
                 what=f"{filename} against the NumPy forward pass")
    if filename != "keras2_adam_decay.h5":  # Keras drops the decay with a warning; glassnet refuses it
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            compiled_by_keras = keras.models.load_model(FIXTURES / filename)
            compiled = glassnet.keras.models.load_model(FIXTURES / filename)
        keras_config, config = compiled_by_keras.optimizer.get_config(), compiled.optimizer.get_config()
        # Keras renames the optimizer of a "Custom>Adam" config "adam"; glassnet keeps the file's name.
        assert {key: keras_config[key] for key in config if key != "name"} == {
            key: value for key, value in config.items() if key != "name"}
        assert compiled_by_keras.loss.__name__ == compiled.loss == "binary_crossentropy"


@pytest.mark.parametrize("case", ["lunar_lander_adam", "normalization_sgd", "string_loss_accuracy", "lab_uncompiled",
                                  "no_optimizer", "optimizer_adamw", "optimizer_adam_amsgrad", "optimizer_adagrad",
                                  "optimizer_rmsprop_centered_momentum", "optimizer_adam_ema"])
def test_keras_reads_the_real_tf_keras_files_into_the_model_glassnet_reads(case):
    # Written by tf_keras 2.21 (make_tf_keras_fixtures.py). compile=False: Keras 3.15.1 cannot
    # compile two of them (next test); glassnet's compile settings are tested in test_legacy_h5_tf_keras.py.
    path, expected = FIXTURES / f"tfk2_{case}.h5", np.load(FIXTURES / f"tfk2_{case}.npz")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        theirs = keras.models.load_model(path, compile=False)
    mine = glassnet.keras.models.load_model(path, compile=False)
    assert [(type(a).__name__, a.name) for a in mine.layers] == [(type(k).__name__, k.name) for k in theirs.layers]
    for a, k in zip(mine.weights, theirs.weights):
        np.testing.assert_array_equal(a.numpy(), np.asarray(k))
    assert_close(mine.predict(expected["x"], verbose=0), theirs.predict(expected["x"], verbose=0),
                 family="forward", what=f"tfk2_{case}.h5 in glassnet and Keras")


@pytest.mark.parametrize(("case", "message"), [("lunar_lander_adam", "Could not deserialize 'keras.metrics.mse'"),
                                               ("normalization_sgd", "could not be deserialized properly")])
def test_keras_itself_cannot_compile_tf_keras_files_with_loss_mse_or_a_loss_object(case, message):
    # tf_keras writes loss="mse" as given and a loss object with its "fn"; Keras 3.15.1's legacy
    # loader refuses both, glassnet reads them (test_legacy_h5_tf_keras.py).
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        with pytest.raises((ValueError, TypeError), match=message):
            keras.models.load_model(FIXTURES / f"tfk2_{case}.h5")
    assert glassnet.keras.models.load_model(FIXTURES / f"tfk2_{case}.h5").compiled


def test_keras_itself_cannot_fit_a_model_it_restored_from_h5_with_optimizer_state(tmp_path):
    x, y = _data()
    theirs = _build(keras, "relu", OPTIMIZERS[1], dropout=False)
    theirs.fit(x, y, epochs=1, verbose=0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        theirs.save(tmp_path / "keras.h5")
    restored = keras.models.load_model(tmp_path / "keras.h5")
    assert [v.path.split("/")[-1] for v in restored.optimizer.variables] == ["iteration", "learning_rate"]
    with pytest.raises(ValueError, match="optimizer was built with 0 variables"):
        restored.fit(x, y, epochs=1, verbose=0)


def test_keras_cannot_read_back_a_loss_alias_so_glassnet_writes_the_full_name(tmp_path):
    model = keras.Sequential([keras.Input((2,)), keras.layers.Dense(1)])
    model.compile(optimizer="sgd", loss="mse")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        model.save(tmp_path / "keras.h5")
    with pytest.raises(ValueError, match="keras.metrics.mse"):
        keras.models.load_model(tmp_path / "keras.h5")
    mine = glassnet.keras.Sequential([glassnet.keras.Input((2,)), glassnet.keras.layers.Dense(1)])
    mine.compile(optimizer="sgd", loss="mse")
    _save_glassnet(mine, tmp_path / "glassnet.h5")
    assert keras.models.load_model(tmp_path / "glassnet.h5").loss.__name__ == "mean_squared_error"
