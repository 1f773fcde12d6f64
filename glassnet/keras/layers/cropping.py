"""Cropping1D and Cropping2D: drop steps from the ends of a sequence, or rows and columns from
the edges of an image."""
from glassnet.keras.layers.layer import Layer
from glassnet.keras.layers import spatial_arguments as spatial


class Cropping1D(Layer):
    """Removes ``cropping = (before, after)`` steps from the ends of each sequence.

    Args:
        cropping: an int (both ends) or a tuple of 2 non-negative ints.

    Input shape ``(batch, steps, channels)``; output ``(batch, steps - before - after, channels)``.

    >>> Cropping1D((1, 0))(np.arange(3.0).reshape(1, 3, 1)).numpy()[0, :, 0]
    array([1., 2.], dtype=float32)
    """

    def __init__(self, cropping=(1, 1), **kwargs):
        cropping = spatial.int_tuple("cropping", cropping, 2, "Cropping1D", allow_zero=True)
        super().__init__(**kwargs)
        self.cropping = cropping

    def call(self, inputs):
        before, after = self.cropping
        return inputs[:, before:inputs.shape[1] - after, :]

    def _check_input(self, shape):
        spatial.require_rank(self, shape, 3, "(batch, steps, channels)")
        _check_cropped(self, shape, [(1, self.cropping)])

    def compute_output_shape(self, input_shape):
        return _cropped(input_shape, [(1, self.cropping)])

    def get_config(self):
        return {**super().get_config(), "cropping": self.cropping}


class Cropping2D(Layer):
    """Removes rows from the top and bottom, and columns from the left and right, of each image.

    Args:
        cropping: an int (every side), ``(height, width)`` (symmetric), or
            ``((top, bottom), (left, right))``; non-negative ints.
        data_format: ``'channels_last'`` (inputs ``(batch, rows, cols, channels)``) or ``'channels_first'``.

    >>> Cropping2D(((1, 0), (0, 1)))(np.ones((1, 3, 3, 2))).shape.as_list()
    [1, 2, 2, 2]
    """

    def __init__(self, cropping=((0, 0), (0, 0)), data_format=None, **kwargs):
        cropping = spatial.int_pairs("cropping", cropping, "Cropping2D")
        data_format = spatial.data_format(data_format, "Cropping2D")
        super().__init__(**kwargs)
        self.cropping, self.data_format = cropping, data_format

    def _axes(self):
        first = 2 if self.data_format == "channels_first" else 1
        return [(first, self.cropping[0]), (first + 1, self.cropping[1])]

    def call(self, inputs):
        key = [slice(None)] * 4
        for axis, (before, after) in self._axes():
            key[axis] = slice(before, inputs.shape[axis] - after)
        return inputs[tuple(key)]

    def _check_input(self, shape):
        spatial.require_rank(self, shape, 4, "(batch, rows, cols, channels)")
        _check_cropped(self, shape, self._axes())

    def compute_output_shape(self, input_shape):
        return _cropped(input_shape, self._axes())

    def get_config(self):
        return {**super().get_config(), "cropping": self.cropping, "data_format": self.data_format}


def _check_cropped(layer, shape, axes):
    for axis, (before, after) in axes:
        if shape[axis] is not None and before + after >= shape[axis]:
            raise ValueError(
                f"`cropping` of {type(layer).__name__} layer '{layer.name}' must be smaller than the input's size "
                f"on axis {axis}. Received: input shape {tuple(shape)}, cropping={layer.cropping}"
            )


def _cropped(input_shape, axes):
    shape = list(input_shape)
    for axis, (before, after) in axes:
        if shape[axis] is not None:
            shape[axis] -= before + after
    return tuple(shape)
