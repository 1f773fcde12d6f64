"""Conv1D/Conv2D and the pooling layers, glassnet against Keras on JAX: values, input and weight
gradients (JAX's, through the Keras layer's stateless_call), a 3-step Adam fit of a small convnet
from the same initial weights, and configs key by key.

The cases are random (shapes, strides, paddings, dilations, data formats), a few per test: a
failure names its seed. Convolutions sum up to a few dozen float32 products in an order that
differs from XLA's, so values and gradients are held to the 'expression' tolerance.
"""
import jax
import keras
import numpy as np
import pytest

import glassnet
from glassnet.autodiff.ops import winograd
from glassnet.autodiff.tape import GradientTape
from glassnet.autodiff.tensor import Tensor
from tests.parity.parity_tools import assert_close

G = glassnet.keras.layers


def _random_conv_arguments(rng, rank):
    kernel_size = tuple(int(v) for v in rng.integers(1, 4, size=rank))
    if rng.random() < 0.5:
        strides, dilation = tuple(int(v) for v in rng.integers(1, 3, size=rank)), 1
    else:
        strides, dilation = 1, tuple(int(v) for v in rng.integers(1, 3, size=rank))
    paddings = ["valid", "same", "causal"] if rank == 1 else ["valid", "same"]
    return dict(filters=int(rng.integers(1, 5)), kernel_size=kernel_size, strides=strides, dilation_rate=dilation,
                padding=str(rng.choice(paddings)), activation=str(rng.choice(["linear", "relu", "tanh", "sigmoid"])),
                data_format=str(rng.choice(["channels_last", "channels_first"])), use_bias=bool(rng.random() < 0.8))


def _input_shape(rng, rank, data_format, minimum):
    spatial = tuple(int(v) for v in rng.integers(minimum, minimum + 5, size=rank))
    channels = int(rng.integers(1, 4))
    batch = int(rng.integers(1, 4))
    return (batch, *spatial, channels) if data_format == "channels_last" else (batch, channels, *spatial)


def _keras_value_and_gradients(layer, x, cotangent):
    """The Keras layer's output, and JAX's gradients of sum(output * cotangent) for x and each weight."""
    trainable = [v.value for v in layer.trainable_variables]

    def loss(x, weights):
        out, _ = layer.stateless_call(weights, [], x)
        return (out * cotangent).sum(), out

    (_, out), (g_x, g_weights) = jax.value_and_grad(loss, argnums=(0, 1), has_aux=True)(x, trainable)
    return out, g_x, g_weights


def _glassnet_value_and_gradients(layer, x, cotangent):
    x = Tensor(x)
    with GradientTape() as tape:
        tape.watch(x)
        out = layer(x)
        loss = glassnet.reduce_sum(out * Tensor(cotangent))
    gradients = tape.gradient(loss, [x, *layer.trainable_variables])
    return out, gradients[0], gradients[1:]


def _compare_layer(keras_layer, glassnet_layer, x, seed, what):
    keras_out_shape = keras_layer.compute_output_shape(x.shape)
    assert glassnet_layer.compute_output_shape(x.shape) == tuple(keras_out_shape), what
    keras_layer.build(x.shape)
    glassnet_layer.build(x.shape)
    glassnet_layer.set_weights(keras_layer.get_weights())  # Keras's weights load as they are
    cotangent = np.random.default_rng(seed + 1000).normal(size=keras_out_shape).astype("float32")
    k_out, k_gx, k_gw = _keras_value_and_gradients(keras_layer, x, cotangent)
    g_out, g_gx, g_gw = _glassnet_value_and_gradients(glassnet_layer, x, cotangent)
    assert_close(g_out, k_out, family="expression", what=f"{what} output", seed=seed)
    assert_close(g_gx, k_gx, family="expression", what=f"{what} input gradient", seed=seed)
    assert len(g_gw) == len(k_gw)
    for index, (mine, theirs) in enumerate(zip(g_gw, k_gw)):
        assert_close(mine, theirs, family="expression", what=f"{what} weight {index} gradient", seed=seed)


@pytest.mark.parametrize("seed", range(6))
def test_conv_values_and_gradients_match_keras(seed):
    rng = np.random.default_rng(seed)
    rank = 1 + seed % 2
    arguments = _random_conv_arguments(rng, rank)
    reach = max(np.array(arguments["kernel_size"]) * np.array(arguments["dilation_rate"]))
    x = rng.normal(size=_input_shape(rng, rank, arguments["data_format"], reach)).astype("float32")
    name = f"Conv{rank}D"
    if arguments["padding"] == "causal":
        arguments["data_format"] = "channels_last"  # Keras's causal padding is channels_last only
        x = rng.normal(size=_input_shape(rng, rank, "channels_last", reach)).astype("float32")
    _compare_layer(getattr(keras.layers, name)(**arguments), getattr(G, name)(**arguments), x, seed,
                   f"{name}({arguments}) on {x.shape}")


