"""Flatten: one row per sample, ``(batch, d1, d2, ...) -> (batch, d1*d2*...)``."""
import math

from glassnet.autodiff import ops
from glassnet.keras.layers.layer import Layer

_DATA_FORMATS = ("channels_last", "channels_first")


class Flatten(Layer):
    """Flattens each sample into a vector; the batch axis is kept. Any rank from 1 up: a
    ``(batch,)`` input, one number per sample, becomes ``(batch, 1)``, as in Keras.

    Args:
        data_format: ``'channels_last'`` (the default, as Keras's) or ``'channels_first'``: with
            the channels first, each sample is flattened as if its channels came last, so that
            the order of the features does not depend on the layout (Keras's rule).

    >>> Flatten()(np.zeros((4, 2, 3))).shape.as_list()
    [4, 6]
    >>> Flatten()(np.zeros(4)).shape.as_list()
    [4, 1]
    """

    def __init__(self, data_format=None, **kwargs):
        data_format = "channels_last" if data_format is None else data_format
        if data_format not in _DATA_FORMATS:
            raise ValueError(f"`data_format` must be 'channels_last' or 'channels_first'. "
                             f"Received: data_format={data_format!r}")
        super().__init__(**kwargs)
        self.data_format = data_format

    def call(self, inputs, training=False):
        if self.data_format == "channels_first" and inputs.ndim > 2:
            inputs = ops.transpose(inputs, axes=(0, *range(2, inputs.ndim), 1))
        return ops.reshape(inputs, shape=(inputs.shape[0], -1))

    def _check_input(self, shape):
        if not shape:
            raise ValueError(f"Input 0 of layer '{self.name}' (Flatten) is incompatible with the layer: expected "
                             "min_ndim=1 (a batch axis), found ndim=0. Full shape received: ()")

    def compute_output_shape(self, input_shape):
        rest = input_shape[1:]
        return (input_shape[0], None if None in rest else math.prod(rest))

    def get_config(self):
        return {**super().get_config(), "data_format": self.data_format}
