"""glassnet.inspect.Diagnostics in fit: each warning fires on a model built to trigger it and
stays quiet on the course's healthy models; training is bit-identical with and without it."""
import sys
import types
import warnings

import numpy as np
import pytest

import glassnet as tf
from glassnet.datasets import digits
from glassnet.inspect import Diagnostics, TrainingWarning
from glassnet.keras import Input, Sequential, initializers, layers, losses, optimizers
from glassnet.keras.utils import PyDataset, set_random_seed


@pytest.fixture(scope="module")
def digit_data():
    (x, y), _ = digits.load_data()
    return x.reshape(len(x), -1).astype("float32") / 16, y


def coffee_data(normalize=True, tile=20):
    """The course's coffee-roasting data (examples/coffee_roasting.py), tiled as the lab tiles it."""
    rng = np.random.default_rng(2)
    x = rng.random(400).reshape(-1, 2)
    x[:, 1] = x[:, 1] * 4 + 11.5
    x[:, 0] = x[:, 0] * (285 - 150) + 150
    y = np.zeros(len(x))
    for i, (t, d) in enumerate(x):
        y[i] = 1 if 175 < t < 260 and 12 < d < 15 and d <= -3 / (260 - 175) * t + 21 else 0
    if normalize:
        x = (x - x.mean(axis=0)) / x.std(axis=0)
    return np.tile(x, (tile, 1)).astype("float32"), np.tile(y.reshape(-1, 1), (tile, 1)).astype("float32")


def coffee_model(**dense):
    set_random_seed(1234)
    model = Sequential([Input((2,)), layers.Dense(3, activation="sigmoid", name="layer1", **dense),
                        layers.Dense(1, activation="sigmoid", name="layer2")])
    model.compile(loss=losses.BinaryCrossentropy(), optimizer=optimizers.Adam(0.01))
    return model


def digits_model(optimizer, activation="relu", dropout=0.0, **dense):
    set_random_seed(0)
    stack = [Input((64,)), layers.Dense(25, activation=activation, **dense)]
    stack += [layers.Dropout(dropout)] if dropout else []
    stack += [layers.Dense(15, activation=activation, **dense), layers.Dense(10)]
    model = Sequential(stack)
    model.compile(optimizer=optimizer, loss=losses.SparseCategoricalCrossentropy(from_logits=True),
                  metrics=["accuracy"])
    return model


def fit(model, x, y, diagnostics=None, **kwargs):
    """fit with Diagnostics; returns it and the TrainingWarnings raised, one per check id."""
    diagnostics = diagnostics or Diagnostics()
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        model.fit(x, y, verbose=0, callbacks=[diagnostics], **kwargs)
    warned = [w for w in caught if issubclass(w.category, TrainingWarning)]
    return diagnostics, {str(w.message).rsplit("[", 1)[1].rstrip("]"): str(w.message) for w in warned}


# --- quiet on healthy models -------------------------------------------------------------
def test_quiet_on_the_coffee_roasting_network():
    # Its hidden sigmoids saturate as it learns (the units grow confident): no failure.
    diagnostics, warned = fit(coffee_model(), *coffee_data(tile=50), epochs=10)
    assert warned == {} and diagnostics.findings == []
    assert diagnostics.record["loss"][-1] < 0.3


def test_quiet_on_the_digits_network(digit_data):
    # `glassnet digits --classes 10`'s run: 100 epochs, 5% (72 images) kept for validation,
    # whose loss wobbles up for 3 epochs at a time without the model overfitting.
    model = digits_model(optimizers.Adam(1e-3))
    diagnostics, warned = fit(model, *digit_data, epochs=100, validation_split=0.05)
    assert warned == {}
    assert diagnostics.record["loss"][-1] < 0.05


def test_training_is_bit_identical_with_and_without_diagnostics(digit_data):
    x, y = digit_data
    plain = digits_model(optimizers.Adam(1e-3), dropout=0.2)  # dropout draws from the global generator
    plain.fit(x, y, epochs=3, verbose=0)
    watched = digits_model(optimizers.Adam(1e-3), dropout=0.2)
    fit(watched, x, y, epochs=3)
    for a, b in zip(plain.get_weights(), watched.get_weights()):
        np.testing.assert_array_equal(a, b)


