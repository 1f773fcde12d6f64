"""Turning per-sample losses into the number `fit` minimises.

    'sum_over_batch_size' / 'mean':  sum(l * w) / number_of_elements(l)
    'sum':                           sum(l * w)
    'mean_with_sample_weight':       sum(l * w) / sum(w)
    None / 'none':                   l * w, per sample

The default divides by the number of elements, not by the sum of the weights:
Keras does that on purpose so a weight of 0 removes a sample's contribution
without making the others count more.
"""
import numpy as np

from glassnet import backend
from glassnet.autodiff import Tensor, ops
from glassnet.keras.losses.alignment import aligned_shapes, squeeze_or_expand_to_same_rank

REDUCTIONS = ("sum_over_batch_size", "sum", "mean", "mean_with_sample_weight", "none", None)


def standardize_reduction(reduction):
    """Check a reduction name; raise ValueError listing the allowed ones."""
    if reduction not in REDUCTIONS:
        raise ValueError(
            f"Invalid value for argument `reduction`. Expected one of {list(REDUCTIONS)}. "
            f"Received: reduction={reduction!r}"
        )
    return reduction


def weights_array(sample_weight, values_shape, dtype):
    """`sample_weight` as an array of `dtype`, checked against the per-sample loss shape."""
    value = sample_weight.value if isinstance(sample_weight, Tensor) else sample_weight
    weights = np.asarray(value, dtype=dtype)
    shape, weight_shape = aligned_shapes(values_shape, weights.shape)
    try:
        np.broadcast_shapes(shape, weight_shape)
    except ValueError:
        raise ValueError(
            f"sample_weight of shape {weights.shape} does not match the per-sample losses of "
            f"shape {tuple(values_shape)}: pass one weight per sample, shape "
            f"({values_shape[0] if values_shape else 1},)."
        ) from None
    return weights


def apply_mask(sample_weight, mask, dtype, reduction):
    """Fold a validity mask (e.g. from `ignore_class`) into the sample weights.

    For the mean reductions the valid entries get weight total/valid, so the
    final mean is over the valid entries only (Keras adds epsilon to `valid`
    to survive an all-masked batch, and so do we).
    """
    if mask is None:
        return sample_weight
    mask = np.asarray(mask, dtype=dtype)
    if reduction in ("mean", "sum_over_batch_size"):
        mask = mask * (mask.size / (np.sum(mask) + backend.epsilon())).astype(dtype)
    if sample_weight is None:
        return mask
    mask, sample_weight = squeeze_or_expand_to_same_rank(mask, sample_weight)
    return sample_weight * mask


def reduce_values(values, sample_weight, reduction):
    """Reduce the (already weighted) losses `values` as `reduction` says."""
    if reduction in (None, "none") or values.ndim == 0 or values.shape == (0,):
        return values
    if reduction == "sum":
        return ops.sum(values)
    if reduction == "mean_with_sample_weight" and sample_weight is not None:
        total = ops.sum(values)
        divisor = np.sum(sample_weight, dtype=values.dtype)
        # divide_no_nan: an all-zero weight vector gives a loss of 0, not NaN.
        return total / divisor if divisor != 0 else total * 0.0
    return ops.mean(values)  # sum / number of elements, as one op


def reduce_weighted_values(values, sample_weight=None, mask=None, reduction="sum_over_batch_size"):
    """Weight the per-sample losses `values` (a Tensor) and reduce them.

    Args:
        values: per-sample losses, e.g. shape (batch,).
        sample_weight: None, a scalar, or weights aligned with `values` by rank.
        mask: None, or booleans of `values`' shape marking the entries that count.
        reduction: one of REDUCTIONS.

    Example: losses [1, 2, 3, 4] with weights [1, 0, 1, 2] and the default
    reduction give (1 + 0 + 3 + 8) / 4 = 3.
    """
    dtype = values.dtype
    if sample_weight is not None:
        sample_weight = weights_array(sample_weight, values.shape, dtype)
    sample_weight = apply_mask(sample_weight, mask, dtype, reduction)
    if sample_weight is not None:
        values, sample_weight = squeeze_or_expand_to_same_rank(values, sample_weight)
        values = values * sample_weight
    return reduce_values(values, sample_weight, reduction)
