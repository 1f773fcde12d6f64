"""Regression metrics: running means of the regression loss functions."""
import numpy as np

from glassnet.keras.losses import regression
from glassnet.keras.losses.alignment import squeeze_or_expand_to_same_rank
from glassnet.keras.metrics.mean import Mean, MeanMetricWrapper, plain
from glassnet.keras.metrics.metric import scalar


class MeanSquaredError(MeanMetricWrapper):
    """The running mean of mean_squared_error over all samples seen."""

    def __init__(self, name="mean_squared_error", dtype=None):
        super().__init__(regression.mean_squared_error, name=name, dtype=dtype)


class MeanAbsoluteError(MeanMetricWrapper):
    """The running mean of mean_absolute_error over all samples seen."""

    def __init__(self, name="mean_absolute_error", dtype=None):
        super().__init__(regression.mean_absolute_error, name=name, dtype=dtype)


class MeanAbsolutePercentageError(MeanMetricWrapper):
    """The running mean of mean_absolute_percentage_error over all samples seen."""

    def __init__(self, name="mean_absolute_percentage_error", dtype=None):
        super().__init__(regression.mean_absolute_percentage_error, name=name, dtype=dtype)


class MeanSquaredLogarithmicError(MeanMetricWrapper):
    """The running mean of mean_squared_logarithmic_error over all samples seen."""

    def __init__(self, name="mean_squared_logarithmic_error", dtype=None):
        super().__init__(regression.mean_squared_logarithmic_error, name=name, dtype=dtype)


class RootMeanSquaredError(Mean):
    """sqrt(mean((y_true - y_pred)^2)) over every entry seen since the last reset.

    The square root is taken of the running mean, not averaged per batch.

    >>> m = RootMeanSquaredError()
    >>> m.update_state(np.array([0.0, 0.0]), np.array([3.0, 4.0]))   # sqrt((9 + 16) / 2)
    >>> round(float(m.result()), 5)
    3.53553
    """

    def __init__(self, name="root_mean_squared_error", dtype=None):
        super().__init__(name=name, dtype=dtype)

    def update_state(self, y_true, y_pred, sample_weight=None):
        y_true = np.asarray(plain(y_true), dtype=self._dtype)
        y_pred = np.asarray(plain(y_pred), dtype=self._dtype)
        y_true, y_pred = squeeze_or_expand_to_same_rank(y_true, y_pred)
        super().update_state(np.square(y_pred - y_true), sample_weight=sample_weight)

    def result(self):
        # The square root in float32, as Keras takes it of its float32 state.
        return scalar(np.sqrt(np.float32(super().result())), self._dtype)
