"""glassnet.plot.feature_maps: one small image per channel of a convolution layer's output."""
import numpy as np
import pytest

import glassnet as tf

pytest.importorskip("matplotlib")


def test_an_array_of_maps_one_picture_per_channel(tmp_path, png_size):
    maps = np.random.default_rng(0).random((2, 6, 5, 3)).astype("float32")
    figure = tf.plot.feature_maps(maps, sample=1, path=tmp_path / "maps.png")
    shown = [axis for axis in figure.axes if axis.get_images()]
    assert [axis.get_title() for axis in shown] == ["channel 0", "channel 1", "channel 2"]
    for channel, axis in enumerate(shown):
        np.testing.assert_array_equal(axis.get_images()[0].get_array(), maps[1, :, :, channel])
    assert "sample 1, maps of 6x5" in figure._suptitle.get_text()
    assert png_size(tmp_path / "maps.png")[0] > 0


def test_max_maps_shows_the_first_channels_and_says_so():
    figure = tf.plot.feature_maps(np.zeros((4, 4, 40)), max_maps=10)
    assert sum(bool(axis.get_images()) for axis in figure.axes) == 10
    assert "first 10 of 40 channels" in figure._suptitle.get_text()


@pytest.mark.parametrize("source, options, message", [
    (np.zeros((2, 8)), {}, r"expected maps of shape \(batch, rows, columns, channels\).*Received shape \(2, 8\)"),
    (np.zeros((2, 4, 4, 3)), {"sample": 2}, r"`sample` must be an index into the batch of 2. Received: sample=2"),
    (np.zeros((4, 4, 3)), {"max_maps": 0}, r"`max_maps` must be a positive integer. Received: max_maps=0"),
])
def test_bad_input_is_refused_before_drawing(source, options, message):
    with pytest.raises(ValueError, match=message):
        tf.plot.feature_maps(source, **options)


def test_a_trace_needs_the_layer_named():
    model = tf.keras.Sequential([tf.keras.Input(shape=(2,)), tf.keras.layers.Dense(1, name="only")])
    model.compile(optimizer="sgd", loss="mse")
    trace = tf.inspect.step(model, np.ones((2, 2)), np.zeros((2, 1)))
    with pytest.raises(ValueError, match=r"name the layer.*\['only'\]"):
        tf.plot.feature_maps(trace)
    with pytest.raises(ValueError, match="A Dense or Flatten layer has no maps to draw"):
        tf.plot.feature_maps(trace, "only")


def test_a_conv_layers_trace_shows_the_maps_that_step_computed():
    model = tf.keras.Sequential([tf.keras.Input(shape=(8, 8, 1)), tf.keras.layers.Conv2D(4, 3, name="conv"),
                                 tf.keras.layers.Flatten(), tf.keras.layers.Dense(1)])
    model.compile(optimizer="sgd", loss="mse")
    x = np.random.default_rng(1).random((3, 8, 8, 1)).astype("float32")
    trace = tf.inspect.step(model, x, np.zeros((3, 1)))
    figure = tf.plot.feature_maps(trace, "conv", sample=2)
    shown = [axis for axis in figure.axes if axis.get_images()]
    assert [axis.get_title() for axis in shown] == ["input", "channel 0", "channel 1", "channel 2", "channel 3"]
    np.testing.assert_array_equal(shown[0].get_images()[0].get_array(), x[2, :, :, 0])
    maps = model.get_layer("conv")(x).numpy()  # the step's forward pass, computed again
    for channel, axis in enumerate(shown[1:]):
        np.testing.assert_allclose(axis.get_images()[0].get_array(), maps[2, :, :, channel], rtol=1e-6)
    assert "layer 'conv' (Conv2D): sample 2, maps of 6x6" in figure._suptitle.get_text()
