"""Lambda: wrap a function of tensors as a layer (``Lambda(lambda x: x * 2)``)."""
from glassnet.keras.layers.layer import Layer


class Lambda(Layer):
    """Calls ``function(inputs, **arguments)``.

    Args:
        function: the function of the input tensor(s).
        output_shape: the shape of one output sample, if the function's output should not be found
            by calling it on zeros.
        arguments: extra keyword arguments for `function`.

    Saving: a named function registered with ``register_keras_serializable`` (or one of
    glassnet's own) is saved by name; a Python ``lambda`` cannot be saved (Keras stores its
    bytecode, which glassnet never runs), so ``get_config`` refuses it.
    """

    def __init__(self, function, output_shape=None, mask=None, arguments=None, **kwargs):
        super().__init__(**kwargs)
        if not callable(function):
            raise TypeError(f"`function` must be callable. Received: function={function!r}")
        if mask is not None:
            raise ValueError("glassnet's Lambda does not support `mask` (no masking). Received: mask={mask!r}")
        self.function = function
        self.output_shape_given = None if output_shape is None else tuple(output_shape)
        self.arguments = dict(arguments or {})

    def call(self, inputs):
        return self.function(inputs, **self.arguments)

    def compute_output_shape(self, input_shape):
        if self.output_shape_given is not None:
            return (None, *self.output_shape_given)
        return super().compute_output_shape(input_shape)

    def get_config(self):
        from glassnet.keras.saving.serialization_lib import serialize_keras_object
        if getattr(self.function, "__name__", "") == "<lambda>":
            raise NotImplementedError(
                f"Lambda layer '{self.name}' wraps a Python lambda, which glassnet cannot save (Keras saves its "
                "bytecode, which is unsafe to load). Use a named function registered with "
                "@glassnet.keras.saving.register_keras_serializable() instead.")
        config = {**Layer.get_config(self), "function": serialize_keras_object(self.function),
                  "arguments": self.arguments}
        config["output_shape"] = None if self.output_shape_given is None else list(self.output_shape_given)
        return config

    @classmethod
    def from_config(cls, config):
        from glassnet.keras.saving.serialization_lib import deserialize_keras_object
        config = dict(config)
        config["function"] = deserialize_keras_object(config["function"])
        return cls(**config)
