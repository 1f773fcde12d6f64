"""Model-level behaviour, glassnet against Keras: Normalization.adapt, Dropout at inference,
summary() parameter counts, History keys and the optimizer compile(loss=...) picks."""
import re
import warnings

import keras
import numpy as np
import pytest
from parity_tools import assert_close

import glassnet.keras as gk

LIBRARIES = {"keras": keras, "glassnet": gk}


@pytest.mark.parametrize("axis", [-1, None, (1,)])
@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize("invert", [False, True])
def test_normalization_adapt(axis, dtype, invert):
    rng = np.random.default_rng(5)
    data = (rng.normal(loc=3.0, scale=[0.5, 2.0, 7.0, 1e-3], size=(50, 4))).astype(dtype)
    data[:, 3] = 1.25                                                   # a zero-variance column
    probe = rng.normal(loc=3.0, size=(6, 4)).astype("float32")
    results = {}
    for name, library in LIBRARIES.items():
        layer = library.layers.Normalization(axis=axis, invert=invert)
        layer.adapt(data)
        results[name] = [np.asarray(w) for w in layer.get_weights()], np.asarray(layer(probe))
    what = f"Normalization(axis={axis}, invert={invert}).adapt on {dtype} data"
    assert len(results["glassnet"][0]) == len(results["keras"][0]), f"{what}: weight lists differ"
    for i, (mine, theirs) in enumerate(zip(results["glassnet"][0], results["keras"][0])):
        assert_close(mine, theirs, family="forward", what=f"{what}: weight {i}")
    assert_close(results["glassnet"][1], results["keras"][1], family="forward", what=f"{what}: output")


def _dropout_model(library):
    return library.Sequential([library.Input(shape=(4,)), library.layers.Dense(6, activation="relu"),
                               library.layers.Dropout(0.5), library.layers.Dense(2)])


def test_dropout_is_identity_at_inference():
    x = np.random.default_rng(6).normal(size=(20, 4)).astype("float32")
    y = np.random.default_rng(7).normal(size=(20, 2)).astype("float32")
    theirs = _dropout_model(keras)
    mine = _dropout_model(gk)
    mine.set_weights(theirs.get_weights())
    for model in (theirs, mine):
        model.compile(optimizer="sgd", loss="mse")
    assert_close(mine.predict(x, verbose=0), theirs.predict(x, verbose=0), family="forward",
                 what="predict() through Dropout(0.5)")
    assert_close(mine.evaluate(x, y, verbose=0), theirs.evaluate(x, y, verbose=0), family="forward",
                 what="evaluate() through Dropout(0.5)")
    assert_close(mine(x, training=False), theirs(x, training=False), family="forward",
                 what="model(x, training=False) through Dropout(0.5)")
    layer_out = gk.layers.Dropout(0.5)(x, training=False)
    assert_close(layer_out, keras.layers.Dropout(0.5)(x, training=False), family="forward",
                 what="Dropout(0.5)(x, training=False)")


def _summary_model(library, with_normalization):
    layers = [library.Input(shape=(5,))]
    if with_normalization:
        layers.append(library.layers.Normalization())
    layers += [library.layers.Dense(7, activation="relu"), library.layers.Dropout(0.1),
               library.layers.Dense(3, use_bias=False), library.layers.Dense(1, activation="sigmoid")]
    return library.Sequential(layers)


def _summary_numbers(model):
    lines = []
    model.summary(print_fn=lambda text, *args, **kwargs: lines.append(text))
    text = "\n".join(lines)
    totals = dict(re.findall(r"(Total|Trainable|Non-trainable|Optimizer) params: ([\d,]+)", text))
    return {key: int(value.replace(",", "")) for key, value in totals.items()}


@pytest.mark.parametrize("with_normalization", [False, True])
@pytest.mark.parametrize("optimizer", ["adam", "sgd", "rmsprop"])
def test_summary_parameter_counts(with_normalization, optimizer):
    x = np.random.default_rng(8).normal(size=(16, 5)).astype("float32")
    y = (x[:, :1] > 0).astype("float32")
    counts = {}
    for name, library in LIBRARIES.items():
        model = _summary_model(library, with_normalization)
        before = _summary_numbers(model)
        per_layer = [layer.count_params() for layer in model.layers]
        model.compile(optimizer=optimizer, loss="binary_crossentropy")
        model.fit(x, y, epochs=1, verbose=0)
        counts[name] = (before, per_layer, model.count_params(), _summary_numbers(model))
    assert counts["glassnet"] == counts["keras"], (
        f"summary() counts with {optimizer}, normalization={with_normalization}:\n"
        f"  glassnet: {counts['glassnet']}\n  keras:    {counts['keras']}")


@pytest.mark.parametrize("metrics, validation", [
    ([], False), (["mae"], True), (["accuracy", "mse"], True), (["binary_accuracy", "mae"], False),
])
def test_history_keys(metrics, validation):
    x = np.random.default_rng(9).normal(size=(24, 3)).astype("float32")
    y = (x[:, :1] > 0).astype("float32")
    keys = {}
    for name, library in LIBRARIES.items():
        model = library.Sequential([library.Input(shape=(3,)), library.layers.Dense(1, activation="sigmoid")])
        model.compile(optimizer="adam", loss="binary_crossentropy", metrics=metrics)
        history = model.fit(x, y, epochs=2, verbose=0, validation_split=0.25 if validation else 0.0)
        keys[name] = (list(history.history), history.epoch, history.params)
    assert keys["glassnet"] == keys["keras"], f"History with metrics={metrics}, validation={validation}"


