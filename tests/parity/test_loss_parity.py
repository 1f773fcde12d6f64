"""Every loss and every option, glassnet against Keras, on the same targets and predictions.

Options: from_logits, label_smoothing, Huber's delta, ignore_class; each with no
sample weights, per-sample weights (n,) and (n, 1); each under every reduction.
Predictions include saturated probabilities (exactly 0 and 1) to check the clipping.
"""
import keras
import pytest
from parity_data import draw, sample_weight
from parity_tools import assert_close

from glassnet.keras import losses

REDUCTIONS = ["sum_over_batch_size", "sum", "mean", "mean_with_sample_weight", None]
WEIGHTS = ["none", "per_sample", "column"]

# (class name, constructor options, how to draw the data)
LOSSES = [
    ("MeanSquaredError", {}, "regression"),
    ("MeanSquaredError", {}, "regression_1d_target"),
    ("MeanAbsoluteError", {}, "regression"),
    ("MeanAbsolutePercentageError", {}, "regression"),
    ("MeanSquaredLogarithmicError", {}, "regression"),
    ("Huber", {}, "regression"),
    ("Huber", {"delta": 0.5}, "regression"),
    ("Huber", {"delta": 2.5}, "regression"),
    ("LogCosh", {}, "regression"),
    ("BinaryCrossentropy", {}, "binary_probs"),
    ("BinaryCrossentropy", {}, "binary_1d_target"),
    ("BinaryCrossentropy", {"label_smoothing": 0.2}, "binary_probs"),
    ("BinaryCrossentropy", {"from_logits": True}, "binary_logits"),
    ("BinaryCrossentropy", {"from_logits": True, "label_smoothing": 0.1}, "binary_logits"),
    ("CategoricalCrossentropy", {}, "categorical_probs"),
    ("CategoricalCrossentropy", {}, "categorical_unnormalised"),
    ("CategoricalCrossentropy", {"label_smoothing": 0.3}, "categorical_probs"),
    ("CategoricalCrossentropy", {"from_logits": True}, "categorical_logits"),
    ("CategoricalCrossentropy", {"from_logits": True, "label_smoothing": 0.1}, "categorical_logits"),
    ("SparseCategoricalCrossentropy", {}, "sparse_probs"),
    ("SparseCategoricalCrossentropy", {}, "sparse_column_labels"),
    ("SparseCategoricalCrossentropy", {"from_logits": True}, "sparse_logits"),
    ("SparseCategoricalCrossentropy", {"ignore_class": 2}, "sparse_probs"),
    ("SparseCategoricalCrossentropy", {"from_logits": True, "ignore_class": 0}, "sparse_logits"),
    ("KLDivergence", {}, "categorical_probs"),
    ("Hinge", {}, "binary_logits"),
    ("Hinge", {}, "signed_logits"),
    ("SquaredHinge", {}, "binary_logits"),
    ("CategoricalHinge", {}, "categorical_logits"),
]


CASES = [
    pytest.param(i, name, options, data, reduction, weights,
                 id=f"{name}-{'-'.join(f'{k}={v}' for k, v in options.items()) or 'defaults'}-{data}"
                    f"-{reduction}-{weights}")
    for i, (name, options, data) in enumerate(LOSSES)
    for reduction in REDUCTIONS
    for weights in WEIGHTS
]


@pytest.mark.parametrize("seed, name, options, data, reduction, weights", CASES)
def test_loss_value(seed, name, options, data, reduction, weights):
    y_true, y_pred = draw(data, seed)
    sw = sample_weight(weights, seed)
    expected = getattr(keras.losses, name)(reduction=reduction, **options)(y_true, y_pred, sample_weight=sw)
    actual = getattr(losses, name)(reduction=reduction, **options)(y_true, y_pred, sample_weight=sw)
    assert_close(actual, expected, family="forward", seed=seed,
                 what=f"{name}({options}, reduction={reduction!r}) on {data} data, weights {weights}")


FUNCTIONS = ["mean_squared_error", "mean_absolute_error", "mean_absolute_percentage_error",
             "mean_squared_logarithmic_error", "huber", "log_cosh", "binary_crossentropy",
             "categorical_crossentropy", "kl_divergence", "hinge", "squared_hinge", "categorical_hinge"]


@pytest.mark.parametrize("name", FUNCTIONS)
def test_loss_function_per_sample(name):
    kind = {"binary_crossentropy": "binary_probs", "categorical_crossentropy": "categorical_probs",
            "kl_divergence": "categorical_probs", "hinge": "binary_logits",
            "squared_hinge": "binary_logits", "categorical_hinge": "categorical_logits"}.get(name, "regression")
    y_true, y_pred = draw(kind, seed=7)
    expected = getattr(keras.losses, name)(y_true, y_pred)
    actual = getattr(losses, name)(y_true, y_pred)
    assert_close(actual, expected, family="forward", what=f"losses.{name} per sample on {kind} data", seed=7)
