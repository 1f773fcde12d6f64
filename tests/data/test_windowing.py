"""window: windows as Datasets; orders, cardinalities and specs taken from TensorFlow 2.21 by hand."""
import numpy as np
import pytest

import glassnet as tf
from glassnet.data import Dataset, DatasetSpec


def windows(dataset):
    return [[int(x) for x in window] for window in dataset]


@pytest.mark.parametrize("arguments, expected", [
    (dict(size=3, shift=2), [[0, 1, 2], [2, 3, 4], [4, 5, 6], [6]]),
    (dict(size=3, drop_remainder=True), [[0, 1, 2], [3, 4, 5]]),
    (dict(size=3, shift=4), [[0, 1, 2], [4, 5, 6]]),
    (dict(size=5, drop_remainder=True), [[0, 1, 2, 3, 4]]),
])
def test_windows_of_seven_as_tensorflow(arguments, expected):
    dataset = Dataset.range(7).window(**arguments)
    assert windows(dataset) == expected and int(dataset.cardinality()) == len(expected)


@pytest.mark.parametrize("drop_remainder, expected", [
    (True, [[0, 2, 4], [2, 4, 6], [4, 6, 8]]),
    (False, [[0, 2, 4], [2, 4, 6], [4, 6, 8], [6, 8], [8]]),
])
def test_windows_with_a_stride(drop_remainder, expected):
    dataset = Dataset.range(10).window(3, shift=2, stride=2, drop_remainder=drop_remainder)
    assert windows(dataset) == expected and int(dataset.cardinality()) == len(expected)


def test_window_of_tuples_is_a_tuple_of_datasets():
    features = np.arange(1.0, 11.0, dtype=np.float32).reshape(5, 2)
    labels = np.array([1, 2, 3, 4, 5], np.int32)
    dataset = Dataset.from_tensor_slices((labels, features)).window(2, 1, drop_remainder=True)
    assert dataset.element_spec == (DatasetSpec(tf.TensorSpec((), tf.int32)),
                                    DatasetSpec(tf.TensorSpec((2,), tf.float32)))
    assert repr(dataset.element_spec[0]) == \
        "DatasetSpec(TensorSpec(shape=(), dtype=tf.int32, name=None), TensorShape([]))"
    assert int(dataset.cardinality()) == 4
    pairs = dataset.flat_map(lambda x, y: Dataset.zip((x.batch(2), y.batch(2))))
    got = [(x.tolist(), y.tolist()) for x, y in pairs.as_numpy_iterator()]
    assert got[1] == ([2, 3], [[3.0, 4.0], [5.0, 6.0]]) and len(got) == 4
    assert pairs.element_spec == (tf.TensorSpec((None,), tf.int32), tf.TensorSpec((None, 2), tf.float32))


def test_window_cardinality_and_errors():
    assert int(Dataset.range(3).repeat().window(2).cardinality()) == -1
    short = Dataset.range(3).window(5, drop_remainder=True)
    assert windows(short) == [] and int(short.cardinality()) == 0
    assert int(Dataset.range(9).filter(lambda x: x > 2).window(2).cardinality()) == -2
    with pytest.raises(ValueError, match="size"):
        Dataset.range(3).window(0)
    with pytest.raises(ValueError, match="shift"):
        Dataset.range(3).window(2, shift=0)
    with pytest.raises(TypeError, match="as_numpy_iterator"):
        list(Dataset.range(3).window(2).as_numpy_iterator())
