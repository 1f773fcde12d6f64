"""keras.utils.split_dataset against Keras 3.15.1.

Keras splits into tf.data datasets only when TensorFlow is installed, and the parity environment
has none. The expected parts below were printed by Keras 3.15.1 on TensorFlow 2.21 (/work/tfvenv)
for the same inputs; its shuffle is Python's ``random`` seeded by `seed`, so the orders are exact.
"""
import numpy as np
import pytest

from glassnet import data, keras


def test_array_left_fraction():
    left, right = keras.utils.split_dataset(np.arange(10.0), left_size=0.8)
    assert [float(v) for v in left.as_numpy_iterator()] == [0.0, 1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0]
    assert [float(v) for v in right.as_numpy_iterator()] == [8.0, 9.0]


def test_tuple_shuffled_with_both_sizes():
    x, y = np.arange(40).reshape(20, 2), np.arange(20) * 10
    left, right = keras.utils.split_dataset((x, y), left_size=5, right_size=10, shuffle=True, seed=3)
    assert [int(b) for _, b in left.as_numpy_iterator()] == [80, 30, 60, 50, 150]
    assert [int(b) for _, b in right.as_numpy_iterator()] == [130, 100, 190, 90, 140, 110, 40, 170, 180, 70]
    for a, b in left.as_numpy_iterator():  # the rows stay together
        np.testing.assert_array_equal(a, x[b // 10])


def test_batched_dataset_of_dicts_is_rebatched():
    ds = data.Dataset.from_tensor_slices({"a": np.arange(13.0), "b": np.arange(13) * 2}).batch(4)
    left, right = keras.utils.split_dataset(ds, right_size=0.25, shuffle=True, seed=11)
    assert [e["a"].tolist() for e in left.as_numpy_iterator()] == [[2.0, 5.0, 0.0, 6.0], [9.0, 4.0, 1.0, 3.0],
                                                                   [11.0, 10.0]]
    assert [e["b"].tolist() for e in right.as_numpy_iterator()] == [[24, 16, 14]]


def test_list_of_arrays_gives_tuples():
    x, y = np.arange(40).reshape(20, 2), np.arange(20) * 10
    left, right = keras.utils.split_dataset([x, y], left_size=0.5)
    assert (len(list(left)), len(list(right))) == (10, 10)
    assert isinstance(next(iter(left.as_numpy_iterator())), tuple)


@pytest.mark.parametrize("sizes, error, message", [
    (dict(left_size=0, right_size=0), ValueError, "Both `left_size` and `right_size` are zero."),
    (dict(left_size=10), ValueError, "`left_size` should be either a positive integer smaller than 10, or a float "
                                     "within the range `[0, 1]`. Received: left_size=10"),
    (dict(left_size=1.5), ValueError, "Received: left_size=1.5"),
    (dict(left_size=0.6, right_size=0.6), ValueError, "The sum of `left_size` and `right_size` is greater than 1."),
    (dict(left_size=np.int64(3)), TypeError, "Invalid `left_size` Type. Expected: int or float or None"),
    (dict(left_size=6, right_size=5), ValueError, "The sum of `left_size` and `right_size` should be smaller than "
                                                  "the 10."),
    (dict(left_size=0.01), ValueError, "Resulting left side dataset split will be empty."),
])
def test_keras_errors(sizes, error, message):
    # Keras raised the same types with these messages (glassnet drops Keras's missing spaces).
    with pytest.raises(error) as raised:
        keras.utils.split_dataset(np.arange(10.0), **sizes)
    assert message in str(raised.value)
