"""Normalization: shift and scale features to zero mean and unit variance."""
import itertools

import numpy as np

from glassnet.autodiff import convert_to_tensor
from glassnet.keras.layers.layer import Layer
from glassnet.keras.utils.py_dataset import PyDataset
from glassnet.keras.trainers.data import numbers_of as _numbers_of


class Normalization(Layer):
    """Computes ``(x - mean) / max(sqrt(variance), 1e-7)`` with statistics from :meth:`adapt`.

    Args:
        axis: the axis (or axes) that keep separate statistics; -1 means one mean per
            feature, None one scalar mean for everything.
        mean, variance: fixed statistics instead of adapt (give both or neither).
        invert: apply the inverse, ``mean + x * sqrt(variance)``.

    `mean` and `variance` are the statistics shaped to broadcast against the input (``(1, F)``
    for inputs ``(batch, F)`` and ``axis=-1``), as in Keras; the weights behind them,
    `adapt_mean` and `adapt_variance`, have the kept axes' shape ``(F,)``.

    >>> norm = Normalization(axis=-1)
    >>> norm.adapt(np.array([[1.0], [2.0], [4.0]]))
    >>> norm.mean.numpy()   # population statistics, as Keras
    array([[2.3333333]], dtype=float32)
    """

    supports_masking = True  # passes a mask on to its output, as in Keras

    def __init__(self, axis=-1, mean=None, variance=None, invert=False, **kwargs):
        super().__init__(**kwargs)
        if (mean is None) != (variance is None):
            raise ValueError(
                "When setting values directly, both `mean` and `variance` must be set. "
                f"Received: mean={mean!r} and variance={variance!r}"
            )
        self.axis = () if axis is None else (tuple(axis) if isinstance(axis, (list, tuple)) else (axis,))
        self.invert = invert
        self.adapt_mean = self.adapt_variance = self.count = None
        self._broadcast_shape = None
        self._fixed = None if mean is None else (np.asarray(mean, self.dtype), np.asarray(variance, self.dtype))

    def _kept_axes(self, ndim):
        return tuple(a % ndim for a in self.axis)

    def build(self, input_shape):
        ndim = len(input_shape)
        kept = self._kept_axes(ndim)
        if any(input_shape[a] is None for a in kept):
            raise ValueError(
                f"Normalization needs a known size on axis {self.axis}. Received input_shape={tuple(input_shape)}"
            )
        shape = tuple(input_shape[a] for a in kept)
        self._broadcast_shape = tuple(input_shape[a] if a in kept else 1 for a in range(ndim))
        if self._fixed is None:
            self.adapt_mean = self.add_weight(shape=shape, initializer="zeros", name="mean", trainable=False)
            self.adapt_variance = self.add_weight(shape=shape, initializer="ones", name="variance",
                                                  trainable=False)
            self.count = self.add_weight(shape=(), initializer="zeros", name="count", trainable=False, dtype="int32")
        self.built = True

    @property
    def mean(self):
        """The mean, shaped to broadcast against the input (None before the layer is built)."""
        return self._broadcast("adapt_mean", 0)

    @property
    def variance(self):
        """The variance, shaped to broadcast against the input (None before the layer is built)."""
        return self._broadcast("adapt_variance", 1)

    def _broadcast(self, weight, fixed_index):
        if not self.built:
            return None
        ndim = len(self._broadcast_shape)
        values = self._fixed[fixed_index] if self._fixed is not None else getattr(self, weight).value
        return convert_to_tensor(self._shaped(values, ndim))

    def adapt(self, data):
        """Set mean and variance from `data` (population variance, ddof=0, as Keras).

        `data` is an array, or batches: a glassnet.data.Dataset (elements of one sample are
        batched by 128, as Keras does), a PyDataset, or any iterable of arrays. Batches are
        combined as Keras combines them (a running mean, and the variance by the lack-of-fit
        sum of squares).
        """
        if _is_batches(data):
            batches = _adapt_batches(data)
            first = next(batches, None)
            if first is None:
                raise ValueError("Normalization.adapt received no batches: expected at least one batch of samples.")
            self._build_for(first)
            mean, variance = _combined_statistics(itertools.chain([first], batches), self._reduce_axes(first.ndim))
        else:
            data = _checked_samples(data)
            self._build_for(data)
            reduce_axes = self._reduce_axes(data.ndim)
            mean, variance = np.mean(data, axis=reduce_axes), np.var(data, axis=reduce_axes)
        self.adapt_mean.assign(mean)
        self.adapt_variance.assign(variance)

    def _build_for(self, batch):
        if not self.built:
            self._build_from_shape((None, *batch.shape[1:]))
            return
        kept = self._kept_axes(batch.ndim) if batch.ndim == len(self._broadcast_shape) else None
        if kept is None or any(batch.shape[a] != self._broadcast_shape[a] for a in kept):
            raise ValueError(
                f"The layer was built for inputs of shape {(None, *self._broadcast_shape[1:])} (the sizes on axis "
                f"{self.axis} must match), but adapt() is being called with data of shape {batch.shape}."
            )

    def _reduce_axes(self, ndim):
        kept = self._kept_axes(ndim)
        return tuple(a for a in range(ndim) if a not in kept)

    def _statistics(self, ndim):
        mean, variance = self._fixed if self._fixed is not None else (self.adapt_mean.value, self.adapt_variance.value)
        return self._shaped(mean, ndim), self._shaped(np.maximum(np.sqrt(variance), 1e-7).astype(self.dtype), ndim)

    def _shaped(self, values, ndim):
        """`values` (the kept axes' sizes, or a scalar) reshaped to broadcast against rank-`ndim` inputs."""
        kept = self._kept_axes(ndim)
        shape = [values.shape[kept.index(a)] if a in kept else 1 for a in range(ndim)] if values.ndim else [1] * ndim
        return values.reshape(shape)

    def call(self, inputs, training=False):
        mean, std = self._statistics(inputs.ndim)
        if self.invert:
            return inputs * std + mean
        return (inputs - mean) / std

    def __call__(self, inputs, training=None):
        if not hasattr(inputs, "shape") and not isinstance(inputs, (list, tuple)):
            inputs = convert_to_tensor(inputs)
        return super().__call__(inputs, training=training)

    def get_config(self):
        fixed = self._fixed
        return {**super().get_config(), "axis": list(self.axis), "invert": self.invert,
                "mean": None if fixed is None else fixed[0].tolist(),
                "variance": None if fixed is None else fixed[1].tolist()}


