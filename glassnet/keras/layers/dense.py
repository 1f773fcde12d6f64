"""Dense: the fully connected layer, ``activation(inputs @ kernel + bias)``."""
import warnings

from glassnet.autodiff import observe, ops, tape
from glassnet.keras import activations, constraints, initializers, regularizers
from glassnet.keras.layers.layer import Layer
from glassnet.keras import validation as check

# Activations whose primitive can run inside the fused dense op (None: linear).
_FUSABLE = {
    activations.linear: None, activations.sigmoid: ops.sigmoid, activations.relu: ops.relu,
    activations.tanh: ops.tanh, activations.softmax: ops.softmax, activations.softplus: ops.softplus,
    activations.elu: ops.elu, activations.leaky_relu: ops.leaky_relu,
}


class Dense(Layer):
    """Just your regular densely-connected NN layer.

    Computes ``output = activation(inputs @ kernel + bias)``.

    Args:
        units: positive int, the output size.
        activation: a name (``'relu'``), a function, or None for linear.
        use_bias: whether to add a bias vector.
        kernel_initializer, bias_initializer: initializer names or objects.
        kernel_regularizer, bias_regularizer: penalties added to the loss.
        kernel_constraint, bias_constraint: projections applied after each optimizer update
            (names such as ``'max_norm'``, or objects from ``keras.constraints``).
        input_dim / input_shape: legacy way to give the input size (warns, as in Keras).

    Input shape ``(batch, ..., input_dim)``; output shape ``(batch, ..., units)``.

    >>> layer = Dense(2, activation="relu")
    >>> layer(np.ones((4, 3))).shape.as_list()
    [4, 2]
    """

    supports_masking = True  # passes a mask on to its output, as in Keras

    def __init__(self, units, activation=None, use_bias=True, kernel_initializer="glorot_uniform",
                 bias_initializer="zeros", kernel_regularizer=None, bias_regularizer=None,
                 activity_regularizer=None, kernel_constraint=None, bias_constraint=None, **kwargs):
        units = check.integer("units", units, minimum=1)
        use_bias = check.boolean("use_bias", use_bias, owner="Dense")
        if "input_shape" in kwargs or "input_dim" in kwargs:
            warnings.warn(
                "Do not pass an `input_shape`/`input_dim` argument to a layer. When using Sequential "
                "models, prefer using an `Input(shape)` object as the first layer in the model instead.",
                UserWarning, stacklevel=2,
            )
        super().__init__(activity_regularizer=activity_regularizer, **kwargs)
        self.units = units
        self.activation = activations.get(activation)
        self.use_bias = use_bias
        self.kernel_initializer = initializers.get(kernel_initializer)
        self.bias_initializer = initializers.get(bias_initializer)
        self.kernel_regularizer = regularizers.get(kernel_regularizer) if kernel_regularizer is not None else None
        self.bias_regularizer = regularizers.get(bias_regularizer) if bias_regularizer is not None else None
        self.kernel_constraint = constraints.get(kernel_constraint)
        self.bias_constraint = constraints.get(bias_constraint)
        self.kernel = None
        self.bias = None

    def build(self, input_shape):
        if len(input_shape) < 2:
            raise ValueError(
                f"Dense layer '{self.name}' needs inputs of shape (batch, features); received input of shape "
                f"{tuple(input_shape)} (one value per sample, or a bare number). A 1-D input needs reshape(-1, 1)."
            )
        if self.units == 1 and self.activation is activations.softmax:  # Keras warns at each call; once is enough
            message = activations._softmax_of_one_message(f"a softmax over the 1 unit of Dense layer '{self.name}'")
            warnings.warn(message, UserWarning, stacklevel=2)
        input_dim = input_shape[-1]
        if input_dim is None:
            raise ValueError(f"The last dimension of the input to Dense layer '{self.name}' must be known. "
                             f"Received input_shape={tuple(input_shape)}")
        self.kernel = self.add_weight(shape=(input_dim, self.units), initializer=self.kernel_initializer,
                                      name="kernel", regularizer=self.kernel_regularizer,
                                      constraint=self.kernel_constraint)
        if self.use_bias:
            self.bias = self.add_weight(shape=(self.units,), initializer=self.bias_initializer,
                                        name="bias", regularizer=self.bias_regularizer,
                                        constraint=self.bias_constraint)
        self.built = True

    def _fused_activation(self):
        """The primitive the fused dense op applies (None: linear), or False if there is none."""
        return _FUSABLE.get(self.activation, False)

    def call(self, inputs, training=False):
        fused_activation = self._fused_activation()
        if fused_activation is not False:
            # One tape node for the whole layer; the first layer of a model skips d(loss)/d(inputs).
            return ops.dense(inputs, self.kernel, self.bias, activation=fused_activation,
                             input_gradient=tape.is_tracked(inputs))
        outputs = ops.matmul(inputs, self.kernel)
        if self.use_bias:
            outputs = ops.add(outputs, self.bias)
        if observe.watchers:  # inspect.step shows z, as the fused op does
            observe.note("z", outputs.value)
        return self.activation(outputs)

    def compute_output_shape(self, input_shape):
        return (*tuple(input_shape)[:-1], self.units)

    def _check_input(self, shape):
        expected = self.kernel.shape[0]
        if len(shape) < 2 or shape[-1] != expected:
            hint = " A 1-D input needs reshape(-1, 1)." if len(shape) == 1 else ""
            raise ValueError(
                f"Input 0 of layer '{self.name}' is incompatible with the layer: expected axis -1 of "
                f"input shape to have value {expected}, but received input with shape {tuple(shape)}.{hint}"
            )

    def get_config(self):
        return {
            **super().get_config(),
            "units": self.units,
            "activation": activations.serialize(self.activation),
            "use_bias": self.use_bias,
            "kernel_initializer": initializers.serialize(self.kernel_initializer),
            "bias_initializer": initializers.serialize(self.bias_initializer),
            "kernel_regularizer": regularizers.serialize(self.kernel_regularizer),
            "bias_regularizer": regularizers.serialize(self.bias_regularizer),
            "kernel_constraint": constraints.serialize(self.kernel_constraint),
            "bias_constraint": constraints.serialize(self.bias_constraint),
        }
