"""One rate at the best threshold where another reaches a floor: PrecisionAtRecall,
RecallAtPrecision, SensitivityAtSpecificity, SpecificityAtSensitivity.

The four confusion counts are kept at `num_thresholds` evenly spread thresholds (0, 1/(T-1), ...,
1; just 0.5 when T = 1), and the result is

    max over thresholds t with constrained(t) >= value of dependent(t)     (0 if there is none)

with sensitivity = recall = tp / (tp + fn), specificity = tn / (tn + fp), precision = tp / (tp + fp).
"""
import numpy as np

from glassnet.keras import validation as check
from glassnet.keras.metrics import confusion_counts as counting
from glassnet.keras.metrics.metric import Metric, scalar


def _recall(c):
    return counting.divide_no_nan(c["tp"], c["tp"] + c["fn"])


def _precision(c):
    return counting.divide_no_nan(c["tp"], c["tp"] + c["fp"])


def _specificity(c):
    return counting.divide_no_nan(c["tn"], c["tn"] + c["fp"])


def best_under_constraint(constrained, dependent, value):
    """max(dependent where constrained >= value), 0 when no threshold qualifies."""
    return np.max(np.where(constrained >= value, dependent, 0), initial=0)


class SensitivitySpecificityBase(Metric):
    """The shared state of the four metrics: tp, fp, tn, fn at `num_thresholds` thresholds."""

    _value_name = None          # the constructor argument that names the floor, e.g. "recall"
    _constrained = _dependent = None

    def __init__(self, value, num_thresholds=200, class_id=None, name=None, dtype=None):
        owner = type(self).__name__
        self.value = check.fraction(self._value_name, value, owner=owner)
        self.num_thresholds = check.integer("num_thresholds", num_thresholds, minimum=1, owner=owner)
        self.class_id = check.optional(check.integer, "class_id", class_id, minimum=0, owner=owner)
        setattr(self, self._value_name, value)
        super().__init__(name=name, dtype=dtype)
        self._direction = "up"
        if num_thresholds == 1:
            self.thresholds, self._evenly = [0.5], False
        else:
            inner = [(i + 1) * 1.0 / (num_thresholds - 1) for i in range(num_thresholds - 2)]
            self.thresholds, self._evenly = [0.0] + inner + [1.0], True
        shape = (len(self.thresholds),)
        self.true_positives = self.add_variable(shape, "zeros", name="true_positives")
        self.false_positives = self.add_variable(shape, "zeros", name="false_positives")
        self.true_negatives = self.add_variable(shape, "zeros", name="true_negatives")
        self.false_negatives = self.add_variable(shape, "zeros", name="false_negatives")

    def _counts(self):
        return {"tp": self.true_positives, "fp": self.false_positives, "tn": self.true_negatives,
                "fn": self.false_negatives}

    def update_state(self, y_true, y_pred, sample_weight=None):
        counting.update(self._counts(), y_true, y_pred, self.thresholds, class_id=self.class_id,
                        sample_weight=sample_weight, evenly=self._evenly)

    def result(self):
        values = {kind: variable.value for kind, variable in self._counts().items()}
        best = best_under_constraint(type(self)._constrained(values), type(self)._dependent(values),
                                     self._dtype.type(self.value))
        return scalar(best, self._dtype)

    def get_config(self):
        return {**super().get_config(), "class_id": self.class_id,
                "num_thresholds": self.num_thresholds, self._value_name: getattr(self, self._value_name)}


class SensitivityAtSpecificity(SensitivitySpecificityBase):
    """The best sensitivity (recall) at a specificity of at least `specificity`.

    Args:
        specificity: the floor, in [0, 1].
        num_thresholds: how many thresholds to try (default 200).
        class_id: look only at this class (column of the last axis).

    >>> m = SensitivityAtSpecificity(0.5)
    >>> m.update_state([0, 0, 0, 1, 1], [0, 0.3, 0.8, 0.3, 0.8])
    >>> float(m.result())
    0.5
    """

    _value_name = "specificity"
    _constrained, _dependent = _specificity, _recall

    def __init__(self, specificity, num_thresholds=200, class_id=None, name=None, dtype=None):
        super().__init__(specificity, num_thresholds, class_id, name, dtype)


class SpecificityAtSensitivity(SensitivitySpecificityBase):
    """The best specificity at a sensitivity (recall) of at least `sensitivity` (see above).

    >>> m = SpecificityAtSensitivity(0.5)
    >>> m.update_state([0, 0, 0, 1, 1], [0, 0.3, 0.8, 0.3, 0.8])
    >>> round(float(m.result()), 4)
    0.6667
    """

    _value_name = "sensitivity"
    _constrained, _dependent = _recall, _specificity

    def __init__(self, sensitivity, num_thresholds=200, class_id=None, name=None, dtype=None):
        super().__init__(sensitivity, num_thresholds, class_id, name, dtype)


class PrecisionAtRecall(SensitivitySpecificityBase):
    """The best precision at a recall of at least `recall` (see SensitivityAtSpecificity).

    >>> m = PrecisionAtRecall(0.5)
    >>> m.update_state([0, 0, 0, 1, 1], [0, 0.3, 0.8, 0.3, 0.8])
    >>> float(m.result())
    0.5
    """

    _value_name = "recall"
    _constrained, _dependent = _recall, _precision

    def __init__(self, recall, num_thresholds=200, class_id=None, name=None, dtype=None):
        super().__init__(recall, num_thresholds, class_id, name, dtype)


class RecallAtPrecision(SensitivitySpecificityBase):
    """The best recall at a precision of at least `precision` (see SensitivityAtSpecificity).

    >>> m = RecallAtPrecision(0.8)
    >>> m.update_state([0, 0, 1, 1], [0, 0.5, 0.3, 0.9])
    >>> float(m.result())
    0.5
    """

    _value_name = "precision"
    _constrained, _dependent = _precision, _recall

    def __init__(self, precision, num_thresholds=200, class_id=None, name=None, dtype=None):
        super().__init__(precision, num_thresholds, class_id, name, dtype)
