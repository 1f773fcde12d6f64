"""Layers: ``glassnet.keras.layers.Dense`` and friends."""
from glassnet.keras.layers.activation import Activation, LeakyReLU, ReLU, Softmax
from glassnet.keras.layers.bidirectional import Bidirectional
from glassnet.keras.layers.dense import Dense
from glassnet.keras.layers.dropout import Dropout
from glassnet.keras.layers.embedding import Embedding
from glassnet.keras.layers.flatten import Flatten
from glassnet.keras.layers.gru import GRU, GRUCell
from glassnet.keras.layers.input_layer import Input, InputLayer
from glassnet.keras.layers.lambda_layer import Lambda
from glassnet.keras.layers.lstm import LSTM, LSTMCell
from glassnet.keras.layers.layer import Layer
from glassnet.keras.layers.masking import Masking
from glassnet.keras.layers.merging import (
    Add, Average, Concatenate, Dot, Maximum, Minimum, Multiply, Subtract, add, average, concatenate, dot, maximum,
    minimum, multiply, subtract,
)
from glassnet.keras.layers.normalization import Normalization
from glassnet.keras.layers.rnn import RNN
from glassnet.keras.layers.simple_rnn import SimpleRNN, SimpleRNNCell
from glassnet.keras.layers.unit_normalization import UnitNormalization



def serialize(layer):
    """Keras's dict for a layer (``keras.layers.serialize``)."""
    from glassnet.keras.saving.serialization_lib import serialize_keras_object
    return serialize_keras_object(layer)


def deserialize(config, custom_objects=None):
    """The layer of a :func:`serialize` dict; the user's own classes come from `custom_objects`
    or the registry (``keras.layers.deserialize``)."""
    from glassnet.keras.saving.serialization_lib import deserialize_keras_object
    return deserialize_keras_object(config, custom_objects=custom_objects)


__all__ = [
    "Activation", "Add", "Average", "Concatenate", "Dense", "Dot", "Dropout", "Flatten", "Input", "InputLayer",
    "Lambda", "Layer", "LeakyReLU", "Maximum", "Minimum", "Multiply", "Normalization", "ReLU", "Softmax",
    "Subtract", "UnitNormalization", "add", "average", "concatenate", "deserialize", "dot", "maximum", "minimum",
    "multiply", "serialize", "subtract",
    "Embedding", "Masking", "GRU", "GRUCell", "LSTM", "LSTMCell", "SimpleRNN", "SimpleRNNCell",
    "Bidirectional", "RNN",
]
