"""The course labs' TensorFlow code, with only the import changed, and their graded checks."""
import logging
import os
import warnings
from pathlib import Path

import numpy as np
import pytest

import glassnet as tf
from glassnet import backend as glassnet_backend
from glassnet import random as glassnet_random
from glassnet.keras import Sequential
from glassnet.keras.activations import linear, relu, sigmoid
from glassnet.keras.layers import Dense
from glassnet.keras.losses import MSE, BinaryCrossentropy, MeanSquaredError, SparseCategoricalCrossentropy
from glassnet.keras.optimizers import Adam

# The course data sits beside the clone, in ../shared (as CI lays it out), not in the repository.
COFFEE = Path(__file__).resolve().parents[2] / "shared" / "data" / "course" / "coffee"


@pytest.fixture
def coffee():
    """The coffee-roasting lab's X and Y; skipped without ../shared, but required under GLASSNET_CI=1."""
    if not COFFEE.exists():
        reason = f"course data not present: {COFFEE} (../shared/data/course beside the clone)"
        if os.environ.get("GLASSNET_CI") == "1":
            pytest.fail(f"GLASSNET_CI=1: {reason}", pytrace=False)
        pytest.skip(reason)
    return np.load(COFFEE / "X.npy"), np.load(COFFEE / "Y.npy")


def test_logging_silencers_exist():
    logging.getLogger("tensorflow").setLevel(logging.ERROR)
    tf.get_logger().setLevel("ERROR")
    tf.autograph.set_verbosity(0)
    assert tf.get_logger().level == logging.ERROR


def test_one_object_many_paths():
    from glassnet.keras import models

    assert tf.keras.Sequential is Sequential is models.Sequential
    assert tf.keras.layers.Dense is Dense and tf.keras.Input is tf.keras.layers.Input
    assert tf.keras.losses.BinaryCrossentropy is BinaryCrossentropy
    assert tf.keras.optimizers.Adam is Adam
    assert tf.nn.sigmoid is tf.keras.activations.sigmoid is sigmoid
    assert tf.math.sigmoid is sigmoid
    assert tf.utils.set_random_seed is tf.keras.utils.set_random_seed
    assert tf.random.set_seed is glassnet_random.set_seed
    assert tf.keras.backend.set_floatx is glassnet_backend.set_floatx


def test_activation_functions_on_numpy_and_plottable():
    z = np.linspace(-5, 5, 11)
    for fn in (linear, relu, sigmoid):
        out = fn(z)
        assert np.asarray(out).shape == (11,) and out.numpy().shape == (11,)
    np.testing.assert_allclose(tf.keras.activations.sigmoid(np.array([0.0])).numpy(), [0.5])


def test_softmax_matches_numpy_within_course_tolerance():
    for z in (np.array([1.0, 2.0, 3.0, 4.0]), np.log(np.full(10, 0.1))):
        ez = np.exp(z - z.max())
        np.testing.assert_allclose(tf.nn.softmax(z).numpy(), ez / ez.sum(), atol=1e-10)


def test_graded_week3_checks_with_floatx_float64_and_regularizer():
    tf.keras.backend.set_floatx("float64")
    tf.random.set_seed(1234)
    model = Sequential([
        Dense(120, activation="relu", kernel_regularizer=tf.keras.regularizers.l2(0.1), name="L1"),
        Dense(40, activation="relu", kernel_regularizer=tf.keras.regularizers.l2(0.1), name="L2"),
        Dense(6, activation="linear", name="L3")], name="ComplexRegularized")
    with pytest.warns(DeprecationWarning):
        optimizer = Adam(lr=0.01)
    model.compile(loss=SparseCategoricalCrossentropy(from_logits=True), optimizer=optimizer)
    model.build(input_shape=(None, 2))
    assert model.input.shape.as_list() == [None, 2]
    assert [layer.output.shape.as_list() for layer in model.layers] == [[None, 120], [None, 40], [None, 6]]
    assert [layer.activation for layer in model.layers] == [relu, relu, linear]
    assert type(model.layers[0].kernel_regularizer) == tf.keras.regularizers.l2  # noqa: E721
    assert np.isclose(model.layers[0].kernel_regularizer.l2, 0.1) and model.layers[2].kernel_regularizer is None
    assert type(model.loss) == SparseCategoricalCrossentropy and model.loss.get_config()["from_logits"]  # noqa: E721
    assert type(model.optimizer) == Adam and np.isclose(model.optimizer.learning_rate.numpy(), 0.01)  # noqa: E721
    assert model.get_weights()[0].dtype == np.float64
    rng = np.random.default_rng(2)
    centers = np.array([[-1, 0], [1, 0], [0, 1], [0, -1], [-2, 1], [-2, -1]])
    y = rng.integers(0, 6, 400)
    x = centers[y] + rng.normal(0, 0.4, (400, 2))
    model.fit(x, y, epochs=20, verbose=0)
    predictions = np.argmax(tf.nn.softmax(model.predict(x, verbose=0)).numpy(), axis=1)
    direct = np.argmax(model(x), axis=1)  # the lab's plot helper calls the model directly
    assert np.array_equal(predictions, direct) and np.mean(predictions == y) > 0.8
    assert model.count_params() == 360 + 4840 + 246


