"""``glassnet.keras``: the Keras API (``import glassnet as tf`` then ``tf.keras.Sequential``)."""
from glassnet.keras import (
    activations, backend, callbacks, constraints, initializers, layers, losses, metrics, models, optimizers,
    random, regularizers, saving, utils,
)
from glassnet.keras.layers import Input
from glassnet.keras.models import Model, Sequential
from glassnet.keras import ops  # noqa: E402, I001 - last: its ops build on the modules above
from glassnet.keras import datasets, preprocessing  # noqa: E402, I001

__all__ = [
    "Input", "Model", "Sequential", "activations", "backend", "callbacks", "constraints", "initializers", "layers",
    "losses", "metrics", "models", "ops", "optimizers", "random", "regularizers", "saving", "utils",
]
__all__ += ["datasets", "preprocessing"]
