"""Regression metrics: running means of the regression loss functions, and cosine similarity."""
import numpy as np

from glassnet import backend
from glassnet.keras import validation as check
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


def cosine_similarity(y_true, y_pred, axis=-1):
    """sum(normalize(y_true) * normalize(y_pred)) over `axis`: 1 for parallel vectors, 0 for
    orthogonal ones or a zero vector (the metric's sign; the loss of the same name is its negative).

    >>> cosine_similarity(np.array([[0.0, 1.0], [1.0, 1.0]]), np.array([[1.0, 0.0], [2.0, 2.0]]))
    array([0., 1.])
    """
    y_pred = np.asarray(plain(y_pred))
    y_true = np.asarray(plain(y_true)).astype(y_pred.dtype)
    y_true, y_pred = squeeze_or_expand_to_same_rank(y_true, y_pred)
    return np.sum(_l2_normalize(y_true, axis) * _l2_normalize(y_pred, axis), axis=axis)


def _l2_normalize(x, axis):
    """x * min(1 / sqrt(sum(x^2)), 1 / eps) along `axis`, as Keras: a zero vector stays zero."""
    with np.errstate(divide="ignore"):
        inverse = 1 / np.sqrt(np.sum(np.square(x), axis=axis, keepdims=True))
    return x * np.minimum(inverse, x.dtype.type(1 / backend.epsilon()))


class CosineSimilarity(MeanMetricWrapper):
    """The running mean of cosine_similarity along `axis` (Keras leaves `axis` out of its config).

    >>> m = CosineSimilarity()
    >>> m.update_state(np.array([[0.0, 1.0], [1.0, 1.0]]), np.array([[1.0, 0.0], [2.0, 2.0]]))
    >>> float(m.result())   # (0 + 1) / 2
    0.5
    """

    def __init__(self, name="cosine_similarity", dtype=None, axis=-1):
        super().__init__(cosine_similarity, name=name, dtype=dtype, axis=check.integer("axis", axis))
        self._direction = "up"

    def get_config(self):
        return {"name": self.name, "dtype": self.dtype}


class LogCoshError(MeanMetricWrapper):
    """The running mean of log(cosh(y_pred - y_true)) (logged as 'logcosh', Keras's name).

    >>> m = LogCoshError()
    >>> m.update_state(np.array([[0.0]]), np.array([[1.0]]))
    >>> round(float(m.result()), 6)   # log(cosh 1)
    0.433781
    """

    def __init__(self, name="logcosh", dtype=None):
        super().__init__(regression.log_cosh, name=name, dtype=dtype)
        self._direction = "down"

    def get_config(self):
        return {"name": self.name, "dtype": self.dtype}
