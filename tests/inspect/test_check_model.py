"""inspect.check_model: each pre-training check fires on a model built to trigger it, names the
layer, and stays quiet on the course's healthy models."""
import importlib.util
from pathlib import Path

import numpy as np
import pytest

import glassnet as tf
from glassnet.inspect import Finding, ModelReport, check_model
from glassnet.keras import layers, losses, optimizers
from glassnet.keras.models import Model, Sequential

RNG = np.random.default_rng(0)
X = RNG.uniform(-1, 1, size=(64, 4)).astype("float32")  # scaled inputs
DIGITS = RNG.integers(0, 10, size=64)  # labels 0..9
WIDE = np.stack([np.linspace(-8, 8, 64), np.linspace(-0.01, 0.01, 64)], axis=1).astype("float32")  # spreads 800x


def _model(*stack, loss=None, optimizer=None, inputs=4):
    model = Sequential([tf.keras.Input(shape=(inputs,)), *stack])
    if loss is not None:
        model.compile(optimizer=optimizer or optimizers.Adam(1e-3), loss=loss)
    return model


def _digits_model(**compile_args):
    """The course's digit classifier: 25-15-10, logits with the fused loss."""
    return _model(layers.Dense(25, activation="relu", name="l1"), layers.Dense(15, activation="relu", name="l2"),
                  layers.Dense(10, activation="linear", name="l3"),
                  **{"loss": losses.SparseCategoricalCrossentropy(from_logits=True), **compile_args})


