"""keras.activations: Keras's values (semantics §5), float64 reference formulas,
finite-difference gradients, dtypes and name lookup."""
import math

import numpy as np
import pytest

from glassnet.autodiff import Tensor, check_gradients
from glassnet.keras import activations

SELU_SCALE, SELU_ALPHA = 1.0507009873554805, 1.6732632423543772
_erf = np.vectorize(math.erf)


def _sigmoid(x):
    return 1 / (1 + np.exp(-x))


def _softmax(x):
    e = np.exp(x - x.max(axis=-1, keepdims=True))
    return e / e.sum(axis=-1, keepdims=True)


REFERENCES = {
    "linear": lambda x: x,
    "sigmoid": _sigmoid,
    "tanh": np.tanh,
    "relu": lambda x: np.maximum(x, 0),
    "leaky_relu": lambda x: np.where(x >= 0, x, 0.2 * x),
    "elu": lambda x: np.where(x > 0, x, np.exp(x) - 1),
    "selu": lambda x: SELU_SCALE * np.where(x > 0, x, SELU_ALPHA * (np.exp(x) - 1)),
    "gelu": lambda x: 0.5 * x * (1 + _erf(x / np.sqrt(2))),
    "softplus": lambda x: np.log1p(np.exp(x)),
    "softsign": lambda x: x / (1 + np.abs(x)),
    "silu": lambda x: x * _sigmoid(x),
    "swish": lambda x: x * _sigmoid(x),
    "exponential": np.exp,
    "hard_sigmoid": lambda x: np.clip(x + 3, 0, 6) / 6,
    "relu6": lambda x: np.clip(x, 0, 6),
    "softmax": _softmax,
    "log_softmax": lambda x: np.log(_softmax(x)),
}
# Away from every kink (0, +-3, 6), so finite differences see a smooth function.
X = np.array([[-4.5, -2.2, -0.7, 0.4], [1.3, 2.6, 5.1, 7.2]])


def test_every_registered_name_has_a_reference():
    assert set(REFERENCES) == set(activations._BY_NAME)


@pytest.mark.parametrize("name", REFERENCES)
def test_value_matches_the_float64_formula(name):
    np.testing.assert_allclose(activations.get(name)(X).numpy(), REFERENCES[name](X), rtol=1e-12, atol=1e-14)


@pytest.mark.parametrize("name", REFERENCES)
def test_gradient_matches_finite_differences(name):
    weights = np.random.default_rng(1).normal(size=X.shape)  # so softmax's gradient is not trivially 0
    check_gradients(lambda x: activations.get(name)(x) * weights, X)


@pytest.mark.parametrize("name", REFERENCES)
def test_float32_in_float32_out(name):
    out = activations.get(name)(np.asarray(X, dtype="float32"))
    assert isinstance(out, Tensor) and out.dtype == np.float32


@pytest.mark.parametrize(
    "fn, x, expected",
    [
        (activations.gelu, 1.0, 0.8413447),  # exact erf form, Keras's default
        (lambda x: activations.gelu(x, approximate=True), 1.0, 0.8411920),
        (activations.hard_sigmoid, 1.0, 0.6666667),  # relu6(1 + 3) / 6 = 4/6
        (activations.hard_sigmoid, -4.0, 0.0),
        (activations.leaky_relu, -1.0, -0.2),  # slope 0.2 for the function (the layer uses 0.3)
        (activations.elu, -1.0, -0.6321206),  # e^-1 - 1
        (activations.selu, -1.0, -1.1113307),  # 1.0507 * 1.6733 * (e^-1 - 1)
        (activations.selu, 1.0, 1.0507010),
        (activations.softplus, 0.0, 0.6931472),  # log 2
        (activations.silu, 1.0, 0.7310586),  # 1 * sigmoid(1)
        (activations.sigmoid, 2.0, 0.8807971),
        (activations.softsign, -3.0, -0.75),  # -3 / (1 + 3)
        (activations.relu6, 7.0, 6.0),
        (activations.exponential, 1.0, math.e),
    ],
)
def test_keras_values(fn, x, expected):
    assert float(fn(np.array([x], dtype="float32"))[0]) == pytest.approx(expected, abs=1e-6)


