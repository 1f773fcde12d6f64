"""The new metrics by name in compile, logged under Keras's keys, saved and loaded with a model."""
import numpy as np
import pytest

import glassnet as tf
from glassnet import keras
from glassnet.keras import metrics


@pytest.mark.parametrize("name, cls", [
    ("precision", metrics.Precision), ("recall", metrics.Recall), ("auc", metrics.AUC), ("AUC", metrics.AUC),
    ("true_positives", metrics.TruePositives), ("false_negatives", metrics.FalseNegatives),
    ("f1_score", metrics.F1Score), ("f_beta_score", metrics.FBetaScore), ("r2_score", metrics.R2Score),
    ("cosine_similarity", metrics.CosineSimilarity), ("log_cosh_error", metrics.LogCoshError),
    ("top_k_categorical_accuracy", metrics.TopKCategoricalAccuracy),
    ("sparse_top_k_categorical_accuracy", metrics.SparseTopKCategoricalAccuracy),
])
def test_strings_keras_3_accepts(name, cls):
    metric = metrics.get(name)
    assert type(metric) is cls and metric.name == name


def test_strings_keras_3_refuses():
    for name in ("prc", "f1", "top_k_accuracy", "logcosh_error"):
        with pytest.raises(ValueError, match="metric"):
            metrics.get(name)
    with pytest.raises(TypeError, match="num_classes"):   # Keras: MeanIoU() without its argument
        metrics.get("mean_io_u")


def test_public_paths():
    assert tf.keras.metrics.AUC is metrics.AUC
    assert tf.keras.metrics.top_k_categorical_accuracy is metrics.top_k_categorical_accuracy


def _data():
    rng = np.random.default_rng(3)
    x = rng.normal(size=(64, 4)).astype("float32")
    return x, (x[:, :1] - x[:, 1:2] > 0).astype("float32")


def _model():
    model = keras.Sequential([keras.Input((4,)), keras.layers.Dense(1, activation="sigmoid")])
    model.compile("adam", "binary_crossentropy",
                  metrics=["auc", "auc", metrics.AUC(curve="PR", name="prc"),
                           metrics.Precision(thresholds=[0.3, 0.6], name="precision"),
                           metrics.FalseNegatives(name="fn"), metrics.F1Score(threshold=0.5),
                           metrics.AUC(label_weights=[2.0], name="weighted_counts")],
                  weighted_metrics=["auc"])
    return model


def test_one_name_twice_logs_name_1_and_weighted_name():
    x, y = _data()
    history = _model().fit(x, y, sample_weight=np.linspace(0.5, 2, 64), epochs=1, batch_size=16, verbose=0)
    assert list(history.history) == ["auc", "auc_1", "f1_score", "fn", "loss", "prc", "precision",
                                     "weighted_auc", "weighted_counts"]
    assert np.shape(history.history["precision"][0]) == (2,)      # one value per threshold


def test_a_model_compiled_with_them_saves_and_loads(tmp_path):
    x, y = _data()
    model = _model()
    model.fit(x, y, epochs=2, batch_size=16, verbose=0)
    before = model.evaluate(x, y, verbose=0, return_dict=True)
    model.save(tmp_path / "m.keras")
    loaded = keras.models.load_model(tmp_path / "m.keras")
    after = loaded.evaluate(x, y, verbose=0, return_dict=True)
    assert sorted(after) == sorted(before)
    for key in before:
        np.testing.assert_allclose(after[key], before[key], rtol=1e-6, err_msg=key)
    configs = {m.name: m.get_config() for m in loaded.compiled_metrics.metrics}
    assert configs["prc"]["curve"] == "PR" and configs["weighted_counts"]["label_weights"] == [2.0]


def test_metric_serialize_round_trip():
    for metric in (metrics.AUC(num_thresholds=7, multi_label=True, num_labels=2, label_weights=[1.0, 3.0]),
                   metrics.Recall(top_k=2, class_id=1), metrics.MeanIoU(3, ignore_class=0),
                   metrics.SpecificityAtSensitivity(0.4, num_thresholds=5), metrics.FBetaScore(beta=2.0),
                   metrics.SparseTopKCategoricalAccuracy(k=3, from_sorted_ids=True), metrics.R2Score(num_regressors=1),
                   metrics.BinaryIoU(threshold=0.3), metrics.OneHotIoU(3, [0, 2]), metrics.TrueNegatives([0.2, 0.4])):
        back = metrics.deserialize(metrics.serialize(metric))
        assert type(back) is type(metric) and back.get_config() == metric.get_config()
