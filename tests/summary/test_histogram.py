import numpy as np
import pytest

from glassnet.summary.histogram import buckets


def test_counts_sum_to_size_and_match_numpy_histogram():
    data = np.random.default_rng(1).normal(size=(40, 25)).astype("float32")
    table = buckets(data)
    assert table.shape == (30, 3) and table.dtype == np.float64
    assert table[:, 2].sum() == data.size
    counts, edges = np.histogram(data.astype("float64"), bins=30)
    np.testing.assert_array_equal(table[:, 2], counts)
    np.testing.assert_allclose(table[:, 0], edges[:-1], rtol=0, atol=1e-12)
    np.testing.assert_array_equal(table[1:, 0], table[:-1, 1])  # contiguous buckets
    assert (table[0, 0], table[-1, 1]) == (data.min(), data.max())


def test_hand_worked_buckets():
    # range 0..4 in 4 buckets of width 1: 0 -> [0,1); 1, 1 -> [1,2); 4 (the maximum) -> last bucket
    np.testing.assert_array_equal(buckets([4.0, 1.0, 0.0, 1.0], 4)[:, 2], [1, 2, 0, 1])


def test_edge_cases_as_tensorflow():
    single = buckets(np.full(6, 0.25), 5)
    np.testing.assert_array_equal(single, [[0.25, 0.25, 0]] * 4 + [[0.25, 0.25, 6]])
    np.testing.assert_array_equal(buckets([], 4), np.zeros((4, 3)))
    assert buckets([1.0, 2.0], 0).shape == (0, 3)


def test_nan_values_are_counted_nowhere_without_error():
    with np.errstate(all="raise"):
        table = buckets([1.0, np.nan, 2.0], 3)
    assert table[:, 2].sum() == 0  # min/max are NaN: as TensorFlow, no value lands in a bucket


def test_same_as_tensorboards_numpy_histogram():
    summary_v2 = pytest.importorskip("tensorboard.plugins.histogram.summary_v2")
    from tensorboard.util import tensor_util

    rng = np.random.default_rng(2)
    for data, count in [(rng.uniform(-5, 3, 777), 30), (rng.integers(0, 9, 50), 8), (rng.normal(size=(3, 4)), 1)]:
        reference = tensor_util.make_ndarray(summary_v2.histogram_pb("t", data, count).value[0].tensor)
        np.testing.assert_array_equal(buckets(data, count), reference)
