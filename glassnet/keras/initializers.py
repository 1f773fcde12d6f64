"""Weight initializers, by Keras's names and formulas.

An initializer is a callable object: ``init(shape, dtype=None)`` returns a fresh
NumPy array of that shape (floatx, float32, by default). Layers turn strings such
as ``'glorot_uniform'`` into initializers with :func:`get`.

Randomness: with ``seed=None`` the values are drawn from glassnet's global
generator at call time, so ``glassnet.random.set_seed(n)`` makes a model's
initial weights reproducible. With an integer seed every call starts a private
generator from that seed, so a seeded initializer returns the same values each
time it is called (as Keras documents).

>>> init = GlorotUniform(seed=1)
>>> w = init((3, 4))          # U(-L, L), L = sqrt(6 / (3 + 4)) = 0.9258
>>> w.shape, w.dtype
((3, 4), dtype('float32'))
"""
import math

import numpy as np

from glassnet.keras import serialization
from glassnet.keras.identifiers import lookup
from glassnet import backend
from glassnet import random as glassnet_random

# Keras's GlorotNormal/HeNormal stddev is divided by this: the stddev of a standard
# normal truncated to [-2, 2], so that the truncated draw has the intended spread.
_TRUNCATION_STD = 0.87962566103423978


def _standardize_shape(shape):
    """A tuple of non-negative ints from an int, a tuple or a list."""
    dims = (shape,) if isinstance(shape, (int, np.integer)) else shape
    if not isinstance(dims, (tuple, list)) or not all(
        isinstance(d, (int, np.integer)) and not isinstance(d, bool) and d >= 0 for d in dims
    ):
        raise ValueError(
            f"Expected `shape` to be a tuple of non-negative integers. Received: shape={shape!r}"
        )
    return tuple(int(d) for d in dims)


def _float_dtype(dtype):
    dtype = backend.standardize_dtype(dtype)
    if not np.issubdtype(dtype, np.floating):
        raise ValueError(
            f"Random initializers need a floating-point dtype. Received: dtype={dtype.name!r}"
        )
    return dtype


def compute_fans(shape, input_axes=None, output_axes=None):
    """The (fan_in, fan_out) of a weight shape, as Keras counts them.

    Rank 0: (1, 1). Rank 1: (n, n). Rank 2 (a Dense kernel): (shape[0], shape[1]).
    Higher rank (a convolution kernel ``(*window, in, out)``): each of the last two
    dimensions times the receptive field, the product of the window dimensions.
    With ``input_axes``/``output_axes`` the fans are the products over those axes.

    >>> compute_fans((3, 4)), compute_fans((5, 5, 3, 8))
    ((3, 4), (75, 200))
    """
    if input_axes is not None or output_axes is not None:
        fan_in = math.prod(shape[a] for a in input_axes or ())
        fan_out = math.prod(shape[a] for a in output_axes or ())
        return fan_in, fan_out
    if len(shape) == 0:
        return 1, 1
    if len(shape) == 1:
        return shape[0], shape[0]
    receptive_field = math.prod(shape[:-2])
    return shape[-2] * receptive_field, shape[-1] * receptive_field


class Initializer:
    """Base class: subclasses implement ``__call__(shape, dtype=None)``.

    ``get_config()`` returns the constructor arguments, so
    ``cls.from_config(init.get_config())`` rebuilds an equal initializer.
    """

    def __call__(self, shape, dtype=None):
        raise NotImplementedError(f"{type(self).__name__} must implement __call__(shape, dtype=None).")

    def get_config(self):
        return {}

    @classmethod
    def from_config(cls, config):
        return cls(**config)

    def clone(self):
        return type(self).from_config(self.get_config())

    def __repr__(self):
        args = ", ".join(f"{k}={v!r}" for k, v in self.get_config().items())
        return f"{type(self).__name__}({args})"


class Zeros(Initializer):
    """All zeros."""

    def __call__(self, shape, dtype=None):
        return np.zeros(_standardize_shape(shape), dtype=backend.standardize_dtype(dtype))


class Ones(Initializer):
    """All ones."""

    def __call__(self, shape, dtype=None):
        return np.ones(_standardize_shape(shape), dtype=backend.standardize_dtype(dtype))


