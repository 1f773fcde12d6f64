"""LayerNormalization: values by hand, axes, rms_scaling, bad input and the config."""
import numpy as np
import pytest

from glassnet.keras import layers


def test_each_sample_is_normalized_over_its_features():
    x = np.array([[1.0, 2.0, 3.0], [10.0, 10.0, 40.0]], dtype="float32")
    out = layers.LayerNormalization(epsilon=0.0)(x).numpy()
    # row 1: mean 2, variance 2/3; row 2: mean 20, variance 200
    r1, r2 = 1 / np.sqrt(2 / 3), 1 / np.sqrt(200)
    np.testing.assert_allclose(out, [[-r1, 0.0, r1], [-10 * r2, -10 * r2, 20 * r2]], rtol=1e-5)


def test_gamma_and_beta_over_two_axes():
    x = np.random.default_rng(0).normal(size=(2, 3, 4)).astype("float32")
    layer = layers.LayerNormalization(axis=[1, 2])
    layer.build(x.shape)
    gamma, beta = np.full((3, 4), 2.0, "float32"), np.full((3, 4), 0.5, "float32")
    layer.set_weights([gamma, beta])
    mean, var = x.mean(axis=(1, 2), keepdims=True), x.var(axis=(1, 2), keepdims=True)
    np.testing.assert_allclose(layer(x).numpy(), 2.0 * (x - mean) / np.sqrt(var + 1e-3) + 0.5, rtol=1e-5, atol=1e-6)


def test_rms_scaling_warns_divides_by_the_standard_deviation_and_has_no_beta():
    with pytest.warns(UserWarning, match="rms_scaling"):
        layer = layers.LayerNormalization(rms_scaling=True, epsilon=0.0)
    x = np.array([[1.0, 2.0, 3.0]], dtype="float32")
    np.testing.assert_allclose(layer(x).numpy(), x / np.sqrt(2 / 3), rtol=1e-6)  # not centered
    assert [w.name for w in layer.weights] == ["gamma"]


def test_the_axis_becomes_a_list_when_built_as_in_keras():
    layer = layers.LayerNormalization()
    assert layer.get_config()["axis"] == -1
    layer.build((None, 3))
    assert layer.get_config()["axis"] == [-1]
    assert [w.name for w in layer.weights] == ["gamma", "beta"]


def test_bad_axis_and_bad_input_are_refused_clearly():
    with pytest.raises(TypeError, match="axis"):
        layers.LayerNormalization(axis="last")
    with pytest.raises(ValueError, match=r"Axis 2 of layer 'ln'.*\(None, 3\)"):
        layers.LayerNormalization(axis=2, name="ln").build((None, 3))
    layer = layers.LayerNormalization(name="ln_built")
    layer(np.ones((2, 3), "float32"))
    with pytest.raises(ValueError, match=r"'ln_built'.*\(3,\).*\(2, 4\)"):
        layer(np.ones((2, 4), "float32"))


def test_config_round_trip():
    layer = layers.LayerNormalization(axis=[1, 2], epsilon=1e-5, center=False, gamma_regularizer="l2")
    config = layer.get_config()
    assert config["axis"] == [1, 2] and config["epsilon"] == 1e-5 and config["rms_scaling"] is False
    assert layers.LayerNormalization.from_config(config).get_config() == config