# --- each failure, on a model built to show it -------------------------------------------------
def test_unscaled_inputs_saturate_the_sigmoids_and_say_why():
    diagnostics, warned = fit(coffee_model(), *coffee_data(normalize=False), epochs=10)
    assert {"unscaled_inputs", "loss_not_decreasing", "saturated", "vanishing_gradient", "unchanged_output",
            "update_ratio"} <= set(warned)
    assert warned["unscaled_inputs"].startswith("Before training: x ranges over [11.51, 285]")  # check_model's
    assert "input_range" not in warned  # the same cause, said once
    assert "layer 'layer1'" in warned["saturated"] and "100% of the sigmoid inputs z" in warned["saturated"]
    assert diagnostics.record["layers"]["layer1"]["saturated"][-1] == 1.0


def test_an_activation_layer_is_judged_on_its_input():
    set_random_seed(1234)
    model = Sequential([Input((2,)), layers.Dense(3, name="linear"), layers.Activation("sigmoid", name="squash"),
                        layers.Dense(1, activation="sigmoid")])
    model.compile(loss=losses.BinaryCrossentropy(), optimizer=optimizers.Adam(0.01))
    diagnostics, warned = fit(model, *coffee_data(normalize=False), epochs=10)
    assert "layer 'squash': 100% of the sigmoid inputs z" in warned["saturated"]
    assert diagnostics.record["layers"]["linear"]["saturated"] == [None] * 10


def test_a_relu_layer_dies_like_a_relu_activation(digit_data):
    set_random_seed(0)
    model = Sequential([Input((64,)), layers.Dense(25, bias_initializer=initializers.Constant(-10.0)),
                        layers.ReLU(name="relu_layer"), layers.Dense(10)])
    model.compile(optimizer=optimizers.Adam(1e-3), loss=losses.SparseCategoricalCrossentropy(from_logits=True))
    diagnostics, warned = fit(model, *digit_data, epochs=8)
    assert "layer 'relu_layer': 100% of its relu units" in warned["dead_relu"]


def test_input_range_is_named_as_a_cause_when_check_model_did_not(monkeypatch):
    monkeypatch.setattr(tf.inspect, "check_model", lambda model, x, y: [])
    _, warned = fit(coffee_model(), *coffee_data(normalize=False), epochs=10)
    assert "Normalization" in warned["input_range"] and "11.51 to 285" in warned["input_range"]


def test_a_huge_learning_rate_stops_on_the_batch_whose_loss_is_not_finite(digit_data):
    x, y = digit_data
    set_random_seed(0)
    model = Sequential([Input((64,)), layers.Dense(8, activation="relu"), layers.Dense(1)])
    model.compile(optimizer=optimizers.SGD(10.0), loss="mse")
    diagnostics, warned = fit(model, x, y.astype("float32"), epochs=5)
    finding = next(f for f in diagnostics.findings if f.check == "nonfinite_loss")
    assert finding.epoch == 1 and finding.batch is not None and finding.batch < 45
    assert f"Epoch 1, batch {finding.batch}" in warned["nonfinite_loss"]
    assert "learning rate is 10" in warned["nonfinite_loss"]
    assert len(model.history.history["loss"]) == 1  # stopped, as TerminateOnNaN stops
    model = Sequential([Input((64,)), layers.Dense(8, activation="relu"), layers.Dense(1)])
    model.compile(optimizer=optimizers.SGD(10.0), loss="mse")
    fit(model, x, y.astype("float32"), Diagnostics(stop_on_nan=False), epochs=3)
    assert len(model.history.history["loss"]) == 3


def test_the_first_layer_with_non_finite_weights_is_named(digit_data):
    x, y = digit_data
    set_random_seed(0)
    model = Sequential([Input((64,)), layers.Dense(8, activation="relu", name="hidden"),
                        layers.Dense(1, activation="exponential", name="out")])  # exp overflows to inf
    model.compile(optimizer=optimizers.SGD(1.0), loss="mse")
    _, warned = fit(model, x, y.astype("float32"), epochs=3)
    assert "first layer with non-finite values is 'hidden' (its weights)" in warned["nonfinite_loss"]


