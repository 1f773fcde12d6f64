"""AUC: the area under the ROC or precision-recall curve, by a Riemann sum over thresholds.

The four confusion counts are kept at T = `num_thresholds` thresholds, -eps, 1/(T-1), ...,
(T-2)/(T-1), 1 + eps (or the given ones between -eps and 1 + eps). From them, per threshold:

    ROC:  x = fp / (fp + tn)   y = tp / (tp + fn)
    PR:   x = tp / (tp + fn)   y = tp / (tp + fp)
    area = sum over neighbours i, i+1 of (x_i - x_{i+1}) * height_i

with height the mean of y_i and y_{i+1} ('interpolation'), their min ('minoring') or max
('majoring'). For PR with 'interpolation' Keras instead interpolates the counts, not the ratio
(Davis & Goadrich 2006): `interpolated_pr_area` below. With `multi_label`, each label (column)
gets its own curve and the areas are averaged, weighted by `label_weights` when given.
"""
import numpy as np

from glassnet.autodiff import Tensor
from glassnet.keras import validation as check
from glassnet.keras.metrics import confusion_counts as counting
from glassnet.keras.metrics.metric import Metric, scalar

CURVES = {"roc": "ROC", "pr": "PR", "prgain": "PRGAIN"}
SUMMATIONS = ("interpolation", "majoring", "minoring")
_EPSILON = 1e-7


def curve_points(c, curve):
    """(x, y) of the curve at each threshold, from the counts `c` = {"tp": ..., ...}."""
    recall = counting.divide_no_nan(c["tp"], c["tp"] + c["fn"])
    if curve == "ROC":
        return counting.divide_no_nan(c["fp"], c["fp"] + c["tn"]), recall
    if curve == "PR":
        return recall, counting.divide_no_nan(c["tp"], c["tp"] + c["fp"])
    return _gain_points(c)


def _gain_points(c):
    """Precision-recall-gain coordinates (Flach & Kull 2015), as Keras computes them."""
    scale = counting.divide_no_nan(c["tp"] + c["fn"], c["tn"] + c["fp"])
    recall_gain = 1.0 - scale * counting.divide_no_nan(c["fn"], c["tp"])
    precision_gain = 1.0 - scale * counting.divide_no_nan(c["fp"], c["tp"])
    recall_gain = np.maximum(np.where(c["tp"] == 0, 0.0, recall_gain), 0.0).astype(c["tp"].dtype)
    precision_gain = np.where(c["tp"] == 0, 1.0, precision_gain).astype(c["tp"].dtype)
    return recall_gain, precision_gain


def riemann_terms(x, y, summation):
    """(x_i - x_{i+1}) * height_i for each pair of neighbouring thresholds."""
    if summation == "interpolation":
        heights = (y[:-1] + y[1:]) / y.dtype.type(2.0)
    elif summation == "minoring":
        heights = np.minimum(y[:-1], y[1:])
    else:
        heights = np.maximum(y[:-1], y[1:])
    return (x[:-1] - x[1:]) * heights


def interpolated_pr_terms(c):
    """Each interval's PR area with tp interpolated linearly in the predicted positives p = tp + fp:
    precision = slope + intercept / p, integrated exactly over recall (Keras's formula)."""
    tp, fp, fn = c["tp"], c["fp"], c["fn"]
    dtp = tp[:-1] - tp[1:]
    p = tp + fp
    dp = p[:-1] - p[1:]
    slope = counting.divide_no_nan(dtp, np.maximum(dp, 0))
    intercept = tp[1:] - slope * p[1:]
    both = (p[:-1] > 0) & (p[1:] > 0)
    ratio = np.where(both, counting.divide_no_nan(p[:-1], np.maximum(p[1:], 0)), np.ones_like(p[1:]))
    with np.errstate(divide="ignore"):
        log_ratio = np.log(ratio)
    return counting.divide_no_nan(slope * (dtp + intercept * log_ratio), np.maximum(tp[1:] + fn[1:], 0))


def _parse_curve(curve):
    key = curve.lower() if isinstance(curve, str) else None
    if key not in CURVES or curve not in (key, CURVES[key]):
        check.fail("curve", curve, "one of 'ROC', 'PR', 'PRGAIN' (or lower case)", "AUC")
    return CURVES[key]


def _parse_summation(method):
    if not isinstance(method, str) or method.lower() not in SUMMATIONS or method not in (
            method.lower(), method.capitalize()):
        check.fail("summation_method", method, "one of 'interpolation', 'majoring', 'minoring'", "AUC")
    return method.lower()


def _auc_thresholds(num_thresholds, thresholds):
    """(T, the T thresholds with -eps and 1 + eps at the ends, whether evenly spread)."""
    if thresholds is not None:
        inner = sorted(counting.parse_thresholds(list(thresholds), owner="AUC"))
        evenly = counting.evenly_spread(np.array([0.0] + inner + [1.0]))
        num_thresholds = len(inner) + 2
    else:
        num_thresholds = check.integer("num_thresholds", num_thresholds, minimum=2, owner="AUC")
        inner = [(i + 1) * 1.0 / (num_thresholds - 1) for i in range(num_thresholds - 2)]
        evenly = True
    return num_thresholds, [0.0 - _EPSILON] + inner + [1.0 + _EPSILON], evenly


