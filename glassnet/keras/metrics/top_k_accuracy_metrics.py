"""Top-k accuracy: how often the true class is among the k highest predictions.

    in_top_k(label, scores, k) = 1 + #{j : scores_j > scores_label} <= k

so a class tied with the k-th highest score counts as in (Keras's and JAX's rule), and a NaN score
at the label never does. Inputs of rank > 2 are flattened to rows of classes and the per-sample
values given back in the labels' shape.
"""
import numpy as np

from glassnet import backend
from glassnet.keras import validation as check
from glassnet.keras.metrics.mean import MeanMetricWrapper, plain


def in_top_k(labels, scores, k):
    """Per row of `scores` (n, classes): whether the integer label's score ranks within the top k."""
    at_label = np.take_along_axis(scores, labels[:, None], axis=-1)
    at_label = np.where(np.isnan(at_label), -np.inf, at_label)
    rank = 1 + np.sum(scores > at_label, axis=-1)
    return rank <= k


def _rows(labels, scores):
    """Scores as (rows, classes) and labels as (rows,), and the labels' own shape to give back."""
    shape = labels.shape
    if scores.ndim > 2:
        scores = scores.reshape(-1, scores.shape[-1])
    return labels.reshape(-1), scores, shape


def top_k_categorical_accuracy(y_true, y_pred, k=5):
    """Per sample: 1.0 if argmax(y_true) (one-hot) is among the k largest y_pred, else 0.0.

    >>> top_k_categorical_accuracy(np.array([[0, 0, 1], [0, 1, 0]]),
    ...                            np.array([[0.1, 0.9, 0.8], [0.3, 0.0, 0.9]]), k=2)
    array([1., 0.], dtype=float32)
    """
    y_pred = np.asarray(plain(y_pred))
    labels = np.argmax(np.asarray(plain(y_true)), axis=-1)
    labels, scores, shape = _rows(labels, y_pred)
    return in_top_k(labels, scores, k).astype(backend.floatx()).reshape(shape)


def sparse_top_k_categorical_accuracy(y_true, y_pred, k=5, from_sorted_ids=False):
    """Per sample: 1.0 if the integer label y_true is among the k largest y_pred, else 0.0.

    With `from_sorted_ids`, y_pred holds class ids already sorted by score (best first), and the
    label need only appear in its first k.

    >>> sparse_top_k_categorical_accuracy(np.array([2, 1]), np.array([[0.1, 0.9, 0.8], [0.3, 0.0, 0.9]]), k=2)
    array([1., 0.], dtype=float32)
    """
    y_pred = np.asarray(plain(y_pred))
    labels = np.asarray(plain(y_true)).astype(y_pred.dtype if from_sorted_ids else np.int32)
    labels, scores, shape = _rows(labels, y_pred)
    if from_sorted_ids:
        matches = np.any(labels[:, None] == scores[:, :k], axis=1)
    else:
        matches = in_top_k(labels, scores, k)
    return matches.astype(backend.floatx()).reshape(shape)


class TopKCategoricalAccuracy(MeanMetricWrapper):
    """How often the one-hot target's class is among the k highest predictions.

    Args:
        k: how many of the highest predictions count (default 5).
        name, dtype: the metric's name (default 'top_k_categorical_accuracy') and state dtype.

    >>> m = TopKCategoricalAccuracy(k=1)
    >>> m.update_state(np.array([[0, 0, 1], [0, 1, 0]]), np.array([[0.1, 0.9, 0.8], [0.05, 0.95, 0]]))
    >>> float(m.result())
    0.5
    """

    def __init__(self, k=5, name="top_k_categorical_accuracy", dtype=None):
        k = check.integer("k", k, minimum=1, owner="TopKCategoricalAccuracy")
        super().__init__(top_k_categorical_accuracy, name=name, dtype=dtype, k=k)
        self.k = k
        self._direction = "up"

    def get_config(self):
        return {"name": self.name, "dtype": self.dtype, "k": self.k}


class SparseTopKCategoricalAccuracy(MeanMetricWrapper):
    """How often the integer label is among the k highest predictions (or, with from_sorted_ids,
    among the first k of y_pred's sorted class ids).

    >>> m = SparseTopKCategoricalAccuracy(k=1)
    >>> m.update_state(np.array([2, 1]), np.array([[0.1, 0.9, 0.8], [0.05, 0.95, 0]]))
    >>> float(m.result())
    0.5
    """

    def __init__(self, k=5, name="sparse_top_k_categorical_accuracy", dtype=None, from_sorted_ids=False):
        k = check.integer("k", k, minimum=1, owner="SparseTopKCategoricalAccuracy")
        from_sorted_ids = check.boolean("from_sorted_ids", from_sorted_ids, owner="SparseTopKCategoricalAccuracy")
        super().__init__(sparse_top_k_categorical_accuracy, name=name, dtype=dtype, k=k,
                         from_sorted_ids=from_sorted_ids)
        self.k = k
        self.from_sorted_ids = from_sorted_ids
        self._direction = "up"

    def get_config(self):
        config = {"name": self.name, "dtype": self.dtype, "k": self.k}
        if self.from_sorted_ids:
            config["from_sorted_ids"] = True
        return config
