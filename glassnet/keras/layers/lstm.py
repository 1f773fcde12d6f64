"""LSTM: Long Short-Term Memory (Hochreiter & Schmidhuber, 1997), with Keras's weights and gates."""
import numpy as np

from glassnet.autodiff import ops
from glassnet.autodiff.ops.lstm import lstm
from glassnet.keras import activations
from glassnet.keras import validation as check
from glassnet.keras.layers.recurrent import (
    CELL_ARGUMENTS, Recurrent, RecurrentCell, activation_name, layer_config, refuse_per_gate_recurrent_dropout,
)


class LSTMCell(RecurrentCell):
    """The weights of an LSTM: kernel ``(input_dim, 4 * units)``, recurrent_kernel ``(units, 4 * units)``,
    bias ``(4 * units,)``, each in gate order i, f, c, o (Keras's layout: Keras weights load as they are).

    Args: as :class:`LSTM`'s cell arguments. Calling a cell runs one step:
    ``cell(x_t, [h, c])`` gives ``(h, [h, c])``.
    """

    gates = 4

    def __init__(self, units, activation="tanh", recurrent_activation="sigmoid", unit_forget_bias=True, **kwargs):
        super().__init__(units, activation=activation, **kwargs)
        refuse_per_gate_recurrent_dropout("LSTM", self.recurrent_dropout)
        self.recurrent_activation = activations.get(recurrent_activation)
        self._recurrent_activation_name = activation_name("recurrent_activation", recurrent_activation, "LSTMCell")
        self.unit_forget_bias = check.boolean("unit_forget_bias", unit_forget_bias, "LSTMCell")

    @property
    def state_size(self):
        return [self.units, self.units]

    def _bias_initializer(self):
        if not self.unit_forget_bias:
            return self.bias_initializer
        units, base = self.units, self.bias_initializer

        def forget_gate_ones(shape, dtype=None):  # Keras: the forget gate's bias starts at 1
            return np.concatenate([np.asarray(base((units,), dtype=dtype)), np.ones((units,), dtype=dtype),
                                   np.asarray(base((2 * units,), dtype=dtype))])
        return forget_gate_ones

    def _extra_config(self):
        return {"recurrent_activation": activations.serialize(self.recurrent_activation)}

    def _extra_bias_config(self):
        return {"unit_forget_bias": self.unit_forget_bias}

    def run(self, sequences, states, **settings):
        return lstm(sequences, self.kernel, self.recurrent_kernel, self.bias, *states,
                    activation=self._activation_name, recurrent_activation=self._recurrent_activation_name,
                    **settings)

    def call(self, inputs, states, training=False):
        packed = self.run(ops.reshape(inputs, shape=(inputs.shape[0], 1, inputs.shape[-1])), states)
        h, c = packed[:, 1], packed[:, 2]
        return h, [h, c]


class LSTM(Recurrent):
    """Long Short-Term Memory layer - Hochreiter 1997.

    For each step t, with ``z = x_t @ kernel + h @ recurrent_kernel + bias`` split into four::

        i = recurrent_activation(z_i)   f = recurrent_activation(z_f)   o = recurrent_activation(z_o)
        c = f * c + i * activation(z_c)
        h = o * activation(c)

    The whole sequence runs in one fused op (one matmul per step; see glassnet/autodiff/ops/lstm.py).

    Args:
        units: positive int, the size of h and c.
        activation: default ``'tanh'``; recurrent_activation: default ``'sigmoid'`` (also ``'relu'``,
            ``'linear'``, ``'hard_sigmoid'``).
        use_bias, kernel_initializer (``'glorot_uniform'``), recurrent_initializer (``'orthogonal'``),
        bias_initializer (``'zeros'``), the regularizers and constraints: as Keras's.
        unit_forget_bias: start the forget gate's bias at 1 (default True).
        dropout: fraction of the input features dropped while training (the same ones at every step, as
            Keras); seed: its private random stream (None: glassnet's global generator).
        recurrent_dropout: only 0.0 (Keras then uses one mask per gate, which the fused op does not).
        return_sequences: return every step's output ``(batch, timesteps, units)``, not the last ``(batch, units)``.
        return_state: also return the final h and c: ``[output, h, c]``.
        go_backwards: process the sequence from its end (outputs in that order).
        stateful: only False. unroll: accepted (the fused loop is the same).

    Input ``(batch, timesteps, features)``; a mask (from ``Embedding(mask_zero=True)`` or ``Masking``)
    makes a masked step keep the previous state and output.

    >>> LSTM(4)(np.ones((2, 5, 3), dtype="float32")).shape.as_list()
    [2, 4]
    """

    n_states = 2

    def __init__(self, units, activation="tanh", recurrent_activation="sigmoid", use_bias=True,
                 kernel_initializer="glorot_uniform", recurrent_initializer="orthogonal", bias_initializer="zeros",
                 unit_forget_bias=True, kernel_regularizer=None, recurrent_regularizer=None, bias_regularizer=None,
                 activity_regularizer=None, kernel_constraint=None, recurrent_constraint=None, bias_constraint=None,
                 dropout=0.0, recurrent_dropout=0.0, seed=None, return_sequences=False, return_state=False,
                 go_backwards=False, stateful=False, unroll=False, use_cudnn="auto", **kwargs):
        arguments = {name: value for name, value in locals().items() if name in CELL_ARGUMENTS}
        self.cell = LSTMCell(recurrent_activation=recurrent_activation, unit_forget_bias=unit_forget_bias,
                             dtype=kwargs.get("dtype"), trainable=kwargs.get("trainable", True), name="lstm_cell",
                             **arguments)
        super().__init__(return_sequences=return_sequences, return_state=return_state, go_backwards=go_backwards,
                         stateful=stateful, unroll=unroll, activity_regularizer=activity_regularizer, **kwargs)
        if use_cudnn not in ("auto", True, False):
            check.fail("use_cudnn", use_cudnn, "one of 'auto', True, False", "LSTM")
        self.use_cudnn = use_cudnn

    def _run(self, sequences, states, mask, recurrent_scale=None):
        return self.cell.run(sequences, states, **self._recurrence_settings(mask, recurrent_scale))

    def get_config(self):
        return layer_config(self)


