"""Initializers that draw from a distribution with fixed parameters, and their seeded base class."""
import math

import numpy as np

from glassnet import random as glassnet_random
from glassnet.keras.initializers.initializer import Initializer, float_dtype, standardize_shape
from glassnet.sampling import truncated_standard_normal


class RandomInitializer(Initializer):
    """Base of the random initializers: owns the seed and picks the generator."""

    def __init__(self, seed=None):
        if seed is not None and (isinstance(seed, bool) or not isinstance(seed, (int, np.integer)) or seed < 0):
            raise TypeError(f"Expected `seed` to be None or a non-negative integer. Received: seed={seed!r}")
        self.seed = seed

    def _generator(self):
        # Looked up at draw time: set_seed replaces the global generator.
        if self.seed is None:
            return glassnet_random.generator()
        return np.random.default_rng(int(self.seed))

    def get_config(self):
        return {"seed": self.seed}


class RandomNormal(RandomInitializer):
    """Normal draws: ``N(mean, stddev**2)``."""

    def __init__(self, mean=0.0, stddev=0.05, seed=None):
        super().__init__(seed)
        self.mean, self.stddev = mean, stddev

    def __call__(self, shape, dtype=None):
        shape, dtype = standardize_shape(shape), float_dtype(dtype)
        return self._generator().normal(self.mean, self.stddev, shape).astype(dtype)

    def get_config(self):
        return {"mean": self.mean, "stddev": self.stddev, "seed": self.seed}


class TruncatedNormal(RandomNormal):
    """Normal draws with values more than two stddevs from the mean drawn again."""

    def __call__(self, shape, dtype=None):
        shape, dtype = standardize_shape(shape), float_dtype(dtype)
        values = truncated_standard_normal(self._generator(), shape)
        return (self.mean + self.stddev * values).astype(dtype)


class RandomUniform(RandomInitializer):
    """Uniform draws on ``[minval, maxval)``."""

    def __init__(self, minval=-0.05, maxval=0.05, seed=None):
        super().__init__(seed)
        self.minval, self.maxval = minval, maxval

    def __call__(self, shape, dtype=None):
        shape, dtype = standardize_shape(shape), float_dtype(dtype)
        return self._generator().uniform(self.minval, self.maxval, shape).astype(dtype)

    def get_config(self):
        return {"minval": self.minval, "maxval": self.maxval, "seed": self.seed}


class Orthogonal(RandomInitializer):
    """A (semi-)orthogonal matrix from the QR decomposition of a normal draw, times `gain`.

    Shapes of rank > 2 are flattened to ``(prod(shape[:-1]), shape[-1])``.
    """

    def __init__(self, gain=1.0, seed=None):
        super().__init__(seed)
        self.gain = gain

    def __call__(self, shape, dtype=None):
        shape, dtype = standardize_shape(shape), float_dtype(dtype)
        if len(shape) < 2:
            raise ValueError(f"Orthogonal initializer needs a shape of rank >= 2. Received: shape={shape}")
        rows, cols = math.prod(shape[:-1]), shape[-1]
        q, r = np.linalg.qr(self._generator().standard_normal((max(rows, cols), min(rows, cols))))
        q = q * np.sign(np.diag(r))  # makes the decomposition unique, so q is uniformly distributed
        q = q.T if rows < cols else q
        return (self.gain * q).reshape(shape).astype(dtype)

    def get_config(self):
        return {"gain": self.gain, "seed": self.seed}
