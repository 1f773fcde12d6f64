"""F1Score and FBetaScore on hand-counted cases."""
import numpy as np
import pytest

from glassnet.keras import metrics

Y_TRUE = np.array([[1, 0, 0], [0, 1, 0], [0, 1, 0], [0, 0, 1]], dtype="float32")
Y_PRED = np.array([[0.8, 0.1, 0.1], [0.6, 0.3, 0.1], [0.1, 0.7, 0.2], [0.0, 0.0, 0.0]], dtype="float32")
# argmax positives: (0, 0), (1, 0), (2, 1); the all-zero row predicts nothing
# class 0: tp 1 fp 1 fn 0 -> p 1/2 r 1 -> F1 2/3;  class 1: tp 1 fp 0 fn 1 -> F1 2/3;  class 2: fn 1 -> 0
EPS = 1e-7


def _f1(**options):
    m = metrics.F1Score(**options)
    m.update_state(Y_TRUE, Y_PRED)
    return m.result().numpy()


def test_per_class_scores_from_each_rows_maximum():
    np.testing.assert_allclose(_f1(), [2 / 3, 2 / 3, 0.0], atol=1e-6)


def test_averages():
    assert _f1(average="macro") == pytest.approx(4 / 9, abs=1e-6)
    assert _f1(average="weighted") == pytest.approx((2 / 3 * 1 + 2 / 3 * 2 + 0 * 1) / 4, abs=1e-6)
    # micro: tp 2, fp 1, fn 2 -> p 2/3, r 1/2 -> 2 p r / (p + r) = 4/7
    assert _f1(average="micro") == pytest.approx(4 / 7, abs=1e-6)


def test_threshold_and_beta():
    m = metrics.FBetaScore(beta=2.0, threshold=0.5, average="micro")
    m.update_state(Y_TRUE, Y_PRED)
    # above 0.5: (0, 0) right, (1, 0) wrong, (2, 1) right -> tp 2, fp 1, fn 2: p 2/3, r 1/2
    p, r = 2 / 3, 1 / 2
    assert float(m.result()) == pytest.approx(5 * p * r / (4 * p + r), abs=1e-6)


def test_sample_weights_and_reset():
    m = metrics.F1Score(average="micro")
    m.update_state(Y_TRUE, Y_PRED, sample_weight=[1, 0, 1, 1])    # drop the wrong row: p 1, r 2/3
    assert float(m.result()) == pytest.approx(0.8, abs=1e-6)
    m.reset_state()
    assert float(m.result()) == 0.0


@pytest.mark.parametrize("make, argument", [
    (lambda: metrics.F1Score(average="samples"), "average"),
    (lambda: metrics.FBetaScore(beta=1), "beta"),                 # Keras wants a Python float
    (lambda: metrics.FBetaScore(beta=-1.0), "beta"),
    (lambda: metrics.F1Score(threshold=1.5), "threshold"),
])
def test_bad_arguments_are_named(make, argument):
    with pytest.raises(ValueError, match=f"`{argument}`"):
        make()


def test_inputs_must_be_two_dimensional():
    with pytest.raises(ValueError, match="2D inputs"):
        metrics.F1Score().update_state([1.0, 0.0], [0.4, 0.6])


def test_config_and_state():
    m = metrics.F1Score(average="macro", threshold=0.4)
    assert m.get_config() == {"name": "f1_score", "dtype": "float32", "average": "macro", "threshold": 0.4}
    assert "beta" in metrics.FBetaScore().get_config()
    m.update_state(Y_TRUE, Y_PRED)
    assert [(v.name, v.shape) for v in m.variables] == [
        ("true_positives", (3,)), ("false_positives", (3,)), ("false_negatives", (3,)), ("intermediate_weights", (3,))]
