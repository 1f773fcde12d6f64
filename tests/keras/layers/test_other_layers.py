import numpy as np
import pytest

from glassnet import random
from glassnet.autodiff import check_gradients
from glassnet.keras import layers


def test_input_accepts_tuple_int_and_positional():
    assert layers.Input(shape=(400,)).shape.as_list() == [None, 400]
    assert layers.Input(shape=14).shape.as_list() == [None, 14]
    assert layers.Input((8,)).shape.as_list() == [None, 8]
    assert layers.InputLayer((3,)).output.shape.as_list() == [None, 3]
    with pytest.raises(ValueError, match="shape"):
        layers.Input(shape=(0,))


def test_dropout_only_in_training():
    layer = layers.Dropout(0.5)
    x = np.ones((200, 50), dtype=np.float32)
    np.testing.assert_array_equal(layer(x).numpy(), x)
    out = layer(x, training=True).numpy()
    assert set(np.unique(out)) == {0.0, 2.0}  # kept values scaled by 1/(1-rate)
    assert 0.45 < np.mean(out == 0) < 0.55
    assert np.all(layers.Dropout(1.0)(x, training=True).numpy() == 0)


def test_dropout_is_reproducible_with_seed():
    layer = layers.Dropout(0.3)
    random.set_seed(7)
    first = layer(np.ones((5, 5)), training=True).numpy()
    random.set_seed(7)
    np.testing.assert_array_equal(first, layer(np.ones((5, 5)), training=True).numpy())


@pytest.mark.parametrize("rate", [-0.1, 1.5, "half"])
def test_dropout_rate_validated(rate):
    with pytest.raises(ValueError, match="rate"):
        layers.Dropout(rate)


def test_flatten():
    out = layers.Flatten()(np.arange(24.0).reshape(2, 3, 4))
    assert out.shape.as_list() == [2, 12]
    assert layers.Flatten().compute_output_shape((None, 3, 4)) == (None, 12)


def test_normalization_adapt_population_statistics():
    # keras-semantics §9: column [1, 2, 4] gives mean 2.3333333 and variance 1.5555556
    norm = layers.Normalization(axis=-1)
    norm.adapt(np.array([[1.0, 10.0], [2.0, 10.0], [4.0, 10.0]]))
    np.testing.assert_allclose(norm.mean.numpy(), [[2.3333333, 10.0]], rtol=1e-6)
    np.testing.assert_allclose(norm.variance.numpy(), [[1.5555556, 0.0]], rtol=1e-6)
    out = norm(np.array([[4.0, 10.0]])).numpy()
    np.testing.assert_allclose(out, [[(4 - 7 / 3) / np.sqrt(14 / 9), 0.0]], rtol=1e-5)
    assert [w.shape for w in norm.get_weights()] == [(2,), (2,), ()]
    assert norm.count_params() == 5


def test_normalization_fixed_statistics_and_invert():
    norm = layers.Normalization(mean=[1.0], variance=[4.0])
    np.testing.assert_allclose(norm(np.array([[5.0]])).numpy(), [[2.0]])
    assert norm.get_weights() == []
    inverse = layers.Normalization(mean=[1.0], variance=[4.0], invert=True)
    np.testing.assert_allclose(inverse(np.array([[2.0]])).numpy(), [[5.0]])
    with pytest.raises(ValueError, match="both `mean` and `variance`"):
        layers.Normalization(mean=[1.0])


def test_normalization_gradient():
    norm = layers.Normalization(dtype="float64")
    norm.adapt(np.array([[1.0, 3.0], [2.0, 7.0], [4.0, 1.0]]))
    check_gradients(lambda x: norm(x) ** 2, np.array([[0.5, 1.5]]))


def test_activation_layers():
    x = np.array([[-2.0, 0.5]], dtype=np.float32)
    np.testing.assert_allclose(layers.Activation("relu")(x).numpy(), [[0.0, 0.5]])
    np.testing.assert_allclose(layers.LeakyReLU()(x).numpy(), [[-0.6, 0.5]], rtol=1e-6)  # layer slope 0.3
    np.testing.assert_allclose(layers.Softmax()(x).numpy().sum(), 1.0, rtol=1e-6)
