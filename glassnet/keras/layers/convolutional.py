"""Conv1D and Conv2D: ``activation(conv(inputs, kernel) + bias)``, with Keras's arguments and weights.

The kernel has Keras's shape ``(*kernel_size, in_channels, filters)``, so Keras weights load as
they are. The arithmetic is glassnet.autodiff.ops.conv (one fused op: convolution, bias and
activation; see that module for how it is computed).
"""
from glassnet.autodiff import ops, tape
from glassnet.autodiff.ops import windows
from glassnet.keras import activations, constraints, initializers, regularizers
from glassnet.keras import validation as check
from glassnet.keras.layers import spatial_arguments as args
from glassnet.keras.layers.dense import _FUSABLE
from glassnet.keras.layers.layer import Layer


class BaseConv(Layer):
    """The convolution layers' common code; `rank` is the number of spatial axes."""

    rank = None
    _kernel_in_axis = -2  # the kernel's axis of input channels

    def __init__(self, filters, kernel_size, strides=1, padding="valid", data_format=None, dilation_rate=1,
                 groups=1, activation=None, use_bias=True, kernel_initializer="glorot_uniform",
                 bias_initializer="zeros", kernel_regularizer=None, bias_regularizer=None,
                 activity_regularizer=None, kernel_constraint=None, bias_constraint=None, **kwargs):
        owner = type(self).__name__
        rank = self.rank
        self.filters = check.integer("filters", filters, minimum=1, owner=owner)
        self.kernel_size = args.int_tuple("kernel_size", kernel_size, rank, owner)
        self.strides = args.int_tuple("strides", strides, rank, owner)
        self.dilation_rate = args.int_tuple("dilation_rate", dilation_rate, rank, owner)
        if max(self.strides) > 1 and max(self.dilation_rate) > 1:
            raise ValueError(f"{owner}: `strides > 1` not supported in conjunction with `dilation_rate > 1` "
                             f"(as in Keras). Received: strides={self.strides} and dilation_rate={self.dilation_rate}")
        self.padding = args.padding(padding, owner, ("valid", "same", "causal") if rank == 1 else ("valid", "same"))
        self.data_format = args.data_format(data_format, owner)
        self.groups = check.integer("groups", groups, minimum=1, owner=owner)
        if self.groups != 1:
            raise NotImplementedError(f"{owner}: grouped convolution is not supported; only groups=1 is. "
                                      f"Received: groups={groups!r}")
        self.use_bias = check.boolean("use_bias", use_bias, owner=owner)
        super().__init__(activity_regularizer=activity_regularizer, **kwargs)
        self.activation = activations.get(activation)
        self.kernel_initializer = initializers.get(kernel_initializer)
        self.bias_initializer = initializers.get(bias_initializer)
        self.kernel_regularizer = regularizers.get(kernel_regularizer) if kernel_regularizer is not None else None
        self.bias_regularizer = regularizers.get(bias_regularizer) if bias_regularizer is not None else None
        self.kernel_constraint = constraints.get(kernel_constraint)
        self.bias_constraint = constraints.get(bias_constraint)
        self.kernel = None
        self.bias = None

    def _channel_axis(self):
        return -1 if self.data_format == "channels_last" else 1

    def _spatial(self, shape):
        return tuple(shape[1:-1]) if self.data_format == "channels_last" else tuple(shape[2:])

    def build(self, input_shape):
        input_shape = tuple(input_shape)
        self._check_rank(input_shape)
        channels = input_shape[self._channel_axis()]
        if channels is None:
            raise ValueError(f"The channel dimension of the inputs to {type(self).__name__} layer '{self.name}' "
                             f"must be known. Received input_shape={input_shape}")
        self.compute_output_shape(input_shape)  # refuses a kernel larger than the padded input
        self.kernel = self.add_weight(shape=self._kernel_shape(channels), name="kernel",
                                      initializer=self.kernel_initializer, regularizer=self.kernel_regularizer,
                                      constraint=self.kernel_constraint)
        if self.use_bias:
            self.bias = self.add_weight(shape=(self.filters,), name="bias", initializer=self.bias_initializer,
                                        regularizer=self.bias_regularizer, constraint=self.bias_constraint)
        self.built = True

    def _kernel_shape(self, channels):
        return (*self.kernel_size, channels, self.filters)

    def _check_rank(self, shape):
        if len(shape) != self.rank + 2:
            layout = ("(batch, " + ", ".join(["spatial"] * self.rank) + ", channels)"
                      if self.data_format == "channels_last"
                      else "(batch, channels, " + ", ".join(["spatial"] * self.rank) + ")")
            raise ValueError(f"Input 0 of layer '{self.name}' ({type(self).__name__}) is incompatible with the layer: "
                             f"expected ndim={self.rank + 2}, {layout}, found ndim={len(shape)}. "
                             f"Full shape received: {tuple(shape)}")

    def _check_input(self, shape):
        self._check_rank(shape)
        expected = self.kernel.shape[self._kernel_in_axis]
        if shape[self._channel_axis()] != expected:
            raise ValueError(f"Input 0 of layer '{self.name}' is incompatible with the layer: expected axis "
                             f"{self._channel_axis()} of input shape to have value {expected}, but received input "
                             f"with shape {tuple(shape)}")
        self.compute_output_shape(shape)

    def call(self, inputs, training=False):
        x = inputs
        if self.data_format == "channels_first":
            x = ops.transpose(x, axes=args.channels_last_axes(self.rank))
        fused = _FUSABLE.get(self.activation, False)
        outputs = self._convolve(x, fused or None, tape.is_tracked(inputs))
        if fused is False:
            outputs = self.activation(outputs)
        if self.data_format == "channels_first":
            outputs = ops.transpose(outputs, axes=args.channels_first_axes(self.rank))
        return outputs

    def _convolve(self, x, activation, input_gradient):
        return ops.conv(x, self.kernel, self.bias, strides=self.strides, padding=self.padding,
                        dilation_rate=self.dilation_rate, activation=activation, input_gradient=input_gradient)

    def _output_size(self, size, kernel, stride, dilation, axis):
        return windows.output_size(size, kernel, stride, dilation, self.padding)

    def compute_output_shape(self, input_shape):
        input_shape = tuple(input_shape)
        self._check_rank(input_shape)
        spatial = []
        for axis, (n, k, s, d) in enumerate(zip(self._spatial(input_shape), self.kernel_size, self.strides,
                                                self.dilation_rate)):
            size = None if n is None else self._output_size(n, k, s, d, axis)
            if size is not None and size <= 0:
                raise ValueError(
                    f"{type(self).__name__} layer '{self.name}': the kernel is larger than the input. Received "
                    f"input shape {input_shape}, kernel_size={self.kernel_size}, dilation_rate={self.dilation_rate}, "
                    f"padding='{self.padding}': the output size would be {size} (zero or negative). Use "
                    f"padding='same' or a smaller kernel.")
            spatial.append(size)
        if self.data_format == "channels_last":
            return (input_shape[0], *spatial, self.filters)
        return (input_shape[0], self.filters, *spatial)

    def get_config(self):
        return {
            **super().get_config(),
            "filters": self.filters,
            "kernel_size": self.kernel_size,
            "strides": self.strides,
            "padding": self.padding,
            "data_format": self.data_format,
            "dilation_rate": self.dilation_rate,
            "groups": self.groups,
            "activation": activations.serialize(self.activation),
            "use_bias": self.use_bias,
            "kernel_initializer": initializers.serialize(self.kernel_initializer),
            "bias_initializer": initializers.serialize(self.bias_initializer),
            "kernel_regularizer": regularizers.serialize(self.kernel_regularizer),
            "bias_regularizer": regularizers.serialize(self.bias_regularizer),
            "activity_regularizer": regularizers.serialize(self.activity_regularizer),
            "kernel_constraint": constraints.serialize(self.kernel_constraint),
            "bias_constraint": constraints.serialize(self.bias_constraint),
        }


