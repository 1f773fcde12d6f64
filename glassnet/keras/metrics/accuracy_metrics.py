"""Accuracy metrics: the fraction of samples predicted right.

    binary:             y_true == (y_pred > threshold)   strict >, averaged over the last axis
    categorical:        argmax(y_true) == argmax(y_pred)
    sparse categorical: y_true == argmax(y_pred)         labels (n,) or (n, 1)

Ties in argmax go to the first maximum (NumPy's and JAX's rule), and y_true
is never thresholded: soft labels such as 0.7 never count as right.
"""
import numpy as np

from glassnet import backend
from glassnet.keras.losses.alignment import squeeze_or_expand_to_same_rank
from glassnet.keras.metrics.mean import MeanMetricWrapper, plain


def _floats(y_true, y_pred):
    y_pred = plain(y_pred)
    if not np.issubdtype(y_pred.dtype, np.floating):
        y_pred = y_pred.astype(backend.floatx())
    return np.asarray(plain(y_true), dtype=y_pred.dtype), y_pred


def accuracy(y_true, y_pred):
    """Exact equality y_true == y_pred, averaged over the last axis."""
    y_true, y_pred = squeeze_or_expand_to_same_rank(*_floats(y_true, y_pred))
    return np.mean(y_true == y_pred, axis=-1).astype(backend.floatx())


def binary_accuracy(y_true, y_pred, threshold=0.5):
    """Per sample: the fraction of columns where y_true == (y_pred > threshold).

    >>> binary_accuracy(np.array([[1.0], [0.0], [1.0]]), np.array([[0.7], [0.5], [0.5]]))
    array([1., 1., 0.], dtype=float32)
    """
    y_true, y_pred = squeeze_or_expand_to_same_rank(plain(y_true), plain(y_pred))
    predicted = (y_pred > threshold).astype(y_true.dtype)
    return np.mean(y_true == predicted, axis=-1).astype(backend.floatx())


def categorical_accuracy(y_true, y_pred):
    """Per sample: 1.0 where argmax(y_true) == argmax(y_pred), else 0.0.

    >>> categorical_accuracy(np.array([[0, 1], [1, 0]]), np.array([[0.4, 0.6], [0.5, 0.5]]))
    array([1., 1.], dtype=float32)
    """
    matches = np.argmax(plain(y_true), axis=-1) == np.argmax(plain(y_pred), axis=-1)
    return matches.astype(backend.floatx())


def sparse_categorical_accuracy(y_true, y_pred):
    """Per sample: 1.0 where the label equals argmax(y_pred), compared as floats.

    >>> sparse_categorical_accuracy(np.array([1, 2]), np.array([[0.1, 0.8, 0.1], [0.5, 0.3, 0.2]]))
    array([1., 0.], dtype=float32)
    """
    y_true, y_pred = _floats(y_true, y_pred)
    if y_true.ndim == y_pred.ndim and y_true.shape[-1] == 1:
        y_true = y_true[..., 0]
    matches = (y_true == np.argmax(y_pred, axis=-1).astype(y_pred.dtype)).astype(backend.floatx())
    return matches[..., 0] if matches.ndim > 1 and matches.shape[-1] == 1 else matches


class Accuracy(MeanMetricWrapper):
    """How often y_pred equals y_true exactly (for labels already predicted as classes)."""

    def __init__(self, name="accuracy", dtype=None):
        super().__init__(accuracy, name=name, dtype=dtype)


class BinaryAccuracy(MeanMetricWrapper):
    """How often (y_pred > threshold) matches a 0/1 target.

    Args:
        threshold: in (0, 1); a prediction counts as 1 when strictly above it.

    >>> m = BinaryAccuracy()
    >>> m.update_state(np.array([[1], [0], [1], [0]]), np.array([[0.7], [0.2], [0.5], [0.6]]))
    >>> float(m.result())   # right on rows 0 and 1 (0.5 is not > 0.5): 2 / 4
    0.5
    """

    def __init__(self, name="binary_accuracy", dtype=None, threshold=0.5):
        if isinstance(threshold, bool) or not isinstance(threshold, (int, float)) or not 0 < threshold < 1:
            raise ValueError(
                "Invalid value for argument `threshold`. Expected a value in interval (0, 1). "
                f"Received: threshold={threshold!r}"
            )
        super().__init__(binary_accuracy, name=name, dtype=dtype, threshold=float(threshold))
        self.threshold = float(threshold)


class CategoricalAccuracy(MeanMetricWrapper):
    """How often argmax(y_pred) is the class that one-hot y_true marks."""

    def __init__(self, name="categorical_accuracy", dtype=None):
        super().__init__(categorical_accuracy, name=name, dtype=dtype)


class SparseCategoricalAccuracy(MeanMetricWrapper):
    """How often argmax(y_pred) equals the integer label y_true."""

    def __init__(self, name="sparse_categorical_accuracy", dtype=None):
        super().__init__(sparse_categorical_accuracy, name=name, dtype=dtype)
