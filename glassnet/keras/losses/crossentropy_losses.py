"""The cross-entropy loss classes: a function from crossentropy.py plus its options."""
from glassnet.keras import validation as check
from glassnet.keras.losses.crossentropy import (
    binary_crossentropy, categorical_crossentropy, kl_divergence, sparse_categorical_crossentropy,
)
from glassnet.keras.losses.wrapper import BuiltinLoss


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
