"""UpSampling1D and UpSampling2D: repeat each step, or each row and column, `size` times
('nearest'), or interpolate between them ('bilinear')."""
import numpy as np

from glassnet.autodiff import ops
from glassnet.autodiff.ops.indexing import repeat
from glassnet.keras import validation as check
from glassnet.keras.layers import spatial_arguments as spatial
from glassnet.keras.layers.layer import Layer

_INTERPOLATIONS = ("nearest", "bilinear")


class UpSampling1D(Layer):
    """Repeats each step of a sequence `size` times: ``(batch, steps, features) -> (batch, steps * size, features)``.

    >>> UpSampling1D(2)(np.array([[[1.0], [2.0]]])).numpy()[0, :, 0]
    array([1., 1., 2., 2.], dtype=float32)
    """

    def __init__(self, size=2, **kwargs):
        if not isinstance(size, int) or isinstance(size, bool):
            raise TypeError(f"Expected an integer value for `size` of UpSampling1D, got {type(size)}. "
                            f"Received: size={size!r}")
        size = check.integer("size", size, minimum=1, owner="UpSampling1D")
        super().__init__(**kwargs)
        self.size = size

    def call(self, inputs):
        return repeat(inputs, repeats=self.size, axis=1)

    def _check_input(self, shape):
        spatial.require_rank(self, shape, 3, "(batch, steps, features)")

    def compute_output_shape(self, input_shape):
        steps = None if input_shape[1] is None else input_shape[1] * self.size
        return (input_shape[0], steps, input_shape[2])

    def get_config(self):
        return {**super().get_config(), "size": self.size}


class UpSampling2D(Layer):
    """Repeats the rows of each image ``size[0]`` times and its columns ``size[1]`` times.

    Args:
        size: an int or a tuple ``(rows, cols)`` of positive ints.
        data_format: ``'channels_last'`` (inputs ``(batch, rows, cols, channels)``) or ``'channels_first'``.
        interpolation: ``'nearest'`` (repeat) or ``'bilinear'`` (``jax.image.resize``'s bilinear: each
            output pixel's centre mapped back with half-pixel offsets, the two nearest input pixels
            weighted by distance, the edges clamped).

    >>> UpSampling2D(2)(np.ones((1, 2, 3, 1))).shape.as_list()
    [1, 4, 6, 1]
    """

    def __init__(self, size=(2, 2), data_format=None, interpolation="nearest", **kwargs):
        size = spatial.int_tuple("size", size, 2, "UpSampling2D")
        data_format = spatial.data_format(data_format, "UpSampling2D")
        interpolation = check.string("interpolation", interpolation, owner="UpSampling2D").lower()
        check.one_of("interpolation", interpolation, _INTERPOLATIONS, owner="UpSampling2D")
        super().__init__(**kwargs)
        self.size, self.data_format, self.interpolation = size, data_format, interpolation

    def call(self, inputs):
        first = 2 if self.data_format == "channels_first" else 1
        if self.interpolation == "nearest":
            return repeat(repeat(inputs, repeats=self.size[0], axis=first), repeats=self.size[1], axis=first + 1)
        return self._bilinear(inputs, first)

    def _bilinear(self, inputs, first):
        """Two matrix products, one per axis: ``rows @ image @ cols.T`` for every (sample, channel)."""
        if first == 1:  # to (batch, channels, rows, cols)
            inputs = ops.transpose(inputs, axes=(0, 3, 1, 2))
        rows = _bilinear_weights(inputs.shape[2], self.size[0], self.dtype)
        cols = _bilinear_weights(inputs.shape[3], self.size[1], self.dtype)
        outputs = ops.matmul(ops.matmul(rows, inputs), cols.T)
        return ops.transpose(outputs, axes=(0, 2, 3, 1)) if first == 1 else outputs

    def _check_input(self, shape):
        spatial.require_rank(self, shape, 4, "(batch, rows, cols, channels)")

    def compute_output_shape(self, input_shape):
        first = 2 if self.data_format == "channels_first" else 1
        shape = list(input_shape)
        for axis, factor in zip((first, first + 1), self.size):
            shape[axis] = None if shape[axis] is None else shape[axis] * factor
        return tuple(shape)

    def get_config(self):
        return {**super().get_config(), "size": self.size, "data_format": self.data_format,
                "interpolation": self.interpolation}


def _bilinear_weights(n, factor, dtype):
    """The (n * factor, n) matrix of bilinear weights: output i samples input position
    ``(i + 0.5) / factor - 0.5``; weights outside the input are dropped and the rest renormalized."""
    source = (np.arange(n * factor) + 0.5) / factor - 0.5
    weights = np.maximum(0.0, 1.0 - np.abs(source[:, None] - np.arange(n)[None, :]))
    return (weights / weights.sum(axis=1, keepdims=True)).astype(dtype)
