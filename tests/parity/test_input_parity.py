"""Inputs that need Keras's standardisation, glassnet against Keras: a 1-D feature fed to a model
declared with input_shape=[1] (TensorFlow's regression tutorial), and class_weight on sparse and
one-hot labels with validation."""
import warnings

import keras
import numpy as np
import pytest
from parity_tools import assert_close

import glassnet.keras as gk

LIBRARIES = {"keras": keras, "glassnet": gk}


def _horsepower_data():
    # Synthetic data of the tutorial's shapes: 314 cars, horsepower 46..230, fuel use falling with it.
    rng = np.random.default_rng(12)
    horsepower = rng.uniform(46, 230, 314)
    return horsepower, 45 - 0.16 * horsepower + rng.normal(0, 4, 314)


def _run_tutorial(library, horsepower, labels, initial_weights=None):
    """TensorFlow's 'Linear regression with one variable', as written there (1-D NumPy arrays)."""
    layers = library.layers
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # Keras warns that input_shape on a layer is deprecated
        horsepower_normalizer = layers.Normalization(input_shape=[1, ], axis=None)
    horsepower_normalizer.adapt(horsepower)
    horsepower_model = library.Sequential([horsepower_normalizer, layers.Dense(units=1)])
    if initial_weights is not None:
        horsepower_model.set_weights(initial_weights)
    first = horsepower_model.get_weights()
    untrained = horsepower_model.predict(horsepower[:10], verbose=0)
    horsepower_model.compile(optimizer=library.optimizers.Adam(learning_rate=0.1), loss="mean_absolute_error")
    np.random.seed(13)
    history = horsepower_model.fit(horsepower, labels, epochs=100, verbose=0, validation_split=0.2)
    line = horsepower_model.predict(np.linspace(0.0, 250, 251), verbose=0)
    return {"weights": first, "untrained": untrained, "history": history.history, "line": line,
            "final": horsepower_model.get_weights()}


def test_regression_tutorial_with_a_1d_feature_follows_keras():
    horsepower, labels = _horsepower_data()
    theirs = _run_tutorial(keras, horsepower, labels)
    mine = _run_tutorial(gk, horsepower, labels, initial_weights=theirs["weights"])
    what = "Normalization(input_shape=[1], axis=None) + Dense(1) on a 1-D feature"
    for key in ("untrained", "line"):
        assert mine[key].shape == theirs[key].shape, f"{what}: {key} {mine[key].shape} vs {theirs[key].shape}"
        assert_close(mine[key], theirs[key], family="fit", what=f"{what}: predict ({key})")
    assert list(mine["history"]) == list(theirs["history"])
    for key, values in theirs["history"].items():
        assert_close(mine["history"][key], values, family="fit", what=f"{what}: History[{key!r}]")
    for i, (a, b) in enumerate(zip(mine["final"], theirs["final"])):
        assert_close(a, b, family="fit", what=f"{what}: final weight {i}")


def _classifier(library, units, activation):
    return library.Sequential([library.Input((4,)), library.layers.Dense(6, activation="relu"),
                               library.layers.Dense(units, activation=activation)])


@pytest.mark.parametrize("labels, loss", [
    ("sparse", "sparse_categorical_crossentropy"),
    ("one-hot", "categorical_crossentropy"),
    ("binary", "binary_crossentropy"),
])
@pytest.mark.parametrize("validation", ["split", "data"])
def test_class_weight_follows_keras(labels, loss, validation):
    rng = np.random.default_rng(14)
    x = rng.normal(size=(90, 4)).astype("float32")
    classes = np.digitize(x[:, 0] + 0.3 * x[:, 1], [-0.8, 0.9])            # 0, 1, 2, unbalanced
    if labels == "binary":
        y, units, activation, class_weight = (classes == 2).astype("float32")[:, None], 1, "sigmoid", {0: 0.4, 1: 3.0}
    else:
        y, units, activation = classes, 3, "softmax"
        class_weight = {0: 1.5, 1: 0.5, 2: 4.0}
        if labels == "one-hot":
            y = np.eye(3, dtype="float32")[classes]
    options = {"validation_split": 0.25} if validation == "split" else {"validation_data": (x[:20], y[:20])}
    theirs = _classifier(keras, units, activation)
    mine = _classifier(gk, units, activation)
    mine.set_weights(theirs.get_weights())
    results = {}
    for name, model in (("keras", theirs), ("glassnet", mine)):
        library = LIBRARIES[name]
        model.compile(optimizer=library.optimizers.SGD(0.2), loss=loss, metrics=["accuracy"])
        np.random.seed(15)
        history = model.fit(x, y, batch_size=16, epochs=3, class_weight=class_weight, verbose=0, **options)
        results[name] = history.history, model.get_weights()
    what = f"fit(class_weight={class_weight}) on {labels} labels with validation {validation}"
    assert list(results["glassnet"][0]) == list(results["keras"][0]), what
    for key, values in results["keras"][0].items():
        assert_close(results["glassnet"][0][key], values, family="fit", what=f"{what}: History[{key!r}]")
    for i, (a, b) in enumerate(zip(results["glassnet"][1], results["keras"][1])):
        assert_close(a, b, family="fit", what=f"{what}: weight {i}")
