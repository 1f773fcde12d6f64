"""np.asarray(variable) is a snapshot, like Variable.numpy() and like TF's and Keras's: later
assigns, optimizer steps and fit (which moves the weights into one flat buffer) leave it alone."""
import numpy as np

import glassnet as tf
from glassnet.autodiff import Variable


def test_asarray_of_a_variable_is_a_copy():
    w = Variable(np.array([1.0, 2.0], dtype="float32"))
    snapshot = np.asarray(w)
    w.assign([5.0, 6.0])
    snapshot[0] = -1.0  # writing into the snapshot does not reach the variable either
    np.testing.assert_array_equal(snapshot, [-1.0, 2.0])
    np.testing.assert_array_equal(w.numpy(), [5.0, 6.0])
    assert np.asarray(w, dtype="float64").dtype == np.float64


def test_asarray_taken_before_fit_keeps_the_initial_weights():
    tf.random.set_seed(0)
    model = tf.keras.Sequential([tf.keras.Input((3,)), tf.keras.layers.Dense(2)])
    model.compile(optimizer=tf.keras.optimizers.SGD(0.1), loss="mse")
    kernel = model.layers[0].kernel
    snapshot, initial = np.asarray(kernel), kernel.numpy()
    x, y = np.ones((8, 3), dtype="float32"), np.zeros((8, 2), dtype="float32")
    model.fit(x, y, epochs=2, verbose=0)
    assert not np.array_equal(kernel.numpy(), initial)  # fit changed the weights...
    np.testing.assert_array_equal(snapshot, initial)  # ...and not the snapshot
    np.testing.assert_array_equal(np.asarray(kernel), kernel.numpy())  # a new one is current
