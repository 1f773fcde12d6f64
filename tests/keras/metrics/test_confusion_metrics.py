"""The confusion counts, Precision, Recall and the rate-at-rate metrics, on hand-counted cases."""
import numpy as np
import pytest

from glassnet.keras import metrics
from glassnet.keras.metrics import confusion_counts

Y_TRUE = np.array([0, 0, 1, 1, 1, 0], dtype="float32")
Y_PRED = np.array([0.2, 0.5, 0.5, 0.9, 0.1, 0.7], dtype="float32")
# at 0.5 (strictly above is positive): predicted positive rows 3 and 5 -> tp 1 (row 3), fp 1 (row 5),
# fn 2 (rows 2, 4: 0.5 is not above 0.5), tn 2 (rows 0, 1)


@pytest.mark.parametrize("cls, expected", [(metrics.TruePositives, 1.0), (metrics.FalsePositives, 1.0),
                                           (metrics.TrueNegatives, 2.0), (metrics.FalseNegatives, 2.0)])
def test_counts_at_the_default_threshold(cls, expected):
    m = cls()
    m.update_state(Y_TRUE, Y_PRED)
    assert float(m.result()) == expected


def test_counts_add_up_over_batches_with_weights():
    m = metrics.TruePositives()
    m.update_state(Y_TRUE, Y_PRED, sample_weight=[1, 1, 1, 3, 1, 1])    # row 3 weighs 3
    m.update_state([[1.0], [1.0]], [[0.6], [0.4]], sample_weight=[[0.5], [2.0]])   # + 0.5
    assert float(m.result()) == 3.5
    m.reset_state()
    assert float(m.result()) == 0.0


def test_a_list_of_thresholds_gives_one_count_each():
    # thresholds 0, 0.5, 1 are evenly spread: Keras's bucket method, same counts
    for thresholds in ([0.0, 0.5, 1.0], [0.0, 0.45, 1.0]):
        m = metrics.FalseNegatives(thresholds=thresholds)
        m.update_state(Y_TRUE, Y_PRED)
        # positives 0.5, 0.9, 0.1: none <= 0; 0.5 and 0.1 <= 0.5 (0.1 only <= 0.45); all <= 1
        expected = [0.0, 2.0, 3.0] if thresholds[1] == 0.5 else [0.0, 1.0, 3.0]
        assert m.result().numpy().tolist() == expected


def test_evenly_spread_thresholds_are_recognised():
    assert confusion_counts.evenly_spread([0.0, 0.5, 1.0])
    assert not confusion_counts.evenly_spread([0.0, 0.4, 1.0])
    assert not confusion_counts.evenly_spread([0.0, 1.0])


def test_precision_and_recall():
    p, r = metrics.Precision(), metrics.Recall()
    for m in (p, r):
        m.update_state(Y_TRUE, Y_PRED)
    assert float(p.result()) == pytest.approx(1 / 2)   # tp 1 / (tp 1 + fp 1)
    assert float(r.result()) == pytest.approx(1 / 3)   # tp 1 / (tp 1 + fn 2)


def test_precision_is_zero_before_any_positive():
    m = metrics.Precision()
    assert float(m.result()) == 0.0
    m.update_state([1, 0], [0.1, 0.2])
    assert float(m.result()) == 0.0


def test_top_k_keeps_each_rows_k_highest_as_the_only_positives():
    y_true = np.array([[0, 1, 1], [1, 0, 0]], dtype="float32")
    y_pred = np.array([[0.1, 0.5, 0.4], [0.3, 0.6, 0.1]], dtype="float32")
    p, r = metrics.Precision(top_k=1), metrics.Recall(top_k=1)
    p.update_state(y_true, y_pred)
    r.update_state(y_true, y_pred)
    # positives: (0, 1) right, (1, 1) wrong -> precision 1/2; of 3 true labels 1 found -> recall 1/3
    assert float(p.result()) == pytest.approx(0.5)
    assert float(r.result()) == pytest.approx(1 / 3)


def test_class_id_looks_at_one_column():
    y_true = np.array([[0, 1, 1], [1, 0, 1]], dtype="float32")
    y_pred = np.array([[0.1, 0.5, 0.7], [0.3, 0.6, 0.2]], dtype="float32")
    r = metrics.Recall(class_id=2)
    r.update_state(y_true, y_pred)
    assert float(r.result()) == pytest.approx(0.5)   # column 2: 0.7 found, 0.2 missed
    with pytest.raises(ValueError, match="class_id"):
        metrics.Recall(class_id=0).update_state([1, 0], [0.4, 0.6])


def test_rate_at_rate_metrics():
    y_true = [0, 0, 0, 1, 1]
    y_pred = [0.0, 0.3, 0.8, 0.3, 0.8]
    # thresholds below 0.3: recall 1, specificity 1/3 (only 0.0 negative), precision 2/4
    # thresholds in [0.3, 0.8): recall 1/2, specificity 2/3, precision 1/2
    cases = [(metrics.SensitivityAtSpecificity(0.5), 0.5), (metrics.SpecificityAtSensitivity(0.5), 2 / 3),
             (metrics.SpecificityAtSensitivity(0.9), 1 / 3), (metrics.PrecisionAtRecall(0.9), 0.5),
             (metrics.RecallAtPrecision(0.9), 0.0)]
    for m, expected in cases:
        m.update_state(y_true, y_pred)
        assert float(m.result()) == pytest.approx(expected, abs=1e-6), type(m).__name__


def test_a_single_threshold_is_half():
    m = metrics.PrecisionAtRecall(0.0, num_thresholds=1)
    assert m.thresholds == [0.5]


@pytest.mark.parametrize("make, argument", [
    (lambda: metrics.Precision(thresholds=1.5), "thresholds"),
    (lambda: metrics.Recall(thresholds=[0.2, "x"]), "thresholds"),
    (lambda: metrics.TruePositives(thresholds=[]), "thresholds"),
    (lambda: metrics.Precision(top_k=0), "top_k"),
    (lambda: metrics.Recall(class_id=-1), "class_id"),
    (lambda: metrics.PrecisionAtRecall(1.5), "recall"),
    (lambda: metrics.RecallAtPrecision(0.5, num_thresholds=0), "num_thresholds"),
    (lambda: metrics.SensitivityAtSpecificity(-0.1), "specificity"),
])
def test_bad_arguments_are_named(make, argument):
    with pytest.raises(ValueError, match=f"`{argument}`"):
        make()


def test_config_round_trip_and_state():
    m = metrics.Precision(thresholds=[0.3, 0.6], class_id=1, name="p")
    config = m.get_config()
    assert config == {"name": "p", "dtype": "float32", "thresholds": [0.3, 0.6], "top_k": None, "class_id": 1}
    assert metrics.Precision.from_config(config).get_config() == config
    assert [(v.name, v.shape, v.numpy().dtype) for v in m.variables] == [
        ("true_positives", (2,), np.float32), ("false_positives", (2,), np.float32)]
    counts = metrics.FalsePositives(thresholds=0.3)
    assert counts.get_config()["thresholds"] == 0.3 and counts.variables[0].name == "accumulator"
