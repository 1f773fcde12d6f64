"""The classification and regression metrics, glassnet against Keras: standalone and in fit.

Standalone, each metric gets three random weighted batches (update_state, result after each),
then reset_state and result again; its variables (names, shapes, values), its config and its
default name are compared too. The sample weights are multiples of 1/4, so every weighted count
is exact in float32 whatever order the sums are taken in: the counts must then be equal, not
close. (With arbitrary float weights, fn = total - tp is a difference of two float32 sums whose
roundings depend on the order of summation, different in XLA and NumPy.)

In fit, a model compiled with these metrics (by name and by object, plain and weighted) trains
from Keras's initial weights, and History must equal Keras's.
"""
import warnings

import keras
import numpy as np
import pytest
from parity_tools import assert_close

import glassnet.keras as gk
from glassnet.keras import metrics

N = 24


def _batches(kind, seed, count=3):
    """`count` (y_true, y_pred, sample_weight) batches of one kind of data."""
    rng = np.random.default_rng(seed)
    return [_batch(kind, rng) for _ in range(count)]


def _batch(kind, rng):
    weights = (rng.integers(0, 9, N) / 4).astype("float32")
    bits = rng.integers(0, 2, (N, 4)).astype("float32")   # four columns everywhere: Keras compiles
    probs = rng.uniform(size=(N, 4)).astype("float32")     # each op once per shape, so fewer shapes run faster
    probs[0, 0], probs[1, 1], probs[2, 2], probs[3, 0] = 0.0, 1.0, 0.5, 0.25   # on thresholds
    labels = rng.integers(0, 4, N)
    scores = rng.uniform(size=(N, 4)).astype("float32")
    scores[0, :2] = scores[0, 2]                                              # a tie
    if kind == "binary":
        return bits, probs, weights
    if kind == "binary_column":
        return bits[:, 0], probs[:, :1], weights
    if kind == "logits":
        return bits, rng.normal(scale=3, size=(N, 4)).astype("float32"), weights
    if kind == "one_hot":
        return np.eye(4, dtype="float32")[labels], scores, weights
    if kind == "sparse":
        return labels.astype("int32"), scores, weights
    if kind == "segmentation":
        return (rng.integers(0, 4, (N, 4)), rng.integers(-1, 5, (N, 4)),
                rng.integers(0, 3, (N, 4)).astype("int32"))
    if kind == "regression":
        return rng.normal(size=(N, 4)).astype("float32"), rng.normal(size=(N, 4)).astype("float32"), weights
    raise ValueError(kind)


CASES = [
    ("TruePositives", {}, "binary"),
    ("FalsePositives", {"thresholds": [0.0, 0.5, 1.0]}, "binary"),
    ("TrueNegatives", {"thresholds": [0.1, 0.25, 0.9]}, "binary"),
    ("FalseNegatives", {"thresholds": 0.25}, "binary_column"),
    ("Precision", {}, "binary"),
    ("Precision", {"top_k": 2}, "one_hot"),
    ("Recall", {}, "binary_column"),
    ("Recall", {"top_k": 1, "class_id": 2}, "one_hot"),
    ("Recall", {"class_id": 1, "thresholds": [0.25, 0.5, 0.75]}, "binary"),
    ("AUC", {}, "binary"),
    ("AUC", {"curve": "PR"}, "binary"),
    ("AUC", {"curve": "PR", "summation_method": "minoring", "num_thresholds": 11}, "binary"),
    ("AUC", {"summation_method": "majoring", "curve": "PRGAIN"}, "binary_column"),
    ("AUC", {"thresholds": [0.7, 0.2, 0.25], "multi_label": True, "curve": "PR"}, "binary"),
    ("AUC", {"multi_label": True, "num_labels": 4, "label_weights": [1.0, 2.0, 0.5, 0.0]}, "binary"),
    ("AUC", {"label_weights": [1.0, 0.0, 0.5, 2.0], "curve": "PR"}, "binary"),
    ("AUC", {"from_logits": True}, "logits"),
    ("PrecisionAtRecall", {"recall": 0.6}, "binary"),
    ("RecallAtPrecision", {"precision": 0.5, "num_thresholds": 9}, "binary"),
    ("SensitivityAtSpecificity", {"specificity": 0.4, "class_id": 1}, "binary"),
    ("SpecificityAtSensitivity", {"sensitivity": 0.7, "num_thresholds": 1}, "binary"),
    ("F1Score", {"average": "micro", "threshold": 0.5}, "binary"),
    ("F1Score", {"average": "macro"}, "one_hot"),
    ("FBetaScore", {"average": "weighted", "beta": 2.0, "threshold": 0.25}, "one_hot"),
    ("MeanIoU", {"num_classes": 4, "ignore_class": 0}, "segmentation"),
    ("IoU", {"num_classes": 4, "target_class_ids": [1, 3]}, "segmentation"),
    ("OneHotMeanIoU", {"num_classes": 4}, "one_hot"),
    ("BinaryIoU", {"target_class_ids": [1], "threshold": 0.3}, "binary_column"),
    ("TopKCategoricalAccuracy", {"k": 2}, "one_hot"),
    ("SparseTopKCategoricalAccuracy", {"k": 1}, "sparse"),
    ("R2Score", {}, "regression"),
    ("R2Score", {"class_aggregation": None, "num_regressors": 2}, "regression"),
    ("R2Score", {"class_aggregation": "variance_weighted_average", "num_regressors": 80}, "regression"),
    ("CosineSimilarity", {}, "regression"),
    ("LogCoshError", {}, "regression"),
]
CONTINUOUS = ("R2Score", "CosineSimilarity", "LogCoshError")   # sums of real values, not counts


