"""The regression loss classes: a function from regression.py as a Loss object."""
from glassnet.keras import validation as check
from glassnet.keras.losses.wrapper import BuiltinLoss
from glassnet.keras.losses.regression import (
    cosine_similarity, huber, log_cosh, mean_absolute_error, mean_absolute_percentage_error,
    mean_squared_error, mean_squared_logarithmic_error, poisson,
)


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