def _is_batches(data):
    from glassnet.data import Dataset
    if isinstance(data, (Dataset, PyDataset)):
        return True
    if isinstance(data, (list, tuple)):  # Keras: a list of arrays is a list of batches
        return bool(data) and all(hasattr(batch, "shape") for batch in data)
    return hasattr(data, "__iter__") and not hasattr(data, "__array__")


def _adapt_batches(data):
    """The batches of `data` as checked arrays: a Dataset's first part of each element (its x),
    a Dataset of single samples batched by 128 as Keras does."""
    from glassnet.data import Dataset
    if isinstance(data, Dataset):
        spec = data.element_spec
        x_spec = spec[0] if isinstance(spec, tuple) else spec
        if len(x_spec.shape) == 1:
            data = data.batch(128)
    elif isinstance(data, PyDataset):
        data = (data[index] for index in range(len(data)))
    for batch in data:
        yield _checked_samples(batch[0] if isinstance(batch, tuple) else batch)


def _combined_statistics(batches, reduce_axes):
    """Keras's running combination: the mean weighted by counts, the variance by the lack-of-fit
    sum of squares (both in float32, as Keras computes them)."""
    total_mean = total_variance = None
    total_count = 0
    for batch in batches:
        batch = batch.astype(np.float32)
        batch_mean, batch_variance = np.mean(batch, axis=reduce_axes), np.var(batch, axis=reduce_axes)
        count = int(np.prod([batch.shape[a] for a in reduce_axes])) if reduce_axes else 1
        if total_mean is None:
            total_mean, total_variance = np.zeros_like(batch_mean), np.zeros_like(batch_variance)
        total_count += count
        weight = np.float32(count / total_count)
        new_mean = total_mean * (1 - weight) + batch_mean * weight
        total_variance = ((total_variance + (total_mean - new_mean) ** 2) * (1 - weight)
                          + (batch_variance + (batch_mean - new_mean) ** 2) * weight)
        total_mean = new_mean
    return total_mean, total_variance


def _checked_samples(data):
    """`data` as a real, finite NumPy array (a pandas frame of numbers and bools included)."""
    data = np.asarray(getattr(data, "value", data))
    if data.dtype == object:  # np.array of a DataFrame with bool and float columns
        data = _numbers_of(data)
    if data.size == 0:
        raise ValueError(f"Normalization.adapt needs data with at least one sample. Received shape {data.shape}")
    if not np.issubdtype(data.dtype, np.number) and data.dtype != bool or np.iscomplexobj(data):
        raise TypeError(f"Normalization.adapt expects real numeric data. Received dtype {data.dtype}")
    if data.dtype == bool:
        data = data.astype(np.float32)
    if not np.isfinite(data).all():  # one NaN makes the mean NaN, and then every output
        bad = tuple(int(i) for i in np.argwhere(~np.isfinite(data))[0])
        raise ValueError(
            f"Normalization.adapt: `data` contains NaN or infinite values (first at index {bad}: {data[bad]}), "
            "which would make the mean, the variance and every output NaN. Remove or impute them first."
        )
    return data.reshape(-1, 1) if data.ndim == 1 else data
