"""glassnet's random state: one NumPy generator behind weights, shuffling and dropout.

``set_seed(n)`` (``tf.random.set_seed``) and ``keras.utils.set_random_seed(n)``
reset it, so the same seed gives bit-identical initial weights, dropout masks and
training. Draw from :func:`generator` rather than keeping a reference: a new seed
replaces the generator.
"""
import random as _python_random

import numpy as np

from glassnet import backend
from glassnet.keras import validation as check

_generator = np.random.default_rng()


def generator():
    """The current global ``numpy.random.Generator``."""
    return _generator


def set_seed(seed):
    """Seed glassnet's generator (weights, dropout) and NumPy's global one (fit's shuffling).

    fit shuffles with ``np.random.permutation`` like Keras's JAX backend, so a seed
    set here also reproduces Keras's batch order.

    Args:
        seed: an integer in [0, 2**32 - 1], the range NumPy's global seed takes (Keras's
            ``set_random_seed`` refuses the rest too).
    """
    global _generator
    if check.integer("seed", seed, minimum=0) > 2**32 - 1:
        check.fail("seed", seed, "an integer in [0, 2**32 - 1]")
    _generator = np.random.default_rng(int(seed))
    np.random.seed(int(seed))
    _python_random.seed(int(seed))


def normal(shape, mean=0.0, stddev=1.0, dtype=None, seed=None):
    """Samples from a normal distribution, as ``tf.random.normal``."""
    from glassnet.autodiff import Tensor

    rng = _generator if seed is None else np.random.default_rng(check.integer("seed", seed, minimum=0))
    return Tensor(rng.normal(mean, stddev, size=tuple(shape)).astype(backend.standardize_dtype(dtype)))


def uniform(shape, minval=0.0, maxval=1.0, dtype=None, seed=None):
    """Samples from a uniform distribution on [minval, maxval), as ``tf.random.uniform``."""
    from glassnet.autodiff import Tensor

    rng = _generator if seed is None else np.random.default_rng(check.integer("seed", seed, minimum=0))
    return Tensor(rng.uniform(minval, maxval, size=tuple(shape)).astype(backend.standardize_dtype(dtype)))