def test_a_large_negative_bias_kills_the_relus(digit_data):
    model = digits_model(optimizers.Adam(1e-3), bias_initializer=initializers.Constant(-10.0))
    diagnostics, warned = fit(model, *digit_data, epochs=8)
    assert "dead_relu" in warned and "100% of its relu units output 0" in warned["dead_relu"]
    first = model.layers[0].name
    assert diagnostics.record["layers"][first]["dead"][-1] == 1.0


def test_a_tiny_learning_rate_converges_slowly(digit_data):
    diagnostics, warned = fit(digits_model(optimizers.Adam(1e-7)), *digit_data, epochs=4)
    assert "slow_convergence" in warned
    _, warned = fit(digits_model(optimizers.Adam(1e-7)), *digit_data, Diagnostics(slow_delta=1e-9), epochs=4)
    assert "slow_convergence" not in warned  # the threshold is the user's to set


def test_memorizing_tiny_data_is_overfitting():
    rng = np.random.default_rng(0)
    x, y = rng.normal(size=(40, 64)).astype("float32"), rng.integers(0, 10, 40)
    set_random_seed(0)
    model = Sequential([Input((64,)), layers.Dense(64, activation="relu"), layers.Dense(10)])
    model.compile(optimizer=optimizers.Adam(1e-2), loss=losses.SparseCategoricalCrossentropy(from_logits=True))
    diagnostics, warned = fit(model, x, y, epochs=10, validation_split=0.25)
    assert "overfitting" in warned and "EarlyStopping" in warned["overfitting"]
    assert len(diagnostics.record["val_loss"]) == 10


def test_oscillating_loss(digit_data):
    x, y = digit_data
    set_random_seed(0)
    model = Sequential([Input((64,)), layers.Dense(1)])
    model.compile(optimizer=optimizers.SGD(0.05, momentum=0.9), loss="mse")
    _, warned = fit(model, x, y.astype("float32"), epochs=12, batch_size=len(x))
    assert "oscillating_loss" in warned


def test_sigmoid_outputs_with_categorical_crossentropy_do_not_sum_to_one(digit_data):
    x, y = digit_data
    set_random_seed(0)
    model = Sequential([Input((64,)), layers.Dense(25, activation="relu"), layers.Dense(10, activation="sigmoid")])
    model.compile(optimizer=optimizers.Adam(1e-3), loss=losses.CategoricalCrossentropy())
    _, warned = fit(model, x, np.eye(10, dtype="float32")[y], epochs=1)
    assert "output_sums" in warned and "softmax" in warned["output_sums"]


def test_labels_outside_the_output_activations_range(digit_data):
    x, y = digit_data
    set_random_seed(0)
    model = Sequential([Input((64,)), layers.Dense(25, activation="relu"), layers.Dense(1, activation="sigmoid")])
    model.compile(optimizer=optimizers.Adam(1e-3), loss="mse")
    _, warned = fit(model, x, y.astype("float32"), epochs=1)
    assert "output_range" in warned and "from 0 to 9" in warned["output_range"]


def test_negative_loss(digit_data):
    x, y = digit_data
    set_random_seed(0)
    model = Sequential([Input((64,)), layers.Dense(1, activation="sigmoid")])
    model.compile(optimizer=optimizers.Adam(1e-3), loss=lambda y_true, y_pred: y_pred * -1.0)
    _, warned = fit(model, x, (y > 4).astype("float32"), epochs=1)
    assert "negative_loss" in warned


def test_vanishing_gradient_in_a_deep_sigmoid_stack(digit_data):
    set_random_seed(0)
    model = Sequential([Input((64,))] + [layers.Dense(16, activation="sigmoid") for _ in range(8)] + [layers.Dense(10)])
    model.compile(optimizer=optimizers.SGD(0.001), loss=losses.SparseCategoricalCrossentropy(from_logits=True))
    _, warned = fit(model, *digit_data, epochs=4)
    assert "vanishing_gradient" in warned and "ratio" in warned["vanishing_gradient"]


def _huge_tanh(digit_data, **dense):
    x, y = digit_data
    set_random_seed(0)
    model = Sequential([Input((64,)), layers.Dense(16, activation="tanh", **dense),
                        layers.Dense(16, activation="tanh"), layers.Dense(10)])
    model.compile(optimizer=optimizers.SGD(1e-5), loss=losses.SparseCategoricalCrossentropy(from_logits=True))
    return model, x * 1000, y