class AUC(Metric):
    """The area under the ROC curve (default) or the precision-recall curve.

    Args:
        num_thresholds: how many thresholds to count at (> 1, default 200).
        curve: 'ROC', 'PR' or 'PRGAIN'.
        summation_method: 'interpolation' (default), 'minoring' or 'majoring'.
        thresholds: the thresholds to use instead of evenly spread ones (in [0, 1]).
        multi_label: treat (n, labels) data as one curve per label, then average.
        num_labels: the number of labels when multi_label (else found at the first update).
        label_weights: per-label weights: of the counts when flattening, of the areas when
            multi_label.
        from_logits: apply a sigmoid to y_pred first.

    >>> m = AUC(num_thresholds=3)
    >>> m.update_state([0, 0, 1, 1], [0, 0.5, 0.3, 0.9])   # tpr [1, 0.5, 0], fpr [1, 0, 0]
    >>> float(m.result())
    0.75
    """

    def __init__(self, num_thresholds=200, curve="ROC", summation_method="interpolation", name=None,
                 dtype=None, thresholds=None, multi_label=False, num_labels=None, label_weights=None,
                 from_logits=False):
        self.curve = _parse_curve(curve)
        self.summation_method = _parse_summation(summation_method)
        self._init_from_thresholds = thresholds is not None
        self.num_thresholds, self._thresholds, self._evenly = _auc_thresholds(num_thresholds, thresholds)
        self.multi_label = check.boolean("multi_label", multi_label, owner="AUC")
        self.num_labels = check.optional(check.integer, "num_labels", num_labels, minimum=1, owner="AUC")
        self._from_logits = check.boolean("from_logits", from_logits, owner="AUC")
        if self.num_labels and not self.multi_label:
            raise ValueError("`num_labels` is needed only when `multi_label` is True. "
                             f"Received: num_labels={num_labels!r}, multi_label=False")
        super().__init__(name=name, dtype=dtype)
        self._direction = "up"
        self.label_weights = _label_weights(label_weights, self._dtype)
        self._built = False
        if not self.multi_label:
            self._build(None)
        elif self.num_labels:
            self._build((None, self.num_labels))

    @property
    def thresholds(self):
        """The thresholds the counts are kept at, -eps and 1 + eps included."""
        return list(self._thresholds)

    def _build(self, shape):
        if self.multi_label:
            if len(shape) != 2:
                raise ValueError(f"`y_pred` must have rank 2 when `multi_label=True`. Found rank "
                                 f"{len(shape)}. Full shape received for `y_pred`: {tuple(shape)}")
            self._num_labels = shape[1]
            variable_shape = (self.num_thresholds, self._num_labels)
        else:
            variable_shape = (self.num_thresholds,)
        self._build_input_shape = shape
        for name in ("true_positives", "false_positives", "true_negatives", "false_negatives"):
            setattr(self, name, self.add_variable(variable_shape, "zeros", name=name))
        self._built = True

    def update_state(self, y_true, y_pred, sample_weight=None):
        y_pred = np.asarray(y_pred.value if isinstance(y_pred, Tensor) else y_pred)
        if not self._built:
            self._build(y_pred.shape)
        if self._from_logits:
            y_pred = _sigmoid(y_pred.astype(self._dtype))
        counting.update(self._counts(), y_true, y_pred, self._thresholds, sample_weight=sample_weight,
                        multi_label=self.multi_label,
                        label_weights=None if self.multi_label else self.label_weights, evenly=self._evenly)

    def _counts(self):
        return {"tp": self.true_positives, "fp": self.false_positives, "tn": self.true_negatives,
                "fn": self.false_negatives}

    def result(self):
        if not self._built:   # a multi-label AUC never updated: no counts yet, as Keras's fails
            raise ValueError("AUC(multi_label=True) has no state before its first update_state: "
                             "give num_labels, or update it first.")
        c = {kind: variable.value for kind, variable in self._counts().items()}
        if self.curve == "PR" and self.summation_method == "interpolation":
            terms = interpolated_pr_terms(c)
        else:
            terms = riemann_terms(*curve_points(c, self.curve), self.summation_method)
        return scalar(self._combine(terms), self._dtype)

    def _combine(self, terms):
        """One area: the sum of the terms, per label then averaged when multi-label."""
        if not self.multi_label:
            return np.sum(terms)
        by_label = np.sum(terms, axis=0)
        if self.label_weights is None:
            return np.mean(by_label)
        return counting.divide_no_nan(np.sum(by_label * self.label_weights), np.sum(self.label_weights))

    def reset_state(self):
        if self._built:
            super().reset_state()

    def get_config(self):
        config = {**super().get_config(), "num_thresholds": self.num_thresholds, "curve": self.curve,
                  "summation_method": self.summation_method, "multi_label": self.multi_label,
                  "num_labels": self.num_labels,
                  # a list, where Keras writes a tensor that its own loader cannot read back
                  "label_weights": None if self.label_weights is None else self.label_weights.tolist(),
                  "from_logits": self._from_logits}
        if self._init_from_thresholds:
            config["thresholds"] = self.thresholds[1:-1]
        return config


def _label_weights(label_weights, dtype):
    """The label weights as an array; a Keras file's {"class_name": "__tensor__", ...} form is read too."""
    if label_weights is None:
        return None
    if isinstance(label_weights, dict) and label_weights.get("class_name") in ("__tensor__", "__numpy__"):
        label_weights = label_weights["config"]["value"]
    weights = np.asarray(label_weights, dtype=dtype)
    if weights.ndim != 1 or not np.all(np.isfinite(weights)) or np.any(weights < 0):
        check.fail("label_weights", label_weights, "a list of non-negative numbers, one per label", "AUC")
    return weights


def _sigmoid(x):
    """1 / (1 + exp(-x)) in x's dtype, without overflow for large negative x."""
    with np.errstate(over="ignore"):
        return (1 / (1 + np.exp(-x))).astype(x.dtype)
