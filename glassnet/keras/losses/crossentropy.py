"""Cross-entropy losses, binary, categorical and sparse categorical: each function, then its class.

Probabilities are clipped to [eps, 1 - eps] (eps = 1e-7) before the log, as
Keras does on the JAX backend: a saturated wrong prediction costs at most
-log(1e-7) = 16.118 per term. With `from_logits=True` the log-probabilities
come from log_sigmoid / log_softmax instead, which never overflow and are
never clipped.
"""
import numpy as np

from glassnet import backend
from glassnet.autodiff import ops
from glassnet.keras import validation as check
from glassnet.keras.losses import fused
from glassnet.keras.losses.alignment import float_tensor
from glassnet.keras.losses.compiled import CROSSENTROPY_OPTIONS, SPARSE_OPTIONS, compiles_to
from glassnet.keras.losses.targets import (
    check_binary, check_categorical, check_regression, check_sparse, check_targets, checked_by, one_hot, sparse_labels,
)
from glassnet.keras.losses.wrapper import BuiltinLoss


def _check_same_shape(fn_name, y_true, y_pred):
    if tuple(y_true.shape) != tuple(y_pred.shape):
        raise ValueError(
            f"{fn_name} needs y_true and y_pred of the same shape. Received: "
            f"y_true.shape={tuple(y_true.shape)}, y_pred.shape={tuple(y_pred.shape)}. "
            f"Reshape y_true (a (n,) target needs reshape(-1, 1)), or call the loss object, "
            f"which aligns (n,) with (n, 1) itself."
        )


@checked_by(check_binary)
@compiles_to((fused.binary_crossentropy_probabilities, fused.binary_crossentropy_logits), CROSSENTROPY_OPTIONS)
def binary_crossentropy(y_true, y_pred, from_logits=False, label_smoothing=0.0, axis=-1):
    """Binary cross-entropy, averaged over `axis`.

    With smoothed targets t' = t (1 - ls) + ls / 2:

        probabilities: q = clip(p, eps, 1 - eps);  mean(-(t' log q + (1 - t') log(1 - q)))
        logits:        mean(-t' log_sigmoid(x) - (1 - t') log_sigmoid(-x))

    Args:
        y_true: targets in [0, 1], same shape as y_pred.
        y_pred: probabilities, or logits with `from_logits=True`.
        label_smoothing: float in [0, 1]; pulls the targets towards 0.5.

    Returns per-sample losses, shape y_pred.shape without `axis`.

    >>> float(binary_crossentropy([1.0], [0.0]))   # -log(1e-7)
    16.118095...
    """
    check_targets(check_binary, "binary_crossentropy", y_true, y_pred, axis=axis)
    y_pred = float_tensor(y_pred)
    y_true = float_tensor(y_true, y_pred.dtype)
    _check_same_shape("binary_crossentropy", y_true, y_pred)
    if label_smoothing:
        y_true = y_true * (1.0 - float(label_smoothing)) + 0.5 * float(label_smoothing)
    op = fused.binary_crossentropy_logits if from_logits else fused.binary_crossentropy_probabilities
    return op(y_true, y_pred, axis=axis, y_true_grad=fused.tracks(y_true))


def _crossentropy(y_true, y_pred, from_logits, axis):
    # Keras renormalises probabilities, so rows that do not sum to 1 count as unnormalised ones.
    op = fused.softmax_crossentropy if from_logits else fused.categorical_crossentropy_probabilities
    return op(y_true, y_pred, axis=axis, y_true_grad=fused.tracks(y_true))


@checked_by(check_categorical)
@compiles_to((fused.categorical_crossentropy_probabilities, fused.softmax_crossentropy), CROSSENTROPY_OPTIONS)
def categorical_crossentropy(y_true, y_pred, from_logits=False, label_smoothing=0.0, axis=-1):
    """Categorical cross-entropy of one-hot (or soft) targets, summed over `axis`.

    With K classes and smoothed targets t' = t (1 - ls) + ls / K:

        probabilities: q = clip(p / sum(p), eps, 1 - eps);  -sum(t' log q)
        logits:        -sum(t' log_softmax(x))

    Args:
        y_true: one-hot targets, shape (..., K), the same shape as y_pred.
        y_pred: probabilities (renormalised to sum to 1) or logits.

    >>> float(categorical_crossentropy([0.0, 0.0, 1.0], [1.0, 1.0, 2.0]))   # -log(2/4)
    0.693147...
    """
    check_targets(check_categorical, "categorical_crossentropy", y_true, y_pred, axis=axis)
    y_pred = float_tensor(y_pred)
    y_true = float_tensor(y_true, y_pred.dtype)
    _check_same_shape("categorical_crossentropy", y_true, y_pred)
    if label_smoothing:
        classes = y_true.shape[-1]  # Keras counts classes on the last axis whatever `axis` is
        y_true = y_true * (1.0 - float(label_smoothing)) + float(label_smoothing) / classes
    return _crossentropy(y_true, y_pred, from_logits, axis)


