"""GRU: the Gated Recurrent Unit (Cho et al., 2014), with Keras's weights and gates."""
from glassnet.autodiff import ops
from glassnet.autodiff.ops.gru import gru
from glassnet.keras import activations
from glassnet.keras import validation as check
from glassnet.keras.layers.recurrent import (
    CELL_ARGUMENTS, Recurrent, RecurrentCell, activation_name, layer_config, refuse_per_gate_recurrent_dropout,
)


class GRUCell(RecurrentCell):
    """The weights of a GRU: kernel ``(input_dim, 3 * units)``, recurrent_kernel ``(units, 3 * units)``
    in gate order z, r, h, and a bias of shape ``(2, 3 * units)`` (input bias, recurrent bias) when
    `reset_after`, else ``(3 * units,)`` (Keras's layout). Calling a cell runs one step."""

    gates = 3

    def __init__(self, units, activation="tanh", recurrent_activation="sigmoid", reset_after=True, **kwargs):
        super().__init__(units, activation=activation, **kwargs)
        refuse_per_gate_recurrent_dropout("GRU", self.recurrent_dropout)
        self.recurrent_activation = activations.get(recurrent_activation)
        self._recurrent_activation_name = activation_name("recurrent_activation", recurrent_activation, "GRUCell")
        self.reset_after = check.boolean("reset_after", reset_after, "GRUCell")

    def _bias_shape(self):
        return (2, 3 * self.units) if self.reset_after else (3 * self.units,)

    def _extra_config(self):
        return {"recurrent_activation": activations.serialize(self.recurrent_activation)}

    def get_config(self):
        config = super().get_config()
        seed = config.pop("seed")
        return {**config, "reset_after": self.reset_after, "seed": seed}

    def run(self, sequences, states, **settings):
        return gru(sequences, self.kernel, self.recurrent_kernel, self.bias, *states,
                   activation=self._activation_name, recurrent_activation=self._recurrent_activation_name,
                   reset_after=self.reset_after, **settings)

    def call(self, inputs, states, training=False):
        states = states if isinstance(states, (list, tuple)) else [states]
        packed = self.run(ops.reshape(inputs, shape=(inputs.shape[0], 1, inputs.shape[-1])), states)
        h = packed[:, 1]
        return h, [h]


class GRU(Recurrent):
    """Gated Recurrent Unit - Cho et al. 2014.

    For each step, with ``x_z, x_r, x_h`` the parts of ``x_t @ kernel + input_bias``::

        z = recurrent_activation(x_z + (h @ U + b_rec)_z)     r = likewise with _r
        hh = activation(x_h + r * (h @ U + b_rec)_h)          (reset_after=True, Keras's default)
        hh = activation(x_h + (r * h) @ U_h)                  (reset_after=False)
        h = z * h + (1 - z) * hh

    Args: as :class:`LSTM`'s (without unit_forget_bias), plus reset_after (default True).

    >>> GRU(4, return_sequences=True)(np.ones((2, 5, 3), dtype="float32")).shape.as_list()
    [2, 5, 4]
    """

    def __init__(self, units, activation="tanh", recurrent_activation="sigmoid", use_bias=True,
                 kernel_initializer="glorot_uniform", recurrent_initializer="orthogonal", bias_initializer="zeros",
                 kernel_regularizer=None, recurrent_regularizer=None, bias_regularizer=None, activity_regularizer=None,
                 kernel_constraint=None, recurrent_constraint=None, bias_constraint=None, dropout=0.0,
                 recurrent_dropout=0.0, seed=None, return_sequences=False, return_state=False, go_backwards=False,
                 stateful=False, unroll=False, reset_after=True, use_cudnn="auto", **kwargs):
        arguments = {name: value for name, value in locals().items() if name in CELL_ARGUMENTS}
        self.cell = GRUCell(recurrent_activation=recurrent_activation, reset_after=reset_after,
                            dtype=kwargs.get("dtype"), trainable=kwargs.get("trainable", True), name="gru_cell",
                            **arguments)
        super().__init__(return_sequences=return_sequences, return_state=return_state, go_backwards=go_backwards,
                         stateful=stateful, unroll=unroll, activity_regularizer=activity_regularizer, **kwargs)
        if use_cudnn not in ("auto", True, False):
            check.fail("use_cudnn", use_cudnn, "one of 'auto', True, False", "GRU")
        self.use_cudnn = use_cudnn

    def _run(self, sequences, states, mask, recurrent_scale=None):
        return self.cell.run(sequences, states, **self._recurrence_settings(mask, recurrent_scale))

    def get_config(self):
        return layer_config(self)
