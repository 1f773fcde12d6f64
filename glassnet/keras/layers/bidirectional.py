"""Bidirectional: runs a recurrent layer forwards and a copy of it backwards, and merges the two."""
import copy

from glassnet.autodiff import ops
from glassnet.keras.layers.layer import Layer, name_scope
from glassnet.keras.layers.recurrent import Recurrent

_MERGE_MODES = ("concat", "sum", "ave", "mul", None)


class Bidirectional(Layer):
    """Bidirectional wrapper for RNNs.

    The forward layer is a copy of `layer` named ``forward_<name>``; the backward layer is
    `backward_layer`, or a copy of `layer` with ``go_backwards=True``, named ``backward_<name>``.
    With return_sequences the backward outputs are flipped back into time order before merging, and
    both layers output zeros at masked steps (Keras forces ``zero_output_for_mask``). The weights are
    the forward layer's, then the backward layer's (Keras's order).

    Args:
        layer: an LSTM, GRU or SimpleRNN.
        merge_mode: ``'concat'`` (default), ``'sum'``, ``'ave'``, ``'mul'``, or None for a list of both.
        backward_layer: optional, a recurrent layer with the opposite ``go_backwards``.

    >>> from glassnet.keras.layers import LSTM
    >>> Bidirectional(LSTM(4, return_sequences=True))(np.ones((2, 5, 3), dtype="float32")).shape.as_list()
    [2, 5, 8]
    """

    supports_masking = True

    def __init__(self, layer, merge_mode="concat", weights=None, backward_layer=None, **kwargs):
        if not isinstance(layer, Recurrent):
            raise ValueError("Please initialize `Bidirectional` layer with a recurrent layer (LSTM, GRU, SimpleRNN). "
                             f"Received: {layer!r}")
        if merge_mode not in _MERGE_MODES:
            raise ValueError(f"Invalid merge mode. Received: {merge_mode!r}. Merge mode should be one of "
                             '{"sum", "mul", "ave", "concat", None}')
        if weights is not None:
            raise ValueError("Bidirectional(weights=...) is not supported: call set_weights once it is built.")
        super().__init__(**kwargs)
        self.forward_layer = _copy(layer, name=f"forward_{_without_prefix(layer.name, 'forward_')}")
        if backward_layer is None:
            self.backward_layer = _copy(layer, name=f"backward_{_without_prefix(layer.name, 'backward_')}",
                                        go_backwards=True)  # as Keras: a go_backwards layer is refused below
        else:
            if not isinstance(backward_layer, Recurrent):
                raise ValueError(f"`backward_layer` must be a recurrent layer. Received: {backward_layer!r}")
            self.backward_layer = backward_layer
        self._check_pair()
        for wrapped in (self.forward_layer, self.backward_layer):
            wrapped.zero_output_for_mask = wrapped.return_sequences
        self.merge_mode = merge_mode
        self.return_sequences = layer.return_sequences
        self.return_state = layer.return_state

    def _check_pair(self):
        forward, backward = self.forward_layer, self.backward_layer
        if forward.go_backwards == backward.go_backwards:
            raise ValueError("Forward layer and backward layer should have different `go_backwards` value. "
                             f"Received: forward_layer.go_backwards {forward.go_backwards}, "
                             f"backward_layer.go_backwards={backward.go_backwards}")
        for attribute in ("return_sequences", "return_state"):
            if getattr(forward, attribute) != getattr(backward, attribute):
                raise ValueError(f"Forward layer and backward layer are expected to have the same value for "
                                 f"attribute `{attribute}`, got {getattr(forward, attribute)} for forward layer and "
                                 f"{getattr(backward, attribute)} for backward layer")

    def build(self, sequences_shape, initial_state_shape=None):
        for wrapped in (self.forward_layer, self.backward_layer):
            with name_scope(self), name_scope(wrapped):
                wrapped._build_from_shape(tuple(sequences_shape))
        self.built = True

    def call(self, sequences, initial_state=None, mask=None, training=None):
        forward_state = backward_state = None
        if initial_state is not None:
            half = len(initial_state) // 2
            forward_state, backward_state = initial_state[:half], initial_state[half:]
        y = self.forward_layer(sequences, initial_state=forward_state, mask=mask)
        y_rev = self.backward_layer(sequences, initial_state=backward_state, mask=mask)
        states = []
        if self.return_state:
            states = [*y[1:], *y_rev[1:]]
            y, y_rev = y[0], y_rev[0]
        if self.return_sequences:
            y_rev = y_rev[:, ::-1]
        output = _merge(self.merge_mode, y, y_rev)
        if self.return_state:
            return [*output, *states] if self.merge_mode is None else [output, *states]
        return output

    def compute_mask(self, inputs, previous_mask):
        output_mask = previous_mask if self.return_sequences else None
        if self.merge_mode is None:
            output_mask = [output_mask, output_mask]
        elif self.return_state:
            output_mask = [output_mask]
        if self.return_state:
            n_states = 2 * self.forward_layer.n_states
            return [*output_mask, *[None] * n_states]
        return output_mask

    def compute_output_shape(self, sequences_shape, initial_state_shape=None):
        shapes = self.forward_layer.compute_output_shape(sequences_shape)
        output, states = (shapes[0], shapes[1:]) if self.return_state else (shapes, [])
        if self.merge_mode == "concat":
            output = (*output[:-1], output[-1] * 2)
        outputs = [output, output] if self.merge_mode is None else [output]
        if self.return_state:
            return [*outputs, *states, *states]
        return outputs if self.merge_mode is None else output

    def get_config(self):
        from glassnet.keras.saving.serialization_lib import serialize_keras_object
        return {**super().get_config(), "merge_mode": self.merge_mode,
                "layer": serialize_keras_object(self.forward_layer),
                "backward_layer": serialize_keras_object(self.backward_layer)}

    @classmethod
    def from_config(cls, config, custom_objects=None):
        from glassnet.keras.saving.serialization_lib import deserialize_keras_object
        config = copy.deepcopy(config)
        config["layer"] = deserialize_keras_object(config["layer"], custom_objects)
        if config.get("backward_layer") is not None:
            config["backward_layer"] = deserialize_keras_object(config["backward_layer"], custom_objects)
        return cls(**config)


def _copy(layer, **changes):
    """A new layer of `layer`'s class from its config with `changes` (Keras copies through the config)."""
    return type(layer).from_config({**layer.get_config(), **changes})


def _without_prefix(name, prefix):
    return name[len(prefix):] if name.startswith(prefix) else name


def _merge(mode, y, y_rev):
    if mode == "concat":
        return ops.concatenate(y, y_rev, axis=-1)
    if mode == "sum":
        return y + y_rev
    if mode == "ave":
        return (y + y_rev) / 2
    if mode == "mul":
        return y * y_rev
    return [y, y_rev]