@checked_by(check_sparse)
@compiles_to((fused.categorical_crossentropy_probabilities, fused.softmax_crossentropy), SPARSE_OPTIONS, sparse=True)
def sparse_categorical_crossentropy(y_true, y_pred, from_logits=False, ignore_class=None, axis=-1):
    """Categorical cross-entropy with integer class labels.

    loss = -log q[label], with q from y_pred as in categorical_crossentropy.
    A label outside [0, K) is an error (Keras-JAX would silently give it loss 0).

    Args:
        y_true: integer labels of shape (n,) or (n, 1).
        y_pred: probabilities or logits, shape (n, K).
        ignore_class: a label whose entries get loss 0 (the loss object then
            averages over the other entries only).

    >>> sparse_categorical_crossentropy([2], [[1.0, 1.0, 2.0]]).numpy()   # -log(2/4)
    array([0.6931472], dtype=float32)
    """
    check_targets(check_sparse, "sparse_categorical_crossentropy", y_true, y_pred,
                  ignore_class=ignore_class, axis=axis)
    y_pred = float_tensor(y_pred)
    labels = sparse_labels(y_true, y_pred)
    valid = None if ignore_class is None else labels != ignore_class
    if valid is not None:
        # Ignored entries compute with label 0 and are zeroed afterwards, so no NaN reaches the gradient.
        labels = labels * valid
    target = one_hot(labels, y_pred.shape[axis], axis, y_pred.dtype)
    losses = _crossentropy(target, y_pred, from_logits, axis)
    return losses if valid is None else ops.where(valid, losses, np.zeros((), y_pred.dtype))


@checked_by(check_regression)
def kl_divergence(y_true, y_pred):
    """Kullback-Leibler divergence sum(t log(t / p)), both clipped to [eps, 1].

    The gradient of either is zero where its clip is active, and halved on a bound (a one-hot
    target's 1): Keras's clip on JAX is min(max(x, eps), 1), and a tie shares the gradient.

    >>> float(kl_divergence([0.5, 0.5], [0.25, 0.75]))   # 0.5 log 2 + 0.5 log(2/3)
    0.143841...
    """
    check_targets(check_regression, "kl_divergence", y_true, y_pred)
    y_pred = float_tensor(y_pred)
    y_true = _clip_as_jax(float_tensor(y_true, y_pred.dtype))
    y_pred = _clip_as_jax(y_pred)
    return ops.sum(y_true * ops.log(y_true / y_pred), axis=-1)


def _clip_as_jax(x):
    """clip(x, eps, 1) as jnp.clip computes it, so that the gradient on a bound is JAX's 0.5."""
    return ops.minimum(ops.maximum(x, backend.epsilon()), 1.0)


class BinaryCrossentropy(BuiltinLoss):
    """Cross-entropy for 0/1 targets (one sigmoid output per label).

    Args:
        from_logits: True when y_pred are raw scores rather than sigmoid probabilities.
        label_smoothing: in [0, 1]; targets become t (1 - ls) + ls / 2.
        axis: the axis averaged over.

    See `binary_crossentropy` for the formula.

    >>> float(BinaryCrossentropy()(np.array([[0.0, 1.0]]), np.array([[0.5, 0.5]])))   # log 2
    0.6931471...
    """

    def __init__(self, from_logits=False, label_smoothing=0.0, axis=-1,
                 reduction="sum_over_batch_size", name="binary_crossentropy", dtype=None):
        super().__init__(
            binary_crossentropy, reduction, name, dtype,
            from_logits=check.boolean("from_logits", from_logits),
            label_smoothing=check.fraction("label_smoothing", label_smoothing),
            axis=check.integer("axis", axis),
        )


class CategoricalCrossentropy(BuiltinLoss):
    """Cross-entropy for one-hot targets (a softmax output with K units).

    Args:
        from_logits: True when y_pred are raw scores rather than softmax probabilities.
        label_smoothing: in [0, 1]; targets become t (1 - ls) + ls / K.
        axis: the class axis.

    See `categorical_crossentropy` for the formula.
    """

    def __init__(self, from_logits=False, label_smoothing=0.0, axis=-1,
                 reduction="sum_over_batch_size", name="categorical_crossentropy", dtype=None):
        super().__init__(
            categorical_crossentropy, reduction, name, dtype,
            from_logits=check.boolean("from_logits", from_logits),
            label_smoothing=check.fraction("label_smoothing", label_smoothing),
            axis=check.integer("axis", axis),
        )


class SparseCategoricalCrossentropy(BuiltinLoss):
    """Cross-entropy for integer labels 0..K-1 (a softmax output with K units).

    Args:
        from_logits: True when y_pred are raw scores rather than softmax probabilities.
        ignore_class: a label to leave out; the loss averages over the other entries.
        axis: the class axis.

    >>> loss = SparseCategoricalCrossentropy(ignore_class=-1)
    >>> float(loss(np.array([2, -1]), np.array([[0.25, 0.25, 0.5], [0.5, 0.25, 0.25]])))   # -log 0.5
    0.693147...
    """

    def __init__(self, from_logits=False, ignore_class=None, axis=-1,
                 reduction="sum_over_batch_size", name="sparse_categorical_crossentropy", dtype=None):
        super().__init__(
            sparse_categorical_crossentropy, reduction, name, dtype,
            from_logits=check.boolean("from_logits", from_logits),
            ignore_class=check.optional(check.integer, "ignore_class", ignore_class),
            axis=check.integer("axis", axis),
        )


class KLDivergence(BuiltinLoss):
    """Kullback-Leibler divergence sum(t log(t / p)) between target and predicted distributions."""

    def __init__(self, reduction="sum_over_batch_size", name="kl_divergence", dtype=None):
        super().__init__(kl_divergence, reduction, name, dtype)
