"""Dropout: zero random inputs while training, to regularise."""
import numpy as np

from glassnet import random
from glassnet.autodiff import ops
from glassnet.keras import validation as check
from glassnet.keras.layers.layer import Layer, _as_shape


class Dropout(Layer):
    """Sets each input to 0 with probability `rate` during training and scales the rest by
    ``1 / (1 - rate)``, so the expected sum is unchanged. At inference it is the identity.

    Args:
        rate: float in [0, 1], the fraction of inputs to drop.
        noise_shape: shape of the keep mask, one entry per input axis: 1 to share the mask
            along that axis, None for the input's size (None: the input's shape).
        seed: non-negative int for a private, reproducible mask stream; None uses glassnet's
            global generator.
    """

    supports_masking = True  # passes a mask on to its output, as in Keras

    _built_at_init = True  # stateless: built when constructed, as Keras's is

    def __init__(self, rate, noise_shape=None, seed=None, **kwargs):
        rate = check.fraction("rate", rate, owner="Dropout")
        noise_shape = None if noise_shape is None else _as_shape(noise_shape, "noise_shape")
        seed = check.optional(check.integer, "seed", seed, minimum=0, owner="Dropout")
        super().__init__(**kwargs)
        self.rate = rate
        self.noise_shape = noise_shape
        self.seed = seed
        self._rng = None if seed is None else np.random.default_rng(seed)

    def call(self, inputs, training=False):
        if not training or self.rate == 0:
            return inputs
        if self.rate == 1:
            return inputs * 0
        rng = self._rng or random.generator()
        keep = rng.random(self._mask_shape(inputs.shape), dtype=np.float32) >= self.rate
        scale = np.asarray(keep, dtype=inputs.dtype) / inputs.dtype.type(1 - self.rate)
        return ops.multiply(inputs, scale)

    def _mask_shape(self, input_shape):
        if self.noise_shape is None:
            return tuple(input_shape)
        return tuple(n if d is None else d for d, n in zip(self.noise_shape, input_shape))

    def _check_input(self, shape):
        """`noise_shape` needs one entry per input axis, each 1, None or that axis's size."""
        if self.noise_shape is None:
            return
        fits = len(self.noise_shape) == len(shape) and all(
            d in (None, 1, n) or n is None for d, n in zip(self.noise_shape, shape))
        if not fits:
            raise ValueError(
                f"Dropout layer '{self.name}': noise_shape={self.noise_shape} does not fit an input of shape "
                f"{tuple(shape)}: it needs one entry per input axis, each 1, None or that axis's size."
            )

    def get_config(self):
        return {**super().get_config(), "rate": self.rate, "seed": self.seed, "noise_shape": self.noise_shape}
