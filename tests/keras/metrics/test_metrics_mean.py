"""Mean, Sum, MeanMetricWrapper and the regression / cross-entropy metrics."""
import numpy as np
import pytest

from glassnet.keras import losses, metrics

RNG = np.random.default_rng(2)


def test_mean_weighted_running_mean():
    m = metrics.Mean()
    m.update_state([1.0, 3.0])
    m.update_state([5.0], sample_weight=[2.0])
    assert m.result() == 3.5  # (1 + 3 + 2 * 5) / (1 + 1 + 2)
    assert m.total.dtype == np.float32 and m.count.dtype == np.float32
    assert [v.name for v in m.variables] == ["total", "count"]


def test_mean_of_matrices_averages_rows_first():
    m = metrics.Mean()
    m.update_state(np.array([[1.0, 3.0], [5.0, 7.0]]), sample_weight=np.array([1.0, 3.0]))
    # row means 2 and 6: (1 * 2 + 3 * 6) / (1 + 3) = 5
    assert m.result() == 5.0


def test_mean_scalar_weight_weighs_the_whole_batch():
    # As in Keras: a 0-d weight first reduces the batch to its mean (3), then weighs it once.
    m = metrics.Mean()
    m.update_state(np.array([2.0, 4.0]), sample_weight=0.5)
    assert float(m.total.value) == 1.5 and float(m.count.value) == 0.5
    m.update_state(np.array([6.0]))
    assert m.result() == 5.0  # (1.5 + 6) / (0.5 + 1)


def test_mean_is_zero_before_updates_and_after_reset():
    m = metrics.Mean()
    assert m.result() == 0.0
    m.update_state([4.0])
    m.reset_state()
    assert m.result() == 0.0 and float(m.count.value) == 0.0


def test_sum():
    m = metrics.Sum()
    m.update_state([1.0, 2.0])
    m.update_state([3.0], sample_weight=[2.0])
    assert m.result() == 9.0


def test_accumulates_in_float32():
    m = metrics.Mean()
    m.update_state(np.full(3, 0.1))
    # float32 state: the result is float32's 0.1, not float64's
    assert m.result() == float(np.float32(0.1))


def test_mean_metric_wrapper_with_a_plain_function():
    def absolute(y_true, y_pred):
        return np.abs(y_true - y_pred)

    m = metrics.MeanMetricWrapper(absolute)
    assert m.name == "absolute"
    m.update_state(np.array([1.0, 2.0]), np.array([2.0, 5.0]))
    assert m.result() == 2.0  # (1 + 3) / 2


@pytest.mark.parametrize("cls, fn", [
    (metrics.MeanSquaredError, lambda t, p: np.mean((t - p) ** 2, -1)),
    (metrics.MeanAbsoluteError, lambda t, p: np.mean(np.abs(t - p), -1)),
    (metrics.MeanAbsolutePercentageError, lambda t, p: 100 * np.mean(np.abs(t - p) / np.abs(t), -1)),
    (metrics.MeanSquaredLogarithmicError, lambda t, p: np.mean((np.log1p(p) - np.log1p(t)) ** 2, -1)),
])
def test_regression_metrics_running_mean_over_two_batches(cls, fn):
    t1, p1 = RNG.uniform(0.5, 2, (4, 2)), RNG.uniform(0.5, 2, (4, 2))
    t2, p2 = RNG.uniform(0.5, 2, (2, 2)), RNG.uniform(0.5, 2, (2, 2))
    m = cls()
    m.update_state(t1, p1)
    m.update_state(t2, p2)
    expected = np.concatenate([fn(t1, p1), fn(t2, p2)]).mean()  # over all 6 samples
    assert m.result() == pytest.approx(expected, rel=1e-6)


def test_rmse_is_the_root_of_the_running_mean():
    m = metrics.RootMeanSquaredError()
    m.update_state(np.array([0.0, 0.0]), np.array([3.0, 4.0]))
    m.update_state(np.array([[0.0]]), np.array([[1.0]]))
    assert m.result() == pytest.approx(np.sqrt((9 + 16 + 1) / 3), rel=1e-6)
    m.reset_state()
    m.update_state(np.array([0.0, 0.0]), np.array([3.0, 4.0]), sample_weight=np.array([1.0, 0.0]))
    assert m.result() == pytest.approx(3.0)


def test_crossentropy_metrics_equal_the_unweighted_loss():
    y = np.array([1.0, 0.0, 1.0])
    p = np.array([[0.8], [0.3], [0.4]])
    expected = float(losses.BinaryCrossentropy()(y, p))  # (n,) target aligned with (n, 1)
    assert metrics.BinaryCrossentropy()(y, p) == pytest.approx(expected, rel=1e-6)
    labels, probs = np.array([0, 2]), np.array([[0.5, 0.2, 0.3], [0.1, 0.1, 0.8]])
    # -(log 0.5 + log 0.8) / 2
    assert metrics.SparseCategoricalCrossentropy()(labels, probs) == pytest.approx(
        -(np.log(0.5) + np.log(0.8)) / 2, rel=1e-6)
    assert metrics.CategoricalCrossentropy()(np.eye(3)[labels], probs) == pytest.approx(
        -(np.log(0.5) + np.log(0.8)) / 2, rel=1e-6)
    assert metrics.BinaryCrossentropy(from_logits=True)(np.array([[1.0]]), np.array([[0.0]])) == pytest.approx(
        np.log(2), rel=1e-6)


def test_metric_names():
    assert metrics.MeanSquaredError().name == "mean_squared_error"
    assert metrics.MeanAbsoluteError().name == "mean_absolute_error"
    assert metrics.RootMeanSquaredError().name == "root_mean_squared_error"
    assert metrics.BinaryCrossentropy().name == "binary_crossentropy"
    assert metrics.Mean().name == "mean"


def test_base_metric_is_abstract():
    with pytest.raises(NotImplementedError):
        metrics.Metric().result()
