"""Regression and hinge losses: hand-worked numbers, float64 references, gradients."""
import numpy as np
import pytest

from glassnet.autodiff import check_gradients
from glassnet.keras import losses

RNG = np.random.default_rng(1)
EPS = 1e-7
T = RNG.normal(size=(5, 3))
P = RNG.normal(size=(5, 3))

REFERENCES = {
    "mean_squared_error": lambda t, p: np.mean((t - p) ** 2, axis=-1),
    "mean_absolute_error": lambda t, p: np.mean(np.abs(t - p), axis=-1),
    "mean_absolute_percentage_error": lambda t, p: 100 * np.mean(np.abs(t - p) / np.maximum(np.abs(t), EPS), axis=-1),
    "mean_squared_logarithmic_error": lambda t, p: np.mean(
        (np.log1p(np.maximum(p, EPS)) - np.log1p(np.maximum(t, EPS))) ** 2, axis=-1),
    "huber": lambda t, p: np.mean(np.where(np.abs(p - t) <= 1, 0.5 * (p - t) ** 2, np.abs(p - t) - 0.5), axis=-1),
    "log_cosh": lambda t, p: np.mean(np.log(np.cosh(p - t)), axis=-1),
    "hinge": lambda t, p: np.mean(np.maximum(1 - t * p, 0), axis=-1),
    "squared_hinge": lambda t, p: np.mean(np.maximum(1 - t * p, 0) ** 2, axis=-1),
}
CLASSES = {
    "mean_squared_error": losses.MeanSquaredError, "mean_absolute_error": losses.MeanAbsoluteError,
    "mean_absolute_percentage_error": losses.MeanAbsolutePercentageError,
    "mean_squared_logarithmic_error": losses.MeanSquaredLogarithmicError, "huber": losses.Huber,
    "log_cosh": losses.LogCosh, "hinge": losses.Hinge, "squared_hinge": losses.SquaredHinge,
}


def targets(name):
    if name in ("hinge", "squared_hinge"):
        return np.sign(T)  # -1 / 1 labels
    if name == "mean_squared_logarithmic_error":
        return np.abs(T)
    return T


@pytest.mark.parametrize("name", sorted(REFERENCES))
def test_function_and_class_match_reference(name):
    t = targets(name)
    expected = REFERENCES[name](t, P)
    np.testing.assert_allclose(getattr(losses, name)(t, P).numpy(), expected, rtol=1e-10)
    assert float(CLASSES[name]()(t, P)) == pytest.approx(expected.mean(), rel=1e-10)


@pytest.mark.parametrize("name", sorted(REFERENCES))
def test_gradients(name):
    t = targets(name)
    check_gradients(lambda p: CLASSES[name]()(t, p), P)


def test_hand_worked_values():
    # errors 0.5 and 3 with delta 1: (0.5 * 0.25 + (1 * 3 - 0.5)) / 2 = (0.125 + 2.5) / 2
    assert float(losses.Huber()(np.array([[0.0, 0.0]]), np.array([[0.5, 3.0]], dtype="float32"))) == 1.3125
    # delta 2: error 3 is linear: 2 * 3 - 0.5 * 4 = 4; error 0.5 quadratic 0.125 -> 2.0625
    assert float(losses.Huber(delta=2.0)(np.array([[0.0, 0.0]]), np.array([[0.5, 3.0]]))) == 2.0625
    # MSE: ((1 - 2)^2 + (2 - 4)^2) / 2 = 2.5, a scalar on 1-D inputs
    out = losses.MSE(np.array([1.0, 2.0]), np.array([2.0, 4.0]))
    assert out.shape == () and float(out) == 2.5
    # MAE: (1 + 2) / 2
    assert float(losses.mae([1.0, 2.0], [2.0, 4.0])) == 1.5
    # MAPE: 100 * (|2 - 3| / 2 + |4 - 3| / 4) / 2 = 37.5
    assert float(losses.MAPE([2.0, 4.0], [3.0, 3.0])) == pytest.approx(37.5)
    # 0/1 hinge labels become -1/1: (max(1 - 0.5, 0) + max(1 + 0.5, 0)) / 2 = 1.0
    assert float(losses.hinge([1.0, 0.0], [0.5, 0.5])) == 1.0
    # categorical hinge: right 0.6, best wrong 0.3: max(0.3 - 0.6 + 1, 0) = 0.7
    assert float(losses.categorical_hinge([0.0, 1.0], [0.3, 0.6])) == pytest.approx(0.7)


def test_log_cosh_is_finite_for_large_errors():
    # log(cosh(1000)) = 1000 - log 2 (cosh itself would overflow)
    assert float(losses.log_cosh([0.0], [1000.0])) == pytest.approx(1000 - np.log(2))


def test_categorical_hinge_gradients():
    t = np.eye(3)[[0, 2, 1]]
    check_gradients(lambda p: losses.CategoricalHinge()(t, p), RNG.normal(size=(3, 3)))


def test_float32_in_float32_out():
    p = np.array([[0.5], [1.5]], dtype="float32")
    for cls in CLASSES.values():
        assert cls()(np.array([1, 0]), p).dtype == np.float32
        assert cls()(np.array([1.0, 0.0]), p.tolist()).dtype == np.float32  # Python floats are floatx


def test_float64_predictions_compute_in_float64():
    p = np.array([[0.1], [0.2]])
    assert losses.MeanSquaredError()(np.array([0, 1]), p).dtype == np.float64
    assert losses.MeanSquaredError(dtype="float32")(np.array([0, 1]), p).dtype == np.float32


def test_rank_alignment_n_vs_n1():
    y = np.array([1.0, 2.0, 3.0])
    p = np.array([[1.5], [2.0], [5.0]])
    # row by row: (0.25 + 0 + 4) / 3, not a (3, 3) broadcast
    expected = (0.25 + 0.0 + 4.0) / 3
    assert float(losses.MeanSquaredError()(y, p)) == pytest.approx(expected)
    assert float(losses.MeanSquaredError()(p, y)) == pytest.approx(expected)
    np.testing.assert_allclose(losses.mse(y, p).numpy(), [0.25, 0.0, 4.0])


def test_huber_delta_must_be_positive():
    with pytest.raises(ValueError, match=r"delta.*positive.*-1"):
        losses.Huber(delta=-1)
