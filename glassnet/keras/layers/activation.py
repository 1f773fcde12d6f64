"""Layers that apply an activation function: Activation, ReLU, LeakyReLU, Softmax."""
from glassnet.keras import activations
from glassnet.keras import validation as check
from glassnet.keras.layers.layer import Layer


class Activation(Layer):
    """Applies an activation function, given by name or as a function."""

    supports_masking = True  # passes a mask on to its output, as in Keras

    _built_at_init = True  # stateless: built when constructed, as Keras's is

    def __init__(self, activation, **kwargs):
        super().__init__(**kwargs)
        self.activation = activations.get(activation)

    def call(self, inputs, training=False):
        return self.activation(inputs)

    def get_config(self):
        return {**super().get_config(), "activation": activations.serialize(self.activation)}


class ReLU(Layer):
    """``max(x, 0)`` as a layer; with options, Keras's generalised ReLU.

    Args:
        max_value: non-negative float or None, the output's ceiling.
        negative_slope: non-negative float, the slope below `threshold`.
        threshold: float; inputs below it are damped (to 0 with the default slope).
    """

    supports_masking = True  # passes a mask on to its output, as in Keras

    _built_at_init = True  # stateless: built when constructed, as Keras's is

    def __init__(self, max_value=None, negative_slope=0.0, threshold=0.0, **kwargs):
        max_value = check.optional(check.non_negative, "max_value", max_value, owner="ReLU")
        negative_slope = check.non_negative("negative_slope", negative_slope, owner="ReLU")
        threshold = check.real("threshold", threshold, owner="ReLU")
        super().__init__(**kwargs)
        self.max_value, self.negative_slope, self.threshold = max_value, negative_slope, threshold

    def call(self, inputs, training=False):
        return activations.relu(inputs, negative_slope=self.negative_slope, max_value=self.max_value,
                                threshold=self.threshold)

    def get_config(self):
        return {**super().get_config(), "max_value": self.max_value, "negative_slope": self.negative_slope,
                "threshold": self.threshold}


class LeakyReLU(Layer):
    """``x`` if ``x >= 0`` else ``negative_slope * x``; the layer's default slope is 0.3 (Keras)."""

    supports_masking = True  # passes a mask on to its output, as in Keras

    _built_at_init = True  # stateless: built when constructed, as Keras's is

    def __init__(self, negative_slope=0.3, **kwargs):
        negative_slope = kwargs.pop("alpha", negative_slope)  # the Keras 2 name
        negative_slope = check.non_negative("negative_slope", negative_slope, owner="LeakyReLU")
        super().__init__(**kwargs)
        self.negative_slope = negative_slope

    def call(self, inputs, training=False):
        return activations.leaky_relu(inputs, negative_slope=self.negative_slope)


class Softmax(Layer):
    """Softmax over `axis` as a layer."""

    supports_masking = True  # passes a mask on to its output, as in Keras

    _built_at_init = True  # stateless: built when constructed, as Keras's is

    def __init__(self, axis=-1, **kwargs):
        super().__init__(**kwargs)
        self.axis = axis

    def call(self, inputs, training=False):
        return activations.softmax(inputs, axis=self.axis)
