"""BatchNormalization: values and moving statistics by hand, when the statistics move (once per
fit step; never in predict, evaluate or a probe), frozen layers, bad input and the config."""
import numpy as np
import pytest

import glassnet as tf
from glassnet.keras import layers

X = np.array([[1.0, 10.0], [3.0, 30.0]], dtype="float32")  # per channel: mean (2, 20), variance (1, 100)


def test_training_uses_the_batch_statistics_and_moves_the_averages():
    layer = layers.BatchNormalization(momentum=0.9, epsilon=0.0)
    out = layer(X, training=True).numpy()
    np.testing.assert_allclose(out, [[-1.0, -1.0], [1.0, 1.0]], rtol=1e-6)  # (x - mean) / std
    np.testing.assert_allclose(layer.moving_mean.numpy(), [0.2, 2.0], rtol=1e-6)  # 0.9 * 0 + 0.1 * (2, 20)
    np.testing.assert_allclose(layer.moving_variance.numpy(), [1.0, 10.9], rtol=1e-6)  # 0.9 * 1 + 0.1 * (1, 100)


def test_inference_uses_the_moving_statistics_and_leaves_them():
    layer = layers.BatchNormalization(epsilon=0.5)
    layer.build((None, 2))
    layer.set_weights([np.array([2.0, 1.0]), np.array([0.5, 0.0]), np.array([1.0, 10.0]), np.array([3.5, 1.5])])
    out = layer(X).numpy()
    # gamma * (x - moving_mean) / sqrt(moving_variance + 0.5) + beta: sqrt(4) = 2, sqrt(2) = 1.414
    np.testing.assert_allclose(out, [[0.5, 0.0], [2.5, 20 / np.sqrt(2)]], rtol=1e-6)
    np.testing.assert_array_equal(layer.moving_mean.numpy(), [1.0, 10.0])


def test_a_frozen_layer_runs_in_inference_mode_even_when_training():
    layer = layers.BatchNormalization()
    layer.build((None, 2))
    layer.trainable = False
    out = layer(X, training=True).numpy()
    np.testing.assert_allclose(out, X / np.sqrt(1.001), rtol=1e-6)  # moving mean 0, variance 1
    np.testing.assert_array_equal(layer.moving_mean.numpy(), [0.0, 0.0])


def test_axis_1_normalizes_the_channels_of_a_channels_first_input():
    x = np.random.default_rng(0).normal(3.0, 2.0, size=(4, 3, 5)).astype("float32")
    layer = layers.BatchNormalization(axis=1, epsilon=0.0)
    out = layer(x, training=True).numpy()
    np.testing.assert_allclose(out.mean(axis=(0, 2)), 0.0, atol=1e-6)
    np.testing.assert_allclose(out.var(axis=(0, 2)), 1.0, rtol=1e-5)
    np.testing.assert_allclose(layer.moving_mean.numpy(), 0.01 * x.mean(axis=(0, 2)), rtol=1e-5)


def _model():
    model = tf.keras.Sequential([tf.keras.Input((2,)), layers.BatchNormalization(momentum=0.5)])
    model.compile(optimizer="sgd", loss="mse")
    return model


def test_fit_moves_the_statistics_once_per_step_and_predict_evaluate_do_not():
    # Every batch of 2 has the statistics of X, so after n steps moving_mean = (1 - 0.5^n) * mean.
    x = np.tile(X, (4, 1))
    model = _model()
    model.fit(x, x, batch_size=2, epochs=2, shuffle=False, verbose=0)  # 4 steps per epoch: 8 updates
    layer = model.layers[0]
    expected = (1 - 0.5 ** 8) * np.array([2.0, 20.0])
    np.testing.assert_allclose(layer.moving_mean.numpy(), expected, rtol=1e-6)
    model.predict(x, verbose=0)
    model.evaluate(x, x, verbose=0)
    model.fit(x, x, batch_size=2, epochs=1, validation_data=(x, x), shuffle=False, verbose=0)  # 4 more
    np.testing.assert_allclose(layer.moving_mean.numpy(), (1 - 0.5 ** 12) * np.array([2.0, 20.0]), rtol=1e-6)


