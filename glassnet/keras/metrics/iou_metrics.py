"""Intersection over union, per class, from a running confusion matrix (semantic segmentation).

    cm[i, j] += weight of each pixel with true class i and predicted class j
    IoU_c = cm[c, c] / (row_sum_c + column_sum_c - cm[c, c])       = tp / (tp + fp + fn)
    result = mean of IoU_c over the target classes that appeared (denominator > 0)

Labels are integers (`sparse_y_true`/`sparse_y_pred`), or one-hot/scores whose argmax along
`axis` is taken. As in Keras the matrix is int32: float labels and weights are truncated toward
zero, and pixels whose true class is `ignore_class` or out of [0, num_classes) are left out.
"""
import warnings

import numpy as np

from glassnet.keras import validation as check
from glassnet.keras.metrics.mean import plain
from glassnet.keras.metrics.metric import Metric, scalar

_EPSILON = 1e-7


def confusion_matrix(y_true, y_pred, num_classes, weights, dtype):
    """The (num_classes, num_classes) matrix of summed weights, rows true, columns predicted."""
    matrix = np.zeros((num_classes, num_classes), dtype=dtype)
    np.add.at(matrix, (y_true, y_pred), weights)
    return matrix


def iou_per_class(matrix, class_ids):
    """(IoU of each class in `class_ids`, 1.0 where the class appeared else 0.0), float32."""
    true_positives = np.diag(matrix)
    denominator = np.sum(matrix, axis=0) + np.sum(matrix, axis=1) - true_positives
    true_positives = true_positives[class_ids].astype(np.float32)
    denominator = denominator[class_ids].astype(np.float32)
    valid = denominator > 1e-9
    iou = true_positives / (denominator + np.float32(_EPSILON))
    return np.where(valid, iou, np.float32(0.0)), valid.astype(np.float32)


class IoU(Metric):
    """The mean IoU over `target_class_ids` (one id gives that class's IoU).

    Args:
        num_classes: the number of classes (the matrix is num_classes x num_classes).
        target_class_ids: the classes to average over.
        ignore_class: a true class whose pixels are left out (e.g. a void class), or None.
        sparse_y_true, sparse_y_pred: False when that input holds one-hot vectors or scores
            along `axis` (their argmax is the class).
        axis: the class axis of non-sparse inputs (default -1).
        name, dtype: the metric's name (default 'io_u') and the matrix dtype (int32).

    >>> m = IoU(num_classes=2, target_class_ids=[0])
    >>> m.update_state([0, 0, 1, 1], [0, 1, 0, 1])   # class 0: tp 1, fp 1, fn 1
    >>> round(float(m.result()), 4)
    0.3333
    """

    def __init__(self, num_classes, target_class_ids, name=None, dtype=None, ignore_class=None,
                 sparse_y_true=True, sparse_y_pred=True, axis=-1):
        owner = type(self).__name__
        self.num_classes = check.integer("num_classes", num_classes, minimum=1, owner=owner)
        ids = [check.integer("target_class_ids", i, minimum=0, owner=owner) for i in target_class_ids]
        if not ids or max(ids) >= num_classes:
            check.fail("target_class_ids", target_class_ids,
                       f"a non-empty list of class ids in [0, {num_classes})", owner)
        self.ignore_class = check.optional(check.integer, "ignore_class", ignore_class, owner=owner)
        self.sparse_y_true = check.boolean("sparse_y_true", sparse_y_true, owner=owner)
        self.sparse_y_pred = check.boolean("sparse_y_pred", sparse_y_pred, owner=owner)
        self.axis = check.integer("axis", axis, owner=owner)
        super().__init__(name=name, dtype=dtype or "int32")
        self._direction = "up"
        self.target_class_ids = ids
        self.total_cm = self.add_variable((num_classes, num_classes), "zeros",
                                          name="total_confusion_matrix")

    def update_state(self, y_true, y_pred, sample_weight=None):
        y_true, y_pred = np.asarray(plain(y_true)), np.asarray(plain(y_pred))
        if not self.sparse_y_true:
            y_true = np.argmax(y_true, axis=self.axis)
        if not self.sparse_y_pred:
            y_pred = np.argmax(y_pred, axis=self.axis)
        y_true = y_true.astype(self._dtype).reshape(-1)
        y_pred = y_pred.astype(self._dtype).reshape(-1)
        weights = self._weights(sample_weight, y_true.shape)
        keep = self._kept(y_true, y_pred)
        matrix = confusion_matrix(np.where(keep, y_true, 0), np.where(keep, y_pred, 0), self.num_classes,
                                  np.where(keep, weights, 0).astype(self._dtype), self._dtype)
        self.total_cm.assign_add(matrix)

    def _weights(self, sample_weight, shape):
        """The weights as the matrix's dtype (Keras truncates float weights, and warns), flat."""
        weights = np.asarray(1 if sample_weight is None else plain(sample_weight))
        if "float" in str(getattr(sample_weight, "dtype", "")) and self._dtype.kind in "iu":
            warnings.warn("You are passing weight as `float`, but dtype is `int`. This may result in an "
                          "incorrect weight due to type casting Consider using integer weights.", stacklevel=3)
        weights = weights.astype(self._dtype)
        return np.broadcast_to(weights.reshape(-1) if weights.ndim > 1 else weights, shape)

    def _kept(self, y_true, y_pred):
        """Pixels with both classes in range and a true class other than ignore_class."""
        keep = (y_true >= 0) & (y_true < self.num_classes) & (y_pred >= 0) & (y_pred < self.num_classes)
        if self.ignore_class is not None:
            keep &= y_true != self.ignore_class
        return keep

    def result(self):
        iou, valid = iou_per_class(self.total_cm.value, self.target_class_ids)
        return scalar(np.sum(iou) / (np.sum(valid) + np.float32(_EPSILON)), np.float32)

    def get_config(self):
        return {**super().get_config(), "num_classes": self.num_classes,
                "target_class_ids": self.target_class_ids, "ignore_class": self.ignore_class,
                "sparse_y_true": self.sparse_y_true, "sparse_y_pred": self.sparse_y_pred,
                "axis": self.axis}


