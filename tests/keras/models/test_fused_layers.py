"""A relu Conv and the MaxPooling after it, run by a model as one op (models/fused_layers.py), Winograd's
tiles included: the same training, to rounding, as the layers one by one, and the layers one by one
wherever their output is read."""
import numpy as np
import pytest

import glassnet as tf
from glassnet import inspect
from glassnet.apps.blas_threads import blas_thread_count, blas_threads
from glassnet.autodiff import ops
from glassnet.autodiff.ops import winograd
from glassnet.keras.models import fused_layers

layers = tf.keras.layers


@pytest.fixture
def fused_calls(monkeypatch):
    """The number of conv_max_pool calls made so far, as a one-item list."""
    calls = [0]
    op = ops.conv_max_pool

    def counted(*args, **kwargs):
        calls[0] += 1
        return op(*args, **kwargs)

    monkeypatch.setattr(ops, "conv_max_pool", counted)
    return calls


def _convnet(functional=False, conv1d=False, filters=8):
    """Keras's MNIST convnet (W4), smaller (`filters` in its first layer, twice that in its second);
    or its Conv1D cousin."""
    tf.keras.utils.set_random_seed(0)
    if conv1d:
        stack = [tf.keras.Input((21, 3)), layers.Conv1D(8, 3, activation="relu"), layers.MaxPooling1D(2),
                 layers.Conv1D(16, 2, padding="causal", activation="relu"), layers.MaxPooling1D(3)]
    else:
        stack = [tf.keras.Input((28, 28, 1)), layers.Conv2D(filters, 3, activation="relu"), layers.MaxPooling2D(2),
                 layers.Conv2D(2 * filters, 3, activation="relu"), layers.MaxPooling2D(2)]
    stack += [layers.Flatten(), layers.Dropout(0.5), layers.Dense(10, activation="softmax")]
    if functional:
        x = stack[0]
        for layer in stack[1:]:
            x = layer(x)
        model = tf.keras.Model(stack[0], x)
    else:
        model = tf.keras.Sequential(stack)
    model.compile(loss="categorical_crossentropy", optimizer="adam", metrics=["accuracy"])
    return model