def test_building_a_functional_model_moves_nothing():
    inputs = tf.keras.Input((2,))
    layer = layers.BatchNormalization()
    model = tf.keras.Model(inputs, layer(layers.Dense(2)(inputs)))
    model.compile(optimizer="sgd", loss="mse")
    model.predict(X, verbose=0)
    np.testing.assert_array_equal(layer.moving_mean.numpy(), [0.0, 0.0])
    np.testing.assert_array_equal(layer.moving_variance.numpy(), [1.0, 1.0])


def test_weights_order_names_and_trainability_as_keras():
    layer = layers.BatchNormalization()
    layer.build((None, 3, 4))
    assert [w.name for w in layer.weights] == ["gamma", "beta", "moving_mean", "moving_variance"]
    assert [w.name for w in layer.trainable_weights] == ["gamma", "beta"]
    assert all(tuple(w.shape) == (4,) for w in layer.weights)
    unscaled = layers.BatchNormalization(scale=False, center=False)
    unscaled.build((None, 3))
    assert [w.name for w in unscaled.weights] == ["moving_mean", "moving_variance"]


def test_summary_counts_the_moving_statistics_as_non_trainable(capsys):
    model = tf.keras.Sequential([tf.keras.Input((3,)), layers.Dense(4), layers.BatchNormalization()])
    model.summary()
    printed = capsys.readouterr().out
    assert "Trainable params: 24 " in printed and "Non-trainable params: 8 " in printed  # 16 + 8, then 4 + 4


def test_gradients_flow_to_the_input_gamma_and_beta():
    layer = layers.BatchNormalization()
    x = tf.Variable(np.random.default_rng(0).normal(size=(4, 2)).astype("float32"))
    weights = np.random.default_rng(1).normal(size=(4, 2)).astype("float32")
    with tf.GradientTape() as tape:
        loss = tf.reduce_sum(layer(x, training=True) * weights)
    grads = tape.gradient(loss, [x, layer.gamma, layer.beta])
    assert all(g is not None and np.all(np.isfinite(g.numpy())) for g in grads)
    np.testing.assert_allclose(grads[2].numpy(), weights.sum(axis=0), rtol=1e-6)  # d/dbeta = sum of the weights


@pytest.mark.parametrize("kwargs, message", [
    ({"momentum": 1.5}, "momentum"), ({"epsilon": -1.0}, "epsilon"), ({"axis": 1.5}, "axis"),
    ({"center": "yes"}, "center"), ({"renorm": "yes"}, "renorm"), ({"renorm_momentum": 2.0}, "renorm_momentum"),
])
def test_bad_arguments_are_refused_by_name(kwargs, message):
    with pytest.raises((ValueError, TypeError), match=message):
        layers.BatchNormalization(**kwargs)


def test_an_axis_out_of_range_names_the_layer_and_the_shape():
    with pytest.raises(ValueError, match=r"Axis 3 of layer 'bn'.*\(None, 4\)"):
        layers.BatchNormalization(axis=3, name="bn").build((None, 4))


def test_an_input_of_another_size_names_the_layer_and_both_shapes():
    layer = layers.BatchNormalization(name="bn_size")
    layer(X)
    with pytest.raises(ValueError, match=r"'bn_size'.*2 channels.*\(2, 3\)"):
        layer(np.ones((2, 3), "float32"))
    with pytest.raises(ValueError, match=r"rank 2"):
        layer(np.ones((2, 3, 2), "float32"))


def test_config_round_trip():
    layer = layers.BatchNormalization(axis=1, momentum=0.8, epsilon=1e-2, center=False,
                                      gamma_regularizer="l2", beta_constraint="non_neg", synchronized=True)
    config = layer.get_config()
    assert {k: config[k] for k in ("axis", "momentum", "epsilon", "center", "scale", "synchronized", "renorm",
                                   "renorm_clipping", "renorm_momentum")} == {
        "axis": 1, "momentum": 0.8, "epsilon": 0.01, "center": False, "scale": True, "synchronized": True,
        "renorm": False, "renorm_clipping": None, "renorm_momentum": 0.99}
    assert layers.BatchNormalization.from_config(config).get_config() == config


