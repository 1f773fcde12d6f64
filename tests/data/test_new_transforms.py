"""flat_map, interleave, take_while, scan, unique, rebatch, ignore_errors, get_single_element.

Expected orders, cardinalities and specs were taken from TensorFlow 2.21 by hand (same pipelines).
"""
import numpy as np
import pytest

import glassnet as tf
from glassnet.data import Dataset


def values(dataset):
    return [v.tolist() if isinstance(v, np.ndarray) else v.item() if hasattr(v, "item") else v
            for v in dataset.as_numpy_iterator()]


def test_flat_map_reads_each_made_dataset_in_turn():
    dataset = Dataset.range(3).flat_map(lambda x: Dataset.range(x))
    assert values(dataset) == [0, 0, 1] and int(dataset.cardinality()) == -2
    assert dataset.element_spec == tf.TensorSpec((), np.int64)
    pairs = Dataset.from_tensor_slices((np.arange(2), np.array([5.0, 6.0], np.float32))).flat_map(
        lambda x, y: Dataset.from_tensors((x, y)).repeat(2))
    assert values(pairs) == [(0, 5.0), (0, 5.0), (1, 6.0), (1, 6.0)]
    assert int(Dataset.range(3).repeat().flat_map(lambda x: Dataset.range(2)).cardinality()) == -2
    with pytest.raises(TypeError, match="must return a Dataset"):
        values(Dataset.range(3).flat_map(lambda x: x))


@pytest.mark.parametrize("cycle_length, block_length, make, expected", [
    (2, 2, lambda x: Dataset.from_tensors(x).repeat(x * 2), [1, 1, 2, 2, 2, 2, 3, 3, 3, 3, 3, 3]),
    (3, 1, lambda x: Dataset.range(x * 10, x * 10 + x), [10, 20, 30, 21, 31, 32]),
    (2, 1, lambda x: Dataset.range(x * 10, x * 10 + 3), [10, 20, 11, 21, 12, 22, 30, 31, 32]),
])
def test_interleave_order_is_tensorflows(cycle_length, block_length, make, expected):
    dataset = Dataset.range(1, 4).interleave(make, cycle_length=cycle_length, block_length=block_length)
    assert values(dataset) == expected and int(dataset.cardinality()) == -2


def test_interleave_refills_a_place_at_its_next_turn():
    dataset = Dataset.range(1, 6).interleave(lambda x: Dataset.from_tensors(x).repeat(6), cycle_length=2,
                                             block_length=4, num_parallel_calls=tf.data.AUTOTUNE, deterministic=True)
    assert values(dataset) == [1] * 4 + [2] * 4 + [1] * 2 + [2] * 2 + [3] * 4 + [4] * 4 + [3] * 2 + [4] * 2 + [5] * 6


def test_interleave_errors():
    with pytest.raises(ValueError, match="cycle_length"):
        Dataset.range(3).interleave(lambda x: Dataset.range(x), cycle_length=0)
    with pytest.raises(ValueError, match="block_length"):
        Dataset.range(3).interleave(lambda x: Dataset.range(x), block_length=0)
    with pytest.raises(TypeError, match="map_func"):
        Dataset.range(3).interleave(3)


def test_take_while_stops_at_the_first_false():
    dataset = Dataset.range(10).take_while(lambda x: x < 4)
    assert values(dataset) == [0, 1, 2, 3] and int(dataset.cardinality()) == -2
    assert values(Dataset.from_tensor_slices(np.array([1, 5, 2])).take_while(lambda x: x < 3)) == [1]
    with pytest.raises(ValueError, match="`tf.bool` scalar"):
        values(Dataset.range(3).take_while(lambda x: x))


def test_scan_carries_the_state():
    dataset = Dataset.range(5).scan(np.int64(0), lambda state, x: (state + x, state * 10))
    assert values(dataset) == [0, 0, 10, 30, 60] and int(dataset.cardinality()) == 5
    assert dataset.element_spec == tf.TensorSpec((), np.int64)
    nested = Dataset.range(5).scan((np.int64(0), np.float32(1.0)),
                                   lambda s, x: ((s[0] + x, s[1] * 2), (s[0], s[1])))
    assert values(nested) == [(0, 1.0), (0, 2.0), (1, 4.0), (3, 8.0), (6, 16.0)]
    assert nested.element_spec == (tf.TensorSpec((), np.int64), tf.TensorSpec((), tf.float32))
    assert int(Dataset.range(3).repeat().scan(0, lambda s, x: (s, x)).cardinality()) == -1


