"""R2Score: the coefficient of determination, from running sums per output column.

    per column:  mean = S / W,  total = SS - S * mean,  R2 = 1 - residual / total
    (S = sum w y, SS = sum w y^2, W = sum w, residual = sum w (y - y_pred)^2; an infinite R2,
    from a constant column, counts as 0)

averaged over columns uniformly, weighted by each column's total variance, or not at all. With
`num_regressors` p > 0, the adjusted score 1 - (1 - R2)(n - 1)/(n - p - 1), where n counts every
entry seen (rows times columns, as Keras counts it).
"""
import warnings

import numpy as np

from glassnet.autodiff import Tensor
from glassnet.keras import validation as check
from glassnet.keras.losses.alignment import squeeze_or_expand_to_same_rank
from glassnet.keras.metrics.mean import plain
from glassnet.keras.metrics.metric import Metric, scalar

AGGREGATIONS = (None, "uniform_average", "variance_weighted_average")


def r2_per_column(total_sum, squared_sum, residual, count):
    """(R2 of each column, each column's total sum of squares)."""
    with np.errstate(divide="ignore", invalid="ignore"):
        mean = total_sum / count
        total = squared_sum - total_sum * mean
        scores = 1 - residual / total
    return np.where(np.isinf(scores), np.zeros_like(scores), scores), total


def adjusted(score, num_samples, num_regressors):
    """The adjusted R2, or `score` itself (with Keras's warning) when n - p - 1 <= 0."""
    if num_regressors > num_samples - 1:
        warnings.warn("More independent predictors than datapoints in adjusted R2 score. Falling "
                      "back to standard R2 score.", stacklevel=3)
        return score
    if num_regressors == num_samples - 1:
        warnings.warn("Division by zero in Adjusted R2 score. Falling back to standard R2 score.",
                      stacklevel=3)
        return score
    n, p = np.float32(num_samples), np.float32(num_regressors)
    return np.float32(1.0) - (np.float32(1.0) - score) * (n - 1) / (n - p - 1)


class R2Score(Metric):
    """R2 of (n, outputs) predictions against (n, outputs) targets.

    Args:
        class_aggregation: 'uniform_average' (default), 'variance_weighted_average', or None for
            one score per output column.
        num_regressors: the number of independent variables, for the adjusted R2 (0: plain R2).
        name, dtype: the metric's name (default 'r2_score') and state dtype.

    >>> m = R2Score()
    >>> m.update_state(np.array([[1.0], [2.0], [3.0]]), np.array([[1.0], [2.0], [4.0]]))
    >>> float(m.result())   # 1 - 1 / 2
    0.5
    """

    def __init__(self, class_aggregation="uniform_average", num_regressors=0, name="r2_score", dtype=None):
        if class_aggregation not in AGGREGATIONS:
            check.fail("class_aggregation", class_aggregation,
                       "one of None, 'uniform_average', 'variance_weighted_average'", "R2Score")
        self.num_regressors = check.integer("num_regressors", num_regressors, minimum=0, owner="R2Score")
        super().__init__(name=name, dtype=dtype)
        self._direction = "up"
        self.class_aggregation = class_aggregation
        self.num_samples = self.add_variable((), "zeros", name="num_samples")
        self._built = False

    def _build(self, y_true_shape, y_pred_shape):
        if len(y_pred_shape) != 2 or len(y_true_shape) != 2:
            raise ValueError("R2Score expects 2D inputs with shape (batch_size, output_dim). Received "
                             f"input shapes: y_pred.shape={tuple(y_pred_shape)} and "
                             f"y_true.shape={tuple(y_true_shape)}.")
        columns = (y_pred_shape[-1],)
        self.squared_sum = self.add_variable(columns, "zeros", name="squared_sum")
        self.sum = self.add_variable(columns, "zeros", name="sum")
        self.total_mse = self.add_variable(columns, "zeros", name="residual")
        self.count = self.add_variable(columns, "zeros", name="count")
        self._built = True

    def update_state(self, y_true, y_pred, sample_weight=None):
        y_true = np.asarray(plain(y_true)).astype(self._dtype)
        y_pred = np.asarray(plain(y_pred)).astype(self._dtype)
        y_true, y_pred = squeeze_or_expand_to_same_rank(y_true, y_pred)
        if not self._built:
            self._build(y_true.shape, y_pred.shape)
        weight = np.asarray(1 if sample_weight is None else plain(sample_weight)).astype(self._dtype)
        if weight.ndim == 1:
            weight = weight[:, None]   # one weight per row, for every column
        weight = np.broadcast_to(weight, y_true.shape)
        weighted = y_true * weight
        self.sum.assign_add(np.sum(weighted, axis=0))
        self.squared_sum.assign_add(np.sum(y_true * weighted, axis=0))
        self.total_mse.assign_add(np.sum(np.square(y_true - y_pred) * weight, axis=0))
        self.count.assign_add(np.sum(weight, axis=0))
        self.num_samples.assign_add(y_true.size)

    def result(self):
        if not self._built:
            raise ValueError("R2Score has no state before its first update_state.")
        scores, total = r2_per_column(self.sum.value, self.squared_sum.value, self.total_mse.value,
                                      self.count.value)
        if self.class_aggregation == "uniform_average":
            score = np.mean(scores)
        elif self.class_aggregation == "variance_weighted_average":
            score = np.sum(total * scores) / np.sum(total)
        else:
            score = scores
        if self.num_regressors != 0:
            score = adjusted(score, float(self.num_samples.value), self.num_regressors)
        return scalar(score, self._dtype) if np.ndim(score) == 0 else Tensor(np.asarray(score, self._dtype))

    def get_config(self):
        return {**super().get_config(), "class_aggregation": self.class_aggregation,
                "num_regressors": self.num_regressors}
