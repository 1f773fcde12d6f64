"""Conv1D/Conv2D and the pooling layers: shapes, weights, configs, channels_first, and bad input."""
import numpy as np
import pytest

import glassnet as tf
from glassnet.keras import layers


def test_conv2d_kernel_has_keras_shape_and_the_layer_computes_conv_plus_bias():
    layer = layers.Conv2D(4, (3, 2), bias_initializer="ones")
    x = np.random.default_rng(0).normal(size=(2, 5, 6, 3)).astype("float32")
    out = layer(x).numpy()
    assert [w.shape for w in layer.get_weights()] == [(3, 2, 3, 4), (4,)]
    kernel = layer.get_weights()[0]
    expected = np.zeros((2, 3, 5, 4), np.float32)
    for i in range(3):
        for j in range(5):
            expected[:, i, j] = np.einsum("bhwc,hwcf->bf", x[:, i:i + 3, j:j + 2], kernel) + 1
    np.testing.assert_allclose(out, expected, rtol=1e-5, atol=1e-5)
    assert out.dtype == np.float32


@pytest.mark.parametrize("layer,shape,expected", [
    (layers.Conv1D(5, 3, strides=2, padding="same"), (2, 9, 3), (2, 5, 5)),
    (layers.Conv1D(5, 3, dilation_rate=2, padding="causal"), (2, 9, 3), (2, 9, 5)),
    (layers.Conv2D(5, 3, strides=(2, 1)), (2, 9, 8, 3), (2, 4, 6, 5)),
    (layers.Conv2D(5, 3, data_format="channels_first"), (2, 3, 9, 8), (2, 5, 7, 6)),
    (layers.MaxPooling1D(), (2, 9, 3), (2, 4, 3)),
    (layers.MaxPooling2D(3, strides=2, padding="same"), (2, 9, 8, 3), (2, 5, 4, 3)),
    (layers.AveragePooling2D(2, data_format="channels_first"), (2, 3, 9, 8), (2, 3, 4, 4)),
])
def test_output_shape_matches_compute_output_shape(layer, shape, expected):
    assert tuple(layer(np.ones(shape, "float32")).shape) == expected
    assert layer.compute_output_shape((None, *shape[1:])) == (None, *expected[1:])


@pytest.mark.parametrize("layer_class,shape", [(layers.Conv2D, (2, 7, 6, 3)), (layers.Conv1D, (2, 7, 3))])
def test_channels_first_is_channels_last_transposed(layer_class, shape):
    x = np.random.default_rng(1).normal(size=shape).astype("float32")
    last = layer_class(4, 3, padding="same", activation="relu")
    first = layer_class(4, 3, padding="same", activation="relu", data_format="channels_first")
    axes = (0, len(shape) - 1, *range(1, len(shape) - 1))
    expected = np.transpose(last(x).numpy(), axes)
    first(np.transpose(x, axes))
    first.set_weights(last.get_weights())
    np.testing.assert_allclose(first(np.transpose(x, axes)).numpy(), expected, rtol=1e-6)


def test_pooling_layers_compute_max_and_mean():
    x = np.arange(16.0, dtype="float32").reshape(1, 4, 4, 1)
    np.testing.assert_array_equal(layers.MaxPooling2D()(x).numpy()[0, :, :, 0], [[5, 7], [13, 15]])
    np.testing.assert_array_equal(layers.AveragePooling2D(2)(x).numpy()[0, :, :, 0], [[2.5, 4.5], [10.5, 12.5]])


def test_aliases_are_the_keras_classes():
    assert layers.Convolution2D is layers.Conv2D and layers.Convolution1D is layers.Conv1D
    assert layers.MaxPool2D is layers.MaxPooling2D and layers.AvgPool1D is layers.AveragePooling1D
    assert tf.keras.layers.MaxPool1D is layers.MaxPooling1D and tf.keras.layers.AvgPool2D is layers.AveragePooling2D


