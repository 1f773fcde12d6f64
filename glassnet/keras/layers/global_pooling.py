"""Global pooling: one value per channel for each sample, the mean or the maximum over every
step (1D) or every pixel (2D)."""
from glassnet.autodiff import convert_to_tensor, ops
from glassnet.autodiff.ops.shape import expand_dims
from glassnet.keras import validation as check
from glassnet.keras.layers import spatial_arguments as spatial
from glassnet.keras.layers.layer import Layer


class _GlobalPooling(Layer):
    """Reduces the spatial axes of ``(batch, *spatial, channels)`` (or ``(batch, channels, *spatial)``
    with ``data_format='channels_first'``) to ``(batch, channels)``, or keeps them as size 1 with
    ``keepdims=True``."""

    _built_at_init = True  # stateless: Keras builds it when constructed
    _spatial_rank = 1
    _reduce = None  # ops.mean or ops.max

    def __init__(self, data_format=None, keepdims=False, **kwargs):
        data_format = spatial.data_format(data_format, type(self).__name__)
        keepdims = check.boolean("keepdims", keepdims, owner=type(self).__name__)
        super().__init__(**kwargs)
        self.data_format, self.keepdims = data_format, keepdims
        self.built = True

    def _axes(self):
        first = 2 if self.data_format == "channels_first" else 1
        return tuple(range(first, first + self._spatial_rank))

    def call(self, inputs):
        return type(self)._reduce(inputs, axis=self._axes(), keepdims=self.keepdims)

    def _check_input(self, shape):
        layout = "(batch, steps, channels)" if self._spatial_rank == 1 else "(batch, rows, cols, channels)"
        spatial.require_rank(self, shape, self._spatial_rank + 2, layout)

    def compute_output_shape(self, input_shape):
        axes = self._axes()
        if self.keepdims:
            return tuple(1 if i in axes else d for i, d in enumerate(input_shape))
        return tuple(d for i, d in enumerate(input_shape) if i not in axes)

    def get_config(self):
        return {**super().get_config(), "data_format": self.data_format, "keepdims": self.keepdims}


class GlobalAveragePooling1D(_GlobalPooling):
    """The mean over the steps: ``(batch, steps, channels) -> (batch, channels)``.

    With a `mask` of shape ``(batch, steps)`` (e.g. from ``Embedding(mask_zero=True)``), the mean
    of the unmasked steps only, as Keras's.

    >>> GlobalAveragePooling1D()(np.array([[[1.0, 2.0], [3.0, 6.0]]])).numpy()
    array([[2., 4.]], dtype=float32)
    """

    _reduce = ops.mean
    supports_masking = True  # takes a mask, and the steps it masked are gone from the output

    def compute_mask(self, inputs, mask=None):
        return None

    def call(self, inputs, mask=None):
        if mask is None:
            return super().call(inputs)
        channels = 2 if self.data_format == "channels_last" else 1
        weights = ops.cast(expand_dims(convert_to_tensor(mask), channels), dtype=inputs.dtype)
        steps = 3 - channels
        total = ops.sum(inputs * weights, axis=steps, keepdims=self.keepdims)
        return total / ops.sum(weights, axis=steps, keepdims=self.keepdims)


class GlobalAveragePooling2D(_GlobalPooling):
    """The mean over the pixels: ``(batch, rows, cols, channels) -> (batch, channels)``."""

    _spatial_rank = 2
    _reduce = ops.mean


class GlobalMaxPooling1D(_GlobalPooling):
    """The maximum over the steps: ``(batch, steps, channels) -> (batch, channels)``.

    >>> GlobalMaxPooling1D(keepdims=True)(np.array([[[1.0, 2.0], [3.0, 0.0]]])).numpy()
    array([[[3., 2.]]], dtype=float32)
    """

    _reduce = ops.max


class GlobalMaxPooling2D(_GlobalPooling):
    """The maximum over the pixels: ``(batch, rows, cols, channels) -> (batch, channels)``."""

    _spatial_rank = 2
    _reduce = ops.max