class Constant(Initializer):
    """Every element equal to `value` (a number, or an array that broadcasts to the shape).

    >>> Constant(2.5)((2,))
    array([2.5, 2.5], dtype=float32)
    """

    def __init__(self, value=0.0):
        if not np.issubdtype(np.asarray(value).dtype, np.number):
            raise TypeError(f"Expected `value` to be a number or numeric array. Received: value={value!r}")
        self.value = value

    def __call__(self, shape, dtype=None):
        shape, dtype = _standardize_shape(shape), backend.standardize_dtype(dtype)
        return np.broadcast_to(np.asarray(self.value, dtype=dtype), shape).copy()

    def get_config(self):
        return {"value": self.value}


class IdentityInitializer(Initializer):
    """``gain * I`` for a 2-D shape (a non-square shape gets ones on its main diagonal)."""

    def __init__(self, gain=1.0):
        self.gain = gain

    def __call__(self, shape, dtype=None):
        shape, dtype = _standardize_shape(shape), backend.standardize_dtype(dtype)
        if len(shape) != 2:
            raise ValueError(f"Identity initializer needs a 2-D shape. Received: shape={shape}")
        return (self.gain * np.eye(*shape)).astype(dtype)

    def get_config(self):
        return {"gain": self.gain}


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


def _truncated_standard_normal(rng, shape):
    """Standard normal draws, with any beyond two standard deviations redrawn."""
    values = rng.standard_normal(shape)
    outside = np.abs(values) > 2
    while outside.any():
        values[outside] = rng.standard_normal(int(outside.sum()))
        outside = np.abs(values) > 2
    return values


class RandomNormal(RandomInitializer):
    """Normal draws: ``N(mean, stddev**2)``."""

    def __init__(self, mean=0.0, stddev=0.05, seed=None):
        super().__init__(seed)
        self.mean, self.stddev = mean, stddev

    def __call__(self, shape, dtype=None):
        shape, dtype = _standardize_shape(shape), _float_dtype(dtype)
        return self._generator().normal(self.mean, self.stddev, shape).astype(dtype)

    def get_config(self):
        return {"mean": self.mean, "stddev": self.stddev, "seed": self.seed}


class TruncatedNormal(RandomNormal):
    """Normal draws with values more than two stddevs from the mean drawn again."""

    def __call__(self, shape, dtype=None):
        shape, dtype = _standardize_shape(shape), _float_dtype(dtype)
        values = _truncated_standard_normal(self._generator(), shape)
        return (self.mean + self.stddev * values).astype(dtype)


class RandomUniform(RandomInitializer):
    """Uniform draws on ``[minval, maxval)``."""

    def __init__(self, minval=-0.05, maxval=0.05, seed=None):
        super().__init__(seed)
        self.minval, self.maxval = minval, maxval

    def __call__(self, shape, dtype=None):
        shape, dtype = _standardize_shape(shape), _float_dtype(dtype)
        return self._generator().uniform(self.minval, self.maxval, shape).astype(dtype)

    def get_config(self):
        return {"minval": self.minval, "maxval": self.maxval, "seed": self.seed}


class OrthogonalInitializer(RandomInitializer):
    """A (semi-)orthogonal matrix from the QR decomposition of a normal draw, times `gain`.

    Shapes of rank > 2 are flattened to ``(prod(shape[:-1]), shape[-1])``.
    """

    def __init__(self, gain=1.0, seed=None):
        super().__init__(seed)
        self.gain = gain

    def __call__(self, shape, dtype=None):
        shape, dtype = _standardize_shape(shape), _float_dtype(dtype)
        if len(shape) < 2:
            raise ValueError(f"Orthogonal initializer needs a shape of rank >= 2. Received: shape={shape}")
        rows, cols = math.prod(shape[:-1]), shape[-1]
        q, r = np.linalg.qr(self._generator().standard_normal((max(rows, cols), min(rows, cols))))
        q = q * np.sign(np.diag(r))  # makes the decomposition unique, so q is uniformly distributed
        q = q.T if rows < cols else q
        return (self.gain * q).reshape(shape).astype(dtype)

    def get_config(self):
        return {"gain": self.gain, "seed": self.seed}



