"""Every metric class, glassnet against Keras: two weighted updates, then the running result."""
import keras
import numpy as np
import pytest
from parity_data import draw, sample_weight
from parity_tools import assert_close

from glassnet.keras import metrics

METRICS = [
    ("MeanSquaredError", {}, "regression"),
    ("MeanAbsoluteError", {}, "regression"),
    ("MeanAbsolutePercentageError", {}, "regression"),
    ("MeanSquaredLogarithmicError", {}, "regression"),
    ("RootMeanSquaredError", {}, "regression"),
    ("Accuracy", {}, "sparse_column_labels"),
    ("BinaryAccuracy", {}, "binary_probs"),
    ("BinaryAccuracy", {"threshold": 0.3}, "binary_probs"),
    ("CategoricalAccuracy", {}, "categorical_probs"),
    ("SparseCategoricalAccuracy", {}, "sparse_probs"),
    ("SparseCategoricalAccuracy", {}, "sparse_column_labels"),
    ("BinaryCrossentropy", {}, "binary_probs"),
    ("BinaryCrossentropy", {"from_logits": True, "label_smoothing": 0.2}, "binary_logits"),
    ("CategoricalCrossentropy", {}, "categorical_probs"),
    ("CategoricalCrossentropy", {"from_logits": True, "label_smoothing": 0.1}, "categorical_logits"),
    ("SparseCategoricalCrossentropy", {}, "sparse_probs"),
    ("SparseCategoricalCrossentropy", {"from_logits": True}, "sparse_logits"),
    ("Hinge", {}, "signed_logits"),
    ("SquaredHinge", {}, "binary_probs"),
    ("CategoricalHinge", {}, "categorical_logits"),
    ("KLDivergence", {}, "categorical_probs"),
    ("Poisson", {}, "counts"),
    ("PearsonCorrelation", {}, "regression"),
    ("ConcordanceCorrelation", {}, "regression"),
]


@pytest.mark.parametrize("weights", ["none", "per_sample"])
@pytest.mark.parametrize("seed, name, options, data",
                         [pytest.param(i, *m, id=f"{m[0]}-{m[1]}-{m[2]}") for i, m in enumerate(METRICS)])
def test_metric_running_result(seed, name, options, data, weights):
    if name == "Accuracy":
        y_true, y_pred = draw(data, seed)
        y_pred = np.argmax(y_pred, axis=-1).reshape(-1, 1).astype("float32")   # equal-or-not values
        y_true = y_true.astype("float32")
    else:
        y_true, y_pred = draw(data, seed)
    keras_metric = getattr(keras.metrics, name)(**options)
    glassnet_metric = getattr(metrics, name)(**options)
    for part in (slice(0, 4), slice(4, None)):
        sw = sample_weight(weights, seed)
        sw = None if sw is None else sw[part]
        keras_metric.update_state(y_true[part], y_pred[part], sample_weight=sw)
        glassnet_metric.update_state(y_true[part], y_pred[part], sample_weight=sw)
        assert_close(glassnet_metric.result(), keras_metric.result(), family="forward", seed=seed,
                     what=f"metrics.{name}({options}) after rows {part}, weights {weights}")
