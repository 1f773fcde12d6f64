"""Normalization: shift and scale features to zero mean and unit variance."""
import numpy as np

from glassnet.autodiff import convert_to_tensor
from glassnet.keras.layers.layer import Layer


class Normalization(Layer):
    """Computes ``(x - mean) / max(sqrt(variance), 1e-7)`` with statistics from :meth:`adapt`.

    Args:
        axis: the axis (or axes) that keep separate statistics; -1 means one mean per
            feature, None one scalar mean for everything.
        mean, variance: fixed statistics instead of adapt (give both or neither).
        invert: apply the inverse, ``mean + x * sqrt(variance)``.

    >>> norm = Normalization(axis=-1)
    >>> norm.adapt(np.array([[1.0], [2.0], [4.0]]))
    >>> float(norm.mean.numpy()[0])   # population statistics, as Keras
    2.3333332538604736
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
        self.mean = self.variance = self.count = None
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
        if self._fixed is None:
            self.mean = self.add_weight(shape=shape, initializer="zeros", name="mean", trainable=False)
            self.variance = self.add_weight(shape=shape, initializer="ones", name="variance", trainable=False)
            self.count = self.add_weight(shape=(), initializer="zeros", name="count", trainable=False, dtype="int32")
        self.built = True

    def adapt(self, data):
        """Set mean and variance from `data` (population variance, ddof=0, as Keras)."""
        data = np.asarray(data)
        if data.size == 0:
            raise ValueError(f"Normalization.adapt needs data with at least one sample. Received shape {data.shape}")
        if not np.issubdtype(data.dtype, np.number) or np.iscomplexobj(data):
            raise TypeError(f"Normalization.adapt expects real numeric data. Received dtype {data.dtype}")
        if not np.isfinite(data).all():  # one NaN makes the mean NaN, and then every output
            bad = tuple(int(i) for i in np.argwhere(~np.isfinite(data))[0])
            raise ValueError(
                f"Normalization.adapt: `data` contains NaN or infinite values (first at index {bad}: {data[bad]}), "
                "which would make the mean, the variance and every output NaN. Remove or impute them first."
            )
        if data.ndim == 1:
            data = data.reshape(-1, 1)
        if not self.built:
            self._build_from_shape((None, *data.shape[1:]))
        kept = self._kept_axes(data.ndim)
        reduce_axes = tuple(a for a in range(data.ndim) if a not in kept)
        self.mean.assign(np.mean(data, axis=reduce_axes))
        self.variance.assign(np.var(data, axis=reduce_axes))

    def _statistics(self, ndim):
        mean, variance = self._fixed if self._fixed is not None else (self.mean.value, self.variance.value)
        kept = self._kept_axes(ndim)
        shape = [mean.shape[kept.index(a)] if a in kept else 1 for a in range(ndim)] if mean.ndim else [1] * ndim
        return mean.reshape(shape), np.maximum(np.sqrt(variance), 1e-7).astype(self.dtype).reshape(shape)

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
