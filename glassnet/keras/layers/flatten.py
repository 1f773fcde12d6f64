"""Flatten: one row per sample, ``(batch, d1, d2, ...) -> (batch, d1*d2*...)``."""
import math

from glassnet.autodiff import ops
from glassnet.keras.layers.layer import Layer


class Flatten(Layer):
    """Flattens each sample into a vector; the batch axis is kept."""

    def call(self, inputs, training=False):
        return ops.reshape(inputs, shape=(inputs.shape[0], -1))

    def compute_output_shape(self, input_shape):
        rest = input_shape[1:]
        return (input_shape[0], None if None in rest else math.prod(rest))
