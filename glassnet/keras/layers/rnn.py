"""RNN(cell): Keras's generic recurrent layer, running a cell over the time axis."""
import numpy as np

from glassnet.autodiff import Tensor, ops
from glassnet.keras.layers.layer import Layer
from glassnet.keras.layers.recurrent import Recurrent, RecurrentCell


class RNN(Recurrent):
    """Base class for recurrent layers: runs `cell` over the time axis of its input.

    With glassnet's ``LSTMCell``, ``GRUCell`` or ``SimpleRNNCell`` the whole sequence runs in the
    cell's fused op (as the LSTM, GRU and SimpleRNN layers do). Any other cell (a Layer whose
    ``call(inputs, states)`` returns ``(output, new_states)`` and that has a ``state_size``) is
    called once per step, each step recorded on the tape: slower, but any cell works.

    Args:
        cell: the cell. A list of cells (Keras's StackedRNNCells) is not supported: stack layers.
        return_sequences, return_state, go_backwards, unroll, zero_output_for_mask: as LSTM's.
        stateful: only False.

    >>> from glassnet.keras.layers import LSTMCell
    >>> RNN(LSTMCell(4))(np.ones((2, 5, 3), dtype="float32")).shape.as_list()
    [2, 4]
    """

    def __init__(self, cell, return_sequences=False, return_state=False, go_backwards=False, stateful=False,
                 unroll=False, zero_output_for_mask=False, **kwargs):
        if isinstance(cell, (list, tuple)):
            raise ValueError("RNN([cell, cell, ...]) (Keras's StackedRNNCells) is not supported by glassnet: stack "
                             "recurrent layers with return_sequences=True instead.")
        if not isinstance(cell, Layer) or not hasattr(cell, "state_size"):
            raise ValueError("Argument `cell` should be a Layer with a `call(inputs, states)` method and a "
                             f"`state_size` attribute. Received: cell={cell!r}")
        self.cell = cell
        super().__init__(return_sequences=return_sequences, return_state=return_state, go_backwards=go_backwards,
                         stateful=stateful, unroll=unroll, zero_output_for_mask=zero_output_for_mask, **kwargs)

    @property
    def _state_sizes(self):
        size = self.cell.state_size
        return list(size) if isinstance(size, (list, tuple)) else [size]

    @property
    def n_states(self):
        return len(self._state_sizes)

    def _output_size(self):
        return getattr(self.cell, "output_size", None) or self._state_sizes[0]

    def _check_input(self, shape):
        if isinstance(self.cell, RecurrentCell):
            return super()._check_input(shape)
        if len(shape) != 3:
            raise ValueError(f"Layer '{self.name}' (RNN) expects inputs of shape (batch, timesteps, features); "
                             f"received input of shape {tuple(shape)}.")

    def call(self, sequences, initial_state=None, mask=None, training=False):
        if isinstance(self.cell, RecurrentCell):
            return super().call(sequences, initial_state=initial_state, mask=mask, training=training)
        states = self._initial_states(sequences, initial_state)
        states = [s if isinstance(s, Tensor) else Tensor(s) for s in states]
        mask = None if mask is None else np.asarray(getattr(mask, "value", mask), dtype=bool)
        outputs = []
        steps = sequences.shape[1]
        for t in (range(steps - 1, -1, -1) if self.go_backwards else range(steps)):
            output, new_states = self.cell(sequences[:, t], states)
            new_states = list(new_states) if isinstance(new_states, (list, tuple)) else [new_states]
            if mask is not None:  # a masked step keeps the states; its output is the first state (Keras) or zeros
                kept = mask[:, t:t + 1]
                carried = Tensor(np.zeros_like(output.value)) if self.zero_output_for_mask else states[0]
                output = ops.where(kept, output, carried)
                new_states = [ops.where(kept, new, old) for new, old in zip(new_states, states)]
            outputs.append(output)
            states = new_states
        output = ops.stack(*outputs, axis=1) if self.return_sequences else outputs[-1]
        return [output, *states] if self.return_state else output

    def _initial_states(self, sequences, initial_state):
        if initial_state is None:
            return [np.zeros((sequences.shape[0], size), dtype=sequences.dtype) for size in self._state_sizes]
        return super()._initial_states(sequences, initial_state)

    def _run(self, sequences, states, mask, recurrent_scale=None):
        return self.cell.run(sequences, states, **self._recurrence_settings(mask, recurrent_scale))

    def compute_output_shape(self, sequences_shape, initial_state_shape=None):
        batch, steps = sequences_shape[0], sequences_shape[1]
        size = self._output_size()
        output = (batch, steps, size) if self.return_sequences else (batch, size)
        return [output, *[(batch, s) for s in self._state_sizes]] if self.return_state else output

    def get_config(self):
        from glassnet.keras.saving.serialization_lib import serialize_keras_object
        return {**super().get_config(), "cell": serialize_keras_object(self.cell)}

    @classmethod
    def from_config(cls, config, custom_objects=None):
        from glassnet.keras.saving.serialization_lib import deserialize_keras_object
        config = dict(config)
        return cls(deserialize_keras_object(config.pop("cell"), custom_objects), **config)