def test_softmax_and_log_softmax_values():
    # exp([1,2,3]) / sum: [0.0900306, 0.2447285, 0.6652410]
    x = [[1.0, 2.0, 3.0]]
    np.testing.assert_allclose(activations.softmax(x).numpy(), [[0.0900306, 0.2447285, 0.6652410]], atol=1e-6)
    np.testing.assert_allclose(activations.log_softmax(x).numpy(), [[-2.4076059, -1.4076059, -0.4076059]], atol=1e-6)
    columns = activations.softmax([[1.0, 2.0], [3.0, 5.0]], axis=0).numpy()
    np.testing.assert_allclose(columns[:, 0], [0.1192029, 0.8807971], atol=1e-6)  # softmax([1, 3])


def test_softplus_and_sigmoid_do_not_overflow():
    x = np.array([-1000.0, 1000.0], dtype="float32")
    np.testing.assert_allclose(activations.softplus(x).numpy(), [0.0, 1000.0])
    np.testing.assert_allclose(activations.sigmoid(x).numpy(), [0.0, 1.0])


def test_relu_options_follow_keras():
    # Keras: x where x > threshold, clipped to [0, max_value], minus slope * relu(threshold - x).
    # x = [-1, 0.5, 1.5, 3], slope 0.1, max 2, threshold 1: [-0.2, -0.05, 1.5, 2.0]
    x = np.array([-1.0, 0.5, 1.5, 3.0], dtype="float32")
    out = activations.relu(x, negative_slope=0.1, max_value=2.0, threshold=1.0)
    np.testing.assert_allclose(out.numpy(), [-0.2, -0.05, 1.5, 2.0], rtol=1e-6)
    np.testing.assert_allclose(activations.relu(x, max_value=1.0).numpy(), [0.0, 0.5, 1.0, 1.0])
    np.testing.assert_allclose(activations.relu(x, negative_slope=0.5).numpy(), [-0.5, 0.5, 1.5, 3.0])


def test_relu_negative_threshold_with_max_value_clips_at_zero():
    # Keras keeps x above the threshold, then clips that part to [0, max_value]:
    # relu(-0.5, max_value=3, threshold=-1) = clip(-0.5, 0, 3) = 0.
    out = activations.relu(np.array([-0.5, 2.0], dtype="float32"), max_value=3.0, threshold=-1.0)
    np.testing.assert_array_equal(out.numpy(), [0.0, 2.0])


def test_accepts_lists_and_tensors():
    assert activations.relu([-1.0, 2.0]).numpy().tolist() == [0.0, 2.0]
    t = Tensor(np.array([-1.0, 2.0], dtype="float32"))
    assert activations.tanh(t).dtype == np.float32


def test_get_returns_the_same_objects():
    assert activations.get("relu") is activations.relu
    assert activations.get("swish") is activations.silu
    assert activations.get(None) is activations.linear
    assert activations.get(activations.gelu) is activations.gelu
    custom = lambda x: x  # noqa: E731
    assert activations.get(custom) is custom


def test_get_unknown_name_lists_the_known_names():
    with pytest.raises(ValueError, match="Could not interpret activation function identifier") as info:
        activations.get("relux")
    assert "'relux'" in str(info.value)
    for name in ("relu", "sigmoid", "softmax", "gelu", "leaky_relu"):
        assert name in str(info.value)


def test_get_rejects_non_callables():
    with pytest.raises((TypeError, ValueError), match="activation"):
        activations.get(3)


def test_serialize_gives_the_keras_name():
    assert activations.serialize(activations.relu) == "relu"
    assert activations.serialize(activations.linear) == "linear"


def test_a_softmax_over_one_value_warns_as_keras_does():
    import warnings

    from glassnet.keras import Input, Sequential, layers
    with pytest.warns(UserWarning, match=r"softmax over axis -1 of a tensor of shape \(2, 1\).*sigmoid"):
        activations.softmax(np.ones((2, 1), "float32"))
    with pytest.warns(UserWarning, match="softmax over the 1 unit of Dense layer 'one'.*sigmoid"):
        Sequential([Input((3,)), layers.Dense(1, activation="softmax", name="one")])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        activations.softmax(np.ones((2, 3), "float32"))
        Sequential([Input((3,)), layers.Dense(3, activation="softmax")])
