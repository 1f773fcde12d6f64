"""Embedding, LSTM, GRU, SimpleRNN and Bidirectional against real Keras: the same weights (Keras's
get_weights loaded with set_weights) give the same outputs, states and gradients, with random
sequence lengths (masks), return_sequences/return_state and go_backwards; configs round-trip."""
import re

import jax
import jax.numpy as jnp
import keras
import numpy as np
import pytest

import glassnet.keras as gk
from glassnet.autodiff import GradientTape, Tensor, ops

B, T, D, UNITS = 3, 6, 4, 5


def _mask(rng):
    lengths = rng.integers(1, T + 1, B)  # random sequence lengths, padded at the end
    return np.arange(T)[None, :] < lengths[:, None]


def _keras_and_glassnet(name, **kwargs):
    k_layer = getattr(keras.layers, name)(UNITS, **kwargs)
    g_layer = getattr(gk.layers, name)(UNITS, **kwargs)
    k_layer.build((None, T, D))
    g_layer.build((None, T, D))
    g_layer.set_weights(k_layer.get_weights())
    return k_layer, g_layer


def _keras_outputs_and_grads(layer, x, mask, weights):
    def loss(variables, x):
        seeds = [v.value for v in layer.non_trainable_variables]
        outputs, _ = layer.stateless_call(variables, seeds, x, mask=None if mask is None else jnp.asarray(mask))
        outputs = outputs if isinstance(outputs, (list, tuple)) else [outputs]
        return sum(jnp.sum(o * w) for o, w in zip(outputs, weights)), outputs
    (_, outputs), grads = jax.value_and_grad(loss, argnums=(0, 1), has_aux=True)(
        [v.value for v in layer.trainable_variables], jnp.asarray(x))
    return [np.asarray(o) for o in outputs], [np.asarray(g) for g in grads[0]], np.asarray(grads[1])


def _glassnet_outputs_and_grads(layer, x, mask, weights):
    x = Tensor(x)
    with GradientTape() as tape:
        tape.watch(x)
        outputs = layer(x, mask=None if mask is None else Tensor(mask))
        outputs = outputs if isinstance(outputs, list) else [outputs]
        loss = sum(ops.sum(o * w) for o, w in zip(outputs, weights))
    grads = tape.gradient(loss, [*layer.trainable_weights, x])
    return [o.numpy() for o in outputs], [g.numpy() for g in grads[:-1]], grads[-1].numpy()


CASES = [
    ("LSTM", dict()),
    ("LSTM", dict(return_sequences=True, return_state=True, go_backwards=True)),
    ("LSTM", dict(return_state=True, go_backwards=True, masked=True, unit_forget_bias=False)),
    ("GRU", dict(reset_after=False, return_state=True, go_backwards=True, masked=True)),
    ("SimpleRNN", dict(return_sequences=True, return_state=True, masked=True)),
]


@pytest.mark.parametrize("name, kwargs", CASES)
def test_forward_and_gradients_match_keras(name, kwargs):
    rng = np.random.default_rng(len(kwargs))
    kwargs = dict(kwargs)
    mask = _mask(rng) if kwargs.pop("masked", False) else None
    k_layer, g_layer = _keras_and_glassnet(name, **kwargs)
    x = rng.standard_normal((B, T, D)).astype("float32")
    shapes = k_layer.compute_output_shape((B, T, D))
    shapes = shapes if isinstance(shapes, list) or isinstance(shapes[0], tuple) else [shapes]
    weights = [rng.standard_normal(s).astype("float32") for s in shapes]
    k_out, k_grads, k_dx = _keras_outputs_and_grads(k_layer, x, mask, weights)
    g_out, g_grads, g_dx = _glassnet_outputs_and_grads(g_layer, x, mask, weights)
    for got, want in zip(g_out + g_grads + [g_dx], k_out + k_grads + [k_dx]):
        np.testing.assert_allclose(got, want, rtol=2e-4, atol=2e-5)


@pytest.mark.parametrize("name, kwargs", [("LSTM", dict(return_sequences=True)), ("GRU", dict(reset_after=False)),
                                          ("SimpleRNN", dict(go_backwards=True))])
def test_config_round_trips_and_matches_keras(name, kwargs):
    k_layer, g_layer = _keras_and_glassnet(name, **kwargs)
    k_config, g_config = k_layer.get_config(), g_layer.get_config()
    assert list(g_config) == list(k_config)
    for key in ("units", "return_sequences", "go_backwards", "activation", "unit_forget_bias", "reset_after"):
        assert g_config.get(key) == k_config.get(key)
    rebuilt = type(g_layer).from_config(g_config)
    assert rebuilt.get_config() == g_config
    keras_rebuilt = getattr(keras.layers, name).from_config({**g_config, "dtype": "float32"})
    assert keras_rebuilt.get_config()["units"] == UNITS
    assert [w.shape for w in g_layer.get_weights()] == [tuple(w.shape) for w in k_layer.get_weights()]


