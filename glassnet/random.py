"""glassnet's random state: one NumPy generator behind weights, shuffling and dropout.

``set_seed(n)`` (``tf.random.set_seed``) and ``keras.utils.set_random_seed(n)``
reset it, so the same seed gives bit-identical initial weights, dropout masks and
training. Draw from :func:`generator` rather than keeping a reference: a new seed
replaces the generator.
"""
import random as _python_random

import numpy as np

from glassnet import sampling
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


def _rng(seed):
    return _generator if seed is None else np.random.default_rng(check.integer("seed", seed, minimum=0))


def normal(shape, mean=0.0, stddev=1.0, dtype=None, seed=None, name=None):
    """Samples from a normal distribution, as ``tf.random.normal`` (float32 unless `dtype`)."""
    from glassnet import tensor_args as args
    from glassnet.autodiff import Tensor

    shape, dtype = args.shape("shape", shape, "normal"), args.dtype("dtype", dtype)
    if dtype.kind != "f":
        check.fail("dtype", dtype, "a float dtype", "normal")
    return Tensor(_rng(seed).normal(mean, stddev, size=shape).astype(dtype))


def uniform(shape, minval=0, maxval=None, dtype=None, seed=None, name=None):
    """Samples from a uniform distribution on [minval, maxval), as ``tf.random.uniform``.

    Floats (float32 unless `dtype`) default to [0, 1); an integer `dtype` draws integers
    and needs `maxval`, as in TensorFlow.
    """
    from glassnet import tensor_args as args
    from glassnet.autodiff import Tensor

    shape, dtype = args.shape("shape", shape, "uniform"), args.dtype("dtype", dtype)
    if dtype.kind in "iu":
        if maxval is None:
            check.fail("maxval", maxval, "an upper bound: an integer dtype needs one", "uniform")
        return Tensor(_rng(seed).integers(minval, maxval, size=shape).astype(dtype))
    return Tensor(_rng(seed).uniform(minval, 1.0 if maxval is None else maxval, size=shape).astype(dtype))


def truncated_normal(shape, mean=0.0, stddev=1.0, dtype=None, seed=None, name=None):
    """Normal samples redrawn until each lies within two `stddev` of `mean`, as ``tf.random.truncated_normal``."""
    from glassnet import tensor_args as args
    from glassnet.autodiff import Tensor

    shape, dtype = args.shape("shape", shape, "truncated_normal"), args.dtype("dtype", dtype)
    if dtype.kind != "f":
        check.fail("dtype", dtype, "a float dtype", "truncated_normal")
    return Tensor((mean + stddev * sampling.truncated_standard_normal(_rng(seed), shape)).astype(dtype))


def shuffle(value, seed=None, name=None):
    """`value` with its rows (first axis) in a random order, as ``tf.random.shuffle``."""
    from glassnet.autodiff import convert_to_tensor, ops

    value = convert_to_tensor(value)
    return ops.take(value, _rng(seed).permutation(value.shape[0]), axis=0)


def categorical(logits, num_samples, dtype=None, seed=None, name=None):
    """`num_samples` class indices per row of 2-D `logits`, as ``tf.random.categorical`` (int64)."""
    from glassnet import tensor_args as args
    from glassnet.autodiff import Tensor, convert_to_tensor

    logits = np.asarray(convert_to_tensor(logits), dtype=np.float64)
    if logits.ndim != 2:
        check.fail("logits", f"an array of shape {logits.shape}", "a 2-D array (batch, classes)", "categorical")
    indices = sampling.categorical_indices(_rng(seed), logits, num_samples)
    return Tensor(indices.astype(args.dtype("dtype", dtype or "int64")))


def __getattr__(name):
    from glassnet.missing import attribute_error

    return attribute_error(__name__, "tf.random")(name)
