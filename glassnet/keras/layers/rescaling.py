"""Rescaling: ``inputs * scale + offset``, e.g. pixel values from [0, 255] to [0, 1]."""
import numpy as np

from glassnet.autodiff import ops
from glassnet.keras import validation as check
from glassnet.keras.layers.layer import Layer


class Rescaling(Layer):
    """Multiplies the inputs by `scale` and adds `offset`, in the layer's dtype (integer inputs,
    such as uint8 images, come out as floats).

    Args:
        scale: a number, or a list of numbers (one per channel, broadcast against the last axis).
        offset: the same, added after scaling.

    >>> Rescaling(1 / 127.5, offset=-1)(np.array([[0, 255]], dtype="uint8")).numpy()
    array([[-1.,  1.]], dtype=float32)
    """

    supports_masking = True  # passes a mask on to its output, as in Keras

    def __init__(self, scale, offset=0.0, **kwargs):
        _check_factor("scale", scale)
        _check_factor("offset", offset)
        super().__init__(**kwargs)
        self.scale = scale
        self.offset = offset

    def call(self, inputs):
        if inputs.dtype != self.dtype:
            inputs = ops.cast(inputs, dtype=self.dtype)
        scale, offset = (np.asarray(v, dtype=self.dtype) for v in (self.scale, self.offset))
        return inputs * scale + offset

    def compute_output_shape(self, input_shape):
        return tuple(input_shape)

    def get_config(self):
        return {**super().get_config(), "scale": self.scale, "offset": self.offset}


def _check_factor(name, value):
    values = value if isinstance(value, (list, tuple)) else [value]
    if not values or not all(check.is_real(v) for v in values):
        check.fail(name, value, "a number or a list of numbers (one per channel)", "Rescaling")
