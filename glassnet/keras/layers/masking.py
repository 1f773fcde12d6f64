"""Masking: marks the time steps whose features all equal `mask_value` as steps to skip."""
import numpy as np

from glassnet.autodiff import Tensor, ops
from glassnet.keras import validation as check
from glassnet.keras.layers.layer import Layer


class Masking(Layer):
    """Masks a sequence by using a mask value to skip time steps.

    A step ``inputs[b, t, :]`` whose every feature equals `mask_value` is masked: its output is
    zeros and the mask (``any(inputs != mask_value, axis=-1)``, shape ``(batch, steps)``) rides on
    the output, so that a following LSTM carries its state over the step and the loss leaves it out.

    Args:
        mask_value: the value that marks padding (default 0.0).

    >>> out = Masking()(np.array([[[1.0], [0.0]]], dtype="float32"))
    >>> out._keras_mask.numpy().tolist()
    [[True, False]]
    """

    supports_masking = True
    _built_at_init = True

    def __init__(self, mask_value=0.0, **kwargs):
        super().__init__(**kwargs)
        self.mask_value = check.real("mask_value", mask_value, owner="Masking")
        self.built = True

    def compute_mask(self, inputs, mask=None):
        return Tensor(np.any(np.asarray(inputs) != self.mask_value, axis=-1))

    def call(self, inputs):
        kept = np.any(inputs.value != self.mask_value, axis=-1, keepdims=True)
        outputs = ops.multiply(inputs, kept.astype(inputs.dtype))  # masked steps become zeros, as in Keras
        outputs._keras_mask = Tensor(kept[..., 0])
        return outputs

    def compute_output_shape(self, input_shape):
        return tuple(input_shape)

    def get_config(self):
        return {**super().get_config(), "mask_value": self.mask_value}
