"""``keras.random``: Keras 3's random functions and its ``SeedGenerator``.

Keras's seeds work three ways, and so do these:

- ``seed=None`` draws from glassnet's global generator, which ``tf.random.set_seed`` and
  ``keras.utils.set_random_seed`` reset;
- an integer seed is stateless: the same seed gives the same values on every call;
- a ``SeedGenerator`` gives new values on each call, reproducible from its own seed, which is
  how Keras's guides write layers that draw noise (``self.seed_generator = SeedGenerator(1337)``).

Results are Tensors of ``keras.backend.floatx()`` unless `dtype` says otherwise; ``dropout`` and
``shuffle`` are built from the autodiff ops, so gradients flow through them.
"""
import numpy as np

from glassnet import random as global_random
from glassnet import sampling
from glassnet import tensor_args as args
from glassnet.autodiff import Tensor, convert_to_tensor, ops
from glassnet.backend import floatx
from glassnet.keras import validation as check
from glassnet.keras.naming import unique_name


class SeedGenerator:
    """A generator of seeds: each random call that takes it draws the next values.

    Args:
        seed: an integer, or None for one drawn from glassnet's global generator (so a
            ``tf.random.set_seed`` before creating it still makes runs reproducible).
        name: the generator's name (an automatic ``seed_generator_N`` by default).
    """

    def __init__(self, seed=None, name=None, **kwargs):
        if kwargs:
            raise ValueError(f"Unrecognized keyword arguments: {kwargs}")
        if seed is not None:
            check.integer("seed", seed, minimum=0)
        self.name = name or unique_name("seed_generator")
        self._initial_seed = seed
        start = global_random.generator().integers(2**32) if seed is None else seed
        self.generator = np.random.default_rng(int(start))

    def get_config(self):
        return {"seed": self._initial_seed}

    @classmethod
    def from_config(cls, config):
        return cls(**config)


def draw_from(seed, caller):
    """The NumPy generator a `seed` argument of `caller` stands for (see the module docstring)."""
    if seed is None:
        return global_random.generator()
    if isinstance(seed, SeedGenerator):
        return seed.generator
    if isinstance(seed, (int, np.integer)) and not isinstance(seed, bool):
        return np.random.default_rng(check.integer("seed", seed, minimum=0))
    return check.fail("seed", seed, "None, an integer or a keras.random.SeedGenerator", caller)


def _float_dtype(dtype, caller):
    dtype = args.dtype("dtype", dtype or floatx())
    if dtype.kind != "f":
        check.fail("dtype", dtype, "a float dtype", caller)
    return dtype


def normal(shape, mean=0.0, stddev=1.0, dtype=None, seed=None):
    """Samples from a normal distribution with the given `mean` and `stddev`."""
    shape, dtype = args.shape("shape", shape, "normal"), _float_dtype(dtype, "normal")
    return Tensor(draw_from(seed, "normal").normal(mean, stddev, size=shape).astype(dtype))


def uniform(shape, minval=0.0, maxval=1.0, dtype=None, seed=None):
    """Samples uniformly from [minval, maxval); integers come from ``randint``, as in Keras."""
    shape, dtype = args.shape("shape", shape, "uniform"), _float_dtype(dtype, "uniform")
    return Tensor(draw_from(seed, "uniform").uniform(minval, maxval, size=shape).astype(dtype))


def randint(shape, minval, maxval, dtype="int32", seed=None):
    """Samples integers uniformly from [minval, maxval)."""
    shape, dtype = args.shape("shape", shape, "randint"), args.dtype("dtype", dtype)
    if dtype.kind not in "iu":
        check.fail("dtype", dtype, "an integer dtype", "randint")
    return Tensor(draw_from(seed, "randint").integers(minval, maxval, size=shape).astype(dtype))


def truncated_normal(shape, mean=0.0, stddev=1.0, dtype=None, seed=None):
    """Normal samples, redrawn until each lies within two standard deviations of `mean`."""
    shape, dtype = args.shape("shape", shape, "truncated_normal"), _float_dtype(dtype, "truncated_normal")
    values = sampling.truncated_standard_normal(draw_from(seed, "truncated_normal"), shape)
    return Tensor((mean + stddev * values).astype(dtype))


def dropout(inputs, rate, noise_shape=None, seed=None):
    """Zeroes each entry with probability `rate` and scales the rest by ``1 / (1 - rate)``.

    `noise_shape` (broadcastable to the input's shape) shares one draw across the axes where it is 1.
    """
    inputs = convert_to_tensor(inputs)
    if not 0 <= rate < 1:
        check.fail("rate", rate, "a float in [0, 1)", "dropout")
    shape = inputs.shape if noise_shape is None else tuple(
        n if n is not None else inputs.shape[i] for i, n in enumerate(noise_shape))
    keep = draw_from(seed, "dropout").random(shape) >= rate
    return ops.multiply(inputs, (keep / (1 - rate)).astype(inputs.dtype))


def shuffle(x, axis=0, seed=None):
    """`x` with its entries along `axis` in a random order."""
    x = convert_to_tensor(x)
    order = draw_from(seed, "shuffle").permutation(x.shape[axis])
    return ops.take(x, order, axis=axis)


def categorical(logits, num_samples, dtype="int32", seed=None):
    """`num_samples` class indices for each row of `logits`, drawn with softmax probabilities."""
    logits = np.asarray(convert_to_tensor(logits), dtype=np.float64)
    if logits.ndim != 2:
        check.fail("logits", f"an array of shape {logits.shape}", "a 2-D array (batch, classes)", "categorical")
    samples = sampling.categorical_indices(draw_from(seed, "categorical"), logits, num_samples)
    return Tensor(samples.astype(args.dtype("dtype", dtype)))


def gamma(shape, alpha, dtype=None, seed=None):
    """Samples from a gamma distribution of shape `alpha` and scale 1."""
    shape, dtype = args.shape("shape", shape, "gamma"), _float_dtype(dtype, "gamma")
    return Tensor(draw_from(seed, "gamma").gamma(alpha, size=shape).astype(dtype))


def binomial(shape, counts, probabilities, dtype=None, seed=None):
    """Samples from binomial distributions of `counts` trials with success `probabilities`."""
    shape, dtype = args.shape("shape", shape, "binomial"), _float_dtype(dtype, "binomial")
    return Tensor(draw_from(seed, "binomial").binomial(counts, probabilities, size=shape).astype(dtype))


def beta(shape, alpha, beta, dtype=None, seed=None):
    """Samples from a beta distribution with parameters `alpha` and `beta`."""
    shape, dtype = args.shape("shape", shape, "beta"), _float_dtype(dtype, "beta")
    return Tensor(draw_from(seed, "beta").beta(alpha, beta, size=shape).astype(dtype))


def __getattr__(name):
    from glassnet.missing import attribute_error

    return attribute_error(__name__, "keras.random")(name)
