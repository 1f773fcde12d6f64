"""Regression losses, each function then its class: each compares y_true and y_pred
elementwise, then averages over the last axis, giving one loss per sample.

Every function aligns ranks first, so a (n,) target against a (n, 1)
prediction compares row by row; on two 1-D arrays the result is one number.
"""
import math

from glassnet import backend
from glassnet.autodiff import ops
from glassnet.keras import validation as check
from glassnet.keras.losses import fused
from glassnet.keras.losses._ops import mean
from glassnet.keras.losses.alignment import prepare
from glassnet.keras.losses.compiled import compiles_to
from glassnet.keras.losses.targets import check_regression, check_targets, checked_by
from glassnet.keras.losses.wrapper import BuiltinLoss


@checked_by(check_regression)
@compiles_to((fused.mean_squared_error, None))
def mean_squared_error(y_true, y_pred):
    """mean((y_true - y_pred)^2) over the last axis.

    >>> float(mean_squared_error([1.0, 2.0], [2.0, 4.0]))   # (1 + 4) / 2
    2.5
    """
    check_targets(check_regression, "mean_squared_error", y_true, y_pred)
    y_true, y_pred = prepare(y_true, y_pred)
    return fused.mean_squared_error(y_true, y_pred, axis=-1, y_true_grad=fused.tracks(y_true))


@checked_by(check_regression)
def mean_absolute_error(y_true, y_pred):
    """mean(|y_true - y_pred|) over the last axis.

    >>> float(mean_absolute_error([1.0, 2.0], [2.0, 4.0]))   # (1 + 2) / 2
    1.5
    """
    check_targets(check_regression, "mean_absolute_error", y_true, y_pred)
    y_true, y_pred = prepare(y_true, y_pred)
    return mean(ops.abs(y_true - y_pred), axis=-1)


@checked_by(check_regression)
def mean_absolute_percentage_error(y_true, y_pred):
    """100 * mean(|y_true - y_pred| / max(|y_true|, eps)) over the last axis.

    >>> float(mean_absolute_percentage_error([2.0, 4.0], [3.0, 3.0]))   # 100 * (0.5 + 0.25) / 2
    37.5
    """
    check_targets(check_regression, "mean_absolute_percentage_error", y_true, y_pred)
    y_true, y_pred = prepare(y_true, y_pred)
    scale = ops.maximum(ops.abs(y_true), backend.epsilon())
    return 100.0 * mean(ops.abs((y_true - y_pred) / scale), axis=-1)


@checked_by(check_regression)
def mean_squared_logarithmic_error(y_true, y_pred):
    """mean((log(1 + max(y_pred, eps)) - log(1 + max(y_true, eps)))^2) over the last axis.

    >>> round(float(mean_squared_logarithmic_error([math.e - 1], [0.0])), 5)   # (0 - 1)^2
    1.0
    """
    check_targets(check_regression, "mean_squared_logarithmic_error", y_true, y_pred)
    y_true, y_pred = prepare(y_true, y_pred)
    eps = backend.epsilon()
    first = ops.log(ops.maximum(y_pred, eps) + 1.0)
    second = ops.log(ops.maximum(y_true, eps) + 1.0)
    return mean(ops.square(first - second), axis=-1)


@checked_by(check_regression)
def huber(y_true, y_pred, delta=1.0):
    """The Huber loss: quadratic for small errors, linear for large ones.

    With e = y_pred - y_true:  0.5 e^2 if |e| <= delta else delta |e| - 0.5 delta^2,
    averaged over the last axis.

    >>> float(huber([0.0, 0.0], [0.5, 3.0]))   # (0.5 * 0.25 + (3 - 0.5)) / 2
    1.3125
    """
    check_targets(check_regression, "huber", y_true, y_pred)
    y_true, y_pred = prepare(y_true, y_pred)
    delta = float(delta)
    error = y_pred - y_true
    abs_error = ops.abs(error)
    quadratic = 0.5 * ops.square(error)
    linear = delta * abs_error - 0.5 * delta * delta
    return mean(ops.where(abs_error.value <= delta, quadratic, linear), axis=-1)


@checked_by(check_regression)
def log_cosh(y_true, y_pred):
    """mean(log(cosh(y_pred - y_true))) over the last axis.

    Computed as x + softplus(-2x) - log 2, which equals log(cosh x) but never
    overflows for large |x|.

    >>> round(float(log_cosh([0.0], [1.0])), 6)   # log(cosh 1)
    0.433781
    """
    check_targets(check_regression, "log_cosh", y_true, y_pred)
    y_true, y_pred = prepare(y_true, y_pred)
    x = y_pred - y_true
    return mean(x + ops.softplus(-2.0 * x) - math.log(2.0), axis=-1)