class VarianceScaling(RandomInitializer):
    """Draws whose variance is `scale` divided by a fan of the weight shape.

    ``n`` is fan_in, fan_out or their average (`mode`, see :func:`compute_fans`;
    at least 1), and then:

    - ``"truncated_normal"`` (``"normal"`` means the same): a normal cut at two
      stddevs, with ``stddev = sqrt(scale / n) / 0.8796`` (the constant undoes the
      narrowing the cut causes);
    - ``"untruncated_normal"``: ``N(0, scale / n)``;
    - ``"uniform"``: ``U(-limit, limit)`` with ``limit = sqrt(3 * scale / n)``.

    The Glorot, He and Lecun initializers are this class with fixed settings.

    Args:
        scale: positive number.
        mode: ``"fan_in"``, ``"fan_out"`` or ``"fan_avg"``.
        distribution: one of the names above.
        seed: None (the global generator) or an int.

    >>> w = VarianceScaling(scale=2.0, mode="fan_in", distribution="uniform")((50, 10))
    >>> bool(abs(w).max() <= math.sqrt(3 * 2.0 / 50))      # limit = sqrt(3 * scale / fan_in)
    True
    """

    MODES = ("fan_in", "fan_out", "fan_avg")
    DISTRIBUTIONS = ("truncated_normal", "untruncated_normal", "uniform", "normal")

    def __init__(self, scale=1.0, mode="fan_in", distribution="truncated_normal", seed=None,
                 input_axes=None, output_axes=None):
        if isinstance(scale, bool) or not isinstance(scale, (int, float)) or not scale > 0:
            raise ValueError(f"Expected `scale` to be a positive number. Received: scale={scale!r}")
        if mode not in self.MODES:
            raise ValueError(f"Expected `mode` to be one of {self.MODES}. Received: mode={mode!r}")
        if not isinstance(distribution, str) or distribution.lower() not in self.DISTRIBUTIONS:
            raise ValueError(
                f"Expected `distribution` to be one of {self.DISTRIBUTIONS}. "
                f"Received: distribution={distribution!r}"
            )
        super().__init__(seed)
        self.scale, self.mode = scale, mode
        self.distribution = "truncated_normal" if distribution.lower() == "normal" else distribution.lower()
        self.input_axes, self.output_axes = input_axes, output_axes

    def __call__(self, shape, dtype=None):
        shape, dtype = _standardize_shape(shape), _float_dtype(dtype)
        variance = self.scale / max(1.0, self._fan(shape))
        rng = self._generator()
        if self.distribution == "uniform":
            limit = math.sqrt(3.0 * variance)
            return rng.uniform(-limit, limit, shape).astype(dtype)
        if self.distribution == "untruncated_normal":
            return (math.sqrt(variance) * rng.standard_normal(shape)).astype(dtype)
        stddev = math.sqrt(variance) / _TRUNCATION_STD
        return (stddev * _truncated_standard_normal(rng, shape)).astype(dtype)

    def _fan(self, shape):
        fan_in, fan_out = compute_fans(shape, self.input_axes, self.output_axes)
        return {"fan_in": fan_in, "fan_out": fan_out, "fan_avg": (fan_in + fan_out) / 2.0}[self.mode]

    def get_config(self):
        return {"scale": self.scale, "mode": self.mode, "distribution": self.distribution,
                "seed": self.seed, "input_axes": self.input_axes, "output_axes": self.output_axes}


class _FixedVarianceScaling(VarianceScaling):
    """VarianceScaling with the settings fixed by a subclass; its config is only the seed and axes."""

    SETTINGS = (1.0, "fan_in", "truncated_normal")  # scale, mode, distribution

    def __init__(self, seed=None, input_axes=None, output_axes=None):
        super().__init__(*self.SETTINGS, seed=seed, input_axes=input_axes, output_axes=output_axes)

    def get_config(self):
        return {"seed": self.seed, "input_axes": self.input_axes, "output_axes": self.output_axes}


class GlorotUniform(_FixedVarianceScaling):
    """``U(-L, L)`` with ``L = sqrt(6 / (fan_in + fan_out))``: Dense's default kernel initializer."""

    SETTINGS = (1.0, "fan_avg", "uniform")


class GlorotNormal(_FixedVarianceScaling):
    """Truncated normal with ``stddev = sqrt(2 / (fan_in + fan_out)) / 0.8796``."""

    SETTINGS = (1.0, "fan_avg", "truncated_normal")


