"""SimpleRNN: a fully connected RNN whose output is fed back as the next step's state."""
from glassnet.autodiff import ops
from glassnet.autodiff.ops.simple_rnn import simple_rnn
from glassnet.keras.layers.recurrent import CELL_ARGUMENTS, Recurrent, RecurrentCell, layer_config


class SimpleRNNCell(RecurrentCell):
    """The weights of a SimpleRNN: kernel ``(input_dim, units)``, recurrent_kernel ``(units, units)``,
    bias ``(units,)``. Calling a cell runs one step: ``cell(x_t, [h])`` gives ``(h, [h])``."""

    def get_config(self):
        config = super().get_config()
        config.pop("recurrent_activation", None)
        return config

    def run(self, sequences, states, **settings):
        return simple_rnn(sequences, self.kernel, self.recurrent_kernel, self.bias, *states,
                          activation=self._activation_name, **settings)

    def call(self, inputs, states, training=False):
        states = states if isinstance(states, (list, tuple)) else [states]
        packed = self.run(ops.reshape(inputs, shape=(inputs.shape[0], 1, inputs.shape[-1])), states)
        h = packed[:, 1]
        return h, [h]


class SimpleRNN(Recurrent):
    """Fully-connected RNN where the output is to be fed back as the new input.

    ``h_t = activation(x_t @ kernel + h_{t-1} @ recurrent_kernel + bias)``; the output is h.

    Args: as :class:`LSTM`'s (no recurrent_activation, unit_forget_bias), and recurrent_dropout: the
    fraction of h dropped before the recurrent matmul while training (the same units at every step).

    >>> SimpleRNN(4)(np.ones((2, 5, 3), dtype="float32")).shape.as_list()
    [2, 4]
    """

    def __init__(self, units, activation="tanh", use_bias=True, kernel_initializer="glorot_uniform",
                 recurrent_initializer="orthogonal", bias_initializer="zeros", kernel_regularizer=None,
                 recurrent_regularizer=None, bias_regularizer=None, activity_regularizer=None, kernel_constraint=None,
                 recurrent_constraint=None, bias_constraint=None, dropout=0.0, recurrent_dropout=0.0, seed=None,
                 return_sequences=False, return_state=False, go_backwards=False, stateful=False, unroll=False,
                 **kwargs):
        arguments = {name: value for name, value in locals().items() if name in CELL_ARGUMENTS}
        self.cell = SimpleRNNCell(dtype=kwargs.get("dtype"), trainable=kwargs.get("trainable", True),
                                  name="simple_rnn_cell", **arguments)
        super().__init__(return_sequences=return_sequences, return_state=return_state, go_backwards=go_backwards,
                         stateful=stateful, unroll=unroll, activity_regularizer=activity_regularizer, **kwargs)

    def _run(self, sequences, states, mask, recurrent_scale=None):
        return self.cell.run(sequences, states, **self._recurrence_settings(mask, recurrent_scale))

    def get_config(self):
        config = layer_config(self)
        config.pop("seed", None)
        return config
