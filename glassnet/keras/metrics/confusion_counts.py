"""Counting true and false positives and negatives at thresholds: the state behind Precision,
Recall, AUC and the four count metrics (Keras's ``metrics_utils``).

At a threshold t a prediction p is called positive when p > t (strictly); a label is true
where y_true != 0. With weights w (sample weights times label weights, 1 without):

    tp(t) = sum w [y]  [p > t]        fp(t) = sum w [not y] [p > t]
    fn(t) = sum w [y]  [p <= t]       tn(t) = sum w [not y] [p <= t]

Evenly spread thresholds (0, 1/(T-1), ..., 1, as AUC's are) take Keras's bucket method: each
prediction falls in bucket ceil(p (T-1)) - 1 (p clipped to [0, 1]), tp and fp are reversed
cumulative sums of the buckets, and fn, tn are the totals less tp, fp. That is the same count
with other float32 roundings, so it is done the same way here, in float32.
"""
import numpy as np

from glassnet.keras import validation as check
from glassnet.keras.losses.alignment import squeeze_or_expand_to_same_rank
from glassnet.keras.metrics.mean import plain

NEG_INF = -1e10   # what top_k gives the predictions it drops: below every threshold
KINDS = ("tp", "fp", "tn", "fn")


def parse_thresholds(thresholds, default=0.5, owner=None):
    """`thresholds` (a number, a list or tuple of numbers, or None for `default`) as a list.

    >>> parse_thresholds(None), parse_thresholds(0.3), parse_thresholds([0.2, 0.8])
    ([0.5], [0.3], [0.2, 0.8])
    """
    if thresholds is None:
        return [default]
    values = list(thresholds) if isinstance(thresholds, (list, tuple, np.ndarray)) else [thresholds]
    if not values or any(not check.is_real(t) or not 0 <= t <= 1 for t in values):
        check.fail("thresholds", thresholds, "a number in [0, 1] or a non-empty list of them", owner)
    return [float(t) for t in values]


def evenly_spread(thresholds):
    """Whether `thresholds` are 0, 1/(T-1), ..., 1 for some T >= 3 (Keras's test, to 1e-7)."""
    count = len(thresholds)
    if count < 3:
        return False
    even = np.arange(count, dtype=np.float32) / (count - 1)
    return bool(np.allclose(thresholds, even, atol=1e-7))


def divide_no_nan(numerator, denominator):
    """numerator / denominator, and 0 where the denominator is 0."""
    numerator, denominator = np.asarray(numerator), np.asarray(denominator)
    safe = np.where(denominator == 0, np.ones_like(denominator), denominator)
    return np.where(denominator == 0, np.zeros_like(numerator), numerator / safe)


def filter_top_k(y_pred, k):
    """`y_pred` with all but the k largest of each row set to NEG_INF (ties: the first kept)."""
    order = np.argsort(-y_pred, axis=-1, kind="stable")[..., :k]
    mask = np.zeros_like(y_pred)
    np.put_along_axis(mask, order, 1, axis=-1)
    return y_pred * mask + np.float32(NEG_INF) * (1 - mask)


def update(counts, y_true, y_pred, thresholds, *, top_k=None, class_id=None, sample_weight=None,
           multi_label=False, label_weights=None, evenly=False):
    """Add one batch's counts to the state Variables in `counts` (keys from KINDS).

    Args:
        counts: {"tp": Variable, ...}; each of shape (T,), or (T, labels) when multi_label.
        y_true, y_pred: arrays of one shape (or one rank apart by a trailing 1).
        thresholds: list of T thresholds.
        top_k: keep only each row's k largest predictions as candidates for positive.
        class_id: count only this column of the last axis.
        sample_weight: None, or weights broadcastable to y_pred's shape after alignment.
        multi_label: count each column of (n, labels) data apart instead of flattening it.
        label_weights: per-label weights (labels,) applied when flattening.
        evenly: use the bucket method (thresholds must be evenly spread).
    """
    dtype = counts[next(iter(counts))].value.dtype
    y_true, y_pred, sample_weight = _aligned(y_true, y_pred, sample_weight, dtype)
    if top_k is not None:
        y_pred = filter_top_k(y_pred, top_k)
    if class_id is not None:
        if y_pred.ndim == 1:
            raise ValueError("When class_id is provided, y_pred must be a 2D array with shape "
                             f"(num_samples, num_classes), found shape: {y_pred.shape}")
        y_true, y_pred = y_true[..., class_id, None], y_pred[..., class_id, None]
    weights = _weights(sample_weight, label_weights, y_pred.shape, dtype)
    labels = (y_true != 0).astype(dtype)
    if not multi_label:
        labels, y_pred = labels.reshape(-1), y_pred.reshape(-1)
        weights = weights if weights.ndim == 0 else weights.reshape(-1)
    if evenly:
        with_epsilon = thresholds[0] < 0.0 or thresholds[-1] > 1.0
        batch = _bucket_counts(labels, y_pred, weights, len(thresholds), with_epsilon, set(counts))
    else:
        batch = _tiled_counts(labels, y_pred, weights, np.asarray(thresholds, dtype=dtype), set(counts))
    for kind, variable in counts.items():
        variable.assign_add(batch[kind].astype(dtype))


