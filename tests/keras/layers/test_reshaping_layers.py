"""Reshape, Permute, RepeatVector, Rescaling, ZeroPadding, Cropping, UpSampling, SpatialDropout,
global pooling and Flatten: values by hand, gradients against finite differences in float64, bad
arguments and bad input refused by name."""
import numpy as np
import pytest

import glassnet as tf
from glassnet.autodiff.gradcheck import check_gradients
from glassnet.keras import layers

SEQUENCE = np.arange(12.0, dtype="float32").reshape(1, 3, 4)  # (batch, steps, channels)
IMAGE = np.arange(8.0, dtype="float32").reshape(1, 2, 2, 2)  # (batch, rows, cols, channels)


def test_reshape_infers_the_minus_one():
    out = layers.Reshape((2, -1))(SEQUENCE)
    np.testing.assert_array_equal(out.numpy(), SEQUENCE.reshape(1, 2, 6))
    assert layers.Reshape((-1,)).compute_output_shape((None, 3, 4)) == (None, 12)
    assert layers.Reshape((2, -1)).compute_output_shape((None, None, 4)) == (None, 2, None)


def test_permute_moves_the_axes_after_the_batch():
    out = layers.Permute((2, 1))(SEQUENCE).numpy()
    np.testing.assert_array_equal(out, SEQUENCE.transpose(0, 2, 1))
    assert layers.Permute((3, 1, 2)).compute_output_shape((None, 2, 3, 4)) == (None, 4, 2, 3)


def test_repeat_vector():
    out = layers.RepeatVector(2)(np.array([[1.0, 2.0]])).numpy()
    np.testing.assert_array_equal(out, [[[1.0, 2.0], [1.0, 2.0]]])


def test_rescaling_of_integers_gives_floats():
    out = layers.Rescaling(1 / 255, offset=-0.5)(np.array([[0, 255]], dtype="uint8"))
    assert out.dtype == np.float32
    np.testing.assert_allclose(out.numpy(), [[-0.5, 0.5]], rtol=1e-6)
    np.testing.assert_allclose(layers.Rescaling([1.0, 10.0])(np.ones((1, 2))).numpy(), [[1.0, 10.0]])


def test_zero_padding_1d_and_2d():
    out = layers.ZeroPadding1D((1, 2))(SEQUENCE).numpy()
    assert out.shape == (1, 6, 4)
    np.testing.assert_array_equal(out[0, 1:4], SEQUENCE[0])
    assert not out[0, [0, 4, 5]].any()
    out = layers.ZeroPadding2D(((1, 0), (0, 2)))(IMAGE).numpy()
    assert out.shape == (1, 3, 4, 2)
    np.testing.assert_array_equal(out[0, 1:, :2], IMAGE[0])
    assert out.sum() == IMAGE.sum()
    assert layers.ZeroPadding2D(1, data_format="channels_first")(IMAGE).shape.as_list() == [1, 2, 4, 4]


def test_cropping_1d_and_2d():
    np.testing.assert_array_equal(layers.Cropping1D((1, 1))(SEQUENCE).numpy(), SEQUENCE[:, 1:2])
    np.testing.assert_array_equal(layers.Cropping1D((0, 2))(SEQUENCE).numpy(), SEQUENCE[:, :1])
    np.testing.assert_array_equal(layers.Cropping2D(((1, 0), (0, 1)))(IMAGE).numpy(), IMAGE[:, 1:, :1])


def test_up_sampling_nearest_repeats():
    out = layers.UpSampling1D(2)(SEQUENCE).numpy()
    np.testing.assert_array_equal(out, np.repeat(SEQUENCE, 2, axis=1))
    out = layers.UpSampling2D((2, 3))(IMAGE).numpy()
    np.testing.assert_array_equal(out, np.repeat(np.repeat(IMAGE, 2, axis=1), 3, axis=2))


def test_up_sampling_bilinear_by_hand():
    # A row [0, 4] doubled: outputs sample positions -0.25, 0.25, 0.75, 1.25 -> 0, 1, 3, 4 (edges clamped).
    x = np.array([0.0, 4.0], dtype="float32").reshape(1, 1, 2, 1)
    out = layers.UpSampling2D((1, 2), interpolation="bilinear")(x).numpy()
    np.testing.assert_allclose(out.ravel(), [0.0, 1.0, 3.0, 4.0], rtol=1e-6)


def test_global_pooling():
    np.testing.assert_array_equal(layers.GlobalAveragePooling1D()(SEQUENCE).numpy(), SEQUENCE.mean(axis=1))
    np.testing.assert_array_equal(layers.GlobalMaxPooling2D()(IMAGE).numpy(), IMAGE.max(axis=(1, 2)))
    out = layers.GlobalAveragePooling2D(keepdims=True)(IMAGE)
    assert out.shape.as_list() == [1, 1, 1, 2]
    first = layers.GlobalMaxPooling1D(data_format="channels_first")(SEQUENCE).numpy()
    np.testing.assert_array_equal(first, SEQUENCE.max(axis=2))


