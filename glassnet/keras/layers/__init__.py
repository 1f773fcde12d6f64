"""Layers: ``glassnet.keras.layers.Dense`` and friends."""
from glassnet.keras.layers.activation import Activation, LeakyReLU, ReLU, Softmax
from glassnet.keras.layers.batch_normalization import BatchNormalization
from glassnet.keras.layers.category_encoding import CategoryEncoding
from glassnet.keras.layers.bidirectional import Bidirectional
from glassnet.keras.layers.conv_transpose import (
    Conv1DTranspose, Conv2DTranspose, Convolution1DTranspose, Convolution2DTranspose,
)
from glassnet.keras.layers.convolutional import Conv1D, Conv2D, Convolution1D, Convolution2D
from glassnet.keras.layers.cropping import Cropping1D, Cropping2D
from glassnet.keras.layers.dense import Dense
from glassnet.keras.layers.discretization import Discretization
from glassnet.keras.layers.dropout import Dropout
from glassnet.keras.layers.embedding import Embedding
from glassnet.keras.layers.flatten import Flatten
from glassnet.keras.layers.global_pooling import (
    GlobalAveragePooling1D, GlobalAveragePooling2D, GlobalMaxPooling1D, GlobalMaxPooling2D,
)
from glassnet.keras.layers.gru import GRU, GRUCell
from glassnet.keras.layers.input_layer import Input, InputLayer
from glassnet.keras.layers.integer_lookup import IntegerLookup
from glassnet.keras.layers.lambda_layer import Lambda
from glassnet.keras.layers.layer import Layer
from glassnet.keras.layers.layer_normalization import LayerNormalization
from glassnet.keras.layers.lstm import LSTM, LSTMCell
from glassnet.keras.layers.masking import Masking
from glassnet.keras.layers.merging import (
    Add, Average, Concatenate, Dot, Maximum, Minimum, Multiply, Subtract, add, average, concatenate, dot, maximum,
    minimum, multiply, subtract,
)
from glassnet.keras.layers.normalization import Normalization
from glassnet.keras.layers.pooling import (
    AveragePooling1D, AveragePooling2D, AvgPool1D, AvgPool2D, MaxPool1D, MaxPool2D, MaxPooling1D, MaxPooling2D,
)
from glassnet.keras.layers.rescaling import Rescaling
from glassnet.keras.layers.reshape import Permute, RepeatVector, Reshape
from glassnet.keras.layers.rnn import RNN
from glassnet.keras.layers.simple_rnn import SimpleRNN, SimpleRNNCell
from glassnet.keras.layers.string_lookup import StringLookup
from glassnet.keras.layers.spatial_dropout import SpatialDropout1D, SpatialDropout2D
from glassnet.keras.layers.text_vectorization import TextVectorization
from glassnet.keras.layers.unit_normalization import UnitNormalization
from glassnet.keras.layers.up_sampling import UpSampling1D, UpSampling2D
from glassnet.keras.layers.zero_padding import ZeroPadding1D, ZeroPadding2D


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
    "Activation", "Add", "Average", "AveragePooling1D", "AveragePooling2D", "AvgPool1D", "AvgPool2D",
    "BatchNormalization", "Bidirectional", "CategoryEncoding", "Concatenate", "Conv1D", "Conv1DTranspose", "Conv2D",
    "Conv2DTranspose", "Convolution1D", "Convolution1DTranspose", "Convolution2D", "Convolution2DTranspose",
    "Cropping1D", "Cropping2D", "Dense", "Discretization", "Dot", "Dropout", "Embedding", "Flatten", "GRU", "GRUCell",
    "GlobalAveragePooling1D", "GlobalAveragePooling2D", "GlobalMaxPooling1D", "GlobalMaxPooling2D", "Input",
    "InputLayer", "IntegerLookup", "LSTM", "LSTMCell", "Lambda", "Layer", "LayerNormalization", "LeakyReLU",
    "Masking", "MaxPool1D", "MaxPool2D", "MaxPooling1D", "MaxPooling2D", "Maximum", "Minimum", "Multiply",
    "Normalization", "Permute", "RNN", "ReLU", "RepeatVector", "Rescaling", "Reshape", "SimpleRNN", "SimpleRNNCell",
    "Softmax", "SpatialDropout1D", "SpatialDropout2D", "StringLookup", "Subtract", "TextVectorization",
    "UnitNormalization", "UpSampling1D", "UpSampling2D", "ZeroPadding1D", "ZeroPadding2D", "add", "average",
    "concatenate", "deserialize", "dot", "maximum", "minimum", "multiply", "serialize", "subtract",
]