def _aligned(y_true, y_pred, sample_weight, dtype):
    """y_true, y_pred as `dtype` arrays of one rank, and the weights brought to their rank."""
    y_true = np.asarray(plain(y_true)).astype(dtype)
    y_pred = np.asarray(plain(y_pred)).astype(dtype)
    y_pred, y_true = squeeze_or_expand_to_same_rank(y_pred, y_true)
    if sample_weight is not None:
        sample_weight = np.asarray(plain(sample_weight)).astype(dtype)[..., None]
        _, sample_weight = squeeze_or_expand_to_same_rank(y_true, sample_weight, expand_rank_1=False)
    return y_true, y_pred, sample_weight


def _weights(sample_weight, label_weights, shape, dtype):
    """Sample weights times label weights, broadcast to `shape` (a 0-d 1 when neither is given)."""
    weights = np.ones((), dtype=dtype)
    if sample_weight is not None:
        weights = np.broadcast_to(sample_weight, shape).astype(dtype)
    if label_weights is not None:
        weights = weights * np.broadcast_to(np.asarray(label_weights, dtype=dtype)[None], shape)
    return weights


def _tiled_counts(labels, y_pred, weights, thresholds, kinds):
    """Every prediction against every threshold: (T, n) comparisons (T, n, labels) when multi-label."""
    thresholds = thresholds.reshape((-1,) + (1,) * y_pred.ndim)
    predicted = y_pred[None] > thresholds
    actual = np.broadcast_to(labels[None] != 0, predicted.shape)
    weights = np.broadcast_to(weights, y_pred.shape)[None]
    cells = {"tp": (actual, predicted), "fp": (~actual, predicted),
             "tn": (~actual, ~predicted), "fn": (actual, ~predicted)}
    return {kind: np.sum(np.where(cells[kind][0] & cells[kind][1], weights, 0).astype(labels.dtype), axis=1)
            for kind in kinds}


def _bucket_counts(labels, y_pred, weights, num_thresholds, with_epsilon, kinds):
    """Keras's O(T + n) count for thresholds 0, 1/(T-1), ..., 1 (see the module docstring)."""
    dtype = labels.dtype
    y_pred = np.clip(y_pred, 0.0, 1.0)
    true_weight, false_weight = labels * weights, (1 - labels) * weights
    buckets = np.ceil(y_pred * dtype.type(num_thresholds - 1)) - 1
    if with_epsilon:
        buckets = np.maximum(buckets, 0)  # every p in [0, 1] is above the first threshold, -eps
    buckets = buckets.astype(np.int64)
    tp = _reverse_cumsum(_bucket_sums(true_weight, buckets, num_thresholds))
    fp = _reverse_cumsum(_bucket_sums(false_weight, buckets, num_thresholds))
    batch = {"tp": tp, "fp": fp}
    if "fn" in kinds:
        batch["fn"] = np.sum(true_weight, axis=0, dtype=dtype) - tp
    if "tn" in kinds:
        batch["tn"] = np.sum(false_weight, axis=0, dtype=dtype) - fp
    return batch


def _bucket_sums(values, buckets, num_thresholds):
    """Sum of `values` per bucket, shape (T,) or (T, labels); bucket -1 (p = 0, below all) dropped."""
    values = np.broadcast_to(values, buckets.shape)
    keep = buckets >= 0
    sums = np.zeros((num_thresholds,) + buckets.shape[1:], dtype=values.dtype)
    if buckets.ndim == 1:
        np.add.at(sums, buckets[keep], values[keep])
    else:
        columns = np.broadcast_to(np.arange(buckets.shape[1]), buckets.shape)
        np.add.at(sums, (buckets[keep], columns[keep]), values[keep])
    return sums


def _reverse_cumsum(sums):
    return np.flip(np.cumsum(np.flip(sums, axis=0), axis=0, dtype=sums.dtype), axis=0)