@pytest.mark.parametrize("layer", [
    layers.Conv1D(3, 2, padding="causal", dilation_rate=2, activation="tanh", use_bias=False),
    layers.Conv2D(3, (2, 3), strides=2, kernel_regularizer="l2", bias_constraint="non_neg"),
    layers.MaxPooling2D((2, 3), strides=1, padding="same"),
    layers.AveragePooling1D(3),
])
def test_config_round_trip(layer):
    config = layer.get_config()
    assert type(layer).from_config(config).get_config() == config


@pytest.mark.parametrize("build,message", [
    (lambda: layers.Conv2D(4, 2.5), "kernel_size"),
    (lambda: layers.Conv2D(4, (3, 3, 3)), "kernel_size"),
    (lambda: layers.Conv2D(0, 3), "filters"),
    (lambda: layers.Conv2D(4, 3, strides=0), "strides"),
    (lambda: layers.Conv2D(4, 3, strides=-1), "strides"),
    (lambda: layers.Conv2D(4, 3, strides=2, dilation_rate=2), "dilation_rate > 1"),
    (lambda: layers.Conv2D(4, 3, padding="causal"), "padding"),
    (lambda: layers.Conv1D(4, 3, padding="full"), "padding"),
    (lambda: layers.Conv2D(4, 3, data_format="nhwc"), "data_format"),
    (lambda: layers.MaxPooling2D(0), "pool_size"),
    (lambda: layers.AveragePooling1D(2, strides=-2), "strides"),
])
def test_bad_arguments_are_refused_at_construction(build, message):
    with pytest.raises(ValueError, match=message):
        build()


def test_groups_other_than_one_are_refused_clearly():
    with pytest.raises(NotImplementedError, match="groups=2"):
        layers.Conv2D(4, 3, groups=2)


@pytest.mark.parametrize("layer,shape,message", [
    (layers.Conv2D(4, 5), (2, 3, 3, 1), "kernel is larger than the input"),
    (layers.Conv2D(4, 3), (2, 8, 8), "expected ndim=4"),
    (layers.Conv1D(4, 3), (2, 8, 8, 1), "expected ndim=3"),
    (layers.MaxPooling2D(4), (2, 3, 3, 1), "larger than the input"),
    (layers.MaxPooling1D(), (2, 8), "expected ndim=3"),
])
def test_bad_input_shapes_are_refused_before_any_work(layer, shape, message):
    with pytest.raises(ValueError, match=message):
        layer(np.ones(shape, "float32"))
    assert not layer.weights


def test_a_built_layer_refuses_other_channels_and_too_small_inputs():
    layer = layers.Conv2D(4, 3)
    layer(np.ones((1, 5, 5, 2), "float32"))
    with pytest.raises(ValueError, match="expected axis -1 of input shape to have value 2"):
        layer(np.ones((1, 5, 5, 3), "float32"))
    with pytest.raises(ValueError, match="kernel is larger"):
        layer(np.ones((1, 2, 5, 2), "float32"))


def test_symbolic_model_refuses_a_kernel_larger_than_its_input():
    inputs = tf.keras.Input((4, 4, 1))
    with pytest.raises(ValueError, match="kernel is larger than the input"):
        layers.Conv2D(2, 5)(inputs)


def test_a_small_convnet_learns():
    rng = np.random.default_rng(0)
    x = rng.normal(size=(64, 8, 8, 1)).astype("float32")
    y = (x[:, :4].mean(axis=(1, 2, 3)) > x[:, 4:].mean(axis=(1, 2, 3))).astype("float32")
    tf.keras.utils.set_random_seed(0)
    model = tf.keras.Sequential([
        tf.keras.Input((8, 8, 1)), layers.Conv2D(4, 3, activation="relu", padding="same"), layers.MaxPooling2D(),
        layers.Conv2D(4, 3, activation="relu"), layers.AveragePooling2D(2, padding="same"), layers.Flatten(),
        layers.Dense(1, activation="sigmoid"),
    ])
    model.compile(tf.keras.optimizers.Adam(0.01), "binary_crossentropy")
    history = model.fit(x, y, epochs=30, batch_size=16, verbose=0)
    assert history.history["loss"][-1] < 0.5 * history.history["loss"][0]