def _coffee():
    path = Path(__file__).resolve().parents[2] / "examples" / "coffee_roasting.py"
    spec = importlib.util.spec_from_file_location("example_coffee_roasting", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.load_coffee_data()


# --- healthy models: no finding --------------------------------------------------------------------
def test_the_course_digit_classifier_on_scaled_inputs_passes():
    report = check_model(_digits_model(), X, DIGITS)
    assert report.ok and list(report) == [] and report.skipped == []
    assert str(report) == "ok: no problem found"


@pytest.mark.parametrize("make", [
    lambda: (_model(layers.Dense(10, activation="softmax"), loss="sparse_categorical_crossentropy"), DIGITS),
    lambda: (_model(layers.Dense(10, activation="softmax"), loss="categorical_crossentropy"), np.eye(10)[DIGITS]),
    lambda: (_model(layers.Dense(1, activation="sigmoid"), loss="binary_crossentropy"), DIGITS % 2),
    lambda: (_model(layers.Dense(1), loss=losses.BinaryCrossentropy(from_logits=True)), DIGITS % 2),
    lambda: (_model(layers.Dense(8, activation="tanh"), layers.Dense(1), loss="mse"), -X[:, :1] * 3),
    lambda: (_model(layers.Dense(3, activation="sigmoid"), loss="mse", optimizer=optimizers.SGD(0.1)), X[:, :3] ** 2),
], ids=["softmax-sparse", "softmax-onehot", "sigmoid-bce", "logits-bce", "linear-mse", "sigmoid-mse-in-range"])
def test_the_textbook_pairings_pass(make):
    model, y = make()
    assert check_model(model, X, y).ok


def test_the_coffee_roasting_net_on_normalized_data_passes():
    roasts, good = _coffee()
    norm = layers.Normalization(axis=-1)
    norm.adapt(roasts)
    normalized = norm(roasts).numpy()
    model = _model(layers.Dense(3, activation="sigmoid", name="layer1"),
                   layers.Dense(1, activation="sigmoid", name="layer2"),
                   loss=losses.BinaryCrossentropy(), optimizer=optimizers.Adam(learning_rate=0.01), inputs=2)
    assert check_model(model, normalized, good).ok
    # The same roasts unnormalized are what the course warns about: temperatures of 150..285.
    report = check_model(model, roasts, good)
    assert report.checks == ["unscaled_inputs"] and "max |x| = 28" in report[0].problem


def test_the_normalization_layer_inside_the_model_counts_as_scaling():
    roasts, good = _coffee()
    norm = layers.Normalization(axis=-1, name="norm")
    norm.adapt(roasts)
    model = _model(norm, layers.Dense(3, activation="sigmoid"), layers.Dense(1, activation="sigmoid"),
                   loss="binary_crossentropy", inputs=2)
    assert check_model(model, roasts, good).ok
    unadapted = _model(layers.Normalization(name="norm"), layers.Dense(1, activation="sigmoid"),
                       loss="binary_crossentropy", inputs=2)
    report = check_model(unadapted)
    assert report.checks == ["normalization_not_adapted"] and report[0].layer == "norm"


# --- each check fires, on the layer concerned -----------------------------------------------------
CASES = {  # check id -> (model, x, y, layer named)
    "softmax_with_from_logits": lambda: (
        _model(layers.Dense(8, activation="relu"), layers.Dense(10, activation="softmax", name="out"),
               loss=losses.SparseCategoricalCrossentropy(from_logits=True)), X, DIGITS, "out"),
    "sigmoid_with_from_logits": lambda: (
        _model(layers.Dense(1, activation="sigmoid", name="out"), loss=losses.BinaryCrossentropy(from_logits=True)),
        None, None, "out"),
    "logits_without_from_logits": lambda: (
        _model(layers.Dense(10, name="out"), loss="sparse_categorical_crossentropy"), X, DIGITS, "out"),
    "output_activation_for_crossentropy": lambda: (
        _model(layers.Dense(1, activation="relu", name="out"), loss=losses.BinaryCrossentropy(from_logits=True)),
        None, None, "out"),
    "softmax_with_binary_crossentropy": lambda: (
        _model(layers.Dense(3, activation="softmax", name="out"), loss="binary_crossentropy"), None, None, "out"),
    "sigmoid_with_categorical_crossentropy": lambda: (
        _model(layers.Dense(10, activation="sigmoid", name="out"), loss="sparse_categorical_crossentropy"),
        X, DIGITS, "out"),
    "one_unit_with_categorical_crossentropy": lambda: (
        _model(layers.Dense(1, name="out"), loss=losses.SparseCategoricalCrossentropy(from_logits=True)),
        None, None, "out"),
    "softmax_on_one_unit": lambda: (_model(layers.Dense(1, activation="softmax", name="out")), None, None, "out"),
    "missing_activation": lambda: (
        _model(layers.Dense(8, name="hidden"), layers.Dense(1, activation="sigmoid"), loss="binary_crossentropy"),
        None, None, "hidden"),
    "dropout_rate_high": lambda: (
        _model(layers.Dense(8, activation="relu"), layers.Dropout(0.8, name="drop"), layers.Dense(1)),
        None, None, "drop"),
    "learning_rate_too_high": lambda: (
        _model(layers.Dense(1), loss="mse", optimizer=optimizers.Adam(0.1)), None, None, None),
    "learning_rate_too_low": lambda: (
        _model(layers.Dense(1), loss="mse", optimizer=optimizers.SGD(1e-9)), None, None, None),
    "integer_inputs": lambda: (_model(layers.Dense(1)), np.arange(8).reshape(2, 4), None, None),
    "unscaled_inputs": lambda: (_model(layers.Dense(1)), X * 255, None, None),
    "labels_outside_binary_range": lambda: (
        _model(layers.Dense(1, activation="sigmoid"), loss="binary_crossentropy"), X, DIGITS, None),
    "labels_exceed_output_width": lambda: (
        _model(layers.Dense(3, name="out"), loss=losses.SparseCategoricalCrossentropy(from_logits=True)),
        X, DIGITS, "out"),
    "one_hot_labels_with_sparse_loss": lambda: (
        _model(layers.Dense(10), loss=losses.SparseCategoricalCrossentropy(from_logits=True)),
        X, np.eye(10)[DIGITS], None),
    "integer_labels_with_categorical_loss": lambda: (
        _model(layers.Dense(10), loss=losses.CategoricalCrossentropy(from_logits=True)), X, DIGITS, None),
    "one_hot_width_mismatch": lambda: (
        _model(layers.Dense(4, name="out"), loss=losses.CategoricalCrossentropy(from_logits=True)),
        X, np.eye(10)[DIGITS], "out"),
    "labels_outside_output_range": lambda: (
        _model(layers.Dense(1, activation="sigmoid", name="out"), loss="mse"), X, -X[:, :1] * 3, "out"),
}


@pytest.mark.parametrize("check", sorted(CASES))
def test_each_check_fires_on_a_model_built_to_trigger_it(check):
    model, x, y, layer = CASES[check]()
    report = check_model(model, x, y)
    assert report.checks == [check], str(report)
    finding = report[0]
    assert isinstance(finding, Finding) and finding.layer == layer
    assert finding.problem and finding.fix and not report.ok


def test_findings_name_the_values_seen_and_a_concrete_fix():
    model, x, y, _ = CASES["labels_outside_binary_range"]()
    finding = check_model(model, x, y)[0]
    assert "[0, 9]" in finding.problem and "Dense(10)" in finding.fix and "SparseCategoricalCrossentropy" in finding.fix
    model, x, _, _ = CASES["unscaled_inputs"]()
    assert "Normalization()" in check_model(model, x)[0].fix and "divide by 255" in check_model(model, x)[0].fix
    model, _, _, _ = CASES["learning_rate_too_high"]()
    assert "0.1" in check_model(model)[0].problem and "Adam" in check_model(model)[0].problem


def test_feature_scales_far_apart_are_unscaled_even_within_ten():
    assert np.abs(WIDE).max() < 10
    report = check_model(_model(layers.Dense(1), inputs=2), WIDE)
    assert report.checks == ["unscaled_inputs"] and "factor of" in report[0].problem
    # Scaled images with barely varying border pixels are not flagged: every spread is below 1.
    pixels = np.zeros((64, 4), "float32")
    pixels[:, :3] = RNG.random((64, 3))
    pixels[0, 3] = 1 / 255
    assert check_model(_model(layers.Dense(1)), pixels).ok


def test_sgd_tolerates_a_larger_rate_than_adam_and_every_threshold_can_be_changed():
    assert check_model(_model(layers.Dense(1), loss="mse", optimizer=optimizers.SGD(0.1))).ok
    assert not check_model(_model(layers.Dense(1), loss="mse", optimizer=optimizers.Adam(0.1))).ok
    adam = _model(layers.Dense(1), loss="mse", optimizer=optimizers.Adam(0.1))
    assert check_model(adam, max_learning_rate=0.5).ok
    dropout = CASES["dropout_rate_high"]()[0]
    assert check_model(dropout, max_dropout=0.9).ok
    assert check_model(_model(layers.Dense(1)), X * 255, max_input_abs=300).ok
    assert check_model(_model(layers.Dense(1), loss="mse", optimizer=optimizers.SGD(1e-9)), min_learning_rate=0).ok
    assert check_model(_model(layers.Dense(1), loss="mse", optimizer=optimizers.SGD(1e-4)),
                       min_learning_rate=1e-3).checks == ["learning_rate_too_low"]
    assert check_model(_model(layers.Dense(1), inputs=2), WIDE, max_feature_scale_ratio=1e4).ok


def test_a_subclassed_model_gets_the_output_and_label_checks():
    class Net(Model):
        def __init__(self):
            super().__init__()
            self.hidden = layers.Dense(8, activation="relu")
            self.out = layers.Dense(10, activation="softmax", name="probabilities")

        def call(self, x):
            return self.out(self.hidden(x))

    net = Net()
    net.compile(optimizer="adam", loss=losses.SparseCategoricalCrossentropy(from_logits=True))
    report = check_model(net, X, DIGITS)
    assert report.checks == ["softmax_with_from_logits"] and report[0].layer == "probabilities"


def test_the_auto_crossentropy_is_resolved_from_the_labels():
    model = _model(layers.Dense(10, name="out"), loss="crossentropy")
    assert check_model(model, X, DIGITS).checks == ["logits_without_from_logits"]


def test_checks_without_their_inputs_are_skipped_and_named():
    report = check_model(_model(layers.Dense(1)))
    assert report.ok
    assert report.skipped == ["loss and learning rate, the model is not compiled", "inputs, no x given",
                              "labels, no y given"]
    assert str(report).startswith("ok: no problem found (not checked: loss and learning rate")


def test_the_model_is_left_as_it_was():
    model = _digits_model()
    model.fit(X, DIGITS, epochs=1, verbose=0)
    weights = [w.copy() for w in model.get_weights()]
    slots = [v.numpy().copy() for v in model.optimizer.variables]
    state = tf.random.generator().bit_generator.state
    check_model(model, X * 255, DIGITS)
    assert all(np.array_equal(a, b) for a, b in zip(weights, model.get_weights()))
    assert all(np.array_equal(a, v.numpy()) for a, v in zip(slots, model.optimizer.variables))
    assert tf.random.generator().bit_generator.state == state


def test_the_report_prints_aligned_and_renders_as_tables():
    model = _model(layers.Dense(8, name="hidden"), layers.Dropout(0.9, name="drop"),
                   layers.Dense(1, activation="sigmoid", name="out"), loss="binary_crossentropy")
    report = check_model(model, X)
    assert isinstance(report, ModelReport) and len(report) == 2
    lines = str(report).splitlines()
    assert lines[0].split() == ["check", "layer", "problem", "and", "fix"]
    assert lines[1].startswith("missing_activation  hidden  Dense layer 'hidden'")
    assert lines[3].startswith("dropout_rate_high   drop    Dropout 'drop'")
    assert lines[2].index("fix:") == lines[1].index("Dense layer") == lines[3].index("Dropout 'drop'")
    assert lines[-1] == "2 problems found: fix them before training (not checked: labels, no y given)"
    assert "| `missing_activation` | hidden |" in report._repr_markdown_()
    html = report._repr_html_()
    assert "<td><code>dropout_rate_high</code></td><td>drop</td>" in html and "&#x27;" in html


@pytest.mark.parametrize("argument, value", [("max_dropout", 1.5), ("max_input_abs", -1),
                                             ("max_learning_rate", 0), ("min_learning_rate", "small")])
def test_bad_thresholds_are_refused_by_name(argument, value):
    with pytest.raises((ValueError, TypeError), match=f"`{argument}`.*Received: {argument}={value!r}"):
        check_model(_model(layers.Dense(1)), **{argument: value})


def test_a_model_that_is_not_one_is_refused():
    with pytest.raises(TypeError, match="Invalid `model`: expected a glassnet model"):
        check_model(layers.Dense(1))
