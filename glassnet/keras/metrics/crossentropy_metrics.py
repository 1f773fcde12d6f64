"""Cross-entropy metrics: running means of the cross-entropy loss functions.

Unlike the loss, the metric's value is a plain mean over all samples of the
epoch, so it can differ from the reported loss when sample weights or
regularisation are used.
"""
from glassnet.keras.losses import crossentropy
from glassnet.keras.losses.alignment import squeeze_or_expand_to_same_rank
from glassnet.keras import validation as check
from glassnet.keras.metrics.mean import MeanMetricWrapper, plain


def _aligned(fn):
    """`fn` after the (n,) vs (n, 1) alignment the loss objects also do."""

    def aligned(y_true, y_pred, **options):
        y_true, y_pred = squeeze_or_expand_to_same_rank(plain(y_true), plain(y_pred))
        return fn(y_true, y_pred, **options)

    aligned.__name__ = fn.__name__
    return aligned


class BinaryCrossentropy(MeanMetricWrapper):
    """The running mean of binary_crossentropy (see that function for the options)."""

    def __init__(self, name="binary_crossentropy", dtype=None, from_logits=False, label_smoothing=0.0):
        super().__init__(
            _aligned(crossentropy.binary_crossentropy), name=name, dtype=dtype,
            from_logits=check.boolean("from_logits", from_logits),
            label_smoothing=check.fraction("label_smoothing", label_smoothing),
        )


class CategoricalCrossentropy(MeanMetricWrapper):
    """The running mean of categorical_crossentropy (see that function for the options)."""

    def __init__(self, name="categorical_crossentropy", dtype=None, from_logits=False,
                 label_smoothing=0.0, axis=-1):
        super().__init__(
            crossentropy.categorical_crossentropy, name=name, dtype=dtype,
            from_logits=check.boolean("from_logits", from_logits),
            label_smoothing=check.fraction("label_smoothing", label_smoothing),
            axis=check.integer("axis", axis),
        )


class SparseCategoricalCrossentropy(MeanMetricWrapper):
    """The running mean of sparse_categorical_crossentropy (see that function for the options)."""

    def __init__(self, name="sparse_categorical_crossentropy", dtype=None, from_logits=False, axis=-1):
        super().__init__(
            crossentropy.sparse_categorical_crossentropy, name=name, dtype=dtype,
            from_logits=check.boolean("from_logits", from_logits), axis=check.integer("axis", axis),
        )