def test_embedding_matches_keras_and_masks_as_keras():
    k_layer, g_layer = keras.layers.Embedding(7, 3, mask_zero=True), gk.layers.Embedding(7, 3, mask_zero=True)
    k_layer.build((None, T))
    g_layer.build((None, T))
    g_layer.set_weights(k_layer.get_weights())
    x = np.array([[1, 2, 0, 0, 6, 3], [5, 0, 1, 1, 1, 0]])
    np.testing.assert_array_equal(g_layer(x).numpy(), np.asarray(k_layer(x)))
    np.testing.assert_array_equal(g_layer(x)._keras_mask.numpy(), np.asarray(k_layer.compute_mask(x)))
    assert g_layer.get_config() == {**k_layer.get_config(), "dtype": "float32"}


@pytest.mark.parametrize("merge_mode, kwargs", [("concat", dict(return_sequences=True, return_state=True))])
def test_bidirectional_matches_keras_with_a_mask(merge_mode, kwargs):
    rng = np.random.default_rng(7)
    mask = _mask(rng)
    k_layer = keras.layers.Bidirectional(keras.layers.LSTM(UNITS, **kwargs), merge_mode=merge_mode)
    g_layer = gk.layers.Bidirectional(gk.layers.LSTM(UNITS, **kwargs), merge_mode=merge_mode)
    k_layer.build((None, T, D))
    g_layer.build((None, T, D))
    g_layer.set_weights(k_layer.get_weights())
    def paths(layer):  # without the numbers Keras adds to names already taken in this process
        return [re.sub(r"_\d+(/|$)", r"\1", w.path) for w in layer.weights]
    assert paths(g_layer) == paths(k_layer)
    x = rng.standard_normal((B, T, D)).astype("float32")
    shapes = k_layer.compute_output_shape((B, T, D))
    shapes = shapes if isinstance(shapes, list) or isinstance(shapes[0], tuple) else [shapes]
    weights = [rng.standard_normal(s).astype("float32") for s in shapes]
    k_out, k_grads, k_dx = _keras_outputs_and_grads(k_layer, x, mask, weights)
    g_out, g_grads, g_dx = _glassnet_outputs_and_grads(g_layer, x, mask, weights)
    assert len(g_out) == len(k_out)
    for got, want in zip(g_out + g_grads + [g_dx], k_out + k_grads + [k_dx]):
        np.testing.assert_allclose(got, want, rtol=2e-4, atol=2e-5)
    config = g_layer.get_config()
    assert config["layer"]["config"]["name"] == re.sub(r"_\d+$", "", k_layer.get_config()["layer"]["config"]["name"])
    rebuilt = gk.layers.Bidirectional.from_config(config).get_config()  # unbuilt: no build_config
    assert rebuilt["layer"]["config"] == config["layer"]["config"]
    assert rebuilt["backward_layer"]["config"] == config["backward_layer"]["config"]


def _models(build):
    k_model, g_model = build(keras), build(gk)
    g_model.set_weights(k_model.get_weights())
    return k_model, g_model


def _padded_words(rng, samples, vocab):
    words = rng.integers(1, vocab, (samples, T))
    return np.where(np.arange(T)[None, :] < rng.integers(2, T + 1, (samples, 1)), words, 0)


def test_short_fit_of_embedding_lstm_dense_matches_keras():
    def build(k):
        model = k.Sequential([k.layers.Input(shape=(T,)), k.layers.Embedding(30, 8, mask_zero=True),
                              k.layers.LSTM(UNITS), k.layers.Dense(1, activation="sigmoid")])
        model.compile(optimizer=k.optimizers.Adam(0.01), loss="binary_crossentropy")
        return model
    rng = np.random.default_rng(3)
    x, y = _padded_words(rng, 24, 30), rng.integers(0, 2, (24, 1)).astype("float32")
    k_model, g_model = _models(build)
    k_history = k_model.fit(x, y, batch_size=8, epochs=2, shuffle=False, verbose=0).history["loss"]
    g_history = g_model.fit(x, y, batch_size=8, epochs=2, shuffle=False, verbose=0).history["loss"]
    np.testing.assert_allclose(g_history, k_history, rtol=1e-4)
    for got, want in zip(g_model.get_weights(), k_model.get_weights()):
        np.testing.assert_allclose(got, want, rtol=1e-3, atol=1e-5)