class HeUniform(_FixedVarianceScaling):
    """``U(-L, L)`` with ``L = sqrt(6 / fan_in)``, suited to ReLU layers."""

    SETTINGS = (2.0, "fan_in", "uniform")


class HeNormal(_FixedVarianceScaling):
    """Truncated normal with ``stddev = sqrt(2 / fan_in) / 0.8796``."""

    SETTINGS = (2.0, "fan_in", "truncated_normal")


class LecunUniform(_FixedVarianceScaling):
    """``U(-L, L)`` with ``L = sqrt(3 / fan_in)``."""

    SETTINGS = (1.0, "fan_in", "uniform")


class LecunNormal(_FixedVarianceScaling):
    """Truncated normal with ``stddev = sqrt(1 / fan_in) / 0.8796``, suited to SELU."""

    SETTINGS = (1.0, "fan_in", "truncated_normal")


# Keras exports every class under a lowercase name too: the same objects.
zeros, ones, constant = Zeros, Ones, Constant
random_normal, random_uniform, truncated_normal = RandomNormal, RandomUniform, TruncatedNormal
variance_scaling = VarianceScaling
glorot_uniform, glorot_normal = GlorotUniform, GlorotNormal
he_uniform, he_normal = HeUniform, HeNormal
lecun_uniform, lecun_normal = LecunUniform, LecunNormal
Identity = identity = IdentityInitializer
Orthogonal = orthogonal = OrthogonalInitializer

_CLASSES = (Zeros, Ones, Constant, RandomNormal, RandomUniform, TruncatedNormal, VarianceScaling,
            GlorotUniform, GlorotNormal, HeUniform, HeNormal, LecunUniform, LecunNormal,
            IdentityInitializer, OrthogonalInitializer)
_BY_NAME = {cls.__name__: cls for cls in _CLASSES}
_BY_NAME.update({
    "zeros": Zeros, "ones": Ones, "constant": Constant, "random_normal": RandomNormal,
    "random_uniform": RandomUniform, "truncated_normal": TruncatedNormal, "variance_scaling": VarianceScaling,
    "glorot_uniform": GlorotUniform, "glorot_normal": GlorotNormal, "he_uniform": HeUniform,
    "he_normal": HeNormal, "lecun_uniform": LecunUniform, "lecun_normal": LecunNormal,
    "Identity": IdentityInitializer, "identity": IdentityInitializer,
    "Orthogonal": OrthogonalInitializer, "orthogonal": OrthogonalInitializer,
    "uniform": RandomUniform, "normal": RandomNormal, "zero": Zeros, "one": Ones,
})


def _lookup(name):
    return lookup(_BY_NAME, name, "initializer", "initializers")


def serialize(initializer):
    """Keras's dict for an initializer object (``None`` for ``None``).

    >>> serialize(Zeros())
    {'module': 'keras.initializers', 'class_name': 'Zeros', 'config': {}, 'registered_name': None}
    """
    return serialization.serialize(initializer, "keras.initializers")


def deserialize(config):
    """An initializer from :func:`serialize`'s dict (or Keras 2's, without ``module``)."""
    if not isinstance(config, dict) or "class_name" not in config:
        raise ValueError(f"Expected a dict with a 'class_name' key. Received: config={config!r}")
    return _lookup(config["class_name"]).from_config(dict(config.get("config") or {}))


def get(identifier):
    """An initializer from a name (``'he_normal'``, ``'HeNormal'``), a dict, a class,
    an instance or any callable; ``None`` gives ``None``.

    >>> type(get("glorot_uniform")).__name__
    'GlorotUniform'
    """
    if identifier is None or isinstance(identifier, Initializer):
        return identifier
    if isinstance(identifier, str):
        return _lookup(identifier)()
    if isinstance(identifier, dict):
        return deserialize(identifier)
    if isinstance(identifier, type) and issubclass(identifier, Initializer):
        return identifier()
    if callable(identifier):
        return identifier
    raise ValueError(
        f"Could not interpret initializer identifier: {identifier!r} of type {type(identifier).__name__}. "
        "Expected a name such as 'glorot_uniform', a dict, an Initializer or a callable."
    )
