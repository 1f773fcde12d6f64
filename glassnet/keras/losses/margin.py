"""Margin (hinge) losses, for classifiers that output scores: each function, then its class.

Targets are -1 / 1; 0 / 1 targets are converted to -1 / 1 first (Keras does
this when every target is 0 or 1).
"""
import numpy as np

from glassnet.autodiff import ops
from glassnet.keras.losses._ops import mean
from glassnet.keras.losses.alignment import prepare
from glassnet.keras.losses.targets import check_regression, check_targets, checked_by
from glassnet.keras.losses.wrapper import BuiltinLoss


def _hinge_clamp(margin):
    """max(margin, 0) with JAX's gradient 0.5 at a tie, which Keras trains with (relu's is 0)."""
    return ops.maximum(margin, 0.0)


def _signed_labels(y_true):
    values = y_true.value
    if np.all((values == 0) | (values == 1)):
        return 2.0 * y_true - 1.0
    return y_true


@checked_by(check_regression)
def hinge(y_true, y_pred):
    """mean(max(1 - t * y_pred, 0)) over the last axis, t in {-1, 1}.

    >>> float(hinge([1.0, 0.0], [0.5, 0.5]))   # (max(1 - 0.5, 0) + max(1 + 0.5, 0)) / 2
    1.0
    """
    check_targets(check_regression, "hinge", y_true, y_pred)
    y_true, y_pred = prepare(y_true, y_pred)
    return mean(_hinge_clamp(1.0 - _signed_labels(y_true) * y_pred), axis=-1)


@checked_by(check_regression)
def squared_hinge(y_true, y_pred):
    """mean(max(1 - t * y_pred, 0)^2) over the last axis, t in {-1, 1}.

    >>> float(squared_hinge([1.0, 0.0], [0.5, 0.5]))   # (0.25 + 2.25) / 2
    1.25
    """
    check_targets(check_regression, "squared_hinge", y_true, y_pred)
    y_true, y_pred = prepare(y_true, y_pred)
    return mean(ops.square(_hinge_clamp(1.0 - _signed_labels(y_true) * y_pred)), axis=-1)


@checked_by(check_regression)
def categorical_hinge(y_true, y_pred):
    """max(neg - pos + 1, 0) with pos = sum(t * p), neg = max((1 - t) * p), for one-hot t.

    >>> float(categorical_hinge([0.0, 1.0], [0.3, 0.6]))   # max(0.3 - 0.6 + 1, 0), in float32
    0.69999998...
    """
    check_targets(check_regression, "categorical_hinge", y_true, y_pred)
    y_true, y_pred = prepare(y_true, y_pred)
    positive = ops.sum(y_true * y_pred, axis=-1)
    negative = ops.max((1.0 - y_true) * y_pred, axis=-1)
    return _hinge_clamp(negative - positive + 1.0)


class Hinge(BuiltinLoss):
    """mean(max(1 - t * y_pred, 0)) per sample, targets t in {-1, 1} (0/1 converted)."""

    def __init__(self, reduction="sum_over_batch_size", name="hinge", dtype=None):
        super().__init__(hinge, reduction, name, dtype)


class SquaredHinge(BuiltinLoss):
    """mean(max(1 - t * y_pred, 0)^2) per sample, targets t in {-1, 1} (0/1 converted)."""

    def __init__(self, reduction="sum_over_batch_size", name="squared_hinge", dtype=None):
        super().__init__(squared_hinge, reduction, name, dtype)


class CategoricalHinge(BuiltinLoss):
    """max(max_wrong - right + 1, 0) per sample, for one-hot targets."""

    def __init__(self, reduction="sum_over_batch_size", name="categorical_hinge", dtype=None):
        super().__init__(categorical_hinge, reduction, name, dtype)