@pytest.mark.parametrize("seed", range(6))
def test_conv_transpose_values_and_gradients_match_keras(seed):
    rng = np.random.default_rng(seed)
    rank = 1 + seed % 2
    arguments = _random_conv_arguments(rng, rank)
    if arguments["padding"] == "causal":
        arguments["padding"] = "valid"
    if seed == 4:
        arguments["data_format"] = "channels_first"
    strides = arguments["strides"]
    if seed >= 2 and strides != 1:  # output_padding: anything below each stride
        arguments["output_padding"] = tuple(int(rng.integers(0, s)) for s in strides)
    x = rng.normal(size=_input_shape(rng, rank, arguments["data_format"], 1)).astype("float32")
    name = f"Conv{rank}DTranspose"
    _compare_layer(getattr(keras.layers, name)(**arguments), getattr(G, name)(**arguments), x, seed,
                   f"{name}({arguments}) on {x.shape}")


@pytest.mark.parametrize("index,arguments", enumerate([
    dict(filters=2, kernel_size=(3, 2), dilation_rate=(2, 3), padding="same"),
    dict(filters=3, kernel_size=4, strides=3, padding="same", output_padding=2),
    dict(filters=3, kernel_size=2, strides=3, padding="valid"),  # stride above the kernel: gaps of zeros
    dict(filters=3, kernel_size=5, strides=2, padding="same", output_padding=0),
]))
def test_conv2d_transpose_edge_cases_match_keras(index, arguments):
    x = np.random.default_rng(index).normal(size=(2, 5, 4, 3)).astype("float32")
    _compare_layer(keras.layers.Conv2DTranspose(**arguments), G.Conv2DTranspose(**arguments), x, index,
                   f"Conv2DTranspose({arguments})")


@pytest.mark.parametrize("seed", range(4))
@pytest.mark.parametrize("kind", ["MaxPooling", "AveragePooling"])
def test_pooling_values_and_gradients_match_keras(kind, seed):
    rng = np.random.default_rng(seed)
    rank = 1 + seed % 2
    pool = tuple(int(v) for v in rng.integers(1, 4, size=rank))
    arguments = dict(pool_size=pool, strides=None if rng.random() < 0.5 else int(rng.integers(1, 4)),
                     padding=str(rng.choice(["valid", "same"])),
                     data_format=str(rng.choice(["channels_last", "channels_first"])))
    x = rng.normal(size=_input_shape(rng, rank, arguments["data_format"], max(pool)))
    if kind == "MaxPooling":
        x = np.round(x * 2) / 2  # ties: the gradient goes to the first maximum, as JAX's does
    x = np.maximum(x, 0).astype("float32") if seed % 3 == 0 else x.astype("float32")  # a relu's zeros tie too
    name = f"{kind}{rank}D"
    keras_layer = getattr(keras.layers, name)(**arguments)
    glassnet_layer = getattr(G, name)(**arguments)
    _compare_layer(keras_layer, glassnet_layer, x, seed, f"{name}({arguments}) on {x.shape}")


def _convnet(library, seed):
    layers = library.layers
    return library.Sequential([
        library.Input((10, 10, 2)),
        layers.Conv2D(4, 3, activation="relu", padding="same",
                      kernel_initializer=library.initializers.GlorotUniform(seed)),
        layers.MaxPooling2D(),
        layers.Conv2D(6, (2, 3), strides=(1, 2), activation="tanh"),
        layers.AveragePooling2D(2, padding="same"),
        layers.Flatten(),
        layers.Dense(3, activation="softmax"),
    ])


def _mnist_convnet(library, seed):
    """Keras's MNIST convnet without its Dropout, on 14x14 images: its second relu convolution and
    pooling run as one op of Winograd's tiles (16 channels in, 32 out)."""
    layers = library.layers
    return library.Sequential([
        library.Input((14, 14, 1)),
        layers.Conv2D(16, 3, activation="relu", kernel_initializer=library.initializers.GlorotUniform(seed)),
        layers.MaxPooling2D(),
        layers.Conv2D(32, 3, activation="relu", kernel_initializer=library.initializers.GlorotUniform(seed + 1)),
        layers.MaxPooling2D(),
        layers.Flatten(),
        layers.Dense(10, activation="softmax"),
    ])


