"""F-scores: the weighted harmonic mean of precision and recall, per class or averaged.

    precision = tp / (tp + fp + eps)      recall = tp / (tp + fn + eps)
    F_beta = (1 + beta^2) * precision * recall / (beta^2 * precision + recall + eps)

A prediction is positive where y_pred > threshold, or, without a threshold, where it is its row's
largest value (and not 0). The counts are kept per class (summed over samples), or in one total
for average='micro'. average=None gives one score per class; 'macro' their mean; 'weighted' their
mean weighted by each class's number of true labels.
"""
import numpy as np

from glassnet.keras import validation as check
from glassnet.keras.metrics.mean import plain
from glassnet.keras.metrics.metric import Metric, scalar
from glassnet.autodiff import Tensor

AVERAGES = (None, "micro", "macro", "weighted")
_EPSILON = 1e-7


def predicted_positive(y_pred, threshold):
    """1.0 where a prediction counts as positive, else 0.0 (see the module docstring)."""
    if threshold is None:
        is_max = y_pred >= np.max(y_pred, axis=-1, keepdims=True)
        return (is_max & (np.abs(y_pred) > 1e-9)).astype(y_pred.dtype)   # [0, 0, 0] is not [1, 1, 1]
    return (y_pred > y_pred.dtype.type(threshold)).astype(y_pred.dtype)


def f_beta(tp, fp, fn, beta, dtype):
    """The F-beta score of each class from its counts (Keras's epsilons included)."""
    eps, beta2 = dtype.type(_EPSILON), dtype.type(beta ** 2)
    precision = tp / (tp + fp + eps)
    recall = tp / (tp + fn + eps)
    return precision * recall / (beta2 * precision + recall + eps) * (1 + beta2)


def _check_float(name, value, low_open, high):
    """Keras's rule: a Python float (an int is refused) with low_open < value <= high."""
    if not isinstance(value, float) or not low_open < value <= high:
        expected = f"a Python float > {low_open}" if high == np.inf else f"a Python float in ({low_open}, {high}]"
        check.fail(name, value, expected, "FBetaScore")
    return value


class FBetaScore(Metric):
    """The F-beta score of (n, classes) predictions against (n, classes) 0/1 targets.

    Args:
        average: None (one score per class), 'micro', 'macro' or 'weighted'.
        beta: the weight of recall against precision (a float > 0; 1.0 gives F1).
        threshold: a float in (0, 1]; predictions above it are positive. None: each row's maximum.
        name, dtype: the metric's name (default 'fbeta_score') and state dtype.

    >>> m = FBetaScore(beta=2.0, threshold=0.5, average="micro")
    >>> m.update_state(np.array([[1, 0], [0, 1]]), np.array([[0.9, 0.6], [0.2, 0.3]]))
    >>> round(float(m.result()), 4)   # tp 1, fp 1, fn 1: 5 * 0.5 * 0.5 / (4 * 0.5 + 0.5)
    0.5
    """

    def __init__(self, average=None, beta=1.0, threshold=None, name="fbeta_score", dtype=None):
        if average not in AVERAGES:
            check.fail("average", average, "one of None, 'micro', 'macro', 'weighted'", type(self).__name__)
        self.beta = _check_float("beta", beta, 0.0, np.inf)
        self.threshold = None if threshold is None else _check_float("threshold", threshold, 0.0, 1.0)
        super().__init__(name=name, dtype=dtype)
        self._direction = "up"
        self.average = average
        self.axis = None if average == "micro" else 0
        self._built = False

    def _build(self, y_true_shape, y_pred_shape):
        if len(y_pred_shape) != 2 or len(y_true_shape) != 2:
            raise ValueError(
                f"{type(self).__name__} expects 2D inputs with shape (batch_size, output_dim). "
                f"Received input shapes: y_pred.shape={tuple(y_pred_shape)} and "
                f"y_true.shape={tuple(y_true_shape)}.")
        shape = () if self.average == "micro" else (y_pred_shape[-1],)
        for name in ("true_positives", "false_positives", "false_negatives", "intermediate_weights"):
            setattr(self, name, self.add_variable(shape, "zeros", name=name))
        self._built = True

    def update_state(self, y_true, y_pred, sample_weight=None):
        y_true = np.asarray(plain(y_true)).astype(self._dtype)
        y_pred = np.asarray(plain(y_pred)).astype(self._dtype)
        if not self._built:
            self._build(y_true.shape, y_pred.shape)
        y_pred = predicted_positive(y_pred, self.threshold)
        weight = None if sample_weight is None else np.asarray(plain(sample_weight)).astype(self._dtype)
        self.true_positives.assign_add(self._weighted_sum(y_pred * y_true, weight))
        self.false_positives.assign_add(self._weighted_sum(y_pred * (1 - y_true), weight))
        self.false_negatives.assign_add(self._weighted_sum((1 - y_pred) * y_true, weight))
        self.intermediate_weights.assign_add(self._weighted_sum(y_true, weight))

    def _weighted_sum(self, values, weight):
        if weight is not None:
            values = values * weight[:, None]
        return np.sum(values, axis=self.axis, dtype=self._dtype)

    def result(self):
        if not self._built:
            raise ValueError(f"{type(self).__name__} has no state before its first update_state.")
        score = f_beta(self.true_positives.value, self.false_positives.value,
                       self.false_negatives.value, self.beta, self._dtype)
        if self.average == "weighted":
            weights = self.intermediate_weights.value
            score = np.sum(score * (weights / (np.sum(weights) + self._dtype.type(_EPSILON))))
        elif self.average is not None:
            score = np.mean(score)
        return scalar(score, self._dtype) if np.ndim(score) == 0 else Tensor(np.asarray(score))

    def reset_state(self):
        if self._built:
            super().reset_state()

    def get_config(self):
        return {**super().get_config(), "average": self.average, "beta": self.beta,
                "threshold": self.threshold}


class F1Score(FBetaScore):
    """The F1 score: FBetaScore with beta = 1 (see FBetaScore for the arguments).

    >>> m = F1Score(threshold=0.5)
    >>> m.update_state(np.array([[1, 0], [0, 1]]), np.array([[0.9, 0.6], [0.2, 0.3]]))
    >>> [round(v, 4) for v in m.result().numpy().tolist()]   # class 0: p 1, r 1; class 1: p 0
    [1.0, 0.0]
    """

    def __init__(self, average=None, threshold=None, name="f1_score", dtype=None):
        super().__init__(average=average, beta=1.0, threshold=threshold, name=name, dtype=dtype)

    def get_config(self):
        config = super().get_config()
        del config["beta"]
        return config