@pytest.mark.parametrize("loss", ["mse", "binary_crossentropy", "sparse_categorical_crossentropy"])
def test_default_optimizer_from_compile(loss):
    chosen = {}
    for name, library in LIBRARIES.items():
        model = library.Sequential([library.Input(shape=(3,)), library.layers.Dense(2)])
        model.compile(loss=loss)
        optimizer = model.optimizer
        config = optimizer.get_config()
        chosen[name] = (type(optimizer).__name__,
                        {k: config[k] for k in ("learning_rate", "rho", "momentum", "epsilon", "centered")})
    assert chosen["glassnet"] == chosen["keras"], f"compile(loss={loss!r}) picks {chosen}"


def _steps_model(library):
    return library.Sequential([library.Input(shape=(3,)), library.layers.Dense(4, activation="tanh"),
                               library.layers.Dense(1, activation="sigmoid")])


@pytest.mark.parametrize("options", [
    {"shuffle": True, "batch_size": 16, "steps_per_epoch": 3, "epochs": 5, "validation_steps": 2},
    {"shuffle": "batch", "batch_size": 16, "steps_per_epoch": 4, "epochs": 3},
    {"shuffle": True, "batch_size": None, "steps_per_epoch": 4, "epochs": 2},
    {"shuffle": True, "batch_size": 32, "steps_per_epoch": 9, "epochs": 2},
    {"shuffle": True, "batch_size": 16, "epochs": 2, "validation_steps": 2},
], ids=lambda o: ",".join(f"{k}={v}" for k, v in o.items()))
def test_shuffled_batches_and_step_counts_follow_keras(options):
    """The same seed gives the same shuffled batches, and `steps_per_epoch`/`validation_steps`
    carry a pass on across epochs (stopping an epoch where the pass runs out) as in Keras."""
    rng = np.random.default_rng(8)
    x, val_x = rng.normal(size=(100, 3)).astype("float32"), rng.normal(size=(40, 3)).astype("float32")
    y, val_y = (x[:, :1] > 0).astype("float32"), (val_x[:, :1] > 0).astype("float32")
    options = dict(options)
    validation = {"validation_data": (val_x, val_y), "validation_steps": options.pop("validation_steps")} \
        if "validation_steps" in options else {}
    theirs = _steps_model(keras)
    mine = _steps_model(gk)
    mine.set_weights(theirs.get_weights())
    results = {}
    for name, model in (("keras", theirs), ("glassnet", mine)):
        model.compile(optimizer=keras.optimizers.SGD(0.5) if name == "keras" else gk.optimizers.SGD(0.5),
                      loss="binary_crossentropy")
        np.random.seed(11)
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            history = model.fit(x, y, verbose=0, **options, **validation)
        ran_out = any("ran out of data" in str(w.message) for w in caught)
        results[name] = history.history, model.get_weights(), ran_out, history.params["steps"]
    (mine_history, mine_weights, mine_ran_out, mine_steps), (history, weights, ran_out, steps) = \
        results["glassnet"], results["keras"]
    what = f"fit({options}, {validation and 'validation_steps=' + str(validation['validation_steps'])})"
    assert list(mine_history) == list(history) and mine_steps == steps and mine_ran_out == ran_out, what
    for key in history:
        assert_close(mine_history[key], history[key], family="fit", what=f"{what}: History[{key!r}]")
    for i, (a, b) in enumerate(zip(mine_weights, weights)):
        assert_close(a, b, family="fit", what=f"{what}: weight {i}")


def test_evaluate_and_predict_steps_follow_keras():
    x = np.random.default_rng(9).normal(size=(50, 3)).astype("float32")
    y = (x[:, :1] > 0).astype("float32")
    theirs = _steps_model(keras)
    mine = _steps_model(gk)
    mine.set_weights(theirs.get_weights())
    for model in (theirs, mine):
        model.compile(optimizer="sgd", loss="binary_crossentropy", metrics=["accuracy"])
    for steps, batch_size in ((2, 16), (3, None)):
        kwargs = {"steps": steps, "batch_size": batch_size, "verbose": 0}
        assert_close(mine.evaluate(x, y, **kwargs), theirs.evaluate(x, y, **kwargs), family="forward",
                     what=f"evaluate({kwargs})")
        predicted, expected = mine.predict(x, **kwargs), theirs.predict(x, **kwargs)
        assert predicted.shape == expected.shape, f"predict({kwargs}): {predicted.shape} vs {expected.shape}"
        assert_close(predicted, expected, family="forward", what=f"predict({kwargs})")


@pytest.mark.parametrize("options", [{"use_ema": True, "ema_momentum": 0.9},
                                     {"use_ema": True, "ema_overwrite_frequency": 3},
                                     {"gradient_accumulation_steps": 3}], ids=str)
def test_fit_with_moving_averages_or_accumulation_follows_keras(options):
    rng = np.random.default_rng(10)
    x = rng.normal(size=(64, 3)).astype("float32")
    y = (x[:, :1] > 0).astype("float32")
    theirs = _steps_model(keras)
    mine = _steps_model(gk)
    mine.set_weights(theirs.get_weights())
    histories = {}
    for name, model, library in (("keras", theirs, keras), ("glassnet", mine, gk)):
        model.compile(optimizer=library.optimizers.Adam(0.05, **options), loss="binary_crossentropy")
        histories[name] = model.fit(x, y, batch_size=16, epochs=3, shuffle=False, verbose=0).history
    for key in histories["keras"]:
        assert_close(histories["glassnet"][key], histories["keras"][key], family="fit",
                     what=f"fit with Adam({options}): History[{key!r}]")
    for i, (a, b) in enumerate(zip(mine.get_weights(), theirs.get_weights())):
        assert_close(a, b, family="fit", what=f"fit with Adam({options}): final weight {i}")