def test_exploding_gradient_ratio_with_a_lowered_threshold(digit_data):
    # No plain MLP tried reached AUTOTRAINER's ratio of 70 (docs/diagnostics.md); the check is
    # the same with any threshold.
    model, x, y = _huge_tanh(digit_data)
    _, warned = fit(model, x, y, Diagnostics(exploding_ratio=3), epochs=4)
    assert "exploding_gradient" in warned and "above 3" in warned["exploding_gradient"]
    model, x, y = _huge_tanh(digit_data)
    _, warned = fit(model, x, y, epochs=4)
    assert "exploding_gradient" not in warned


def test_weight_variance(digit_data):
    model, x, y = _huge_tanh(digit_data, kernel_initializer=initializers.RandomNormal(stddev=5.0))
    _, warned = fit(model, x, y, epochs=4)
    assert "weight_variance" in warned and "too large" in warned["weight_variance"]


def test_large_layer_outputs(digit_data):
    x, y = digit_data
    model = digits_model(optimizers.SGD(1e-9))
    _, warned = fit(model, x * 100, y, epochs=4)
    assert "large_output" in warned


# --- the record, the sample, the data hand-over ------------------------------------------------
def test_record_has_the_format_plot_reads(digit_data):
    model = digits_model(optimizers.Adam(1e-3), dropout=0.2)
    diagnostics, _ = fit(model, *digit_data, Diagnostics(trace_every=1), epochs=3, validation_split=0.1)
    record = diagnostics.record
    assert list(record) == ["epochs", "loss", "val_loss", "layers"]
    assert record["epochs"] == model.history.epoch == [0, 1, 2]  # Keras's indices, as History keeps them
    assert record["loss"] == model.history.history["loss"]
    assert record["val_loss"] == model.history.history["val_loss"]
    names = [layer.name for layer in model.layers]
    assert list(record["layers"]) == names
    dense, dropout = record["layers"][names[0]], record["layers"][names[1]]
    assert set(dense) == {"weight_norm", "grad_norm", "update_ratio", "saturated", "dead"}
    assert all(len(values) == 3 for values in dense.values())
    assert dense["saturated"] == [None] * 3 and all(0 <= d <= 1 for d in dense["dead"])
    assert dropout["weight_norm"] == [None] * 3 and dropout["dead"] == [None] * 3
    kernel, bias = model.layers[0].get_weights()
    assert dense["weight_norm"][-1] == pytest.approx(np.sqrt(np.sum(kernel ** 2) + np.sum(bias ** 2)), rel=1e-5)


@pytest.mark.parametrize(("rows", "epochs", "every", "traced"), [
    (1600, 4, "auto", [0, 1, 2, 3]),     # 50 steps an epoch: every epoch
    (800, 5, "auto", [0, 2, 4]),        # 25 steps: every second epoch, and the last
    (320, 5, "auto", [0, 4]),           # 10 steps: every fifth
    (320, 5, 2, [0, 2, 4]),
])
def test_short_epochs_are_traced_every_few_epochs(digit_data, rows, epochs, every, traced):
    x, y = (np.resize(a, (rows, *a.shape[1:])) for a in digit_data)
    diagnostics, _ = fit(digits_model(optimizers.Adam(1e-3)), x, y, Diagnostics(trace_every=every), epochs=epochs)
    norms = next(iter(diagnostics.record["layers"].values()))["weight_norm"]
    assert [epoch for epoch, norm in enumerate(norms) if norm is not None] == traced


def test_plot_hands_the_record_to_glassnet_plot(monkeypatch, digit_data):
    calls = []
    fake = types.ModuleType("glassnet.plot")
    fake.diagnostics = lambda record, path=None: calls.append((record, path)) or "figure"
    monkeypatch.setitem(sys.modules, "glassnet.plot", fake)
    monkeypatch.setattr(tf, "plot", fake, raising=False)
    diagnostics, _ = fit(digits_model(optimizers.Adam(1e-3)), *digit_data, epochs=1)
    assert diagnostics.plot("d.png") == "figure"
    assert calls == [(diagnostics.record, "d.png")]