@pytest.mark.parametrize("network, input_shape, classes",
                         [(_convnet, (10, 10, 2), 3), (_mnist_convnet, (14, 14, 1), 10)])
def test_a_three_step_adam_fit_of_a_small_convnet_matches_keras(network, input_shape, classes, monkeypatch):
    tiles = winograd.PooledTiles
    runs = []
    monkeypatch.setattr(winograd, "PooledTiles", lambda *args: runs.append(1) or tiles(*args))
    rng = np.random.default_rng(0)
    x = rng.normal(size=(48, *input_shape)).astype("float32")
    y = np.eye(classes, dtype="float32")[rng.integers(0, classes, size=48)]
    keras_model = network(keras, 1)
    glassnet_model = network(glassnet.keras, 1)
    glassnet_model.set_weights(keras_model.get_weights())
    keras_model.compile(optimizer="adam", loss="categorical_crossentropy")
    glassnet_model.compile(optimizer="adam", loss="categorical_crossentropy")
    keras_history = keras_model.fit(x, y, batch_size=16, epochs=1, shuffle=False, verbose=0)
    glassnet_history = glassnet_model.fit(x, y, batch_size=16, epochs=1, shuffle=False, verbose=0)
    assert bool(runs) == (network is _mnist_convnet)
    assert_close(glassnet_history.history["loss"][0], keras_history.history["loss"][0], family="fit", what="fit loss")
    for index, (mine, theirs) in enumerate(zip(glassnet_model.get_weights(), keras_model.get_weights())):
        assert_close(mine, theirs, family="fit", what=f"weight {index} after 3 Adam steps")
    assert_close(glassnet_model.predict(x, verbose=0), keras_model.predict(x, verbose=0), family="fit",
                 what="predictions after the fit")


def _plain(config):
    """A config with the dtype as a plain name (Keras writes a policy dict) and every float as the float32
    it is held as (Keras writes a regularizer's default 0.01 as 0.009999999776482582)."""
    config = _float32(dict(config))
    if isinstance(config.get("dtype"), dict):
        config["dtype"] = config["dtype"]["config"]["name"]
    return config


def _float32(value):
    if isinstance(value, dict):
        return {key: _float32(item) for key, item in value.items()}
    return float(np.float32(value)) if isinstance(value, float) else value


@pytest.mark.parametrize("name,arguments", [
    ("Conv1D", dict(filters=3, kernel_size=2, padding="causal", dilation_rate=2, activation="relu")),
    ("Conv2D", dict(filters=4, kernel_size=(2, 3), strides=2, padding="same", use_bias=False,
                    kernel_regularizer="l2", bias_constraint="non_neg", data_format="channels_first")),
    ("Convolution2D", dict(filters=2, kernel_size=3, activity_regularizer="l1", kernel_initializer="he_normal")),
    ("Conv1DTranspose", dict(filters=3, kernel_size=2, dilation_rate=2, activation="relu")),
    ("Conv2DTranspose", dict(filters=4, kernel_size=(2, 3), strides=2, padding="same", output_padding=(1, 0),
                             use_bias=False, kernel_regularizer="l2", data_format="channels_first")),
    ("MaxPooling1D", dict()),
    ("MaxPool2D", dict(pool_size=3, strides=(1, 2), padding="same")),
    ("AveragePooling1D", dict(pool_size=3, strides=1)),
    ("AvgPool2D", dict(pool_size=(2, 3), data_format="channels_first")),
])
def test_configs_match_keras_key_by_key_and_read_in_keras(name, arguments):
    keras_config = _plain(getattr(keras.layers, name)(name="layer", **arguments).get_config())
    glassnet_config = _plain(getattr(G, name)(name="layer", **arguments).get_config())
    assert list(glassnet_config) == list(keras_config)
    for key in keras_config:
        assert glassnet_config[key] == keras_config[key], key
    rebuilt = getattr(keras.layers, name).from_config(glassnet_config)
    assert _plain(rebuilt.get_config()) == keras_config


def test_a_saved_glassnet_convnet_loads_in_keras_with_the_same_predictions(tmp_path):
    model = _convnet(glassnet.keras, 2)
    model.save(tmp_path / "convnet.keras")
    x = np.random.default_rng(3).normal(size=(4, 10, 10, 2)).astype("float32")
    loaded = keras.models.load_model(tmp_path / "convnet.keras")
    assert_close(model.predict(x, verbose=0), loaded.predict(x, verbose=0), family="expression",
                 what="a saved convnet's predictions in Keras")
