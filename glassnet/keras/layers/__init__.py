"""Layers: ``glassnet.keras.layers.Dense`` and friends."""
from glassnet.keras.layers.activation import Activation, LeakyReLU, ReLU, Softmax
from glassnet.keras.layers.dense import Dense
from glassnet.keras.layers.dropout import Dropout
from glassnet.keras.layers.flatten import Flatten
from glassnet.keras.layers.input_layer import Input, InputLayer
from glassnet.keras.layers.layer import Layer
from glassnet.keras.layers.normalization import Normalization

__all__ = [
    "Activation", "Dense", "Dropout", "Flatten", "Input", "InputLayer", "Layer", "LeakyReLU",
    "Normalization", "ReLU", "Softmax",
]
