"""VarianceScaling, whose spread follows the weight shape's fans, and the Glorot, He and Lecun
initializers: the same draw with fixed settings."""
import math

from glassnet.keras import validation as check
from glassnet.keras.initializers.initializer import float_dtype, standardize_shape
from glassnet.keras.initializers.random_initializers import RandomInitializer
from glassnet.sampling import truncated_standard_normal

# Keras's GlorotNormal/HeNormal stddev is divided by this: the stddev of a standard
# normal truncated to [-2, 2], so that the truncated draw has the intended spread.
_TRUNCATION_STD = 0.87962566103423978


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
        self.scale = check.positive("scale", scale)
        self.mode = check.one_of("mode", mode, self.MODES)
        if isinstance(distribution, str):
            distribution = distribution.lower()
        distribution = check.one_of("distribution", distribution, self.DISTRIBUTIONS)
        super().__init__(seed)
        self.distribution = "truncated_normal" if distribution == "normal" else distribution
        self.input_axes, self.output_axes = input_axes, output_axes

    def __call__(self, shape, dtype=None):
        shape, dtype = standardize_shape(shape), float_dtype(dtype)
        variance = self.scale / max(1.0, self._fan(shape))
        rng = self._generator()
        if self.distribution == "uniform":
            limit = math.sqrt(3.0 * variance)
            return rng.uniform(-limit, limit, shape).astype(dtype)
        if self.distribution == "untruncated_normal":
            return (math.sqrt(variance) * rng.standard_normal(shape)).astype(dtype)
        stddev = math.sqrt(variance) / _TRUNCATION_STD
        return (stddev * truncated_standard_normal(rng, shape)).astype(dtype)

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
