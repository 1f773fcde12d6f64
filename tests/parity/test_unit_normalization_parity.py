"""UnitNormalization, glassnet against Keras: values (tiny norms included), config, and a saved model."""
import keras
import numpy as np
import pytest

import glassnet


@pytest.mark.parametrize("axis", [-1, 0, [0, 1]])
def test_unit_normalization_values_and_config(axis):
    x = np.random.default_rng(0).normal(size=(4, 5)).astype("float32")
    x[1], x[2] = 0.0, x[2] * 1e-13  # a zero row and one whose norm is below the epsilon
    expected = np.asarray(keras.layers.UnitNormalization(axis=axis)(x))
    layer = glassnet.keras.layers.UnitNormalization(axis=axis)
    assert np.allclose(layer(x).numpy(), expected, rtol=1e-6, atol=1e-7)
    assert layer.get_config()["axis"] == keras.layers.UnitNormalization(axis=axis).get_config()["axis"]


def test_a_saved_model_with_unit_normalization_loads_in_keras(tmp_path):
    x = glassnet.keras.Input(shape=(3,))
    model = glassnet.keras.Model(x, glassnet.keras.layers.UnitNormalization()(glassnet.keras.layers.Dense(2)(x)))
    model.save(tmp_path / "unit.keras")
    data = np.random.default_rng(1).normal(size=(4, 3)).astype("float32")
    loaded = keras.models.load_model(tmp_path / "unit.keras")
    assert np.allclose(loaded.predict(data, verbose=0), model.predict(data, verbose=0), atol=1e-6)