class Conv1D(BaseConv):
    """1-D convolution over ``(batch, steps, channels)``: ``activation(conv1d(inputs, kernel) + bias)``.

    Args:
        filters: number of output channels.
        kernel_size: int or tuple of 1 int, the window length.
        strides, dilation_rate: int or tuple of 1 int (strides > 1 with dilation_rate > 1 is refused, as in Keras).
        padding: 'valid' (no padding), 'same' (output length ceil(steps / strides), the odd unit
            of padding after) or 'causal' (padding before only: output t sees inputs up to t).
        data_format: 'channels_last' (default) or 'channels_first' (``(batch, channels, steps)``).
        groups: only 1 is supported.
        activation, use_bias, kernel_* / bias_* initializers, regularizers, constraints,
            activity_regularizer: as in Dense.

    Kernel shape ``(kernel_size, in_channels, filters)``; output ``(batch, new_steps, filters)``.

    >>> Conv1D(4, 3, padding="causal")(np.ones((2, 10, 3))).shape.as_list()
    [2, 10, 4]
    """

    rank = 1


class Conv2D(BaseConv):
    """2-D convolution over ``(batch, height, width, channels)``: ``activation(conv2d(inputs, kernel) + bias)``.

    Args:
        filters: number of output channels.
        kernel_size: int or tuple of 2 ints, the window's height and width.
        strides, dilation_rate: int or tuple of 2 ints (strides > 1 with dilation_rate > 1 is refused, as in Keras).
        padding: 'valid' (no padding) or 'same' (output size ceil(size / strides), the odd unit of
            padding after, as TF and Keras).
        data_format: 'channels_last' (default) or 'channels_first' (``(batch, channels, height, width)``).
        groups: only 1 is supported.
        activation, use_bias, kernel_* / bias_* initializers, regularizers, constraints,
            activity_regularizer: as in Dense.

    Kernel shape ``(kh, kw, in_channels, filters)``; output ``(batch, new_height, new_width, filters)``.

    >>> Conv2D(8, 3, activation="relu")(np.ones((2, 28, 28, 1))).shape.as_list()
    [2, 26, 26, 8]
    """

    rank = 2


Convolution1D = Conv1D
Convolution2D = Conv2D
