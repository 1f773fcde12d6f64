"""Conv1DTranspose and Conv2DTranspose: ``activation(conv_transpose(inputs, kernel) + bias)``, as Keras's.

The kernel has Keras's shape ``(*kernel_size, filters, in_channels)`` (the kernel of the
convolution this one transposes), so Keras weights load as they are. The arithmetic is
glassnet.autodiff.ops.conv_transpose; the argument checks, weights and data formats are the
convolution layers' (BaseConv).
"""
from glassnet.autodiff import ops
from glassnet.autodiff.ops.conv_transpose import output_size
from glassnet.keras.layers import spatial_arguments as args
from glassnet.keras.layers.convolutional import BaseConv


class BaseConvTranspose(BaseConv):
    """The transposed convolution layers' common code; `rank` is the number of spatial axes."""

    _kernel_in_axis = -1

    def __init__(self, filters, kernel_size, strides=1, padding="valid", output_padding=None, data_format=None,
                 dilation_rate=1, activation=None, use_bias=True, kernel_initializer="glorot_uniform",
                 bias_initializer="zeros", kernel_regularizer=None, bias_regularizer=None,
                 activity_regularizer=None, kernel_constraint=None, bias_constraint=None, **kwargs):
        owner = type(self).__name__
        padding = args.padding(padding, owner, ("valid", "same"))
        super().__init__(filters, kernel_size, strides=strides, padding=padding, data_format=data_format,
                         dilation_rate=dilation_rate, activation=activation, use_bias=use_bias,
                         kernel_initializer=kernel_initializer, bias_initializer=bias_initializer,
                         kernel_regularizer=kernel_regularizer, bias_regularizer=bias_regularizer,
                         activity_regularizer=activity_regularizer, kernel_constraint=kernel_constraint,
                         bias_constraint=bias_constraint, **kwargs)
        self.output_padding = None
        if output_padding is not None:
            self.output_padding = args.int_tuple("output_padding", output_padding, self.rank, owner, allow_zero=True)
            for axis, (extra, stride) in enumerate(zip(self.output_padding, self.strides)):
                if extra >= stride:
                    raise ValueError(f"{owner}: each value of `output_padding` must be strictly less than the "
                                     f"corresponding `strides` value. At axis {axis}, output_padding is {extra} "
                                     f"and strides is {stride}. Received: output_padding={output_padding}, "
                                     f"strides={self.strides}")

    def _kernel_shape(self, channels):
        return (*self.kernel_size, self.filters, channels)

    def _convolve(self, x, activation, input_gradient):
        return ops.conv_transpose(x, self.kernel, self.bias, strides=self.strides, padding=self.padding,
                                  output_padding=self.output_padding, dilation_rate=self.dilation_rate,
                                  activation=activation, input_gradient=input_gradient)

    def _output_size(self, size, kernel, stride, dilation, axis):
        extra = None if self.output_padding is None else self.output_padding[axis]
        return output_size(size, kernel, stride, dilation, self.padding, extra)

    def get_config(self):
        config = super().get_config()
        del config["groups"]
        keys = list(config)
        at = keys.index("padding") + 1  # Keras's order: output_padding follows padding
        config = {key: config[key] for key in keys[:at]} | {"output_padding": self.output_padding} | {
            key: config[key] for key in keys[at:]}
        return config


class Conv1DTranspose(BaseConvTranspose):
    """1-D transposed convolution over ``(batch, steps, channels)``: the input gradient of a Conv1D, as a layer.

    Args:
        filters: number of output channels.
        kernel_size: int or tuple of 1 int, the window length.
        strides, dilation_rate: int or tuple of 1 int (strides > 1 with dilation_rate > 1 is refused, as in Keras).
        padding: 'valid' or 'same' (with the default output_padding: output length steps * strides).
        output_padding: None, or int or tuple of 1 int below the stride: extra length at the end, the
            length becoming ``(steps - 1) * strides + kernel - 2 * (kernel // 2 if 'same' else 0) + output_padding``.
        data_format: 'channels_last' (default) or 'channels_first'.
        activation, use_bias, kernel_* / bias_* initializers, regularizers, constraints,
            activity_regularizer: as in Dense.

    Kernel shape ``(kernel_size, filters, in_channels)``; output ``(batch, new_steps, filters)``;
    with padding 'valid' and no output_padding, ``new_steps = (steps - 1) * strides + max(kernel_size, strides)``.

    >>> Conv1DTranspose(4, 3, strides=2, padding="same")(np.ones((2, 10, 3))).shape.as_list()
    [2, 20, 4]
    """

    rank = 1


class Conv2DTranspose(BaseConvTranspose):
    """2-D transposed convolution over ``(batch, height, width, channels)``: a Conv2D's input gradient, as a layer.

    Args:
        filters: number of output channels.
        kernel_size: int or tuple of 2 ints, the window's height and width.
        strides, dilation_rate: int or tuple of 2 ints (strides > 1 with dilation_rate > 1 is refused, as in Keras).
        padding: 'valid' or 'same' (with the default output_padding: each size times its stride).
        output_padding: None, or int or tuple of 2 ints, each below its stride: extra size at the end,
            each size becoming ``(size - 1) * stride + kernel - 2 * (kernel // 2 if 'same' else 0) + output_padding``.
        data_format: 'channels_last' (default) or 'channels_first' (``(batch, channels, height, width)``).
        activation, use_bias, kernel_* / bias_* initializers, regularizers, constraints,
            activity_regularizer: as in Dense.

    Kernel shape ``(kh, kw, filters, in_channels)``; output ``(batch, new_height, new_width, filters)``;
    with padding 'valid' and no output_padding, ``new = (size - 1) * stride + max(kernel, stride)``.

    >>> Conv2DTranspose(8, 4, strides=2, padding="same")(np.ones((2, 7, 7, 16))).shape.as_list()
    [2, 14, 14, 8]
    """

    rank = 2


Convolution1DTranspose = Conv1DTranspose
Convolution2DTranspose = Conv2DTranspose
