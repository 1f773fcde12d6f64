"""AUC on hand-worked curves: three thresholds (-eps, 0.5, 1 + eps) over four samples.

    y_true [0, 0, 1, 1], y_pred [0, 0.5, 0.3, 0.9]
    tp [2, 1, 0]  fp [2, 0, 0]  tn [0, 2, 2]  fn [0, 1, 2]
    ROC: fpr [1, 0, 0], tpr [1, 0.5, 0]      PR: recall [1, 0.5, 0], precision [0.5, 1, 0]
"""
import math

import numpy as np
import pytest

from glassnet.keras import metrics

Y_TRUE, Y_PRED = [0, 0, 1, 1], [0.0, 0.5, 0.3, 0.9]


def _auc(**options):
    m = metrics.AUC(num_thresholds=3, **options)
    m.update_state(Y_TRUE, Y_PRED)
    return float(m.result())


def test_roc_interpolation_minoring_majoring():
    assert _auc() == pytest.approx(1 * (1 + 0.5) / 2)                 # (1 - 0) * mean(1, 0.5)
    assert _auc(summation_method="minoring") == pytest.approx(0.5)   # 1 * min(1, 0.5)
    assert _auc(summation_method="majoring") == pytest.approx(1.0)


def test_pr_minoring_and_majoring_sum_precision_over_recall():
    assert _auc(curve="PR", summation_method="minoring") == pytest.approx(0.5 * 0.5 + 0.5 * 0.0)
    assert _auc(curve="PR", summation_method="majoring") == pytest.approx(0.5 * 1 + 0.5 * 1)


def test_pr_interpolation_is_keras_integral():
    # interval 1: dtp 1, p 4 -> 1, slope 1/3, intercept 2/3: (1/3)(1 + (2/3) ln 4) / 2
    # interval 2: dtp 1, p 1 -> 0, slope 1, intercept 0, p ratio taken as 1: 1 / 2
    expected = (1 / 3) * (1 + (2 / 3) * math.log(4)) / 2 + 0.5
    assert _auc(curve="PR") == pytest.approx(expected, rel=1e-6)


def test_thresholds_given_are_sorted_and_kept_in_the_config():
    m = metrics.AUC(thresholds=[0.5, 0.2])
    assert m.num_thresholds == 4
    assert m.thresholds[1:-1] == [0.2, 0.5] and m.thresholds[0] < 0 < 1 < m.thresholds[-1]
    assert m.get_config()["thresholds"] == [0.2, 0.5]
    assert "thresholds" not in metrics.AUC().get_config()


def test_multi_label_averages_one_curve_per_label():
    y_true = np.array([[0, 1], [0, 0], [1, 1], [1, 0]], dtype="float32")
    y_pred = np.array([[0.0, 0.9], [0.5, 0.8], [0.3, 0.2], [0.9, 0.1]], dtype="float32")
    column = []
    for j in range(2):
        m = metrics.AUC(num_thresholds=3)
        m.update_state(y_true[:, j], y_pred[:, j])
        column.append(float(m.result()))
    m = metrics.AUC(num_thresholds=3, multi_label=True)
    assert m.variables == []                       # shapes known at the first update
    m.update_state(y_true, y_pred)
    assert m.true_positives.shape == (3, 2)
    assert float(m.result()) == pytest.approx(np.mean(column))
    weighted = metrics.AUC(num_thresholds=3, multi_label=True, num_labels=2, label_weights=[3.0, 1.0])
    weighted.update_state(y_true, y_pred)
    assert float(weighted.result()) == pytest.approx((3 * column[0] + column[1]) / 4)


def test_from_logits_applies_a_sigmoid():
    logits = np.log(np.array(Y_PRED[1:]) / (1 - np.array(Y_PRED[1:])))
    m = metrics.AUC(num_thresholds=3, from_logits=True)
    m.update_state(Y_TRUE[1:], logits)
    plain = metrics.AUC(num_thresholds=3)
    plain.update_state(Y_TRUE[1:], Y_PRED[1:])
    assert float(m.result()) == pytest.approx(float(plain.result()))


def test_sample_weights_weigh_the_counts():
    m = metrics.AUC(num_thresholds=3)
    m.update_state(Y_TRUE, Y_PRED, sample_weight=[1, 1, 0, 1])    # drop the positive at 0.3
    assert float(m.result()) == pytest.approx(1.0)                 # the rest is separated at 0.5


@pytest.mark.parametrize("options, argument", [
    ({"curve": "ROCX"}, "curve"), ({"summation_method": "trapezoid"}, "summation_method"),
    ({"num_thresholds": 1}, "num_thresholds"), ({"thresholds": [0.5, 2.0]}, "thresholds"),
    ({"label_weights": [1.0, -1.0]}, "label_weights"), ({"multi_label": "yes"}, "multi_label"),
])
def test_bad_arguments_are_named(options, argument):
    with pytest.raises((ValueError, TypeError), match=f"`{argument}`"):
        metrics.AUC(**options)


def test_num_labels_needs_multi_label():
    with pytest.raises(ValueError, match="num_labels"):
        metrics.AUC(num_labels=3)


def test_config_round_trip():
    m = metrics.AUC(num_thresholds=50, curve="pr", summation_method="Minoring", multi_label=True,
                    num_labels=2, label_weights=[1.0, 2.0], from_logits=True, name="a")
    config = m.get_config()
    assert config == {"name": "a", "dtype": "float32", "num_thresholds": 50, "curve": "PR",
                      "summation_method": "minoring", "multi_label": True, "num_labels": 2,
                      "label_weights": [1.0, 2.0], "from_logits": True}
    assert metrics.AUC.from_config(config).get_config() == config
    assert [v.name for v in m.variables] == ["true_positives", "false_positives", "true_negatives",
                                             "false_negatives"]
