"""What the checks read from a model: its output activation and width, and its compiled loss.

Everything is read from the objects fit uses (the layers' activations and units, the loss
object's function and ``from_logits``), never from a second description of the model.
"""
import numpy as np

from glassnet.keras import activations, losses
from glassnet.keras.losses import crossentropy, regression

_LOSS_KINDS = {
    crossentropy.binary_crossentropy: "binary",
    crossentropy.categorical_crossentropy: "categorical",
    crossentropy.sparse_categorical_crossentropy: "sparse",
    **{fn: "regression" for fn in (regression.mean_squared_error, regression.mean_absolute_error,
                                   regression.mean_absolute_percentage_error, regression.huber,
                                   regression.log_cosh, regression.mean_squared_logarithmic_error)},
}
_ACTIVATION_LAYERS = {"Softmax": "softmax", "ReLU": "relu", "LeakyReLU": "leaky_relu"}
_PASS_THROUGH = ("Dropout", "Flatten")  # layers that change no value's range or the width


class Facts:
    """The model as the checks see it.

    Attributes:
        layers: the model's layers (in call order for Sequential; in assignment order otherwise).
        sequential: whether ``layers`` is the order data flows in.
        output_layer: the layer whose activation makes the output (None if unknown).
        output_activation: its activation's name, e.g. ``'softmax'`` (None if unknown).
        output_width: the number of output units (None if unknown).
        loss_name, loss_kind, from_logits: the compiled loss; ``loss_kind`` is ``'binary'``,
            ``'categorical'``, ``'sparse'``, ``'regression'`` or None (no loss, or another one).
    """

    def __init__(self, model, x=None, y=None):
        from glassnet.keras.models.sequential import Sequential  # models import inspect: import late

        self.layers = list(model.layers)
        self.sequential = type(model).call is Sequential.call if isinstance(model, Sequential) else False
        self.output_layer, self.output_activation = _output_activation(self.layers)
        self.output_width = _output_width(model, self.layers, x)
        loss = _compiled_loss(model, y, self.output_width)
        self.loss_name = getattr(loss, "name", None)
        self.loss_kind = _LOSS_KINDS.get(getattr(loss, "fn", None))
        self.from_logits = bool(getattr(loss, "_fn_kwargs", {}).get("from_logits", False))


def activation_name(layer):
    """The name of the activation `layer` applies, or None for a layer that is not one."""
    kind = type(layer).__name__
    if kind in _ACTIVATION_LAYERS:
        return _ACTIVATION_LAYERS[kind]
    activation = getattr(layer, "activation", None)
    return activations.serialize(activation) if callable(activation) else None


def _output_activation(layers):
    """(layer, activation name) of the last layer that sets the output's range."""
    for layer in reversed(layers):
        if type(layer).__name__ in _PASS_THROUGH:
            continue
        return layer, activation_name(layer)
    return None, None


def _output_width(model, layers, x):
    output = getattr(model, "output", None)
    if output is not None and len(output.shape) > 1 and output.shape[-1] is not None:
        return int(output.shape[-1])
    for layer in reversed(layers):
        if isinstance(getattr(layer, "units", None), int):
            return layer.units
        if type(layer).__name__ not in (*_PASS_THROUGH, "Activation", *_ACTIVATION_LAYERS):
            break
    if x is not None and getattr(np.asarray(x), "ndim", 0) >= 1:
        return int(model._output_shape(np.asarray(x[:1], dtype=model.dtype))[-1])  # builds, as predict would
    return None


def _compiled_loss(model, y, output_width):
    """The compile state's loss object; ``'crossentropy'`` resolved from y's shape when given."""
    state = getattr(model, "_compile_state", None)
    if state is None:
        return None
    if state.loss_fn is not None:
        return state.loss_fn
    if isinstance(state.loss_identifier, str) and y is not None and output_width is not None:
        return losses.resolve_crossentropy(np.shape(y), (None, output_width))
    return None
