"""What LSTM, GRU and SimpleRNN share: Keras's RNN arguments, the call over a whole sequence with
its mask and initial state, and the shapes and masks of what comes out.

Each layer holds a cell (``LSTMCell``...) that owns the weights, so that the weights are named and
ordered as Keras's (``lstm/lstm_cell/kernel``), and runs the whole sequence through one fused
primitive (glassnet/autodiff/ops/lstm.py...) rather than one cell call per step.
"""
import numpy as np

from glassnet import random
from glassnet.autodiff import Tensor, ops
from glassnet.keras import activations, constraints, initializers, regularizers
from glassnet.keras import validation as check
from glassnet.keras.layers.layer import Layer, name_scope
from glassnet.autodiff.ops.recurrence import ACTIVATIONS


def activation_name(argument, activation, owner):
    """The name under which the fused recurrences know `activation`, or a clear refusal."""
    name = activations.serialize(activations.get(activation))
    if name not in ACTIVATIONS:
        check.fail(argument, activation, f"one of {sorted(ACTIVATIONS)} (the activations glassnet's fused "
                                         "recurrence computes)", owner)
    return name


def dropout_rates(owner, dropout, recurrent_dropout):
    """The two rates, checked, each in [0, 1)."""
    return (check.fraction("dropout", dropout, include_one=False, owner=owner),
            check.fraction("recurrent_dropout", recurrent_dropout, include_one=False, owner=owner))


def refuse_per_gate_recurrent_dropout(owner, rate):
    """Keras's LSTM and GRU with recurrent_dropout switch to their implementation 1: one dropout mask
    per gate, on the inputs and on h. glassnet's fused op has one matmul for all gates, so it
    refuses the rate rather than train differently."""
    if rate:
        raise ValueError(f"{owner}(recurrent_dropout={rate}) is not supported by glassnet: Keras then draws a separate "
                         "dropout mask for each gate (its implementation 1), which the fused recurrence does not do. "
                         "Leave recurrent_dropout=0.0 (dropout= on the inputs is supported; SimpleRNN supports "
                         "recurrent_dropout).")


