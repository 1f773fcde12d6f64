"""Running means and sums: the accumulators behind almost every metric.

    Mean:  total += sum(v * w);  count += sum(w)   (w = 1 per sample without weights)
           result = total / count

Values with more than one axis are first averaged down to one value per
sample, so a metric is always a mean over samples, not over matrix entries.
"""
import numpy as np

from glassnet.autodiff import Tensor
from glassnet.keras.losses.alignment import squeeze_or_expand_to_same_rank
from glassnet.keras.losses.results import per_sample_values
from glassnet.keras.metrics.metric import Metric, scalar


def plain(x):
    """A Tensor's ndarray (metrics never touch the tape), or `x` as an array."""
    return x.value if isinstance(x, Tensor) else np.asarray(x)


def samplewise(values, sample_weight, dtype):
    """(per-sample values times weights, per-sample weights or None), as Keras reduces them.

    Args:
        values: array of shape (n, ...) (or a scalar, counted as one sample).
        sample_weight: None, a scalar, or weights aligned with `values` by rank.
    """
    values = np.asarray(plain(values), dtype=dtype)
    weights = None
    if sample_weight is not None:
        weights = np.asarray(plain(sample_weight), dtype=dtype)
        values, weights = squeeze_or_expand_to_same_rank(values, weights)
        if values.ndim > weights.ndim:
            values = values.mean(axis=tuple(range(weights.ndim, values.ndim)))
        weights = np.broadcast_to(weights, values.shape)
        values = values * weights
        if weights.ndim > 1:
            weights = weights.mean(axis=tuple(range(1, weights.ndim)))
    if values.ndim > 1:
        values = values.mean(axis=tuple(range(1, values.ndim)))
    return values, weights


class Mean(Metric):
    """The weighted running mean of the values passed to `update_state`.

    Args:
        name: defaults to 'mean'.
        dtype: the accumulation dtype (float32 by default, like Keras's state).

    >>> m = Mean()
    >>> m.update_state([1.0, 3.0]); m.update_state([5.0], sample_weight=[2.0])
    >>> float(m.result())   # (1 + 3 + 2 * 5) / (1 + 1 + 2)
    3.5
    """

    def __init__(self, name="mean", dtype=None):
        super().__init__(name=name, dtype=dtype)
        self.total = self.add_variable(shape=(), initializer="zeros", name="total")
        self.count = self.add_variable(shape=(), initializer="zeros", name="count")

    def update_state(self, values, sample_weight=None):
        if np.ndim(values) == 0 and np.ndim(sample_weight) == 0:
            # One number (fit's batch loss, weighted by the batch size): the general path's
            # arithmetic without its array bookkeeping, as this runs every training step.
            to_state = self._dtype.type
            weight = to_state(1 if sample_weight is None else plain(sample_weight))
            total, count = self.total.value, self.count.value  # 0-d arrays, added to in place
            total += to_state(plain(values)) * weight
            count += weight
            return
        values, weights = samplewise(values, sample_weight, self._dtype)
        self.total.assign_add(np.sum(values))
        if weights is not None:
            self.count.assign_add(np.sum(weights))
        else:
            self.count.assign_add(values.shape[0] if values.ndim else 1)

    def result(self):
        """total / count as a scalar Tensor (0.0 before any update, as divide_no_nan gives)."""
        count = self.count.value
        return scalar(self.total.value / count if count != 0 else 0.0, self._dtype)


class Sum(Metric):
    """The running (weighted) sum of the values passed to `update_state`."""

    def __init__(self, name="sum", dtype=None):
        super().__init__(name=name, dtype=dtype)
        self.total = self.add_variable(shape=(), initializer="zeros", name="total")

    def update_state(self, values, sample_weight=None):
        values, _ = samplewise(values, sample_weight, self._dtype)
        self.total.assign_add(np.sum(values))

    def result(self):
        return scalar(self.total.value, self._dtype)


def _masked_weight(mask, sample_weight, dtype):
    """The sample weights times the mask (1 for a real step, 0 for a padded one)."""
    weight = mask.astype(dtype)
    if sample_weight is None:
        return weight
    sample_weight, weight = squeeze_or_expand_to_same_rank(np.asarray(sample_weight, dtype), weight)
    return sample_weight * weight


class MeanMetricWrapper(Mean):
    """The running mean of a per-sample function `fn(y_true, y_pred, **kwargs)`.

    Args:
        fn: returns one value per sample, e.g. `binary_accuracy`.
        name: defaults to fn's name.
        **kwargs: options passed to `fn` on every update (e.g. threshold=0.7).

    >>> m = MeanMetricWrapper(lambda t, p: np.abs(t - p), name="mae")
    >>> m.update_state(np.array([1.0, 2.0]), np.array([2.0, 5.0]))
    >>> float(m.result())   # (1 + 3) / 2
    2.0
    """

    def __init__(self, fn, name=None, dtype=None, **kwargs):
        if not callable(fn):
            raise TypeError(f"Expected `fn` to be a metric function. Received: fn={fn!r}")
        super().__init__(name=name or getattr(fn, "__name__", None), dtype=dtype)
        self._fn = fn
        self._fn_kwargs = kwargs

    def update_state(self, y_true, y_pred, sample_weight=None):
        mask = getattr(y_pred, "_keras_mask", None)
        y_pred = plain(y_pred)
        values = self._fn(plain(y_true), y_pred, **self._fn_kwargs)
        if mask is not None:  # a masked sequence's padded steps weigh 0, as in Keras (apply_mask, "sum")
            sample_weight = _masked_weight(np.asarray(mask), sample_weight, self._dtype)
        returned_by = f"The metric function {getattr(self._fn, '__name__', self._fn)!r}"
        values = per_sample_values(values, y_pred.shape, returned_by, what="metric values")
        super().update_state(values, sample_weight=sample_weight)

    def get_config(self):
        return {**super().get_config(), **self._fn_kwargs}
