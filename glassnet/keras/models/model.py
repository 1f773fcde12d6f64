"""Model: a Layer made of layers, with the training API (compile, fit, evaluate, predict)."""
import numpy as np

from glassnet.autodiff import Tensor
from glassnet.keras.keras_tensor import KerasTensor
from glassnet.keras.layers.layer import Layer, _check_weight_list
from glassnet.keras.models.summary import summary_text
from glassnet.keras.trainers.trainer import Trainer


class Model(Trainer, Layer):
    """Groups layers into an object with training and inference features.

    Subclass it and define ``call`` (layers assigned as attributes are tracked),
    or use :class:`Sequential` for a plain stack of layers.

    >>> class TwoLayer(Model):
    ...     def __init__(self):
    ...         super().__init__()
    ...         self.hidden = Dense(4, activation="relu")
    ...         self.out = Dense(1)
    ...     def call(self, x, training=False):
    ...         return self.out(self.hidden(x))
    """

    def __init__(self, *args, **kwargs):
        if args or "inputs" in kwargs or "outputs" in kwargs:
            raise NotImplementedError(
                "Functional models, Model(inputs, outputs), are not available yet in glassnet. "
                "Use Sequential([...]) or subclass Model and define call()."
            )
        self._layers = []
        Layer.__init__(self, **kwargs)
        Trainer.__init__(self)

    def __setattr__(self, name, value):
        # Layers assigned to public attributes of a subclassed model become its layers.
        if isinstance(value, Layer) and not name.startswith("_") and "_layers" in self.__dict__:
            if all(value is not layer for layer in self._layers):
                self._layers.append(value)
        super().__setattr__(name, value)

    # --- the layers and their weights ---------------------------------------
    @property
    def layers(self):
        return list(self._layers)

    def get_layer(self, name=None, index=None):
        """A layer by `name`, or by position `index`."""
        if index is not None:
            if not -len(self._layers) <= index < len(self._layers):
                raise ValueError(
                    f"Was asked to retrieve layer at index {index} but model only has {len(self._layers)} layers."
                )
            return self._layers[index]
        for layer in self._layers:
            if layer.name == name:
                return layer
        raise ValueError(f"No such layer: {name}. Existing layers are: {[layer.name for layer in self._layers]}.")

    @property
    def weights(self):
        return [w for layer in self._layers for w in layer.weights]

    @property
    def trainable_weights(self):
        if not self.trainable:
            return []
        return [w for layer in self._layers for w in layer.trainable_weights]

    @property
    def non_trainable_weights(self):
        return [w for w in self.weights if all(w is not t for t in self.trainable_weights)]

    trainable_variables = trainable_weights
    non_trainable_variables = non_trainable_weights
    variables = weights

    @property
    def losses(self):
        return [penalty for layer in self._layers for penalty in layer.losses]

    def get_weights(self):
        """All weights as NumPy arrays, layer by layer, each layer's in creation order."""
        return [np.array(w.value) for w in self.weights]

    def set_weights(self, weights):
        """Set all weights from a list in :meth:`get_weights` order (arrays or nested lists)."""
        variables = self.weights
        for variable, array in zip(variables, _check_weight_list(weights, variables, f"model '{self.name}'")):
            variable.assign(array)

    def count_params(self):
        return int(sum(w.value.size for w in self.weights))

    def summary(self, line_length=None, positions=None, print_fn=None, expand_nested=False,
                show_trainable=False, layer_range=None):
        """Print a table of the layers, their output shapes and parameter counts (Keras's layout)."""
        text = summary_text(self, line_length=line_length, show_trainable=show_trainable)
        (print_fn or print)(text)

    # --- calling -------------------------------------------------------------
    def __call__(self, inputs, training=None):
        if isinstance(inputs, KerasTensor):
            return self._call_symbolic(inputs)
        inputs = self._prepare_input(inputs)
        return self.call(inputs, training=bool(training))

    def _prepare_input(self, inputs):
        """Convert to a Tensor of the model's dtype, building the model on first sight."""
        if not isinstance(inputs, Tensor):
            inputs = Tensor(np.asarray(inputs))
        if np.issubdtype(inputs.dtype, np.number) and inputs.dtype != self.dtype and inputs._node is None:
            inputs = Tensor(inputs.value.astype(self.dtype))
        self._ensure_built(inputs.shape)
        return inputs

    def _ensure_built(self, shape):
        """Build from the first input's shape, then check every input against the built shape."""
        if not self.built:
            self.build((None, *shape[1:]))
        self._check_input_shape(tuple(shape))

    def _check_input_shape(self, shape):
        """Models that know their input shape name the mismatch here."""

    def build(self, input_shape=None):
        self.built = True

    def _compiled_train_step(self):
        """A step function ``(x, y, sample_weight) -> (loss, y_pred)`` that trains exactly as the
        tape does, without it; None to take the tape. fit's default step asks for it once per
        epoch; models that know their graph (Sequential) override this."""
        return None