class Recurrent(Layer):
    """The base of the fused recurrent layers; a subclass sets ``cell`` and implements ``_run``."""

    supports_masking = True
    n_states = 1

    def __init__(self, return_sequences=False, return_state=False, go_backwards=False, stateful=False,
                 unroll=False, zero_output_for_mask=False, **kwargs):
        owner = type(self).__name__
        super().__init__(**kwargs)
        self.return_sequences = check.boolean("return_sequences", return_sequences, owner)
        self.return_state = check.boolean("return_state", return_state, owner)
        self.go_backwards = check.boolean("go_backwards", go_backwards, owner)
        self.unroll = check.boolean("unroll", unroll, owner)  # accepted; the loop is the same either way
        self.zero_output_for_mask = check.boolean("zero_output_for_mask", zero_output_for_mask, owner)
        if check.boolean("stateful", stateful, owner):
            raise ValueError(f"{owner}(stateful=True) is not supported by glassnet: each call starts from zeros "
                             "(or from the initial_state you pass). Leave stateful=False.")
        self.stateful = False

    def build(self, sequences_shape, initial_state_shape=None):
        shape = tuple(sequences_shape)
        if len(shape) != 3 or shape[-1] is None:
            raise ValueError(f"{type(self).__name__} layer '{self.name}' expects inputs of shape (batch, timesteps, "
                             f"features) with known features; received input of shape {shape}. A (batch, features) "
                             "input needs a time axis: reshape it to (batch, timesteps, features).")
        with name_scope(self), name_scope(self.cell):
            self.cell._build_from_shape((shape[0], shape[-1]))
        self.built = True

    def _check_input(self, shape):
        expected = self.cell.kernel.shape[0]
        if len(shape) != 3 or shape[-1] != expected:
            raise ValueError(f"Input 0 of layer '{self.name}' ({type(self).__name__}) is incompatible with the layer: "
                             f"expected shape (batch, timesteps, {expected}), but received input with shape "
                             f"{tuple(shape)}.")

    def call(self, sequences, initial_state=None, mask=None, training=False):
        if training and getattr(self.cell, "dropout", 0):
            sequences = self.cell.dropped(sequences)
        states = self._initial_states(sequences, initial_state)
        if mask is not None:
            mask = np.asarray(getattr(mask, "value", mask), dtype=bool)
            if mask.ndim == 3:
                mask = mask[..., 0]
        recurrent_scale = None
        if training and getattr(self.cell, "recurrent_dropout", 0):
            recurrent_scale = self.cell.recurrent_scale(sequences.shape[0], sequences.dtype)
        packed = self._run(sequences, states, mask, recurrent_scale)
        steps = sequences.shape[1] if self.return_sequences else 1
        output = packed[:, :steps] if self.return_sequences else packed[:, 0]
        if not self.return_state:
            return output
        return [output, *[packed[:, steps + k] for k in range(self.n_states)]]

    def _initial_states(self, sequences, initial_state):
        units = self.cell.units
        if initial_state is None:
            return [np.zeros((sequences.shape[0], units), dtype=sequences.dtype)] * self.n_states
        states = list(initial_state) if isinstance(initial_state, (list, tuple)) else [initial_state]
        if len(states) != self.n_states:
            raise ValueError(f"Layer '{self.name}' ({type(self).__name__}) expects {self.n_states} initial state(s) "
                             f"of shape (batch, {units}). Received {len(states)}.")
        return [s if isinstance(s, Tensor) else ops.cast(Tensor(np.asarray(s)), dtype=self.dtype) for s in states]

    def _recurrence_settings(self, mask, recurrent_scale=None):
        settings = dict(mask=mask, go_backwards=self.go_backwards, return_sequences=self.return_sequences,
                        zero_output_for_mask=self.zero_output_for_mask)
        if recurrent_scale is not None:
            settings["recurrent_scale"] = recurrent_scale
        return settings

    def compute_mask(self, inputs, previous_mask):
        output_mask = previous_mask if self.return_sequences else None
        return [output_mask] + [None] * self.n_states if self.return_state else output_mask

    def compute_output_shape(self, sequences_shape, initial_state_shape=None):
        batch, steps = sequences_shape[0], sequences_shape[1]
        units = self.cell.units
        output = (batch, steps, units) if self.return_sequences else (batch, units)
        return [output] + [(batch, units)] * self.n_states if self.return_state else output

    def get_config(self):
        return {**super().get_config(), "return_sequences": self.return_sequences,
                "return_state": self.return_state, "go_backwards": self.go_backwards, "stateful": self.stateful,
                "unroll": self.unroll, "zero_output_for_mask": self.zero_output_for_mask}


