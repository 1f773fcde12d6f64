"""Conv1DTranspose / Conv2DTranspose: shapes, weights, bad arguments and inputs (values against Keras are
in tests/parity/test_conv_parity.py)."""
import numpy as np
import pytest

from glassnet.keras import layers


def test_the_kernel_has_keras_shape_and_the_output_keras_length():
    layer = layers.Conv2DTranspose(5, (3, 2), strides=(2, 3))
    out = layer(np.ones((2, 4, 4, 3), dtype="float32"))
    assert layer.kernel.shape == (3, 2, 5, 3)
    assert out.shape == (2, (4 - 1) * 2 + 3, (4 - 1) * 3 + 3, 5)  # valid: (n - 1) * s + max(k, s)
    assert layers.Conv1DTranspose(2, 3, strides=2, padding="same", output_padding=1)(np.ones((1, 5, 1))).shape \
        == (1, (5 - 1) * 2 + 3 - 2 * 1 + 1, 2)


def test_a_one_by_one_transposed_convolution_is_a_dense_layer_per_position():
    layer = layers.Conv1DTranspose(2, 1, use_bias=False)
    x = np.random.default_rng(0).normal(size=(3, 4, 3)).astype("float32")
    out = layer(x).numpy()
    np.testing.assert_allclose(out, x @ layer.kernel.numpy()[0].T, rtol=1e-6)


@pytest.mark.parametrize("arguments,message", [
    (dict(filters=2, kernel_size=3, strides=2, output_padding=2), "output_padding.*strictly less"),
    (dict(filters=2, kernel_size=3, output_padding=-1), "output_padding"),
    (dict(filters=2, kernel_size=3, padding="causal"), "padding"),
    (dict(filters=0, kernel_size=3), "filters"),
    (dict(filters=2, kernel_size=3, strides=2, dilation_rate=2), "dilation_rate"),
])
def test_bad_arguments_are_refused_naming_them(arguments, message):
    with pytest.raises(ValueError, match=message):
        layers.Conv1DTranspose(**arguments)


def test_an_input_of_the_wrong_rank_or_channels_is_refused():
    layer = layers.Conv2DTranspose(2, 3)
    with pytest.raises(ValueError, match="expected ndim=4.*found ndim=3"):
        layer(np.ones((5, 5, 1)))
    layer(np.ones((1, 5, 5, 3)))
    with pytest.raises(ValueError, match="axis -1 of input shape to have value 3"):
        layer(np.ones((1, 5, 5, 2)))
