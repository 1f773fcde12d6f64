"""Layers that apply an activation function: Activation, ReLU, LeakyReLU, Softmax."""
from glassnet.keras import activations
from glassnet.keras.layers.layer import Layer


class Activation(Layer):
    """Applies an activation function, given by name or as a function."""

    def __init__(self, activation, **kwargs):
        super().__init__(**kwargs)
        self.activation = activations.get(activation)

    def call(self, inputs, training=False):
        return self.activation(inputs)

    def get_config(self):
        return {**super().get_config(), "activation": self.activation.__name__}


class ReLU(Layer):
    """``max(x, 0)`` as a layer."""

    def call(self, inputs, training=False):
        return activations.relu(inputs)


class LeakyReLU(Layer):
    """``x`` if ``x >= 0`` else ``negative_slope * x``; the layer's default slope is 0.3 (Keras)."""

    def __init__(self, negative_slope=0.3, **kwargs):
        negative_slope = kwargs.pop("alpha", negative_slope)  # the Keras 2 name
        super().__init__(**kwargs)
        if negative_slope < 0:
            raise ValueError(f"negative_slope must be >= 0. Received: negative_slope={negative_slope!r}")
        self.negative_slope = float(negative_slope)

    def call(self, inputs, training=False):
        return activations.leaky_relu(inputs, negative_slope=self.negative_slope)


class Softmax(Layer):
    """Softmax over `axis` as a layer."""

    def __init__(self, axis=-1, **kwargs):
        super().__init__(**kwargs)
        self.axis = axis

    def call(self, inputs, training=False):
        return activations.softmax(inputs, axis=self.axis)
