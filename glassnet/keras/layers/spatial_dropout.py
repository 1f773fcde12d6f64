"""SpatialDropout1D and SpatialDropout2D: dropout of whole channels, for convolutional features
whose neighbouring values are strongly correlated."""
from glassnet.keras.layers import spatial_arguments as spatial
from glassnet.keras.layers.dropout import Dropout


class SpatialDropout1D(Dropout):
    """While training, zeroes whole channels of each sequence (every step of the channel at once)
    with probability `rate`, and scales the others by ``1 / (1 - rate)``; the identity at inference.

    Args:
        rate: float in [0, 1], the fraction of channels to drop.
        seed: non-negative int for a reproducible mask stream.

    Input shape ``(batch, steps, channels)``; the mask has shape ``(batch, 1, channels)``.

    >>> out = SpatialDropout1D(0.5, seed=1)(np.ones((1, 3, 4)), training=True).numpy()[0]
    >>> bool((out == out[0]).all())   # each channel kept or dropped at every step
    True
    """

    _rank, _layout = 3, "(batch, steps, channels)"

    def __init__(self, rate, seed=None, name=None, dtype=None):
        super().__init__(rate, seed=seed, name=name, dtype=dtype)

    def _mask_shape(self, input_shape):
        return (input_shape[0], 1, input_shape[2])

    def _check_input(self, shape):
        spatial.require_rank(self, shape, self._rank, self._layout)

    def get_config(self):
        # Keras's spatial dropouts save only these (no `trainable`, no `noise_shape`)
        return {"rate": self.rate, "seed": self.seed, "name": self.name, "dtype": self.dtype}


class SpatialDropout2D(SpatialDropout1D):
    """While training, zeroes whole feature maps (every pixel of a channel at once) with
    probability `rate`, and scales the others by ``1 / (1 - rate)``; the identity at inference.

    Args:
        rate: float in [0, 1]; seed: as SpatialDropout1D's.
        data_format: ``'channels_last'`` (inputs ``(batch, rows, cols, channels)``, mask
            ``(batch, 1, 1, channels)``) or ``'channels_first'`` (mask ``(batch, channels, 1, 1)``).
    """

    _rank, _layout = 4, "(batch, rows, cols, channels)"

    def __init__(self, rate, data_format=None, seed=None, name=None, dtype=None):
        data_format = spatial.data_format(data_format, "SpatialDropout2D")
        super().__init__(rate, seed=seed, name=name, dtype=dtype)
        self.data_format = data_format

    def _mask_shape(self, input_shape):
        if self.data_format == "channels_first":
            return (input_shape[0], input_shape[1], 1, 1)
        return (input_shape[0], 1, 1, input_shape[3])

    def get_config(self):
        return {**super().get_config(), "data_format": self.data_format}
