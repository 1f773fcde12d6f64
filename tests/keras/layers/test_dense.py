import numpy as np
import pytest

from glassnet.autodiff import Tensor, check_gradients
from glassnet.keras import activations, layers


def test_forward_is_activation_of_affine_map():
    layer = layers.Dense(2, activation="relu")
    x = np.array([[1.0, -2.0, 0.5]], dtype=np.float32)
    out = layer(x)
    kernel, bias = layer.get_weights()
    np.testing.assert_allclose(out.numpy(), np.maximum(x @ kernel + bias, 0), rtol=1e-6)
    assert isinstance(out, Tensor) and out.dtype == np.float32


def test_course_lab_values_with_set_weights():
    # Neurons-and-layers lab: w=200, b=100, x=1 gives 300; int arrays come back float32.
    linear = layers.Dense(units=1, activation="linear")
    assert linear.get_weights() == []
    linear(np.array([[1.0]]))
    linear.set_weights([np.array([[200]]), np.array([100])])
    assert [w.dtype for w in linear.get_weights()] == [np.float32, np.float32]
    assert float(linear(np.array([[1.0]])).numpy()[0, 0]) == 300.0
    # Logistic neuron: w=2, b=-4.5 as nested lists; sigmoid(-4.5) = 0.01098694
    with pytest.warns(UserWarning, match="input_dim"):
        logistic = layers.Dense(1, input_dim=1, activation="sigmoid", name="L1")
    logistic(np.zeros((1, 1)))
    logistic.set_weights([[[2]], [-4.5]])
    assert logistic(np.array([[0.0]])).numpy()[0, 0] == pytest.approx(0.01098694, rel=1e-5)


def test_defaults_match_keras():
    layer = layers.Dense(4)
    assert layer.activation is activations.linear
    assert layer.use_bias and layer.kernel_regularizer is None and layer.bias_regularizer is None
    layer.build((None, 6))
    kernel, bias = layer.get_weights()
    limit = np.sqrt(6 / (6 + 4))  # glorot_uniform
    assert kernel.shape == (6, 4) and np.all(np.abs(kernel) <= limit)
    assert np.all(bias == 0) and bias.shape == (4,)


def test_string_activation_resolves_to_public_function():
    assert layers.Dense(3, activation="relu").activation is activations.relu
    assert layers.Dense(3, activation="sigmoid").activation == activations.sigmoid


def test_auto_names_count_per_class():
    names = [layers.Dense(1).name for _ in range(3)]
    assert names == ["dense", "dense_1", "dense_2"]
    assert layers.Dropout(0.5).name == "dropout"


def test_no_bias_and_gradient_through_layer():
    layer = layers.Dense(3, activation="tanh", use_bias=False, dtype="float64")
    layer.build((None, 2))
    assert len(layer.weights) == 1
    kernel = layer.get_weights()[0]
    check_gradients(lambda x: layer(x), np.random.default_rng(0).normal(size=(4, 2)))
    np.testing.assert_allclose(layer(np.eye(2)).numpy(), np.tanh(kernel), rtol=1e-12)


@pytest.mark.parametrize("units", [0, -3, 2.5, "4", True])
def test_invalid_units(units):
    with pytest.raises(ValueError, match=r"units=.*"):
        layers.Dense(units)


def test_wrong_feature_count_names_layer_and_shapes():
    layer = layers.Dense(2)
    layer(np.zeros((1, 4)))
    with pytest.raises(ValueError, match=r"'dense'.*value 4.*\(10, 3\)"):
        layer(np.zeros((10, 3)))


def test_set_weights_errors():
    layer = layers.Dense(2)
    layer.build((None, 3))
    with pytest.raises(ValueError, match="length 1, but it was expecting 2"):
        layer.set_weights([np.zeros((3, 2))])
    with pytest.raises(ValueError, match=r"\(3, 2\).*\(4, 2\)"):
        layer.set_weights([np.zeros((4, 2)), np.zeros(2)])


def test_regularizer_penalty_in_losses():
    from glassnet.keras import regularizers

    layer = layers.Dense(2, kernel_regularizer=regularizers.l2(0.1))
    layer.build((None, 3))
    kernel = layer.get_weights()[0]
    [penalty] = layer.losses
    assert float(penalty.numpy()) == pytest.approx(0.1 * np.sum(kernel.astype(np.float64) ** 2), rel=1e-5)


def test_float64_after_set_floatx():
    from glassnet.keras import backend

    backend.set_floatx("float64")
    layer = layers.Dense(2)
    out = layer(np.ones((1, 3), dtype=np.float32))
    assert layer.kernel.dtype == np.float64 and out.dtype == np.float64
