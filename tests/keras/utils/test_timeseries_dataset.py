"""timeseries_dataset_from_array: what glassnet checks beyond Keras, and its use in fit."""
import re

import numpy as np
import pytest

from glassnet import keras


@pytest.mark.parametrize("arguments, message", [
    (dict(format="grain"), "Received: format='grain'"),
    (dict(sequence_length=0), "Received: sequence_length=0"),
    (dict(batch_size=0), "Received: batch_size=0"),
    (dict(sequence_length=2.5), "Received: sequence_length=2.5"),
])
def test_bad_arguments_are_named(arguments, message):
    arguments = {"sequence_length": 3, **arguments}
    with pytest.raises(ValueError, match=re.escape(message)):
        keras.utils.timeseries_dataset_from_array(np.arange(10.0), None, **arguments)


def test_windows_are_read_from_a_tensor_too():
    import glassnet as tf
    ds = keras.utils.timeseries_dataset_from_array(tf.constant(np.arange(8.0)), None, sequence_length=4,
                                                   sequence_stride=4)
    (batch,) = list(ds.as_numpy_iterator())
    np.testing.assert_array_equal(batch, [[0, 1, 2, 3], [4, 5, 6, 7]])


def test_fit_trains_on_the_windows():
    # Keras's "Example 2": the past 10 steps predict the next one; a linear model learns it exactly.
    series = np.sin(np.arange(300) * 0.1).astype("float32")
    ds = keras.utils.timeseries_dataset_from_array(series[:-10], series[10:], sequence_length=10, batch_size=32)
    inputs, targets = next(iter(ds))
    np.testing.assert_array_equal(inputs.numpy()[0], series[:10])
    assert float(targets.numpy()[0]) == series[10]
    keras.utils.set_random_seed(0)
    model = keras.Sequential([keras.Input((10,)), keras.layers.Dense(1)])
    model.compile(optimizer=keras.optimizers.Adam(0.05), loss="mse")
    history = model.fit(ds, epochs=30, verbose=0)
    assert history.history["loss"][-1] < 0.01 * history.history["loss"][0]
