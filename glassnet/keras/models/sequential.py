"""Sequential: a plain stack of layers, each feeding the next."""
from glassnet.autodiff import Tensor, ops
from glassnet.keras.keras_tensor import KerasTensor
from glassnet.keras.layers import layer as layer_module
from glassnet.keras.layers.input_layer import InputLayer
from glassnet.keras.layers.layer import Layer, _as_shape
from glassnet.keras.models import fused_layers
from glassnet.keras.models.model import Model


class Sequential(Model):
    """A linear stack of layers.

    With an ``Input`` first (or ``input_dim`` on the first layer) the model is built at
    once; otherwise it builds from the first data it sees, or from ``build((None, n))``.

    >>> from glassnet.keras.layers import Dense, Input
    >>> model = Sequential([Input(shape=(400,)), Dense(25, activation="sigmoid"), Dense(1)])
    >>> model.output.shape.as_list()
    [None, 1]
    """

    _x_as_given = False  # one input, checked as one array

    def __init__(self, layers=None, name=None, trainable=True, **kwargs):
        super().__init__(name=name, trainable=trainable, **kwargs)
        self._stack = []
        self._input_layer = None
        self._probed_output = None  # ((input features, layers), output shape) of the last probe
        if layers is not None and not isinstance(layers, (list, tuple)):
            raise TypeError(
                "`layers` must be a list of layers, e.g. Sequential([Dense(2)]). "
                f"Received: layers={layers!r} (of type {type(layers).__name__})"
            )
        for layer in layers or []:
            self.add(layer)

    def add(self, layer):
        """Append a layer (or an ``Input``, only as the first item)."""
        if isinstance(layer, KerasTensor) and isinstance(layer.history[0], InputLayer):
            layer = layer.history[0]
        if isinstance(layer, InputLayer):
            if self._stack or self._input_layer is not None:
                raise ValueError("An Input can only be the first layer of a Sequential model.")
            self._input_layer = layer
            return
        if not isinstance(layer, Layer):
            raise TypeError(
                "Only instances of `keras.Layer` can be added to a Sequential model. "
                f"Received: {layer!r} (of type {type(layer).__name__})"
            )
        if any(layer.name == other.name for other in self._stack):
            raise ValueError(
                f"All layers added to a Sequential model should have unique names. Name '{layer.name}' is "
                f"already the name of a layer in this model. Update the `name` argument to pass a unique name."
            )
        self._stack.append(layer)
        try:
            if self.built:
                with self._all_or_nothing():
                    self._connect(layer, self.output)
            elif self._declared_input_shape() is not None:
                self.build(self._declared_input_shape())
        except BaseException:
            self._stack.pop()
            raise

    def pop(self):
        """Remove and return the last layer."""
        if not self._stack:
            raise IndexError("There are no layers in the model.")
        layer = self._stack.pop()
        if self.built:
            self.output = self._stack[-1].output if self._stack else self.input
        return layer

    def _output_shape(self, x):
        # train_on_batch and evaluate check y against the output shape on every call: the probe's
        # one-row forward pass is remembered while the stack and the input's features stay the same.
        key = (x.shape[1:], tuple(self._stack))
        if self._probed_output is None or self._probed_output[0] != key:
            self._probed_output = (key, super()._output_shape(x))
        return self._probed_output[1]

    def _declared_input_shape(self):
        if self._input_layer is not None:
            return self._input_layer.batch_shape
        if self._stack and self._stack[0]._batch_input_shape is not None:
            return self._stack[0]._batch_input_shape
        return None

    def build(self, input_shape=None):
        """Build every layer for inputs of `input_shape`, e.g. ``(None, 400)``; all or nothing."""
        if input_shape is None:
            input_shape = self._declared_input_shape()
            if input_shape is None:
                raise ValueError("You must provide an `input_shape` argument, e.g. build(input_shape=(None, 400)).")
        shape = (None, *_as_shape(tuple(input_shape)[1:], "input_shape"))
        with layer_module.build_lock:
            if self.built and tuple(self.input.shape)[1:] == shape[1:]:
                return
            if self.built:
                raise ValueError(
                    f"Model '{self.name}' is already built for inputs of shape {tuple(self.input.shape)}; "
                    f"it cannot be rebuilt for {shape}."
                )
            with self._all_or_nothing(), layer_module.name_scope(self):
                self.input = output = self._graph_input(shape)
                for layer in self._stack:
                    output = self._connect(layer, output)
                self.output = output
                self.built = True

    def _graph_input(self, shape):
        """The KerasTensor the stack is called on when built: the given Input's, else a new InputLayer's
        (as Keras's Sequential makes one), so ``Model(model.input, model.layers[1].output)`` finds its graph."""
        if self._input_layer is not None and tuple(self._input_layer.batch_shape)[1:] == tuple(shape)[1:]:
            return self._input_layer.output
        return InputLayer(batch_shape=shape, dtype=self.dtype, name="input_layer").output

    @property
    def inputs(self):
        """``[model.input]`` once built (Keras's list of input tensors), else None."""
        return None if self.input is None else [self.input]

    @property
    def outputs(self):
        """``[model.output]`` once built, else None."""
        return None if self.output is None else [self.output]

    def build_from_config(self, config):
        shape = (config or {}).get("input_shape")
        if shape is not None and not self.built:
            self.build(tuple(shape))

    # --- config ---------------------------------------------------------------------
    def get_config(self):
        """Keras's Sequential config: name, trainable, dtype, each layer's entry (the Input first)
        and the input shape it was built for."""
        from glassnet.keras.saving.serialization_lib import serialize_keras_object
        layers = [serialize_keras_object(layer) for layer in self._stack]
        config = {**Layer.get_config(self), "layers": layers}
        input_shape = self._declared_input_shape() if not self.built else tuple(self.input.shape)
        if input_shape is not None:
            input_layer = self._input_layer or InputLayer(batch_shape=input_shape, dtype=self.dtype,
                                                          name="input_layer")
            config["layers"] = [serialize_keras_object(input_layer), *layers]
            config["build_input_shape"] = list(input_shape)
        return config

    @classmethod
    def from_config(cls, config, custom_objects=None):
        from glassnet.keras.saving.serialization_lib import deserialize_keras_object
        layers = [deserialize_keras_object(entry, custom_objects) for entry in config.get("layers", [])]
        model = cls(name=config.get("name"), trainable=config.get("trainable", True))
        for layer in layers:
            model.add(layer)
        if not model.built and config.get("build_input_shape") is not None:
            model.build(tuple(config["build_input_shape"]))
        return model

    def _connect(self, layer, previous_output):
        with layer_module.name_scope(self):
            self.output = layer(previous_output)
        return self.output

    def call(self, inputs, training=None):
        return fused_layers.run_stack(self._stack, inputs, training)  # each layer in turn; see fused_layers

    def _adjust_input_rank(self, x):
        """Keras's rule for an input one rank off the model's: a missing trailing axis of size 1
        is added ((n,) for an input of (None, 1)), an extra one is dropped ((n, 1, 1) for (None, 1))."""
        if not self.built:
            return x
        expected = tuple(self.input.shape)
        if x.ndim == len(expected) - 1 and expected[-1] == 1:
            shape = (*x.shape, 1)
        elif x.ndim == len(expected) + 1 and x.shape[-1] == 1:
            shape = x.shape[:-1]
        else:
            return x
        return ops.reshape(x, shape=shape) if isinstance(x, Tensor) else x.reshape(shape)

    def _check_input(self, shape):
        expected = tuple(self.input.shape)
        if len(shape) != len(expected) or any(e is not None and e != s for e, s in zip(expected[1:], shape[1:])):
            first = self._stack[0] if self._stack else self
            hint = (f" A 1-D input gives one value per sample; this model takes {expected[-1]}: pass an array of "
                    f"shape (samples, {expected[-1]}).") if len(shape) == 1 and len(expected) == 2 else ""
            raise ValueError(
                f"Input 0 of layer '{first.name}' ({type(first).__name__}, the first layer of model "
                f"'{self.name}') is incompatible with the layer: expected input shape {expected}, "
                f"i.e. axis -1 to have value {expected[-1]}, but received input with shape {tuple(shape)}.{hint}"
            )

    def _dense_chain(self):
        """The stack, when it is only Dense layers (or models that are), each once; else None."""
        return self._as_dense_chain(self._stack) if type(self).call is Sequential.call else None
