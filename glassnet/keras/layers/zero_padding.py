"""ZeroPadding1D and ZeroPadding2D: zeros around the steps of a sequence or the rows and columns
of an image (the gradient keeps the inner part)."""
from glassnet.autodiff import ops
from glassnet.keras.layers.layer import Layer
from glassnet.keras.layers import spatial_arguments as spatial


class ZeroPadding1D(Layer):
    """Adds `padding` zero steps before and after each sequence.

    Args:
        padding: an int (both ends) or a tuple ``(before, after)`` of non-negative ints.
        data_format: ``'channels_last'`` (inputs ``(batch, steps, channels)``) or ``'channels_first'``.

    Output shape ``(batch, before + steps + after, channels)``.

    >>> ZeroPadding1D((1, 2))(np.ones((1, 2, 1))).numpy()[0, :, 0]
    array([0., 1., 1., 0., 0.], dtype=float32)
    """

    def __init__(self, padding=1, data_format=None, **kwargs):
        padding = spatial.int_tuple("padding", padding, 2, "ZeroPadding1D", allow_zero=True)
        data_format = spatial.data_format(data_format, "ZeroPadding1D")
        super().__init__(**kwargs)
        self.padding, self.data_format = padding, data_format

    def _paddings(self):
        if self.data_format == "channels_first":
            return ((0, 0), (0, 0), self.padding)
        return ((0, 0), self.padding, (0, 0))

    def call(self, inputs):
        return ops.pad(inputs, paddings=self._paddings())

    def _check_input(self, shape):
        spatial.require_rank(self, shape, 3, "(batch, steps, channels)")

    def compute_output_shape(self, input_shape):
        return _padded(input_shape, self._paddings())

    def get_config(self):
        return {**super().get_config(), "padding": self.padding, "data_format": self.data_format}


class ZeroPadding2D(Layer):
    """Adds rows of zeros above and below, and columns left and right, of each image.

    Args:
        padding: an int (every side), ``(height, width)`` (symmetric), or
            ``((top, bottom), (left, right))``; non-negative ints.
        data_format: ``'channels_last'`` (inputs ``(batch, rows, cols, channels)``) or ``'channels_first'``.

    >>> ZeroPadding2D(1)(np.ones((1, 2, 2, 1))).shape.as_list()
    [1, 4, 4, 1]
    """

    def __init__(self, padding=(1, 1), data_format=None, **kwargs):
        padding = spatial.int_pairs("padding", padding, "ZeroPadding2D")
        data_format = spatial.data_format(data_format, "ZeroPadding2D")
        super().__init__(**kwargs)
        self.padding, self.data_format = padding, data_format

    def _paddings(self):
        if self.data_format == "channels_first":
            return ((0, 0), (0, 0), *self.padding)
        return ((0, 0), *self.padding, (0, 0))

    def call(self, inputs):
        return ops.pad(inputs, paddings=self._paddings())

    def _check_input(self, shape):
        spatial.require_rank(self, shape, 4, "(batch, rows, cols, channels)")

    def compute_output_shape(self, input_shape):
        return _padded(input_shape, self._paddings())

    def get_config(self):
        return {**super().get_config(), "padding": self.padding, "data_format": self.data_format}


def _padded(input_shape, paddings):
    return tuple(None if d is None else d + before + after for d, (before, after) in zip(input_shape, paddings))