def test_masked_sequence_output_weights_the_loss_as_keras():
    def build(k):
        model = k.Sequential([k.layers.Input(shape=(T,)), k.layers.Embedding(30, 8, mask_zero=True),
                              k.layers.GRU(UNITS, return_sequences=True), k.layers.Dense(1, activation="sigmoid")])
        model.compile(optimizer=k.optimizers.SGD(0.1), loss="binary_crossentropy",
                      metrics=["accuracy"], weighted_metrics=["mse"])
        return model
    rng = np.random.default_rng(4)
    x, y = _padded_words(rng, 16, 30), rng.integers(0, 2, (16, T, 1)).astype("float32")
    k_model, g_model = _models(build)
    # the padded steps count for nothing, in the loss and the metrics: means over the real steps
    np.testing.assert_allclose(g_model.evaluate(x, y, verbose=0), k_model.evaluate(x, y, verbose=0), rtol=1e-5)
    # Keras on TensorFlow counts only the real steps in fit's metrics too; on JAX its fit loses the
    # mask before the metrics (evaluate keeps it): glassnet does as TensorFlow's, checked by hand.
    real = x != 0
    predicted = g_model.predict(x, verbose=0)[..., 0]
    k_logs = k_model.fit(x, y, batch_size=16, epochs=1, shuffle=False, verbose=0).history
    g_logs = g_model.fit(x, y, batch_size=16, epochs=1, shuffle=False, verbose=0).history
    np.testing.assert_allclose(g_logs["loss"], k_logs["loss"], rtol=1e-5)
    np.testing.assert_allclose(g_logs["accuracy"], [np.mean((predicted > 0.5)[real] == y[..., 0][real])], rtol=1e-6)
    np.testing.assert_allclose(g_logs["mse"], [np.mean((predicted - y[..., 0])[real] ** 2)], rtol=1e-5)
    for got, want in zip(g_model.get_weights(), k_model.get_weights()):
        np.testing.assert_allclose(got, want, rtol=1e-3, atol=1e-5)


def test_rnn_of_a_cell_matches_keras():
    k_layer = keras.layers.RNN(keras.layers.GRUCell(UNITS), return_sequences=True)
    g_layer = gk.layers.RNN(gk.layers.GRUCell(UNITS), return_sequences=True)
    k_layer.build((None, T, D))
    g_layer.build((None, T, D))
    g_layer.set_weights(k_layer.get_weights())
    x = np.random.default_rng(9).standard_normal((B, T, D)).astype("float32")
    np.testing.assert_allclose(g_layer(x).numpy(), np.asarray(k_layer(x)), rtol=2e-4, atol=2e-5)
    config = g_layer.get_config()
    assert [key for key in config if key != "cell"] == [key for key in k_layer.get_config() if key != "cell"]
    assert keras.layers.RNN.from_config(config).cell.units == UNITS


@pytest.mark.parametrize("mask_value", [0.0, -1.0])
def test_masking_skips_the_same_steps_as_keras(mask_value):
    def build(k):
        return k.Sequential([k.layers.Input(shape=(T, D)), k.layers.Masking(mask_value=mask_value),
                             k.layers.LSTM(UNITS, return_sequences=True)])
    rng = np.random.default_rng(6)
    x = rng.normal(size=(B, T, D)).astype("float32")
    x[~_mask(rng)] = mask_value  # padded steps: every feature equals mask_value
    x[0, 0, 0] = mask_value  # one feature alone equal to it does not mask its step
    k_model, g_model = _models(build)
    np.testing.assert_allclose(g_model.predict(x, verbose=0), k_model.predict(x, verbose=0), rtol=1e-5, atol=1e-6)
    g_config, k_config = g_model.layers[0].get_config(), k_model.layers[0].get_config()
    assert sorted(g_config) == sorted(k_config) and g_config["mask_value"] == k_config["mask_value"]


@pytest.mark.parametrize("merge, axis", [("Add", None), ("Concatenate", -1), ("Concatenate", 1), ("Maximum", None)])
def test_merged_masks_reach_the_lstm_as_in_keras(merge, axis):
    # Two masked sequences merged: the LSTM after the merge skips the steps Keras's merged mask skips.
    def build(k):
        words, other = k.layers.Input((T,), dtype="int32"), k.layers.Input((T,), dtype="int32")
        first = k.layers.Embedding(9, D, mask_zero=True)(words)
        second = k.layers.Embedding(9, D, mask_zero=True)(other)
        merged = getattr(k.layers, merge)(**({} if axis is None else {"axis": axis}))([first, second])
        return k.Model([words, other], k.layers.LSTM(UNITS, return_sequences=True)(merged))
    rng = np.random.default_rng(7)
    words, other = _padded_words(rng, 4, 9), _padded_words(rng, 4, 9)
    k_model, g_model = _models(build)
    np.testing.assert_allclose(g_model.predict([words, other], verbose=0),
                               k_model.predict([words, other], verbose=0), rtol=1e-5, atol=1e-6)