class BinaryIoU(IoU):
    """IoU of 0/1 targets against predictions thresholded at `threshold` (p >= threshold is 1).

    >>> m = BinaryIoU(target_class_ids=[1], threshold=0.5)
    >>> m.update_state([0, 1, 1, 0], [0.2, 0.5, 0.4, 0.7])   # class 1: tp 1, fp 1, fn 1
    >>> round(float(m.result()), 4)
    0.3333
    """

    def __init__(self, target_class_ids=(0, 1), threshold=0.5, name=None, dtype=None):
        super().__init__(num_classes=2, target_class_ids=target_class_ids, name=name, dtype=dtype)
        self.threshold = check.real("threshold", threshold, owner="BinaryIoU")

    def update_state(self, y_true, y_pred, sample_weight=None):
        y_pred = np.asarray(plain(y_pred)).astype(np.float32) >= np.float32(self.threshold)
        super().update_state(y_true, y_pred, sample_weight)

    def get_config(self):
        return {"target_class_ids": self.target_class_ids, "threshold": self.threshold,
                "name": self.name, "dtype": self.dtype}


class MeanIoU(IoU):
    """The mean IoU over all `num_classes` classes (arguments as IoU).

    >>> m = MeanIoU(num_classes=2)
    >>> m.update_state([0, 0, 1, 1], [0, 1, 0, 1])   # each class: 1 / 3
    >>> round(float(m.result()), 4)
    0.3333
    """

    def __init__(self, num_classes, name=None, dtype=None, ignore_class=None, sparse_y_true=True,
                 sparse_y_pred=True, axis=-1):
        check.integer("num_classes", num_classes, minimum=1, owner=type(self).__name__)
        super().__init__(num_classes, list(range(num_classes)), name=name, dtype=dtype,
                         ignore_class=ignore_class, sparse_y_true=sparse_y_true,
                         sparse_y_pred=sparse_y_pred, axis=axis)

    def get_config(self):
        return {"num_classes": self.num_classes, "name": self.name, "dtype": self.dtype,
                "ignore_class": self.ignore_class, "sparse_y_true": self.sparse_y_true,
                "sparse_y_pred": self.sparse_y_pred, "axis": self.axis}


class OneHotIoU(IoU):
    """IoU with one-hot y_true (and, unless sparse_y_pred, scores as y_pred) along `axis`."""

    def __init__(self, num_classes, target_class_ids, name=None, dtype=None, ignore_class=None,
                 sparse_y_pred=False, axis=-1):
        super().__init__(num_classes, target_class_ids, name=name, dtype=dtype, ignore_class=ignore_class,
                         sparse_y_true=False, sparse_y_pred=sparse_y_pred, axis=axis)

    def get_config(self):
        return {"num_classes": self.num_classes, "target_class_ids": self.target_class_ids,
                "name": self.name, "dtype": self.dtype, "ignore_class": self.ignore_class,
                "sparse_y_pred": self.sparse_y_pred, "axis": self.axis}


class OneHotMeanIoU(MeanIoU):
    """MeanIoU with one-hot y_true (and, unless sparse_y_pred, scores as y_pred) along `axis`.

    >>> m = OneHotMeanIoU(num_classes=2)
    >>> m.update_state(np.eye(2)[[0, 0, 1, 1]], np.array([[0.9, 0.1], [0.2, 0.8], [0.6, 0.4], [0.3, 0.7]]))
    >>> round(float(m.result()), 4)
    0.3333
    """

    def __init__(self, num_classes, name=None, dtype=None, ignore_class=None, sparse_y_pred=False, axis=-1):
        super().__init__(num_classes, name=name, dtype=dtype, ignore_class=ignore_class,
                         sparse_y_true=False, sparse_y_pred=sparse_y_pred, axis=axis)

    def get_config(self):
        return {"num_classes": self.num_classes, "name": self.name, "dtype": self.dtype,
                "ignore_class": self.ignore_class, "sparse_y_pred": self.sparse_y_pred, "axis": self.axis}