class RecurrentCell(Layer):
    """The weights of one recurrent layer and the arguments that make them (Keras's cell classes).

    A subclass gives the number of gates (``gates``: 4 for an LSTM) and may override ``_bias_shape``
    and ``_bias_initializer``.
    """

    gates = 1

    def __init__(self, units, activation="tanh", use_bias=True, kernel_initializer="glorot_uniform",
                 recurrent_initializer="orthogonal", bias_initializer="zeros", kernel_regularizer=None,
                 recurrent_regularizer=None, bias_regularizer=None, kernel_constraint=None,
                 recurrent_constraint=None, bias_constraint=None, dropout=0.0, recurrent_dropout=0.0, seed=None,
                 **kwargs):
        owner = type(self).__name__
        super().__init__(**kwargs)
        self.units = check.integer("units", units, minimum=1, owner=owner)
        self.activation = activations.get(activation)
        self._activation_name = activation_name("activation", activation, owner)
        self.use_bias = check.boolean("use_bias", use_bias, owner)
        self.kernel_initializer = initializers.get(kernel_initializer)
        self.recurrent_initializer = initializers.get(recurrent_initializer)
        self.bias_initializer = initializers.get(bias_initializer)
        self.kernel_regularizer = _optional(regularizers.get, kernel_regularizer)
        self.recurrent_regularizer = _optional(regularizers.get, recurrent_regularizer)
        self.bias_regularizer = _optional(regularizers.get, bias_regularizer)
        self.kernel_constraint = constraints.get(kernel_constraint)
        self.recurrent_constraint = constraints.get(recurrent_constraint)
        self.bias_constraint = constraints.get(bias_constraint)
        self.dropout, self.recurrent_dropout = dropout_rates(owner, dropout, recurrent_dropout)
        self.seed = check.optional(check.integer, "seed", seed, minimum=0, owner=owner)
        self._rng = None if seed is None else np.random.default_rng(seed)
        self.kernel = self.recurrent_kernel = self.bias = None

    @property
    def state_size(self):
        return self.units

    def build(self, input_shape):
        width = self.gates * self.units
        self.kernel = self.add_weight(shape=(input_shape[-1], width), name="kernel",
                                      initializer=self.kernel_initializer, regularizer=self.kernel_regularizer,
                                      constraint=self.kernel_constraint)
        self.recurrent_kernel = self.add_weight(shape=(self.units, width), name="recurrent_kernel",
                                                initializer=self.recurrent_initializer,
                                                regularizer=self.recurrent_regularizer,
                                                constraint=self.recurrent_constraint)
        if self.use_bias:
            self.bias = self.add_weight(shape=self._bias_shape(), name="bias", initializer=self._bias_initializer(),
                                        regularizer=self.bias_regularizer, constraint=self.bias_constraint)
        self.built = True

    def dropped(self, sequences):
        """`sequences` (batch, time, features) with Keras's input dropout: each sample's features are
        dropped with probability `dropout` (the same ones at every step) and the rest scaled by
        ``1 / (1 - dropout)``."""
        return ops.multiply(sequences, self._dropout_scale((sequences.shape[0], 1, sequences.shape[-1]),
                                                           self.dropout, sequences.dtype))

    def recurrent_scale(self, batch, dtype):
        """Keras's recurrent dropout: a (batch, units) mask by which h is multiplied before the
        recurrent matmul, the same at every step."""
        return self._dropout_scale((batch, self.units), self.recurrent_dropout, dtype)

    def _dropout_scale(self, shape, rate, dtype):
        rng = self._rng or random.generator()
        keep = rng.random(shape, dtype=np.float32) >= rate
        return np.asarray(keep, dtype=dtype) / np.dtype(dtype).type(1 - rate)

    def _bias_shape(self):
        return (self.gates * self.units,)

    def _bias_initializer(self):
        return self.bias_initializer

    def get_config(self):
        return {
            **super().get_config(), "units": self.units, "activation": activations.serialize(self.activation),
            **self._extra_config(), "use_bias": self.use_bias,
            "kernel_initializer": initializers.serialize(self.kernel_initializer),
            "recurrent_initializer": initializers.serialize(self.recurrent_initializer),
            "bias_initializer": initializers.serialize(self.bias_initializer),
            **self._extra_bias_config(),
            "kernel_regularizer": regularizers.serialize(self.kernel_regularizer),
            "recurrent_regularizer": regularizers.serialize(self.recurrent_regularizer),
            "bias_regularizer": regularizers.serialize(self.bias_regularizer),
            "kernel_constraint": constraints.serialize(self.kernel_constraint),
            "recurrent_constraint": constraints.serialize(self.recurrent_constraint),
            "bias_constraint": constraints.serialize(self.bias_constraint),
            "dropout": self.dropout, "recurrent_dropout": self.recurrent_dropout, "seed": self.seed,
        }

    def _extra_config(self):
        return {}

    def _extra_bias_config(self):
        return {}


def _optional(get, value):
    return None if value is None else get(value)


# The cell arguments a recurrent layer passes on to its cell (and reads back for its config).
CELL_ARGUMENTS = ("units", "activation", "use_bias", "kernel_initializer", "recurrent_initializer",
                  "bias_initializer", "kernel_regularizer", "recurrent_regularizer", "bias_regularizer",
                  "kernel_constraint", "recurrent_constraint", "bias_constraint", "dropout", "recurrent_dropout",
                  "seed")


def layer_config(layer):
    """A fused layer's config: the RNN arguments, then its cell's (without the cell's name), with the
    layer's activity_regularizer, in Keras's order."""
    cell = layer.cell.get_config()
    for key in ("name", "trainable", "dtype"):
        cell.pop(key)
    config = Recurrent.get_config(layer)
    activity = config.pop("activity_regularizer", None)
    merged = {**config, **cell}
    ordered = {}
    for key, value in merged.items():
        ordered[key] = value
        if key == "bias_regularizer":
            ordered["activity_regularizer"] = activity
    return ordered