def _data(shape, seed=1):
    rng = np.random.default_rng(seed)
    x = rng.random((96, *shape), dtype=np.float32)
    x[:, :shape[0] // 2] = 0  # blank rows, as in MNIST: windows of exact ties
    return x, np.eye(10, dtype=np.float32)[rng.integers(0, 10, size=96)]


def _train(functional, conv1d, filters, enabled, threads, monkeypatch):
    monkeypatch.setattr(fused_layers, "ENABLED", enabled)
    model = _convnet(functional, conv1d, filters)
    x, y = _data((21, 3) if conv1d else (28, 28, 1))
    with blas_threads(threads):
        history = model.fit(x, y, batch_size=32, epochs=3, verbose=0).history
        predictions = model.predict(x, verbose=0)
    return history, model.get_weights(), predictions


@pytest.mark.parametrize("threads", [1, 2])
@pytest.mark.parametrize("functional, conv1d, filters", [
    (False, False, 8), (True, False, 8), (False, True, 8),
    (False, False, winograd.MIN_CHANNELS),  # the second pair as Winograd's tiles
])
def test_fused_training_is_the_layers_one_by_one(functional, conv1d, filters, threads, monkeypatch, fused_calls):
    if threads > 1 and not blas_thread_count():
        pytest.skip("NumPy's BLAS is not an OpenBLAS glassnet can set: one thread only")
    history, weights, predictions = _train(functional, conv1d, filters, True, threads, monkeypatch)
    assert fused_calls[0] > 0
    calls = fused_calls[0]
    expected_history, expected_weights, expected_predictions = _train(functional, conv1d, filters, False, threads,
                                                                      monkeypatch)
    assert fused_calls[0] == calls  # the second run took the layers one by one
    # The kernel's gradient sums the same products in another order (and Winograd's tiles compute all
    # three by another algebra): equal to rounding, step after step.
    assert history.keys() == expected_history.keys()
    for key in history:
        np.testing.assert_allclose(history[key], expected_history[key], rtol=1e-5)
    # Adam steps by about lr * sign(gradient) where a gradient is near zero, so rounding there moves a
    # weight by more than rounding: a few such weights, by a few millionths.
    for got, expected in zip(weights, expected_weights):
        np.testing.assert_allclose(got, expected, rtol=1e-4, atol=1e-5)
    np.testing.assert_allclose(predictions, expected_predictions, rtol=1e-4, atol=1e-6)


def test_a_traced_step_runs_the_layers_one_by_one_with_the_loss_of_the_fused_step(fused_calls):
    model = _convnet(filters=winograd.MIN_CHANNELS // 2)  # through window matrices: the same loss, bit for bit
    x, y = _data((28, 28, 1))
    trace = inspect.step(model, x[:32], y[:32])  # puts the model and the random state back afterwards
    assert fused_calls[0] == 0
    conv = trace.layer(model.layers[0].name)
    assert conv.a.shape == (32, 26, 26, winograd.MIN_CHANNELS // 2) and conv.a.min() == 0
    pooled = trace.layer(model.layers[1].name).a
    np.testing.assert_array_equal(model.layers[1](model.layers[0](x[:32])).numpy(), pooled)
    assert fused_calls[0] == 0  # layers called alone
    model(x[:32])
    assert fused_calls[0] == 2
    assert model.train_on_batch(x[:32], y[:32])[0] == trace.loss  # [loss, accuracy]
    assert fused_calls[0] == 4


@pytest.mark.parametrize("second", [
    layers.MaxPooling2D(2, strides=1),          # overlapping windows
    layers.MaxPooling2D(2, padding="same"),
    layers.AveragePooling2D(2),
])
def test_other_poolings_run_on_their_own(second, fused_calls):
    model = tf.keras.Sequential([tf.keras.Input((9, 9, 2)), layers.Conv2D(3, 3, activation="relu"), second])
    x = np.random.default_rng(0).normal(size=(4, 9, 9, 2)).astype(np.float32)
    expected = second(model.layers[0](x))
    np.testing.assert_array_equal(model(x).numpy(), expected.numpy())
    assert fused_calls[0] == 0


@pytest.mark.parametrize("conv", [
    lambda: layers.Conv2D(3, 3, activation="tanh"),
    lambda: layers.Conv2D(3, 3),
    lambda: layers.Conv2D(3, 3, activation="relu", activity_regularizer="l2"),
])
def test_other_convolutions_run_on_their_own(conv, fused_calls):
    model = tf.keras.Sequential([tf.keras.Input((9, 9, 2)), conv(), layers.MaxPooling2D()])
    model(np.ones((2, 9, 9, 2), np.float32))
    assert fused_calls[0] == 0


def test_a_conv_output_read_elsewhere_in_a_graph_is_computed(fused_calls):
    inputs = tf.keras.Input((10, 10, 1))
    conv = layers.Conv2D(4, 3, activation="relu")(inputs)
    pooled = layers.MaxPooling2D()(conv)
    branch = layers.GlobalAveragePooling2D()(conv)  # a second reader of the conv's output
    model = tf.keras.Model(inputs, [layers.Flatten()(pooled), branch])
    shown = tf.keras.Model(inputs, [pooled, conv])  # the conv's output is a model output
    x = np.random.default_rng(0).normal(size=(2, 10, 10, 1)).astype(np.float32)
    model(x)
    shown(x)
    assert fused_calls[0] == 0
    single = tf.keras.Model(inputs, layers.Flatten()(pooled))
    np.testing.assert_array_equal(single(x).numpy(), model(x)[0].numpy())
    assert fused_calls[0] == 1


def test_the_fused_pair_raises_the_layers_errors():
    model = _convnet()
    with pytest.raises(ValueError, match="expected axis -1 of input shape to have value 1"):
        model.layers[0](np.ones((2, 28, 28, 3), np.float32))
    with pytest.raises(ValueError, match="incompatible"):
        model(np.ones((2, 28, 28, 3), np.float32))