def _plain_config(config):
    return {key: np.asarray(value).tolist() if hasattr(value, "shape") else value
            for key, value in config.items()}


def _variables(metric):
    return [(v.name if hasattr(v, "name") else v.path, tuple(v.shape)) for v in metric.variables]


@pytest.mark.parametrize("seed, name, options, kind",
                         [pytest.param(i, *case, id=f"{case[0]}-{case[1]}-{case[2]}") for i, case in enumerate(CASES)])
def test_metric_matches_keras(seed, name, options, kind):
    theirs = getattr(keras.metrics, name)(**options)
    mine = getattr(metrics, name)(**options)
    what = f"metrics.{name}({options})"
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")   # the IoU metrics warn about float weights in both
        for step, (y_true, y_pred, weight) in enumerate(_batches(kind, seed)):
            theirs.update_state(y_true, y_pred, sample_weight=weight)
            mine.update_state(y_true, y_pred, sample_weight=weight)
            assert_close(mine.result(), theirs.result(), family="forward", seed=seed, what=f"{what} step {step}")
    for a, b in zip(mine.variables, theirs.variables):
        if name in CONTINUOUS:
            assert_close(a.numpy(), np.asarray(b), family="forward", seed=seed, what=f"{what}: state {b.path}")
        else:   # counts of exactly representable weights: equal
            np.testing.assert_array_equal(a.numpy(), np.asarray(b), err_msg=f"{what}: state {b.path}")
    assert [(v.name, v.shape) for v in mine.variables] == [(v.name, tuple(v.shape)) for v in theirs.variables]
    assert [v.numpy().dtype for v in mine.variables] == [np.dtype(v.dtype) for v in theirs.variables]
    mine.reset_state()
    theirs.reset_state()
    assert_close(mine.result(), theirs.result(), family="forward", seed=seed, what=f"{what} after reset")
    assert _plain_config(mine.get_config()) | {"name": None} == _plain_config(theirs.get_config()) | {"name": None}


def test_default_names_count_up_as_keras():
    """Unnamed metrics take the snake-cased class name, then _1, _2 (those with a fixed default do not)."""
    for library in (keras, gk):
        library.backend.clear_session()
    names = {}
    for library in (keras, gk):
        m = library.metrics
        made = [m.Precision(), m.Precision(), m.AUC(), m.AUC(), m.TruePositives(), m.MeanIoU(2), m.F1Score(),
                m.F1Score(), m.R2Score(), m.LogCoshError(), m.TopKCategoricalAccuracy(), m.BinaryIoU()]
        names[library.__name__] = [metric.name for metric in made]
    assert names["glassnet.keras"] == names["keras"]


# --- in fit ------------------------------------------------------------------------------------
def _binary_data():
    rng = np.random.default_rng(7)
    x = rng.normal(size=(96, 5)).astype("float32")
    y = (x[:, :1] + 0.5 * x[:, 1:2] + rng.normal(scale=0.7, size=(96, 1)) > 0.4).astype("float32")
    weights = (rng.integers(1, 9, 96) / 4).astype("float32")
    return x, y, weights


def _compile_metrics(library):
    m = library.metrics
    plain = ["precision", "recall", "auc", "auc", m.AUC(curve="PR", name="prc"), m.TruePositives(name="tp"),
             m.FalseNegatives(name="fn"), m.F1Score(threshold=0.5, name="f1")]
    weighted = ["auc", m.Precision(thresholds=[0.3, 0.6], name="p2")]
    return plain, weighted


def _fit(library, initial=None):
    x, y, weights = _binary_data()
    model = library.Sequential([library.Input((5,)), library.layers.Dense(4, activation="tanh"),
                                library.layers.Dense(1, activation="sigmoid")])
    if initial is not None:
        model.set_weights(initial)
    start = [np.asarray(w) for w in model.get_weights()]
    plain, weighted = _compile_metrics(library)
    model.compile(optimizer=library.optimizers.Adam(0.05), loss="binary_crossentropy", metrics=plain,
                  weighted_metrics=weighted)
    history = model.fit(x[:72], y[:72], sample_weight=weights[:72], batch_size=24, epochs=2, shuffle=False,
                        verbose=0, validation_data=(x[72:], y[72:], weights[72:]))
    return start, history.history


def test_fit_history_matches_keras():
    start, theirs = _fit(keras)
    _, mine = _fit(gk, initial=start)
    assert list(mine) == list(theirs)
    for key, values in theirs.items():
        assert_close(np.array(mine[key], dtype=np.float64), np.array(values, dtype=np.float64),
                     family="fit", what=f"History[{key!r}]")
