import numpy as np
import pytest

from glassnet.autodiff import Tensor
from glassnet.keras import layers


def test_wrong_rank_names_layer_and_shape():
    with pytest.raises(ValueError, match=r"LSTM layer 'seq' expects inputs of shape \(batch, timesteps, features\).*"
                                         r"\(None, 3\)"):
        layers.LSTM(4, name="seq")(np.ones((2, 3), dtype="float32"))


def test_wrong_feature_count_after_build_names_layer_and_shapes():
    layer = layers.GRU(4, name="gru_a")
    layer(np.ones((2, 5, 3), dtype="float32"))
    with pytest.raises(ValueError, match=r"'gru_a' \(GRU\).*expected shape \(batch, timesteps, 3\).*\(2, 5, 7\)"):
        layer(np.ones((2, 5, 7), dtype="float32"))


@pytest.mark.parametrize("kwargs, match", [
    (dict(stateful=True), "stateful=True"),
    (dict(dropout=1.0), r"Invalid `dropout`"),
    (dict(recurrent_dropout=1.0), r"Invalid `recurrent_dropout`"),
    (dict(activation="softmax"), "Invalid `activation`"),
    (dict(units=0), "Invalid `units`"),
])
def test_refused_arguments(kwargs, match):
    with pytest.raises(ValueError, match=match):
        layers.LSTM(**{"units": 3, **kwargs})


def test_masked_steps_carry_the_state():
    layer = layers.SimpleRNN(3, return_sequences=True)
    x = np.random.default_rng(0).standard_normal((1, 4, 2)).astype("float32")
    mask = np.array([[True, True, False, False]])
    out = layer(x, mask=Tensor(mask)).numpy()
    np.testing.assert_array_equal(out[0, 2], out[0, 1])  # the state and output are carried over
    np.testing.assert_array_equal(out[0, 3], out[0, 1])
    full = layer(x[:, :2]).numpy()
    np.testing.assert_allclose(out[0, :2], full[0], rtol=1e-6)


def test_embedding_mask_reaches_lstm_in_a_sequential_model():
    from glassnet.keras import Sequential
    model = Sequential([layers.Input(shape=(4,)), layers.Embedding(9, 2, mask_zero=True), layers.LSTM(3)])
    padded = model(np.array([[5, 7, 0, 0]])).numpy()
    short = model.layers[1](model.layers[0](np.array([[5, 7]]))).numpy()
    np.testing.assert_allclose(padded, short, rtol=1e-6)


def test_return_state_gives_output_and_states():
    out, h, c = layers.LSTM(3, return_state=True)(np.ones((2, 4, 2), dtype="float32"))
    np.testing.assert_array_equal(out.numpy(), h.numpy())
    assert c.shape.as_list() == [2, 3]


def test_bidirectional_refuses_two_backward_layers():
    with pytest.raises(ValueError, match="different `go_backwards`"):
        layers.Bidirectional(layers.LSTM(3, go_backwards=True))


def test_saved_model_with_masks_and_recurrent_layers_reloads(tmp_path):
    import glassnet.keras as gk
    model = gk.Sequential([layers.Input(shape=(6,)), layers.Embedding(20, 4, mask_zero=True),
                           layers.Bidirectional(layers.GRU(3, return_sequences=True)), layers.LSTM(2), layers.Dense(1)])
    x = np.array([[1, 2, 3, 0, 0, 0]])
    model.save(tmp_path / "m.keras")
    np.testing.assert_array_equal(gk.models.load_model(tmp_path / "m.keras")(x).numpy(), model(x).numpy())


def test_functional_model_passes_the_mask():
    import glassnet.keras as gk
    inputs = layers.Input(shape=(6,))
    model = gk.Model(inputs, layers.LSTM(2)(layers.Embedding(20, 4, mask_zero=True)(inputs)))
    padded = model(np.array([[1, 2, 3, 0, 0, 0]])).numpy()
    short = model.layers[2](model.layers[1](np.array([[1, 2, 3]]))).numpy()
    np.testing.assert_allclose(padded, short, rtol=1e-6)