def test_flatten_of_any_rank():
    assert layers.Flatten()(np.zeros(5)).shape.as_list() == [5, 1]
    assert layers.Flatten()(np.zeros((2, 3, 4, 5))).shape.as_list() == [2, 60]
    np.testing.assert_array_equal(layers.Flatten(data_format="channels_first")(IMAGE).numpy(),
                                  IMAGE.transpose(0, 2, 3, 1).reshape(1, -1))
    with pytest.raises(ValueError, match="min_ndim=1"):
        layers.Flatten()(np.float32(1.0))


@pytest.mark.parametrize("layer_class", [layers.SpatialDropout1D, layers.SpatialDropout2D])
def test_spatial_dropout_drops_whole_channels_in_training_only(layer_class):
    x = np.ones((8, 5, 6) if layer_class is layers.SpatialDropout1D else (8, 3, 5, 6), dtype="float32")
    layer = layer_class(0.5, seed=3)
    out = layer(x, training=True).numpy()
    per_channel = out.reshape(8, -1, 6)
    assert ((per_channel == 0) | (per_channel == 2)).all()  # kept values scaled by 1 / (1 - 0.5)
    assert (per_channel == per_channel[:, :1]).all()  # the same decision at every step or pixel
    assert 0 < (per_channel == 0).mean() < 1
    np.testing.assert_array_equal(layer(x).numpy(), x)
    again = layer_class(0.5, seed=3)(x, training=True).numpy()
    np.testing.assert_array_equal(again, out)  # the seed makes the masks reproducible


def test_spatial_dropout_2d_channels_first_mask():
    out = layers.SpatialDropout2D(0.5, data_format="channels_first", seed=0)(np.ones((4, 6, 3, 3)), training=True)
    per_channel = out.numpy().reshape(4, 6, -1)
    assert (per_channel == per_channel[..., :1]).all()


GRADIENT_CASES = {
    "reshape": (lambda: layers.Reshape((4, -1), dtype="float64"), (2, 3, 4)),
    "permute": (lambda: layers.Permute((2, 3, 1), dtype="float64"), (2, 3, 4, 2)),
    "repeat_vector": (lambda: layers.RepeatVector(3, dtype="float64"), (2, 4)),
    "rescaling": (lambda: layers.Rescaling([0.5, 2.0], offset=1.0, dtype="float64"), (3, 2)),
    "zero_padding_1d": (lambda: layers.ZeroPadding1D((2, 1), dtype="float64"), (2, 3, 2)),
    "zero_padding_2d": (lambda: layers.ZeroPadding2D(((1, 0), (2, 1)), dtype="float64"), (2, 2, 3, 2)),
    "cropping_1d": (lambda: layers.Cropping1D((1, 0), dtype="float64"), (2, 3, 2)),
    "cropping_2d": (lambda: layers.Cropping2D(((0, 1), (1, 1)), dtype="float64"), (2, 3, 4, 2)),
    "up_sampling_1d": (lambda: layers.UpSampling1D(3, dtype="float64"), (2, 3, 2)),
    "up_sampling_2d": (lambda: layers.UpSampling2D((2, 3), dtype="float64"), (2, 2, 3, 2)),
    "up_sampling_2d_bilinear": (lambda: layers.UpSampling2D(2, interpolation="bilinear", dtype="float64"),
                                (2, 2, 3, 2)),
    "global_average_pooling_2d": (lambda: layers.GlobalAveragePooling2D(dtype="float64"), (2, 3, 4, 2)),
    "global_max_pooling_1d": (lambda: layers.GlobalMaxPooling1D(dtype="float64"), (2, 5, 3)),
    "flatten": (lambda: layers.Flatten(data_format="channels_first", dtype="float64"), (2, 3, 2, 2)),
    "batch_normalization": (lambda: layers.BatchNormalization(axis=1, dtype="float64"), (4, 3, 2)),
    "layer_normalization": (lambda: layers.LayerNormalization(axis=[1, 2], dtype="float64"), (2, 3, 2)),
}


@pytest.mark.parametrize("case", GRADIENT_CASES)
def test_input_gradients_against_finite_differences(case):
    make, shape = GRADIENT_CASES[case]
    layer = make()
    rng = np.random.default_rng(0)
    x = rng.permutation(np.prod(shape)).reshape(shape) * 0.1 + rng.uniform(0, 0.01, shape)  # no ties for max
    weights = rng.normal(size=layer.compute_output_shape(shape))
    check_gradients(lambda t: tf.reduce_sum(layer(t, training=True) * weights), x)


