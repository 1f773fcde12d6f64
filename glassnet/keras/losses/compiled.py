"""A built-in loss as plain array functions: its value, and its gradient with respect to y_pred.

fit's compiled training step (models/dense_plan.py) needs a loss without the tape. For a
loss object whose per-sample function is one fused op, :func:`compile_loss` returns a
:class:`CompiledLoss` that runs what ``Loss.__call__`` runs on the tape, in the same order and
with the same functions: y_true cast to the loss dtype, the ranks aligned
(alignment.py), the fused op's forward (fused.py), then the weighting and reduction op's
forward (reduction.py); backwards, the gradients those ops return. So both ways compute the
same bits; tests/keras/trainers/test_fast_path_fuzz.py checks it for every option.
Every other loss (label smoothing, ignore_class, a user's function, ...) returns None: the tape.
"""
import numpy as np

from glassnet.autodiff import ops
from glassnet.keras.losses import reduction
from glassnet.keras.losses.alignment import squeeze_or_expand_to_same_rank
from glassnet.keras.losses.targets import one_hot, sparse_labels

# The options a cross-entropy function may take in the compiled step (others take the tape).
CROSSENTROPY_OPTIONS = frozenset({"from_logits", "label_smoothing", "axis"})
SPARSE_OPTIONS = frozenset({"from_logits", "ignore_class", "axis"})
# The option values under which the function is exactly its fused op (others take the tape).
_PLAIN = {"from_logits": (False, True), "label_smoothing": (0, 0.0), "ignore_class": (None,)}


def compiles_to(fused_ops, options=frozenset(), sparse=False):
    """Mark a built-in loss function as one fused op (fused.py) in fit's compiled step:
    `fused_ops` its op for probabilities and for logits (None: the tape), `options` the keyword
    arguments it may take there, `sparse` for integer labels, one-hot encoded first."""
    def mark(fn):
        fn.compiled_as = (fused_ops, frozenset(options), sparse)
        return fn
    return mark


def compile_loss(fn, options, reduction_name, dtype):
    """A CompiledLoss for ``LossFunctionWrapper(fn, reduction_name, **options)`` computing in
    `dtype`, or None where `fn` with these options is not one fused op."""
    fused_ops, accepted, sparse = getattr(fn, "compiled_as", (None, frozenset(), False))
    if fused_ops is None or not accepted.issuperset(options):
        return None
    if any(options[key] not in allowed for key, allowed in _PLAIN.items() if key in options):
        return None
    op = fused_ops[bool(options.get("from_logits", False))]
    if op is None:
        return None
    return CompiledLoss(op, options.get("axis", -1), sparse, reduction_name, dtype)


class CompiledLoss:
    """``loss(y_true, y_pred, sample_weight)`` on arrays; returns (value, backward), where
    ``backward()`` gives d(value)/d(y_pred) for the tape's seed d(value)/d(value) = 1."""

    def __init__(self, op, axis, sparse, reduction_name, dtype):
        self.op, self.axis, self.sparse = op, axis, sparse
        self.reduction, self.dtype = reduction_name, np.dtype(dtype)
        self.seed = np.ones((), self.dtype)  # the tape's seed, d(value)/d(value)
        self.seed.flags.writeable = False

    def __call__(self, y_true, y_pred, sample_weight):
        y_true = np.asarray(y_true, dtype=self.dtype)  # Loss.__call__: y_true as a constant of the loss dtype
        aligned, reshape_backward = y_pred, None
        if y_true.ndim != y_pred.ndim:  # LossFunctionWrapper.call aligns ranks (equal ones stay as they are)
            y_true, aligned = squeeze_or_expand_to_same_rank(y_true, y_pred)
            if aligned is not y_pred:  # the tape reshapes y_pred with the reshape op
                aligned, reshape_backward = ops.reshape.forward(y_pred, shape=aligned.shape)
        if self.sparse:
            labels = sparse_labels(y_true, aligned)
            y_true = one_hot(labels, aligned.shape[self.axis], self.axis, aligned.dtype)
        per_sample, op_backward = self.op.forward(y_true, aligned, axis=self.axis)
        weights = None if sample_weight is None else reduction.sample_weights(  # no mask: no ignore_class
            per_sample.shape, per_sample.dtype, sample_weight, None, self.reduction)
        value, reduce_backward = reduction.reduce_weighted.forward(per_sample, weights=weights,
                                                                   reduction=self.reduction)

        def backward():
            _, grad = op_backward(reduce_backward(self.seed if value.ndim == 0 else np.ones_like(value)))
            return grad if reshape_backward is None else reshape_backward(grad)

        return value, backward
