"""Counts of the confusion matrix, and Precision and Recall made from them.

    TruePositives ... FalseNegatives:  the weighted count at each threshold (confusion_counts.py)
    Precision = tp / (tp + fp)         Recall = tp / (tp + fn)       (0 where nothing was counted)

A prediction p counts as positive when p > threshold (0.5 unless told); with `top_k`, only the k
largest of each row can, and with `class_id` only that column is looked at. Given a list of
thresholds, the result is one value per threshold.
"""
import numpy as np

from glassnet.autodiff import Tensor
from glassnet.keras import validation as check
from glassnet.keras.metrics import confusion_counts as counting
from glassnet.keras.metrics.metric import Metric


def _per_threshold(values, thresholds):
    """The result as Keras gives it: a scalar for one threshold, else one value per threshold."""
    values = np.array(values)
    return Tensor(values[0] if len(thresholds) == 1 else values)


class _ConfusionMatrixConditionCount(Metric):
    """The weighted count of one cell of the confusion matrix at each threshold."""

    _kind = None

    def __init__(self, thresholds=None, name=None, dtype=None):
        super().__init__(name=name, dtype=dtype)
        self.init_thresholds = thresholds
        self.thresholds = counting.parse_thresholds(thresholds, owner=type(self).__name__)
        self._evenly = counting.evenly_spread(self.thresholds)
        self.accumulator = self.add_variable(shape=(len(self.thresholds),), initializer="zeros",
                                             name="accumulator")

    def update_state(self, y_true, y_pred, sample_weight=None):
        counting.update({self._kind: self.accumulator}, y_true, y_pred, self.thresholds,
                        sample_weight=sample_weight, evenly=self._evenly)

    def result(self):
        return _per_threshold(self.accumulator.value, self.thresholds)

    def get_config(self):
        return {**super().get_config(), "thresholds": self.init_thresholds}


class TruePositives(_ConfusionMatrixConditionCount):
    """The weighted number of true positives: y_true != 0 and y_pred > threshold.

    Args:
        thresholds: a float in [0, 1] or a list of them (default 0.5); a list gives one count each.
        name, dtype: the metric's name (default 'true_positives') and state dtype.

    >>> m = TruePositives()
    >>> m.update_state([0, 1, 1, 1], [1, 0, 1, 1], sample_weight=[0, 0, 1, 0])
    >>> float(m.result())
    1.0
    """

    _kind = "tp"


class FalsePositives(_ConfusionMatrixConditionCount):
    """The weighted number of false positives: y_true == 0 and y_pred > threshold (see TruePositives).

    >>> m = FalsePositives()
    >>> m.update_state([0, 1, 0, 0], [0, 0, 1, 1])
    >>> float(m.result())
    2.0
    """

    _kind = "fp"


class TrueNegatives(_ConfusionMatrixConditionCount):
    """The weighted number of true negatives: y_true == 0 and y_pred <= threshold (see TruePositives).

    >>> m = TrueNegatives()
    >>> m.update_state([0, 1, 0, 0], [1, 1, 0, 0])
    >>> float(m.result())
    2.0
    """

    _kind = "tn"


class FalseNegatives(_ConfusionMatrixConditionCount):
    """The weighted number of false negatives: y_true != 0 and y_pred <= threshold (see TruePositives).

    >>> m = FalseNegatives(thresholds=[0.3, 0.8])
    >>> m.update_state([1, 1, 1, 0], [0.5, 0.9, 0.1, 0.4])
    >>> m.result().numpy().tolist()
    [1.0, 2.0]
    """

    _kind = "fn"


class _PrecisionOrRecall(Metric):
    """tp / (tp + other): the shared state and options of Precision and Recall."""

    _other = None   # "fp" for Precision, "fn" for Recall
    _other_name = None

    def __init__(self, thresholds=None, top_k=None, class_id=None, name=None, dtype=None):
        owner = type(self).__name__
        self.top_k = check.optional(check.integer, "top_k", top_k, minimum=1, owner=owner)
        self.class_id = check.optional(check.integer, "class_id", class_id, minimum=0, owner=owner)
        default = 0.5 if top_k is None else counting.NEG_INF   # top_k alone: its k are the positives
        self.thresholds = counting.parse_thresholds(thresholds, default=default, owner=owner)
        super().__init__(name=name, dtype=dtype)
        self._direction = "up"
        self.init_thresholds = thresholds
        self._evenly = counting.evenly_spread(self.thresholds)
        shape = (len(self.thresholds),)
        self.true_positives = self.add_variable(shape, "zeros", name="true_positives")
        self._others = self.add_variable(shape, "zeros", name=self._other_name)

    def update_state(self, y_true, y_pred, sample_weight=None):
        counting.update({"tp": self.true_positives, self._other: self._others}, y_true, y_pred,
                        self.thresholds, top_k=self.top_k, class_id=self.class_id,
                        sample_weight=sample_weight, evenly=self._evenly)

    def result(self):
        tp = self.true_positives.value
        return _per_threshold(counting.divide_no_nan(tp, tp + self._others.value), self.thresholds)

    def get_config(self):
        return {**super().get_config(), "thresholds": self.init_thresholds, "top_k": self.top_k,
                "class_id": self.class_id}


class Precision(_PrecisionOrRecall):
    """tp / (tp + fp): how many of the predicted positives are positive.

    Args:
        thresholds: a float in [0, 1] or a list of them (default 0.5; with `top_k`, none).
        top_k: count only each row's k highest predictions as positive.
        class_id: look only at this class (column of the last axis).
        name, dtype: the metric's name (default 'precision') and state dtype.

    >>> m = Precision()
    >>> m.update_state([0, 1, 1, 1], [1, 0, 1, 1])   # tp = 2, fp = 1
    >>> round(float(m.result()), 4)
    0.6667
    """

    _other, _other_name = "fp", "false_positives"

    @property
    def false_positives(self):
        return self._others


class Recall(_PrecisionOrRecall):
    """tp / (tp + fn): how many of the positives were predicted positive (arguments as Precision).

    >>> m = Recall()
    >>> m.update_state([0, 1, 1, 1], [1, 0, 1, 1])   # tp = 2, fn = 1
    >>> round(float(m.result()), 4)
    0.6667
    """

    _other, _other_name = "fn", "false_negatives"

    @property
    def false_negatives(self):
        return self._others