@pytest.mark.parametrize("make, message", [
    (lambda: layers.Reshape((2, -1, -1)), "target_shape"),
    (lambda: layers.Reshape((2, -3)), "target_shape"),
    (lambda: layers.Permute((1, 3)), r"permutation of 1\.\.n.*\(1, 3\)"),
    (lambda: layers.Permute((0, 1)), "dims"),
    (lambda: layers.RepeatVector(0), "n"),
    (lambda: layers.RepeatVector(2.5), "n"),
    (lambda: layers.ZeroPadding1D(-1), "padding"),
    (lambda: layers.ZeroPadding2D(((1, -1), (0, 0))), "padding"),
    (lambda: layers.ZeroPadding2D((1, 2, 3)), "padding"),
    (lambda: layers.Cropping1D((1, 2, 3)), "cropping"),
    (lambda: layers.Cropping2D(-2), "cropping"),
    (lambda: layers.UpSampling1D(0), "size"),
    (lambda: layers.UpSampling2D((2, -1)), "size"),
    (lambda: layers.UpSampling2D(interpolation="bicubic"), "interpolation"),
    (lambda: layers.GlobalAveragePooling2D(data_format="channels_middle"), "data_format"),
    (lambda: layers.GlobalMaxPooling1D(keepdims="yes"), "keepdims"),
    (lambda: layers.SpatialDropout1D(1.5), "rate"),
    (lambda: layers.Rescaling("half"), "scale"),
])
def test_bad_arguments_are_refused_by_name(make, message):
    with pytest.raises((ValueError, TypeError), match=message):
        make()


@pytest.mark.parametrize("layer, x, message", [
    (layers.Reshape((5, -1), name="r"), SEQUENCE, r"'r'.*\(3, 4\).*target_shape=\(5, -1\)"),
    (layers.Reshape((5, 2), name="r2"), SEQUENCE, r"'r2'.*\(3, 4\)"),
    (layers.Permute((2, 1), name="p"), IMAGE, r"'p'.*ndim=3.*\(1, 2, 2, 2\)"),
    (layers.RepeatVector(2, name="rv"), SEQUENCE, r"'rv'.*ndim=2"),
    (layers.ZeroPadding2D(name="zp"), SEQUENCE, r"'zp'.*ndim=4.*\(1, 3, 4\)"),
    (layers.Cropping1D((2, 1), name="c"), SEQUENCE, r"'c'.*smaller.*\(1, 3, 4\)"),
    (layers.UpSampling1D(name="u"), IMAGE, r"'u'.*ndim=3"),
    (layers.GlobalMaxPooling2D(name="g"), SEQUENCE, r"'g'.*ndim=4"),
    (layers.SpatialDropout2D(0.5, name="sd"), SEQUENCE, r"'sd'.*ndim=4"),
])
def test_bad_input_names_the_layer_and_the_shape(layer, x, message):
    with pytest.raises(ValueError, match=message):
        layer(x)


def test_a_symbolic_input_of_the_wrong_size_is_refused_when_the_model_is_built():
    with pytest.raises(ValueError, match=r"total size"):
        layers.Reshape((5, -1))(tf.keras.Input((3, 4)))


@pytest.mark.parametrize("layer", [
    layers.Reshape((2, -1)), layers.Permute((2, 1)), layers.RepeatVector(3), layers.Rescaling([1.0, 2.0], 0.5),
    layers.ZeroPadding1D((1, 2)), layers.ZeroPadding2D((1, 2), data_format="channels_first"),
    layers.Cropping1D(1), layers.Cropping2D(((1, 0), (2, 3))), layers.UpSampling1D(3),
    layers.UpSampling2D((2, 1), interpolation="bilinear"), layers.SpatialDropout1D(0.2, seed=4),
    layers.SpatialDropout2D(0.3, data_format="channels_first"), layers.GlobalAveragePooling1D(keepdims=True),
    layers.GlobalMaxPooling2D(data_format="channels_first"),
])
def test_config_round_trip(layer):
    config = layer.get_config()
    assert type(layer).from_config(config).get_config() == config


def test_global_average_pooling_1d_with_a_mask_averages_the_unmasked_steps():
    mask = np.array([[True, False, True]])
    out = layers.GlobalAveragePooling1D()(SEQUENCE, mask=mask).numpy()
    np.testing.assert_allclose(out, (SEQUENCE[:, 0] + SEQUENCE[:, 2]) / 2)
    first = layers.GlobalAveragePooling1D(data_format="channels_first", keepdims=True)
    np.testing.assert_allclose(first(SEQUENCE.transpose(0, 2, 1), mask=mask).numpy()[..., 0],
                               (SEQUENCE[:, 0] + SEQUENCE[:, 2]) / 2)
