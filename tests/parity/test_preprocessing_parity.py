"""CategoryEncoding and Discretization, glassnet against Keras on JAX: outputs, dtypes, shapes, configs.

(Keras's Discretization.adapt and the lookup layers need TensorFlow; their expected values are
literals in tests/keras/layers/test_lookup_layers.py.)"""
import keras
import numpy as np
import pytest

import glassnet

X = np.array([[-1.5, 1.0, 3.4, 0.5], [0.0, 2.0, 1.99, -0.1]], dtype="float32")
INDICES = np.array([[0, 1, 1, 3], [3, 3, 2, 0]])


@pytest.mark.parametrize("mode", ["int", "one_hot", "multi_hot", "count"])
def test_discretization_matches_keras(mode):
    expected = keras.layers.Discretization(bin_boundaries=[0.0, 1.0, 2.0], output_mode=mode)
    layer = glassnet.keras.layers.Discretization(bin_boundaries=[0.0, 1.0, 2.0], output_mode=mode)
    out = layer(X).numpy()
    reference = np.asarray(expected(X))
    assert out.dtype == reference.dtype and np.array_equal(out, reference)
    assert layer.get_config() == {**expected.get_config(), "dtype": "float32", "name": layer.name}
    assert layer.compute_output_shape((None, 4)) == expected.compute_output_shape((None, 4))


@pytest.mark.parametrize("mode", ["one_hot", "multi_hot", "count"])
@pytest.mark.parametrize("indices", [INDICES, INDICES[:, :1], INDICES[0]])
def test_category_encoding_matches_keras(mode, indices):
    expected = np.asarray(keras.layers.CategoryEncoding(num_tokens=5, output_mode=mode)(indices))
    out = glassnet.keras.layers.CategoryEncoding(num_tokens=5, output_mode=mode)(indices).numpy()
    assert out.dtype == expected.dtype and np.array_equal(out, expected)


def test_category_encoding_count_weights_and_errors_match_keras():
    weights = np.array([[0.5, 1.0, 2.0, 1.0], [1.0, 1.0, 3.0, 0.25]], dtype="float32")
    expected = np.asarray(keras.layers.CategoryEncoding(5, output_mode="count")(INDICES, count_weights=weights))
    out = glassnet.keras.layers.CategoryEncoding(5, output_mode="count")(INDICES, count_weights=weights).numpy()
    assert np.allclose(out, expected)
    for kwargs in ({"num_tokens": 0}, {"num_tokens": None}, {"num_tokens": 3, "output_mode": "int"}):
        with pytest.raises(ValueError) as keras_error:
            keras.layers.CategoryEncoding(**kwargs)
        with pytest.raises(ValueError) as glassnet_error:
            glassnet.keras.layers.CategoryEncoding(**kwargs)
        assert str(glassnet_error.value) == str(keras_error.value)
