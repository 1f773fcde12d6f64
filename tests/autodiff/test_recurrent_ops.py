"""Float64 finite-difference checks of the recurrence primitives, with masks and go_backwards."""
import numpy as np
import pytest

from glassnet.autodiff.gradcheck import check_gradients
from glassnet.autodiff.ops.embedding import embedding_lookup
from glassnet.autodiff.ops.gru import gru
from glassnet.autodiff.ops.lstm import lstm
from glassnet.autodiff.ops.simple_rnn import simple_rnn

B, T, D, N = 2, 4, 3, 2
MASK = np.array([[1, 1, 0, 1], [0, 1, 1, 0]], bool)
CASES = [
    dict(),
    dict(return_sequences=True),
    dict(go_backwards=True, return_sequences=True),
    dict(mask=MASK, return_sequences=True),
    dict(mask=MASK),
    dict(mask=MASK, go_backwards=True, return_sequences=True, zero_output_for_mask=True),
]


def _inputs(gates, bias_shape):
    rng = np.random.default_rng(0)
    return (rng.standard_normal((B, T, D)), rng.standard_normal((D, gates * N)) * 0.5,
            rng.standard_normal((N, gates * N)) * 0.5, rng.standard_normal(bias_shape) * 0.1,
            rng.standard_normal((B, N)))


def _weighted(op, **settings):
    weights = np.random.default_rng(1).standard_normal((B, T + 2, N))  # every output and state counts
    return lambda *args: (lambda out: out * weights[:, :out.shape[1]])(op(*args, **settings))


@pytest.mark.parametrize("settings", CASES)
def test_lstm_gradients(settings):
    x, kernel, recurrent, bias, h0 = _inputs(4, (4 * N,))
    check_gradients(_weighted(lstm, **settings), x, kernel, recurrent, bias, h0, h0[::-1], rtol=1e-4, atol=1e-6)


def test_lstm_gradients_other_activations():
    x, kernel, recurrent, bias, h0 = _inputs(4, (4 * N,))
    op = _weighted(lstm, activation="relu", recurrent_activation="hard_sigmoid", return_sequences=True)
    check_gradients(op, x, kernel, recurrent, bias, h0, h0, rtol=1e-4, atol=1e-6)


@pytest.mark.parametrize("reset_after", [True, False])
@pytest.mark.parametrize("settings", CASES)
def test_gru_gradients(settings, reset_after):
    x, kernel, recurrent, bias, h0 = _inputs(3, (2, 3 * N) if reset_after else (3 * N,))
    check_gradients(_weighted(gru, reset_after=reset_after, **settings), x, kernel, recurrent, bias, h0,
                    rtol=1e-4, atol=1e-6)


@pytest.mark.parametrize("settings", CASES)
def test_simple_rnn_gradients(settings):
    x, kernel, recurrent, bias, h0 = _inputs(1, (N,))
    check_gradients(_weighted(simple_rnn, **settings), x, kernel, recurrent, bias, h0, rtol=1e-4, atol=1e-6)


def test_embedding_lookup_gradient():
    indices = np.array([[0, 2, 2], [1, 2, 0]])
    check_gradients(lambda table: embedding_lookup(table, indices) * np.arange(12.0).reshape(2, 3, 2),
                    np.random.default_rng(0).standard_normal((4, 2)))


def test_recurrent_dropout_scale_gradients():
    scale = np.random.default_rng(2).integers(0, 2, (B, N)) * 2.0  # dropped or kept and doubled
    settings = dict(mask=MASK, return_sequences=True, recurrent_scale=scale)
    x, kernel, recurrent, bias, h0 = _inputs(1, (N,))
    check_gradients(_weighted(simple_rnn, **settings), x, kernel, recurrent, bias, h0, rtol=1e-4, atol=1e-6)