class _LinearCell(layers.Layer):
    """A user's cell: h = x @ kernel + h @ recurrent_kernel."""

    def __init__(self, units, **kwargs):
        super().__init__(**kwargs)
        self.units = self.state_size = units

    def build(self, input_shape):
        self.kernel = self.add_weight(shape=(input_shape[-1], self.units), name="kernel")
        self.recurrent_kernel = self.add_weight(shape=(self.units, self.units), name="recurrent_kernel")

    def call(self, inputs, states):
        from glassnet.autodiff import ops
        h = ops.matmul(inputs, self.kernel) + ops.matmul(states[0], self.recurrent_kernel)
        return h, [h]


def test_rnn_of_a_users_cell_matches_the_fused_simple_rnn_with_a_mask():
    x = np.random.default_rng(0).standard_normal((2, 5, 4)).astype("float32")
    mask = Tensor(np.array([[1, 1, 0, 1, 1], [1, 0, 0, 0, 1]], bool))
    cell = _LinearCell(3)
    generic = layers.RNN(cell, return_sequences=True, go_backwards=True)(x, mask=mask)
    fused = layers.SimpleRNN(3, activation="linear", use_bias=False, return_sequences=True, go_backwards=True)
    fused.build((None, 5, 4))
    fused.set_weights([cell.kernel.numpy(), cell.recurrent_kernel.numpy()])
    np.testing.assert_allclose(generic.numpy(), fused(x, mask=mask).numpy(), rtol=1e-6)


def test_rnn_of_an_lstm_cell_is_the_lstm_layer():
    x = np.random.default_rng(1).standard_normal((2, 5, 4)).astype("float32")
    rnn = layers.RNN(layers.LSTMCell(3), return_state=True)
    lstm = layers.LSTM(3, return_state=True)
    rnn.build((None, 5, 4))
    lstm.build((None, 5, 4))
    assert [w.path.split("/")[-1] for w in rnn.weights] == ["kernel", "recurrent_kernel", "bias"]  # Keras's order
    lstm.set_weights(rnn.get_weights())
    for got, want in zip(rnn(x), lstm(x)):
        np.testing.assert_array_equal(got.numpy(), want.numpy())
    assert layers.RNN.from_config(rnn.get_config()).get_config()["cell"]["class_name"] == "LSTMCell"


def test_rnn_refuses_a_list_of_cells():
    with pytest.raises(ValueError, match="StackedRNNCells"):
        layers.RNN([layers.LSTMCell(2), layers.LSTMCell(2)])


def test_input_dropout_drops_the_same_features_at_every_step_while_training():
    layer = layers.SimpleRNN(6, activation="linear", use_bias=False, return_sequences=True, dropout=0.5, seed=1)
    layer.build((None, 4, 6))
    layer.set_weights([np.eye(6, dtype="float32"), np.zeros((6, 6), dtype="float32")])  # output = dropped x_t
    x = np.ones((3, 4, 6), dtype="float32")
    out = layer(x, training=True).numpy()
    assert set(np.unique(out)) == {0.0, 2.0}  # dropped, or scaled by 1 / (1 - 0.5)
    np.testing.assert_array_equal(out, np.repeat(out[:, :1], 4, axis=1))  # one mask for all steps
    np.testing.assert_array_equal(layer(x).numpy(), x)  # no dropout at inference


def test_recurrent_dropout_scales_h_before_the_recurrent_matmul_with_one_mask():
    layer = layers.SimpleRNN(6, activation="linear", use_bias=False, return_sequences=True, recurrent_dropout=0.5,
                             seed=2)
    layer.build((None, 3, 1))
    layer.set_weights([np.zeros((1, 6), dtype="float32"), np.eye(6, dtype="float32")])  # h_t = dropped h_{t-1}
    x, h0 = np.zeros((4, 3, 1), dtype="float32"), np.ones((4, 6), dtype="float32")
    out = layer(x, initial_state=[h0], training=True).numpy()
    assert set(np.unique(out[:, 0])) == {0.0, 2.0}
    np.testing.assert_array_equal(out[:, 1], out[:, 0] * out[:, 0])  # the same units dropped at the next step
    np.testing.assert_array_equal(layer(x, initial_state=[h0]).numpy(), np.ones((4, 3, 6)))  # inference


@pytest.mark.parametrize("layer", [layers.GRU, layers.LSTM])
def test_gated_recurrent_dropout_is_refused_naming_keras_behaviour(layer):
    with pytest.raises(ValueError, match="separate dropout mask for each gate"):
        layer(3, recurrent_dropout=0.2)