def test_a_given_sample_is_traced(digit_data):
    x, y = digit_data
    diagnostics, _ = fit(digits_model(optimizers.Adam(1e-3)), x, y, Diagnostics(sample=(x[:10], y[:10])), epochs=1)
    assert len(diagnostics.record["layers"]) == 3


def test_a_pydataset_hands_over_its_first_batch(digit_data):
    x, y = digit_data

    class Batches(PyDataset):
        def __len__(self):
            return 10

        def __getitem__(self, i):
            return x[i * 32:(i + 1) * 32], y[i * 32:(i + 1) * 32]

    model = digits_model(optimizers.Adam(1e-3))
    diagnostics, _ = fit(model, Batches(), None, epochs=2)
    first = diagnostics.record["layers"][model.layers[0].name]
    assert None not in first["grad_norm"]
    assert None not in first["dead"]


def test_fit_hands_the_data_only_to_callbacks_that_ask(digit_data):
    x, y = digit_data
    seen = []

    class Taker(tf.keras.callbacks.Callback):
        def _set_training_data(self, x, y, sample_weight=None):
            seen.append((x.shape, y.shape, sample_weight))

    digits_model(optimizers.Adam(1e-3)).fit(x, y, epochs=1, verbose=0, validation_split=0.1,
                                            callbacks=[Taker(), tf.keras.callbacks.History()])
    assert seen == [((1293, 64), (1293,), None)]  # the rows fit trains on, after the validation split


def test_unknown_threshold_is_refused_before_training():
    with pytest.raises(TypeError, match="unexpected keyword argument 'saturation'"):
        Diagnostics(saturation=0.3)
    with pytest.raises(ValueError, match="sample_size"):
        Diagnostics(sample_size=0)


def test_a_generator_hands_over_its_first_batch(digit_data):
    x, y = digit_data
    batches = ((x[i:i + 32], y[i:i + 32]) for i in range(0, 320, 32))
    model = digits_model(optimizers.Adam(1e-3))
    diagnostics, _ = fit(model, batches, None, epochs=1)
    assert diagnostics.record["layers"][model.layers[0].name]["grad_norm"][0] is not None


def test_check_model_findings_are_warned_before_the_first_epoch(monkeypatch, digit_data):
    class Found:  # what check_model's findings carry
        check, layer, problem, fix = "dropout_rate_high", "dropout", "Dropout rate 0.8.", "use at most 0.5."

    seen = []

    def check_model(model, x, y):
        seen.append((x.shape, y.shape))
        return [Found()]

    monkeypatch.setattr(tf.inspect, "check_model", check_model, raising=False)
    diagnostics, warned = fit(digits_model(optimizers.Adam(1e-3)), *digit_data, epochs=2)
    assert seen == [((64, 64), (64,))]  # once per fit, on the sample
    assert warned["dropout_rate_high"].startswith("Before training, layer 'dropout': Dropout rate 0.8.")
    assert [(f.check, f.epoch) for f in diagnostics.findings] == [("dropout_rate_high", None)]


def test_a_custom_train_step_is_traced_as_written(digit_data):
    class Custom(Sequential):
        def train_step(self, data):
            return super().train_step(data)

    x, y = digit_data
    set_random_seed(0)
    model = Custom([Input((64,)), layers.Dense(8, activation="relu"), layers.Dense(10)])
    model.compile(optimizer=optimizers.Adam(1e-3), loss=losses.SparseCategoricalCrossentropy(from_logits=True))
    diagnostics, warned = fit(model, x, y, epochs=2)
    assert warned == {} and diagnostics.record["layers"][model.layers[0].name]["grad_norm"][-1] > 0


def test_one_diagnostics_over_two_fits_starts_afresh(monkeypatch, digit_data):
    x, y = digit_data
    sampled = []
    monkeypatch.setattr(tf.inspect, "check_model", lambda model, x, y: sampled.append(len(x)) or [], raising=False)
    diagnostics = Diagnostics()
    model = digits_model(optimizers.Adam(1e-3))
    fit(model, x, y, diagnostics, epochs=2)
    fit(model, ((x[i:i + 32], y[i:i + 32]) for i in range(0, 96, 32)), None, diagnostics, epochs=1)
    assert diagnostics.record["epochs"] == [0]  # as History starts afresh
    assert sampled == [64, 32]  # each fit's own rows: here the generator's first batch
