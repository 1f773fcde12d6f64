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
from glassnet.keras import serialization
from glassnet.keras.identifiers import lookup, resolve
from glassnet.keras.initializers.constant_initializers import Constant, Identity, Ones, Zeros
from glassnet.keras.initializers.initializer import Initializer
from glassnet.keras.initializers.random_initializers import (
    Orthogonal,
    RandomInitializer,
    RandomNormal,
    RandomUniform,
    TruncatedNormal,
)
from glassnet.keras.initializers.variance_scaling import (
    GlorotNormal,
    GlorotUniform,
    HeNormal,
    HeUniform,
    LecunNormal,
    LecunUniform,
    VarianceScaling,
    compute_fans,
)

# Keras exports every class under a lowercase name too: the same objects.
zeros, ones, constant = Zeros, Ones, Constant
random_normal, random_uniform, truncated_normal = RandomNormal, RandomUniform, TruncatedNormal
variance_scaling = VarianceScaling
glorot_uniform, glorot_normal = GlorotUniform, GlorotNormal
he_uniform, he_normal = HeUniform, HeNormal
lecun_uniform, lecun_normal = LecunUniform, LecunNormal
# Keras writes these two as 'Identity' and 'Orthogonal' in files; the longer names are aliases.
IdentityInitializer = identity = Identity
OrthogonalInitializer = orthogonal = Orthogonal

_CLASSES = (Zeros, Ones, Constant, RandomNormal, RandomUniform, TruncatedNormal, VarianceScaling,
            GlorotUniform, GlorotNormal, HeUniform, HeNormal, LecunUniform, LecunNormal,
            Identity, Orthogonal)
_BY_NAME = {cls.__name__: cls for cls in _CLASSES}
_BY_NAME.update({
    "zeros": Zeros, "ones": Ones, "constant": Constant, "random_normal": RandomNormal,
    "random_uniform": RandomUniform, "truncated_normal": TruncatedNormal, "variance_scaling": VarianceScaling,
    "glorot_uniform": GlorotUniform, "glorot_normal": GlorotNormal, "he_uniform": HeUniform,
    "he_normal": HeNormal, "lecun_uniform": LecunUniform, "lecun_normal": LecunNormal,
    "IdentityInitializer": Identity, "identity": Identity,
    "OrthogonalInitializer": Orthogonal, "orthogonal": Orthogonal,
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
    return resolve(identifier, Initializer, _lookup, deserialize, "initializer",
                   "a name such as 'glorot_uniform', a dict, an Initializer or a callable")
