"""Dropout: zero random inputs while training, to regularise."""
import numpy as np

from glassnet import random
from glassnet.autodiff import ops
from glassnet.keras.layers.layer import Layer


class Dropout(Layer):
    """Sets each input to 0 with probability `rate` during training and scales the rest by
    ``1 / (1 - rate)``, so the expected sum is unchanged. At inference it is the identity.

    Args:
        rate: float in [0, 1], the fraction of inputs to drop.
        noise_shape: shape of the keep mask, broadcast against the input (None: the input's shape).
        seed: int for a private, reproducible mask stream; None uses glassnet's global generator.
    """

    def __init__(self, rate, noise_shape=None, seed=None, **kwargs):
        if isinstance(rate, bool) or not isinstance(rate, (int, float)) or not 0 <= rate <= 1:
            raise ValueError(
                f"Invalid value received for argument `rate`. Expected a float value between 0 and 1. "
                f"Received: rate={rate!r}"
            )
        super().__init__(**kwargs)
        self.rate = float(rate)
        self.noise_shape = noise_shape
        self.seed = seed
        self._rng = None if seed is None else np.random.default_rng(seed)

    def call(self, inputs, training=False):
        if not training or self.rate == 0:
            return inputs
        if self.rate == 1:
            return inputs * 0
        rng = self._rng or random.generator()
        shape = inputs.shape if self.noise_shape is None else self.noise_shape
        keep = rng.random(tuple(d or n for d, n in zip(shape, inputs.shape)), dtype=np.float32) >= self.rate
        scale = np.asarray(keep, dtype=inputs.dtype) / inputs.dtype.type(1 - self.rate)
        return ops.multiply(inputs, scale)

    def get_config(self):
        return {**super().get_config(), "rate": self.rate, "seed": self.seed, "noise_shape": self.noise_shape}