def test_scan_errors():
    with pytest.raises(TypeError, match="must match the initial state"):
        values(Dataset.range(3).scan(0, lambda s, x: (tf.cast(s, tf.float32) + 1.5, x)))
    with pytest.raises(TypeError, match="pair"):
        values(Dataset.range(3).scan(0, lambda s, x: s))
    with pytest.raises(TypeError, match="scan_func"):
        Dataset.range(3).scan(0, None)


def test_unique_keeps_first_occurrences():
    dataset = Dataset.from_tensor_slices([1, 2, 1, 3, 2, 1]).unique()
    assert values(dataset) == [1, 2, 3] and int(dataset.cardinality()) == -2
    assert dataset.element_spec == tf.TensorSpec((), tf.int32)
    assert values(Dataset.from_tensor_slices(["a", "b", "a"]).unique()) == [b"a", b"b"]
    assert int(Dataset.range(3).repeat().unique().cardinality()) == -2
    with pytest.raises(TypeError, match="does not support type"):
        Dataset.from_tensor_slices([1.0, 2.0]).unique()
    with pytest.raises(TypeError, match="does not support type"):
        Dataset.from_tensor_slices(([1], [2])).unique()


def test_rebatch_carries_rows_across_batches():
    dataset = Dataset.range(10).batch(4).rebatch(3)
    assert values(dataset) == [[0, 1, 2], [3, 4, 5], [6, 7, 8], [9]]
    assert int(dataset.cardinality()) == -2 and dataset.element_spec == tf.TensorSpec((None,), np.int64)
    dropped = Dataset.range(10).batch(4).rebatch(3, drop_remainder=True)
    assert values(dropped) == [[0, 1, 2], [3, 4, 5], [6, 7, 8]]
    assert dropped.element_spec == tf.TensorSpec((3,), np.int64)
    with pytest.raises(NotImplementedError, match="list of sizes"):
        Dataset.range(10).batch(4).rebatch([1, 2])


def test_ignore_errors_keeps_elements_with_unknown_cardinality():
    dataset = Dataset.range(4).ignore_errors(log_warning=True)
    assert values(dataset) == [0, 1, 2, 3] and int(dataset.cardinality()) == -2


def test_get_single_element():
    x, y = Dataset.from_tensors((1, 2)).get_single_element()
    assert (int(x), int(y)) == (1, 2) and x.dtype == tf.int32
    assert int(tf.data.experimental.get_single_element(Dataset.range(5, 6))) == 5
    with pytest.raises(ValueError, match="more than one element"):
        Dataset.from_tensor_slices([1, 2]).get_single_element()
    with pytest.raises(ValueError, match="empty"):
        Dataset.range(0).get_single_element()


def test_a_name_glassnet_lacks_names_the_public_class_and_the_docs():
    dataset = Dataset.from_tensors(1)
    with pytest.raises(AttributeError, match=r"glassnet's Dataset does not offer 'snapshot'.*docs/data.md"):
        dataset.snapshot()
    assert not hasattr(dataset, "rejection_resample") and getattr(dataset, "save", None) is None
    with pytest.raises(AttributeError, match="_private"):
        getattr(dataset, "_private")  # noqa: B009


def test_counter_is_endless():
    dataset = Dataset.counter(5, 2)
    assert values(dataset.take(3)) == [5, 7, 9] and int(dataset.cardinality()) == -1
    assert dataset.element_spec == tf.TensorSpec((), np.int64)
    assert Dataset.counter(dtype=tf.int32).element_spec == tf.TensorSpec((), tf.int32)
    with pytest.raises(ValueError, match="step"):
        Dataset.counter(step=0.5)


def test_experimental_transformations_for_apply():
    experimental = tf.data.experimental
    dataset = Dataset.from_tensor_slices(np.array([3, 1, 3, 2, 7], np.int64))
    assert values(dataset.apply(experimental.unique())) == [3, 1, 2, 7]
    assert values(dataset.apply(experimental.take_while(lambda x: x < 7))) == [3, 1, 3, 2]
    assert values(dataset.apply(experimental.scan(np.int64(0), lambda s, x: (s + x, s + x)))) == [3, 4, 7, 9, 16]
    assert values(dataset.apply(experimental.ignore_errors())) == [3, 1, 3, 2, 7]