def test_week2_softmax_and_logits_variants():
    rng = np.random.default_rng(30)
    centers = np.array([[-5, 2], [-2, -2], [1, 2], [5, -2]])
    y = rng.integers(0, 4, 2000)
    x = centers[y] + rng.normal(0, 1.0, (2000, 2))
    tf.random.set_seed(1234)
    softmax_model = Sequential([Dense(25, activation="relu"), Dense(15, activation="relu"),
                                Dense(4, activation="softmax")])
    softmax_model.compile(loss=SparseCategoricalCrossentropy(), optimizer=Adam(0.001))
    softmax_model.fit(x, y, epochs=10, verbose=0)
    p = softmax_model.predict(x, verbose=0)
    assert type(p) == np.ndarray and p.shape == (2000, 4)  # noqa: E721
    np.testing.assert_allclose(p.sum(axis=1), 1, rtol=1e-5)
    logits_model = Sequential([Dense(25, activation="relu"), Dense(15, activation="relu"),
                               Dense(4, activation="linear")])
    logits_model.compile(loss=SparseCategoricalCrossentropy(from_logits=True), optimizer=Adam(0.001))
    history = logits_model.fit(x, y, epochs=10, verbose=0)
    assert history.history["loss"][-1] < 0.2
    probabilities = tf.nn.softmax(logits_model.predict(x, verbose=0)).numpy()
    assert np.mean(np.argmax(probabilities, axis=1) == y) > 0.95


def test_week3_regression_with_string_loss_and_named_models():
    rng = np.random.default_rng(1)
    x = rng.uniform(-1, 1, (30, 1))
    y = 3 * x**2 + 1
    tf.random.set_seed(20)
    model = Sequential([Dense(25, activation="relu"), Dense(15, activation="relu"), Dense(1, activation="linear")],
                       name="model_1")
    model.compile(loss="mse", optimizer=tf.keras.optimizers.Adam(learning_rate=0.1))
    model.fit(x, y, epochs=100, verbose=0)
    assert model.name == "model_1"
    assert np.mean((model.predict(x, verbose=0) - y) ** 2) / 2 < 0.05
    logistic = Sequential([Dense(3, activation="relu"), Dense(1, activation="linear")])
    logistic.compile(loss=BinaryCrossentropy(from_logits=True), optimizer=Adam(learning_rate=0.01))
    labels = (x > 0).astype(float)
    logistic.fit(x, labels, epochs=100, verbose=0)
    yhat = np.where(tf.math.sigmoid(logistic.predict(x, verbose=0)) >= 0.5, 1, 0)
    assert np.mean(yhat == labels) > 0.9


def test_mse_function_form_returns_scalar_for_vectors():
    loss = MSE(np.array([1.0, 2.0]), np.array([1.0, 4.0]))
    assert float(loss) == pytest.approx(2.0)  # (0 + 4) / 2
    assert MeanSquaredError()(np.array([[1.0], [2.0]]), np.array([[1.0], [4.0]])).numpy() == pytest.approx(2.0)


