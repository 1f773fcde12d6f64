"""The tape-free training step trains exactly as the tape does, bit for bit."""
import numpy as np
import pytest

from glassnet.keras import Sequential, activations, losses
from glassnet.keras.layers import Dense, Dropout, Input
from glassnet.keras.models import dense_plan

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
    steps = _count_plan_steps(monkeypatch)
    with monkeypatch.context() as patch:
        if not use_fast:
            patch.setattr(Sequential, "_compiled_train_step", lambda self: None)
        weights = rng.uniform(0, 2, 45) if sample_weight else None
        history = model.fit(x, y, batch_size=16, epochs=3, shuffle=False, sample_weight=weights, verbose=0)
    return history.history, model.get_weights(), len(steps) == 9


def _count_plan_steps(monkeypatch):
    """A list that gets one entry per step the compiled plan trains."""
    steps, call = [], dense_plan.DensePlan.__call__

    def counted(plan, *args):
        steps.append(1)
        return call(plan, *args)

    monkeypatch.setattr(dense_plan.DensePlan, "__call__", counted)
    return steps


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
    ([Dense(3)], {"loss": losses.BinaryCrossentropy(label_smoothing=0.1)}),    # option not fused
])
def test_other_models_take_the_tape(model_layers, compile_options, monkeypatch):
    model = Sequential([Input((2,)), *model_layers])
    model.compile(**{"optimizer": "adam", "loss": "binary_crossentropy", **compile_options})
    steps = _count_plan_steps(monkeypatch)
    model.fit(np.zeros((4, 2)), np.zeros((4, 3)), epochs=2, verbose=0)
    assert model._compiled_train_step() is None and not steps


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


def _two_fits(change, x, y, loss, use_plan, monkeypatch, units=1):
    """Fit, apply `change` to the model, fit again; returns (histories, weights, plan steps)."""
    steps = _count_plan_steps(monkeypatch)
    with monkeypatch.context() as patch:
        if not use_plan:
            patch.setattr(Sequential, "_compiled_train_step", lambda self: None)
        rng = np.random.default_rng(1)
        model = Sequential([Input(x.shape[1:]), Dense(4, activation="relu"), Dense(units, activation="sigmoid")])
        model.set_weights([rng.normal(0, 0.5, w.shape) for w in model.get_weights()])
        model.compile(optimizer="adam", loss=loss)
        histories = [model.fit(x, y, batch_size=4, shuffle=False, verbose=0).history]
        change(model)
        histories.append(model.fit(x, y, batch_size=4, shuffle=False, verbose=0).history)
    return histories, model.get_weights(), len(steps)


def _set_activation(model):
    model.layers[0].activation = activations.get("tanh")


def _freeze_kernel(model):
    model.layers[1].kernel.trainable = False


def _freeze_layer(model):
    model.layers[0].trainable = False


@pytest.mark.parametrize("change", [_set_activation, _freeze_kernel, _freeze_layer])
def test_changes_between_fits_are_honoured_as_on_the_tape(change, monkeypatch):
    rng = np.random.default_rng(0)
    x, y = rng.normal(size=(12, 3)).astype(np.float32), rng.integers(0, 2, (12, 1)).astype(np.float32)
    planned = _two_fits(change, x, y, "binary_crossentropy", True, monkeypatch)
    taped = _two_fits(change, x, y, "binary_crossentropy", False, monkeypatch)
    assert planned[2] == 6 and taped[2] == 0  # the plan trained both fits, rebuilt after the change
    assert planned[0] == taped[0]
    for a, b in zip(planned[1], taped[1]):
        np.testing.assert_array_equal(a, b)


def test_rank_3_binary_crossentropy_aligns_targets_as_the_tape(monkeypatch):
    # Output (8, 5, 1), targets (8, 5): the loss squeezes the output, as Keras's alignment does.
    rng = np.random.default_rng(0)
    x, y = rng.normal(size=(8, 5, 3)).astype(np.float32), rng.integers(0, 2, (8, 5)).astype(np.float32)
    planned = _two_fits(lambda model: None, x, y, "binary_crossentropy", True, monkeypatch)
    taped = _two_fits(lambda model: None, x, y, "binary_crossentropy", False, monkeypatch)
    assert planned[2] == 4 and planned[0] == taped[0]
    for a, b in zip(planned[1], taped[1]):
        np.testing.assert_array_equal(a, b)


@pytest.mark.parametrize("freeze", [_freeze_kernel, _freeze_layer])
def test_frozen_before_the_first_fit_trains_as_the_tape(freeze, monkeypatch):
    rng = np.random.default_rng(0)
    x, y = rng.normal(size=(12, 3)).astype(np.float32), rng.integers(0, 2, (12, 1)).astype(np.float32)
    initial = [rng.normal(0, 0.5, shape) for shape in [(3, 4), (4,), (4, 1), (1,)]]
    results = []
    for use_plan in (True, False):
        steps = _count_plan_steps(monkeypatch)
        with monkeypatch.context() as patch:
            if not use_plan:
                patch.setattr(Sequential, "_compiled_train_step", lambda self: None)
            model = Sequential([Input((3,)), Dense(4, activation="relu"), Dense(1, activation="sigmoid")])
            model.set_weights(initial)
            freeze(model)
            frozen = [w.numpy() for w in model.non_trainable_weights]
            model.compile(optimizer="sgd", loss="binary_crossentropy")
            history = model.fit(x, y, batch_size=4, shuffle=False, verbose=0).history
        assert all(np.array_equal(a, w.numpy()) for a, w in zip(frozen, model.non_trainable_weights))
        results.append((history, model.get_weights(), len(steps)))
    (planned, planned_weights, plan_steps), (taped, taped_weights, tape_steps) = results
    assert plan_steps == 3 and tape_steps == 0 and planned == taped
    for a, b in zip(planned_weights, taped_weights):
        np.testing.assert_array_equal(a, b)
