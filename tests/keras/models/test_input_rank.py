"""A model declared for (None, 1) takes a 1-D feature as Keras does: TensorFlow's regression
tutorial ("Linear regression with one variable") runs as written, on NumPy arrays."""
import numpy as np
import pytest

import glassnet as tf
from glassnet.keras import Sequential, layers


def _horsepower_data(n=120):
    rng = np.random.default_rng(0)
    horsepower = rng.uniform(46, 230, n)
    return horsepower, 45 - 0.16 * horsepower + rng.normal(0, 4, n)


def test_regression_tutorial_with_one_variable_runs_as_written():
    horsepower, train_labels = _horsepower_data()
    horsepower_normalizer = layers.Normalization(input_shape=[1, ], axis=None)
    horsepower_normalizer.adapt(horsepower)
    horsepower_model = tf.keras.Sequential([horsepower_normalizer, layers.Dense(units=1)])
    assert horsepower_model.predict(horsepower[:10], verbose=0).shape == (10, 1)
    horsepower_model.compile(optimizer=tf.keras.optimizers.Adam(learning_rate=0.1), loss="mean_absolute_error")
    history = horsepower_model.fit(horsepower, train_labels, epochs=100, verbose=0, validation_split=0.2)
    assert len(history.history["val_loss"]) == 100
    assert history.history["loss"][-1] < 4.0 < history.history["loss"][0]   # noise is N(0, 4): MAE ~3.2
    x = np.linspace(0.0, 250, 251)
    y = horsepower_model.predict(x, verbose=0)
    assert y.shape == (251, 1)
    slope = (y[-1, 0] - y[0, 0]) / 250
    assert -0.2 < slope < -0.12                                              # the data's slope is -0.16


def _one_feature_model():
    model = Sequential([layers.Input((1,)), layers.Dense(1)])
    model.set_weights([np.array([[2.0]], np.float32), np.array([1.0], np.float32)])
    return model


@pytest.mark.parametrize("shape", [(5,), (5, 1), (5, 1, 1)])
def test_a_trailing_axis_of_size_one_is_added_or_dropped(shape):
    x = np.arange(5.0).reshape(shape)
    expected = 2 * np.arange(5.0).reshape(5, 1) + 1
    model = _one_feature_model()
    np.testing.assert_array_equal(model.predict(x, verbose=0), expected)
    np.testing.assert_array_equal(model(x).numpy(), expected)
    model.compile(optimizer="sgd", loss="mse")
    assert model.evaluate(x, expected[:, 0], verbose=0) == 0.0


def test_the_rank_rule_keeps_the_tape():
    model = _one_feature_model()
    x = tf.Variable(np.arange(3.0, dtype=np.float32))
    with tf.GradientTape() as tape:
        total = tf.reduce_sum(model(x))
    np.testing.assert_array_equal(tape.gradient(total, x).numpy(), [2.0, 2.0, 2.0])


def test_other_rank_mismatches_are_still_refused():
    model = Sequential([layers.Input((3,)), layers.Dense(1)])
    with pytest.raises(ValueError, match=r"expected input shape \(None, 3\).*\(5,\)"):
        model.predict(np.zeros(5), verbose=0)
    with pytest.raises(ValueError, match=r"\(None, 1\).*\(5, 2\)"):
        _one_feature_model().predict(np.zeros((5, 2, 1)), verbose=0)