def test_train_on_batch_moves_the_statistics_once_and_test_and_predict_on_batch_do_not():
    model = _model()
    model.train_on_batch(X, X)
    np.testing.assert_allclose(model.layers[0].moving_mean.numpy(), [1.0, 10.0], rtol=1e-6)  # 0.5 * (2, 20)
    model.test_on_batch(X, X)
    model.predict_on_batch(X)
    np.testing.assert_allclose(model.layers[0].moving_mean.numpy(), [1.0, 10.0], rtol=1e-6)


def test_a_mask_leaves_the_masked_steps_out_of_the_statistics():
    x = np.array([[[1.0], [3.0], [100.0]]], dtype="float32")  # the third step is masked
    layer = layers.BatchNormalization(momentum=0.0, epsilon=0.0)
    out = layer(x, training=True, mask=np.array([[True, True, False]])).numpy()
    np.testing.assert_allclose(out[0, :2, 0], [-1.0, 1.0], rtol=1e-5)  # mean 2, variance 1 of the first two
    np.testing.assert_allclose(layer.moving_mean.numpy(), [2.0], rtol=1e-6)
    with pytest.raises(ValueError, match=r"one dimension less.*mask.shape=\(1, 3, 1\)"):
        layer(x, training=True, mask=np.ones((1, 3, 1), bool))


def test_integer_inputs_are_normalized_as_floats():
    out = layers.BatchNormalization(epsilon=0.0)(np.array([[1, 10], [3, 30]]), training=True)
    assert out.dtype == np.float32
    np.testing.assert_allclose(out.numpy(), [[-1.0, -1.0], [1.0, 1.0]], rtol=1e-6)


def test_renorm_first_step_gives_back_the_input_and_moves_the_stddev():
    # renorm_mean 0 and renorm_stddev 1 at first: r = batch std, d = batch mean, so
    # x_hat * r + d = x (up to epsilon); std per channel (1, 10).
    layer = layers.BatchNormalization(renorm=True, momentum=0.5, renorm_momentum=0.0, epsilon=1e-6)
    out = layer(X, training=True).numpy()
    np.testing.assert_allclose(out, X, rtol=1e-5)
    assert [w.name for w in layer.non_trainable_weights] == [
        "moving_mean", "moving_variance", "moving_stddev", "renorm_mean", "renorm_stddev"]
    np.testing.assert_allclose(layer.renorm_stddev.numpy(), [1.0, 10.0], rtol=1e-5)  # renorm_momentum 0
    np.testing.assert_allclose(layer.moving_stddev.numpy(), [1.0, 5.5], rtol=1e-5)  # 0.5 * 1 + 0.5 * std
    np.testing.assert_allclose(layer.moving_variance.numpy(), [1.0 - 1e-6, 30.25 - 1e-6], rtol=1e-5)


def test_renorm_clipping_bounds_the_correction():
    layer = layers.BatchNormalization(renorm=True, renorm_clipping={"rmax": 1.0, "rmin": 1.0, "dmax": 0.0},
                                      epsilon=0.0)
    out = layer(X, training=True).numpy()  # r = 1, d = 0: plain batch normalization
    np.testing.assert_allclose(out, [[-1.0, -1.0], [1.0, 1.0]], rtol=1e-5)


@pytest.mark.parametrize("clipping, message", [
    ({"rmaxx": 1.0}, "invalid keys"), ({"rmax": 1.0, "rmin": 2.0}, "rmax should be greater"),
    ({"dmax": -1.0}, "dmax should be non-negative"),
])
def test_bad_renorm_clipping_is_refused(clipping, message):
    with pytest.raises(ValueError, match=message):
        layers.BatchNormalization(renorm=True, renorm_clipping=clipping)