@checked_by(check_regression)
def poisson(y_true, y_pred):
    """mean(y_pred - y_true * log(y_pred + eps)) over the last axis: the Poisson negative log-likelihood
    of counts y_true with rate y_pred, less its constant log(y_true!).

    >>> round(float(poisson([2.0], [1.0])), 5)   # 1 - 2 log(1 + 1e-7)
    1.0
    """
    check_targets(check_regression, "poisson", y_true, y_pred)
    y_true, y_pred = prepare(y_true, y_pred)
    return mean(y_pred - y_true * ops.log(y_pred + backend.epsilon()), axis=-1)


@checked_by(check_regression)
def cosine_similarity(y_true, y_pred, axis=-1):
    """-sum(normalize(y_true) * normalize(y_pred)) over `axis`: -1 for parallel vectors, 0 for
    orthogonal ones and for a zero vector, 1 for opposite ones.

    >>> [round(float(v), 6) for v in cosine_similarity([[0.0, 1.0], [1.0, 1.0]], [[1.0, 0.0], [2.0, 2.0]])]
    [-0.0, -1.0]
    """
    check_targets(check_regression, "cosine_similarity", y_true, y_pred)
    y_true, y_pred = prepare(y_true, y_pred)
    return -ops.sum(_normalize(y_true, axis) * _normalize(y_pred, axis), axis=axis)


def _normalize(x, axis):
    """x / |x| along `axis`, as Keras: x * min(1 / sqrt(sum(x^2)), 1 / eps), which leaves a zero
    vector zero. Written as 1 / sqrt(max(sum(x^2), eps^2)), the same number, so that a zero
    vector's gradient is finite rather than 0 * inf."""
    eps = backend.epsilon()
    return x / ops.sqrt(ops.maximum(ops.sum(ops.square(x), axis=axis, keepdims=True), eps * eps))


class MeanSquaredError(BuiltinLoss):
    """mean((y_true - y_pred)^2) per sample, then reduced.

    >>> float(MeanSquaredError()(np.array([0.0, 1.0]), np.array([[1.0], [3.0]])))   # (1 + 4) / 2
    2.5
    """

    def __init__(self, reduction="sum_over_batch_size", name="mean_squared_error", dtype=None):
        super().__init__(mean_squared_error, reduction, name, dtype)


class MeanAbsoluteError(BuiltinLoss):
    """mean(|y_true - y_pred|) per sample, then reduced."""

    def __init__(self, reduction="sum_over_batch_size", name="mean_absolute_error", dtype=None):
        super().__init__(mean_absolute_error, reduction, name, dtype)


class MeanAbsolutePercentageError(BuiltinLoss):
    """100 * mean(|y_true - y_pred| / max(|y_true|, eps)) per sample, then reduced."""

    def __init__(self, reduction="sum_over_batch_size", name="mean_absolute_percentage_error", dtype=None):
        super().__init__(mean_absolute_percentage_error, reduction, name, dtype)


class MeanSquaredLogarithmicError(BuiltinLoss):
    """mean((log(1 + y_pred) - log(1 + y_true))^2) per sample, then reduced."""

    def __init__(self, reduction="sum_over_batch_size", name="mean_squared_logarithmic_error", dtype=None):
        super().__init__(mean_squared_logarithmic_error, reduction, name, dtype)


class Huber(BuiltinLoss):
    """Quadratic below `delta`, linear above: robust to outliers.

    Args:
        delta: the error size where the loss turns linear (positive).

    >>> float(Huber()(np.array([[0.0, 0.0]]), np.array([[0.5, 3.0]])))   # (0.125 + 2.5) / 2
    1.3125
    """

    def __init__(self, delta=1.0, reduction="sum_over_batch_size", name="huber_loss", dtype=None):
        super().__init__(huber, reduction, name, dtype, delta=check.positive("delta", delta))


class LogCosh(BuiltinLoss):
    """mean(log(cosh(y_pred - y_true))) per sample: like MSE / 2 for small errors, MAE for large."""

    def __init__(self, reduction="sum_over_batch_size", name="log_cosh", dtype=None):
        super().__init__(log_cosh, reduction, name, dtype)


class Poisson(BuiltinLoss):
    """mean(y_pred - y_true * log(y_pred + eps)) per sample, then reduced: for count targets and a
    positive predicted rate (an exponential or softplus output)."""

    def __init__(self, reduction="sum_over_batch_size", name="poisson", dtype=None):
        super().__init__(poisson, reduction, name, dtype)


class CosineSimilarity(BuiltinLoss):
    """-cos(angle between y_true and y_pred) along `axis` per sample, then reduced: minimising it
    makes the prediction point the target's way, whatever its length.

    Args:
        axis: the axis the vectors lie along.

    >>> round(float(CosineSimilarity()(np.array([[0.0, 1.0], [1.0, 1.0]]), np.array([[1.0, 0.0], [1.0, 1.0]]))), 6)
    -0.5
    """

    def __init__(self, axis=-1, reduction="sum_over_batch_size", name="cosine_similarity", dtype=None):
        super().__init__(cosine_similarity, reduction, name, dtype, axis=check.integer("axis", axis))
