"""group_by_window and bucket_by_sequence_length; orders, shapes, cardinality and specs taken from TensorFlow 2.21
by hand (the same pipelines)."""
import numpy as np
import pytest

import glassnet as tf
from glassnet.data import Dataset

NUMBERS = np.array([5, 1, 7, 2, 9, 4, 3, 8, 6, 10, 11], np.int64)


def batches(dataset):
    return [x.tolist() for x in dataset.as_numpy_iterator()]


def test_full_groups_come_out_at_once_and_the_rest_in_key_order():
    grouped = Dataset.from_tensor_slices(NUMBERS).group_by_window(
        key_func=lambda x: x % 3, reduce_func=lambda key, window: window.batch(2), window_size=2)
    assert batches(grouped) == [[1, 7], [5, 2], [9, 3], [4, 10], [8, 11], [6]]
    assert int(grouped.cardinality()) == -2 and grouped.element_spec == tf.TensorSpec((None,), np.int64)
    by_key = Dataset.from_tensor_slices(NUMBERS).group_by_window(
        key_func=lambda x: (x * 7) % 5, reduce_func=lambda key, window: window.batch(3), window_size=3)
    assert batches(by_key) == [[1, 6, 11], [5, 10], [3, 8], [9, 4], [7, 2]]


def test_window_size_func_and_the_key_given_to_reduce():
    grouped = Dataset.from_tensor_slices(NUMBERS).group_by_window(
        key_func=lambda x: x % 2, reduce_func=lambda key, window: window.batch(9).map(lambda b: b * 0 + key),
        window_size_func=lambda key: key + 2)
    assert batches(grouped) == [[1, 1, 1], [0, 0], [0, 0], [1, 1, 1], [0]]


def test_group_by_window_errors():
    dataset = Dataset.from_tensor_slices(NUMBERS)
    with pytest.raises(ValueError, match="exactly one of `window_size` and `window_size_func`"):
        dataset.group_by_window(lambda x: x, lambda k, w: w)
    with pytest.raises(ValueError, match="window_size"):
        dataset.group_by_window(lambda x: x, lambda k, w: w, window_size=0)
    with pytest.raises(ValueError, match="tf.int64 scalar"):
        batches(dataset.group_by_window(lambda x: tf.cast(x, tf.int32), lambda k, w: w, window_size=2))


def sequences():
    return Dataset.from_generator(lambda: iter([[1] * n for n in [3, 1, 5, 2, 7, 4, 6, 2, 1, 8]]),
                                  output_signature=tf.TensorSpec([None], tf.int32))


def test_bucket_by_sequence_length_pads_each_batch():
    dataset = sequences().bucket_by_sequence_length(
        element_length_func=lambda x: tf.shape(x)[0], bucket_boundaries=[3, 6], bucket_batch_sizes=[2, 2, 2])
    out = batches(dataset)
    assert [np.shape(b) for b in out] == [(2, 5), (2, 2), (2, 7), (2, 2), (1, 4), (1, 8)]
    assert out[0] == [[1, 1, 1, 0, 0], [1, 1, 1, 1, 1]]
    assert int(dataset.cardinality()) == -2 and dataset.element_spec == tf.TensorSpec((None, None), tf.int32)
    dropped = sequences().bucket_by_sequence_length(lambda x: tf.shape(x)[0], [3, 6], [2, 2, 2], drop_remainder=True)
    assert [np.shape(b) for b in batches(dropped)] == [(2, 5), (2, 2), (2, 7), (2, 2)]


def test_bucket_by_sequence_length_errors():
    with pytest.raises(ValueError, match="bucket_batch_sizes"):
        sequences().bucket_by_sequence_length(lambda x: tf.shape(x)[0], [3, 6], [2, 2])
    with pytest.raises(NotImplementedError, match="pad_to_bucket_boundary"):
        sequences().bucket_by_sequence_length(lambda x: tf.shape(x)[0], [3, 6], [2, 2, 2], pad_to_bucket_boundary=True)


def test_experimental_transformations_for_apply():
    grouped = Dataset.from_tensor_slices(NUMBERS).apply(tf.data.experimental.group_by_window(
        lambda x: x % 3, lambda key, window: window.batch(2), window_size=2))
    assert batches(grouped)[:2] == [[1, 7], [5, 2]]
    bucketed = sequences().apply(tf.data.experimental.bucket_by_sequence_length(
        lambda x: tf.shape(x)[0], [3, 6], [2, 2, 2], no_padding=True, drop_remainder=True))
    with pytest.raises(ValueError, match="different shapes"):  # no padding: unequal lengths cannot be stacked
        batches(bucketed)
