"""Turning per-sample losses into the number `fit` minimises.

    'sum_over_batch_size' / 'mean':  sum(l * w) / number_of_elements(l)
    'sum':                           sum(l * w)
    'mean_with_sample_weight':       sum(l * w) / sum(w)
    None / 'none':                   l * w, per sample

The default divides by the number of elements, not by the sum of the weights:
Keras does that on purpose so a weight of 0 removes a sample's contribution
without making the others count more.
"""
import functools

import numpy as np

from glassnet import backend
from glassnet.autodiff import Tensor
from glassnet.autodiff.ops.shape import broadcast_to, reshape
from glassnet.autodiff.primitive import differentiable_backward, primitive, sum_to
from glassnet.keras.losses.alignment import aligned_shapes, squeeze_or_expand_to_same_rank

REDUCTIONS = ("sum_over_batch_size", "sum", "mean", "mean_with_sample_weight", "none", None)
_CACHED_SIZE = 1 << 12  # elements: the per-sample losses of a batch, not a segmentation map


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


def sample_weights(values_shape, dtype, sample_weight=None, mask=None, reduction="sum_over_batch_size"):
    """The weights the per-sample losses are multiplied by: `sample_weight` (checked and cast)
    with the `mask` folded in, or None when there are neither."""
    if sample_weight is None and mask is None:
        return None
    if sample_weight is not None:
        sample_weight = weights_array(sample_weight, values_shape, dtype)
    return apply_mask(sample_weight, mask, dtype, reduction)


@primitive
def reduce_weighted(values, *, weights=None, reduction="sum_over_batch_size"):
    """``values * weights`` (ranks aligned first), reduced as `reduction` says, as one op.

    A loss object runs it on the tape; fit's compiled training step calls its forward on plain
    arrays (see compiled.py): one copy of the arithmetic for both.
    """
    shape = values.shape
    if weights is not None:
        values_shape, weights_shape = aligned_shapes(shape, weights.shape)
        weights = weights.reshape(weights_shape)
        values = values.reshape(values_shape) * weights
    out, divisor = _reduce(values, weights, reduction)

    def backward(g):
        if out is not values:  # a full reduction: g (divided by the divisor) in every element, read-only
            g = (_filled(values.shape, g.dtype, g.tobytes(), divisor) if values.size <= _CACHED_SIZE
                 else np.broadcast_to(_divided(g, divisor), values.shape))
        return g if weights is None else sum_to(g * weights, values_shape).reshape(shape)

    return out, backward


@differentiable_backward(reduce_weighted)
def _reduce_weighted_backward(g, values, *, out, weights=None, reduction="sum_over_batch_size"):
    """The backward on Tensors, for second derivatives (glassnet/autodiff/higher_order.py)."""
    shape = weighted_shape = values_shape = tuple(np.shape(values))
    if weights is not None:
        values_shape, weights_shape = aligned_shapes(shape, weights.shape)
        weights = weights.reshape(weights_shape)
        weighted_shape = np.broadcast_shapes(values_shape, weights_shape)
    if tuple(out.shape) != weighted_shape:  # a full reduction: g, divided as the forward divided
        if reduction == "mean_with_sample_weight" and weights is not None:
            divisor = np.sum(weights, dtype=g.dtype)
            g = g / divisor if divisor != 0 else g * 0
        elif reduction != "sum":
            g = g / g.dtype.type(int(np.prod(weighted_shape)))
        g = broadcast_to(g, shape=weighted_shape)
    return g if weights is None else reshape(sum_to(g * weights, values_shape), shape=shape)


def _reduce(weighted, weights, reduction):
    """(the reduced value, what it was divided by, or None)."""
    if reduction in (None, "none") or weighted.ndim == 0 or weighted.shape == (0,):
        return weighted, None
    if reduction == "sum":
        return np.add.reduce(weighted, axis=None), None
    if reduction == "mean_with_sample_weight" and weights is not None:
        total, divisor = np.add.reduce(weighted, axis=None), np.sum(weights, dtype=weighted.dtype)
        return (total / divisor if divisor != 0 else total * weighted.dtype.type(0)), divisor  # divide_no_nan
    # np.mean's arithmetic (a pairwise sum, then one division) without its Python wrapper. The count
    # in the values' dtype: NumPy 2 converts a Python int so anyway; NumPy 1 would give float64.
    count = weighted.dtype.type(weighted.size)
    return np.add.reduce(weighted, axis=None) / count, count


@functools.lru_cache(maxsize=32)
def _filled(shape, dtype, g_bytes, divisor):
    # fit asks for the same small array on every step; keyed by g's bits, so +0 and -0 stay apart.
    array = np.full(shape, _divided(np.frombuffer(g_bytes, dtype).reshape(()), divisor), dtype)
    array.flags.writeable = False
    return array


def _divided(g, divisor):
    if divisor is None:
        return g
    return g / divisor if divisor != 0 else g * g.dtype.type(0)


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
    weights = sample_weights(tuple(values.shape), values.dtype, sample_weight, mask, reduction)
    return reduce_weighted(values, weights=weights, reduction=reduction)
