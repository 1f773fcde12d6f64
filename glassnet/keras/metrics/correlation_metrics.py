"""Correlation of y_true and y_pred along an axis, per sample: Pearson's and the concordance one.

    pearson      = mean(z(y_true) * z(y_pred))          z: centred, divided by the std
    concordance  = mean(2 (y_true - mean_pred)(y_pred - mean_pred) / norm)
                   norm = var_true + var_pred + (mean_true - mean_pred)^2 + eps

The concordance numerator centres y_true on y_pred's mean, as Keras 3.15 writes it (Lin's
coefficient centres it on its own mean); glassnet keeps Keras's numbers.
"""
import numpy as np

from glassnet import backend
from glassnet.keras import validation as check
from glassnet.keras.losses.alignment import squeeze_or_expand_to_same_rank
from glassnet.keras.metrics.mean import MeanMetricWrapper, plain


def _aligned(y_true, y_pred):
    y_pred = np.asarray(plain(y_pred))
    if not np.issubdtype(y_pred.dtype, np.floating):
        y_pred = y_pred.astype(backend.floatx())
    return squeeze_or_expand_to_same_rank(np.asarray(plain(y_true)).astype(y_pred.dtype), y_pred)


def pearson_correlation(y_true, y_pred, axis=-1):
    """Pearson's correlation of y_true and y_pred along `axis` (one value per sample).

    >>> pearson_correlation(np.array([[1.0, 2.0, 3.0]]), np.array([[2.0, 4.0, 7.0]])).round(4)
    array([0.9934])
    """
    y_true, y_pred = _aligned(y_true, y_pred)
    t = y_true - np.mean(y_true, axis=axis, keepdims=True)
    p = y_pred - np.mean(y_pred, axis=axis, keepdims=True)
    t = t / np.std(t, axis=axis, keepdims=True)
    p = p / np.std(p, axis=axis, keepdims=True)
    return np.mean(t * p, axis=axis)


def concordance_correlation(y_true, y_pred, axis=-1):
    """The concordance correlation along `axis`, with Keras's numerator (see the module docstring).

    >>> concordance_correlation(np.array([[1.0, 2.0, 3.0]]), np.array([[1.0, 2.0, 3.0]])).round(4)
    array([1.])
    """
    y_true, y_pred = _aligned(y_true, y_pred)
    mean_true = np.mean(y_true, axis=axis, keepdims=True)
    mean_pred = np.mean(y_pred, axis=axis, keepdims=True)
    var_true = np.var(y_true - mean_true, axis=axis, keepdims=True)
    var_pred = np.var(y_pred - mean_pred, axis=axis, keepdims=True)
    covariance = (y_true - mean_pred) * (y_pred - mean_pred)
    norm = var_true + var_pred + np.square(mean_true - mean_pred)
    return np.mean(2 * covariance / (norm + y_pred.dtype.type(backend.epsilon())), axis=axis)


class PearsonCorrelation(MeanMetricWrapper):
    """The running mean over samples of pearson_correlation along `axis`."""

    def __init__(self, name="pearson_correlation", dtype=None, axis=-1):
        self.axis = check.integer("axis", axis, owner="PearsonCorrelation")
        super().__init__(pearson_correlation, name=name, dtype=dtype, axis=self.axis)
        self._direction = "up"

    def get_config(self):
        return {"name": self.name, "dtype": self.dtype, "axis": self.axis}


class ConcordanceCorrelation(MeanMetricWrapper):
    """The running mean over samples of concordance_correlation along `axis`."""

    def __init__(self, name="concordance_correlation", dtype=None, axis=-1):
        self.axis = check.integer("axis", axis, owner="ConcordanceCorrelation")
        super().__init__(concordance_correlation, name=name, dtype=dtype, axis=self.axis)
        self._direction = "up"

    def get_config(self):
        return {"name": self.name, "dtype": self.dtype, "axis": self.axis}