def test_layer_weights_print_like_variables():
    model = Sequential([tf.keras.Input(shape=(4,)), Dense(2), Dense(1)])
    text = repr(model.layers[1].weights[0])
    assert "kernel" in text and "shape=(2, 1)" in text and "dtype=float32" in text


def test_coffee_roasting_lab(coffee):
    X, Y = coffee
    assert X.shape == (200, 2) and Y.shape == (200, 1) and int(Y.sum()) == 43
    norm_l = tf.keras.layers.Normalization(axis=-1)
    norm_l.adapt(X)
    Xn = norm_l(X)
    # The lab prints: temperature max/min 1.66 / -1.69, duration max/min 1.79 / -1.70
    assert (round(float(np.max(Xn[:, 0])), 2), round(float(np.min(Xn[:, 0])), 2)) == (1.66, -1.69)
    assert (round(float(np.max(Xn[:, 1])), 2), round(float(np.min(Xn[:, 1])), 2)) == (1.79, -1.70)
    Xt = np.tile(Xn, (1000, 1))
    Yt = np.tile(Y, (1000, 1))
    assert Xt.shape == (200000, 2)
    tf.random.set_seed(1234)
    model = Sequential([tf.keras.Input(shape=(2,)), Dense(units=3, activation="sigmoid", name="layer1"),
                        Dense(units=1, activation="sigmoid", name="layer2")])
    assert [layer.count_params() for layer in model.layers] == [9, 4] and model.count_params() == 13
    W1, b1 = model.get_layer("layer1").get_weights()
    assert W1.shape == (2, 3) and np.all(b1 == 0)
    model.compile(loss=tf.keras.losses.BinaryCrossentropy(), optimizer=tf.keras.optimizers.Adam(learning_rate=0.01))
    history = model.fit(Xt, Yt, epochs=10, verbose=0)
    # The lab shows about 0.18 after epoch 1 and about 0.002 after epoch 10 (seed-dependent).
    assert 0.1 < history.history["loss"][0] < 0.3 and history.history["loss"][-1] < 0.01
    accuracy = np.mean((model.predict(norm_l(X), verbose=0) >= 0.5).astype(int) == Y)
    assert accuracy >= 0.97
    # The lab's fixed weights and its printed results.
    model.get_layer("layer1").set_weights([np.array([[-8.94, 0.29, 12.89], [-0.17, -7.34, 10.79]]),
                                           np.array([-9.87, -9.28, 1.01])])
    model.get_layer("layer2").set_weights([np.array([[-31.38], [-27.86], [-32.79]]), np.array([15.54])])
    X_testn = norm_l(np.array([[200, 13.9], [200, 17]]))
    np.testing.assert_allclose(X_testn.numpy(), [[-0.47, 0.42], [-0.47, 3.16]], atol=0.01)
    predictions = model.predict(X_testn, verbose=0)
    np.testing.assert_allclose(predictions, [[9.63e-01], [3.03e-08]], rtol=0.02)
    assert np.array_equal((predictions >= 0.5).astype(int), [[1], [0]])


def test_week1_neurons_and_layers_prints():
    layer = tf.keras.layers.Dense(units=1, activation="linear")
    assert layer.get_weights() == []
    out = layer(np.array([[1.0]], dtype=np.float32))
    assert repr(out).startswith("tf.Tensor([[") and "shape=(1, 1), dtype=float32" in repr(out)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        model = Sequential([tf.keras.layers.Dense(1, input_dim=1, activation="sigmoid", name="L1")])
    lines = []
    model.summary(print_fn=lines.append)
    assert "Total params: 2 " in lines[0]
    prediction = model.predict(np.array([[1.0]]), verbose=0)
    w, b = model.get_weights()
    np.testing.assert_allclose(prediction, [[1 / (1 + np.exp(-(w[0, 0] + b[0])))]], rtol=1e-6)
    # The lab's logistic neuron: w = 2, b = -4.5; at x = 0 it prints 0.01 = sigmoid(-4.5).
    model.get_layer("L1").set_weights([np.array([[2.0]]), np.array([-4.5])])
    a1 = model.predict(np.array([[0.0]]), verbose=0)
    np.testing.assert_allclose(a1, [[0.01098694]], rtol=1e-5)
    assert np.array_equal(a1 >= 0.5, [[False]])
