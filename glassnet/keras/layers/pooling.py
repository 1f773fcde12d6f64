"""MaxPooling1D/2D and AveragePooling1D/2D: the largest or mean value of each window, per channel.

The arithmetic is glassnet.autodiff.ops.max_pool / average_pool (see that module for ties and for
how 'same' padding counts in the average).
"""
from glassnet.autodiff import ops
from glassnet.autodiff.ops import windows
from glassnet.keras.layers import spatial_arguments as args
from glassnet.keras.layers.layer import Layer


class BasePooling(Layer):
    """The pooling layers' common code; `rank` is the number of spatial axes, `mode` 'max' or 'average'."""

    rank = None
    mode = None

    def __init__(self, pool_size, strides=None, padding="valid", data_format=None, name=None, **kwargs):
        owner = type(self).__name__
        self.pool_size = args.int_tuple("pool_size", pool_size, self.rank, owner)
        self.strides = self.pool_size if strides is None else args.int_tuple("strides", strides, self.rank, owner)
        self.padding = args.padding(padding, owner)
        self.data_format = args.data_format(data_format, owner)
        super().__init__(name=name, **kwargs)

    def _spatial(self, shape):
        return tuple(shape[1:-1]) if self.data_format == "channels_last" else tuple(shape[2:])

    def call(self, inputs, training=False):
        x = inputs
        if self.data_format == "channels_first":
            x = ops.transpose(x, axes=args.channels_last_axes(self.rank))
        pool = ops.max_pool if self.mode == "max" else ops.average_pool
        outputs = pool(x, pool_size=self.pool_size, strides=self.strides, padding=self.padding)
        if self.data_format == "channels_first":
            outputs = ops.transpose(outputs, axes=args.channels_first_axes(self.rank))
        return outputs

    def _check_input(self, shape):
        self.compute_output_shape(shape)

    def compute_output_shape(self, input_shape):
        input_shape = tuple(input_shape)
        if len(input_shape) != self.rank + 2:
            raise ValueError(f"Input 0 of layer '{self.name}' ({type(self).__name__}) is incompatible with the "
                             f"layer: expected ndim={self.rank + 2}, found ndim={len(input_shape)}. Full shape "
                             f"received: {input_shape}")
        spatial = []
        for n, p, s in zip(self._spatial(input_shape), self.pool_size, self.strides):
            size = None if n is None else windows.output_size(n, p, s, 1, self.padding)
            if size is not None and size <= 0:
                raise ValueError(f"{type(self).__name__} layer '{self.name}': pool_size={self.pool_size} is larger "
                                 f"than the input of shape {input_shape} with padding='valid': the output size "
                                 f"would be {size}. Use padding='same' or a smaller pool_size.")
            spatial.append(size)
        if self.data_format == "channels_last":
            return (input_shape[0], *spatial, input_shape[-1])
        return (input_shape[0], input_shape[1], *spatial)

    def get_config(self):
        return {**super().get_config(), "pool_size": self.pool_size, "padding": self.padding,
                "strides": self.strides, "data_format": self.data_format}


class MaxPooling1D(BasePooling):
    """The largest value of each window over ``(batch, steps, channels)``.

    Args:
        pool_size: int, the window length (default 2).
        strides: int or None (the default: `pool_size`).
        padding: 'valid' or 'same' (output length ceil(steps / strides); padded positions never win).
        data_format: 'channels_last' (default) or 'channels_first'.

    >>> MaxPooling1D()(np.arange(6.0).reshape(1, 6, 1)).numpy().ravel().tolist()
    [1.0, 3.0, 5.0]
    """

    rank, mode = 1, "max"

    def __init__(self, pool_size=2, strides=None, padding="valid", data_format=None, name=None, **kwargs):
        super().__init__(pool_size, strides, padding, data_format, name=name, **kwargs)


class MaxPooling2D(BasePooling):
    """The largest value of each window over ``(batch, height, width, channels)``.

    Args:
        pool_size: int or tuple of 2 ints (default (2, 2)).
        strides: int, tuple of 2 ints, or None (the default: `pool_size`).
        padding: 'valid' or 'same' (padded positions never win).
        data_format: 'channels_last' (default) or 'channels_first'.

    The gradient goes to the first largest element of each window (row-major), as in JAX and TF.

    >>> MaxPooling2D()(np.ones((2, 28, 28, 32))).shape.as_list()
    [2, 14, 14, 32]
    """

    rank, mode = 2, "max"

    def __init__(self, pool_size=(2, 2), strides=None, padding="valid", data_format=None, name=None, **kwargs):
        super().__init__(pool_size, strides, padding, data_format, name=name, **kwargs)


class AveragePooling1D(BasePooling):
    """The mean of each window over ``(batch, steps, channels)``.

    Args:
        pool_size: int, the window length (required, as in Keras).
        strides: int or None (the default: `pool_size`).
        padding: 'valid' or 'same' (a window that overlaps the padding is the mean of its real elements).
        data_format: 'channels_last' (default) or 'channels_first'.

    >>> AveragePooling1D(2)(np.arange(6.0).reshape(1, 6, 1)).numpy().ravel().tolist()
    [0.5, 2.5, 4.5]
    """

    rank, mode = 1, "average"


class AveragePooling2D(BasePooling):
    """The mean of each window over ``(batch, height, width, channels)``.

    Args:
        pool_size: int or tuple of 2 ints (required, as in Keras).
        strides: int, tuple of 2 ints, or None (the default: `pool_size`).
        padding: 'valid' or 'same' (a window that overlaps the padding is the mean of its real elements).
        data_format: 'channels_last' (default) or 'channels_first'.

    >>> AveragePooling2D(2)(np.ones((2, 6, 6, 3))).shape.as_list()
    [2, 3, 3, 3]
    """

    rank, mode = 2, "average"


MaxPool1D = MaxPooling1D
MaxPool2D = MaxPooling2D
AvgPool1D = AveragePooling1D
AvgPool2D = AveragePooling2D
