"""The tape-free training step trains exactly as the tape does, bit for bit."""
import numpy as np
import pytest

from glassnet.keras import Sequential, losses, optimizers
from glassnet.keras.layers import Dense, Dropout, Input
from glassnet.keras.trainers import fast_step

CASES = [
    ("sigmoid", 1, losses.BinaryCrossentropy(), "adam"),
    ("linear", 1, losses.BinaryCrossentropy(from_logits=True), "sgd"),
    ("softmax", 3, losses.CategoricalCrossentropy(), "rmsprop"),
    ("linear", 3, losses.CategoricalCrossentropy(from_logits=True), "adagrad"),
    ("softmax", 3, losses.SparseCategoricalCrossentropy(), "adam"),
    ("linear", 3, losses.SparseCategoricalCrossentropy(from_logits=True), "adamw"),
    ("linear", 2, losses.MeanSquaredError(), "adam"),
    ("relu", 2, "mse", "sgd"),
]


def _targets(units, loss, rng, n):
    name = getattr(loss, "name", loss)
    if "sparse" in name:
        return rng.integers(0, units, n)
    if "categorical" in name:
        return np.eye(units, dtype=np.float32)[rng.integers(0, units, n)]
    if "binary" in name:
        return rng.integers(0, 2, (n, 1)).astype(np.float32)
    return rng.normal(size=(n, units)).astype(np.float32)


def _fit(activation, units, loss, optimizer, use_fast, sample_weight, monkeypatch):
    rng = np.random.default_rng(0)
    x = rng.normal(size=(45, 4)).astype(np.float32)  # batch 16 leaves a last batch of 13
    y = _targets(units, loss, rng, 45)
    model = Sequential([Input((4,)), Dense(5, activation="tanh"), Dense(units, activation=activation)])
    model.set_weights([rng.normal(0, 0.5, w.shape) for w in model.get_weights()])
    model.compile(optimizer=optimizer, loss=loss, metrics=["accuracy"])
    with monkeypatch.context() as patch:
        if not use_fast:
            patch.setattr(fast_step.FastTrainStep, "build", classmethod(lambda cls, model: None))
        weights = rng.uniform(0, 2, 45) if sample_weight else None
        history = model.fit(x, y, batch_size=16, epochs=3, shuffle=False, sample_weight=weights, verbose=0)
    used_fast = model._fast_step is not None
    return history.history, model.get_weights(), used_fast


@pytest.mark.parametrize("sample_weight", [False, True])
@pytest.mark.parametrize("activation, units, loss, optimizer", CASES)
def test_fast_step_equals_tape(activation, units, loss, optimizer, sample_weight, monkeypatch):
    fast = _fit(activation, units, loss, optimizer, True, sample_weight, monkeypatch)
    tape = _fit(activation, units, loss, optimizer, False, sample_weight, monkeypatch)
    assert fast[2] and not tape[2]
    assert fast[0] == tape[0]
    for a, b in zip(fast[1], tape[1]):
        np.testing.assert_array_equal(a, b)


@pytest.mark.parametrize("model_layers, compile_options", [
    ([Dense(3, activation="gelu")], {}),                                       # no fused activation
    ([Dense(3, kernel_regularizer="l2")], {}),                                 # penalties need the tape
    ([Dense(3), Dropout(0.5)], {}),                                            # not only Dense layers
    ([Dense(3)], {"optimizer": optimizers.Adam(clipnorm=1.0)}),                # per-tensor clipping
    ([Dense(3)], {"loss": losses.BinaryCrossentropy(label_smoothing=0.1)}),    # option not fused
])
def test_other_models_take_the_tape(model_layers, compile_options):
    model = Sequential([Input((2,)), *model_layers])
    model.compile(**{"optimizer": "adam", "loss": "binary_crossentropy", **compile_options})
    model.fit(np.zeros((4, 2)), np.zeros((4, 3)), epochs=2, verbose=0)
    assert model._fast_step is None


def test_freezing_a_layer_after_training_leaves_it_unchanged():
    model = Sequential([Input((2,)), Dense(3), Dense(1)])
    model.compile(optimizer="sgd", loss="mse")
    model.fit(np.ones((8, 2)), np.ones((8, 1)), epochs=2, verbose=0)
    model.layers[0].trainable = False
    frozen = model.layers[0].get_weights()
    model.compile(optimizer="sgd", loss="mse")
    model.fit(np.ones((8, 2)), np.zeros((8, 1)), epochs=2, verbose=0)
    for a, b in zip(frozen, model.layers[0].get_weights()):
        np.testing.assert_array_equal(a, b)
