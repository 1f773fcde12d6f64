"""Saving the trained digits model: weights as ``model.weights.npz``, architecture as ``model.json``.

The weights file holds one array per variable, named ``layer{index}_{variable}``
(``layer0_kernel``, ``layer0_bias``, ...), so NumPy alone can read it back.
"""
import json
import os

import numpy as np

WEIGHTS_FILE = "model.weights.npz"
ARCHITECTURE_FILE = "model.json"


def save_model(model, folder, **details):
    """Write the weights and the architecture (plus ``details``) into ``folder``; return both paths."""
    os.makedirs(folder, exist_ok=True)
    weights_path = os.path.join(folder, WEIGHTS_FILE)
    np.savez(weights_path, **_named_weights(model))
    architecture_path = os.path.join(folder, ARCHITECTURE_FILE)
    with open(architecture_path, "w") as stream:
        json.dump(_architecture(model, details), stream, indent=2, default=str)
    return [weights_path, architecture_path]


def load_weights(model, path):
    """Set the weights of a model built with the same architecture from a ``model.weights.npz``."""
    with np.load(path) as saved:
        model.set_weights([saved[name] for name in _named_weights(model)])


def _named_weights(model):
    return {f"layer{index}_{_short_name(variable)}": value
            for index, layer in enumerate(model.layers)
            for variable, value in zip(layer.weights, layer.get_weights(), strict=True)}


def _short_name(variable):
    return variable.name.split("/")[-1].split(":")[0]


def _architecture(model, details):
    layers = [{"class_name": type(layer).__name__, "config": layer.get_config()} for layer in model.layers]
    return {"class_name": type(model).__name__, "layers": layers, **details}
