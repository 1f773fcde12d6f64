"""glassnet.data.Dataset: order, structure, cardinality and errors of each op.

Expected specs, cardinalities and messages were taken from TensorFlow 2.21 (tf.data), run by
hand: TensorFlow is not installed where the tests run.
"""
import collections

import numpy as np
import pytest

import glassnet as tf
from glassnet.data import Dataset

X = np.arange(12, dtype=np.float64).reshape(6, 2)
Y = np.arange(6)


def values(dataset):
    return [plain(element) for element in dataset.as_numpy_iterator()]


def plain(element):
    """An element as Python lists and numbers, its tuples and dicts kept."""
    if isinstance(element, dict):
        return {key: plain(value) for key, value in element.items()}
    if isinstance(element, tuple):
        return tuple(plain(value) for value in element)
    return np.asarray(element).tolist()


# --- sources ------------------------------------------------------------------------------
def test_from_tensor_slices_keeps_numpy_dtypes_and_converts_python_numbers_as_tensorflow():
    # TF 2.21: float64 arrays stay float64; Python floats -> float32, ints -> int32; int64 stays.
    assert repr(Dataset.from_tensor_slices(X).element_spec) == "TensorSpec(shape=(2,), dtype=tf.float64, name=None)"
    assert Dataset.from_tensor_slices([1.0, 2.0]).element_spec.dtype == np.float32
    assert Dataset.from_tensor_slices([1, 2]).element_spec.dtype == np.int32
    assert Dataset.from_tensor_slices(Y).element_spec.dtype == np.int64


def test_a_list_is_one_tensor_and_a_tuple_is_structure():
    # TF 2.21: from_tensor_slices([x, x]) slices one (2, 6, 2) tensor into two (6, 2) elements.
    assert Dataset.from_tensor_slices([X, X]).element_spec.shape == (6, 2)
    spec = Dataset.from_tensor_slices((X, Y)).element_spec
    assert isinstance(spec, tuple) and [s.shape for s in spec] == [(2,), ()]
    pairs = Dataset.from_tensor_slices([(1, 2), (3, 4)])  # TF 2.21: one (2, 2) int32 tensor, rows of shape (2,)
    assert (pairs.element_spec.shape, pairs.element_spec.dtype) == ((2,), np.int32)
    with pytest.raises(ValueError, match="A list of dicts cannot be one tensor"):  # ValueError in TF 2.21 too
        Dataset.from_tensor_slices([{"a": 1}, {"a": 2}])
    first = next(iter(Dataset.from_tensor_slices(([1, 2], [3, 4]))))
    assert isinstance(first, tuple) and [int(t) for t in first] == [1, 3]


def test_dicts_and_nesting_keep_their_structure():
    ds = Dataset.from_tensor_slices({"a": X, "b": (Y, Y)})
    element = next(iter(ds))
    assert set(element) == {"a", "b"} and isinstance(element["b"], tuple)
    assert isinstance(element["a"], tf.Tensor) and element["a"].numpy().tolist() == [0.0, 1.0]
    assert values(Dataset.from_tensor_slices({"a": [1, 2]})) == [{"a": 1}, {"a": 2}]


def test_a_dataframe_is_one_array_and_a_dict_of_it_a_dict_of_columns():
    pandas = pytest.importorskip("pandas")
    frame = pandas.DataFrame({"x": [1.5, 2.5], "n": [1, 2]})
    # TF 2.21: from_tensor_slices(frame) slices np.asarray(frame), float64 rows of both columns;
    # dict(frame) gives a dict of columns, float64 and int64
    ds = Dataset.from_tensor_slices(frame)
    assert (ds.element_spec.shape, ds.element_spec.dtype) == ((2,), np.float64)
    assert values(ds) == [[1.5, 1.0], [2.5, 2.0]]
    columns = Dataset.from_tensor_slices(dict(frame))
    assert list(columns.element_spec) == ["x", "n"]
    assert [s.dtype for s in columns.element_spec.values()] == [np.float64, np.int64]
    assert values(columns) == [{"x": 1.5, "n": 1}, {"x": 2.5, "n": 2}]
    assert values(Dataset.from_tensor_slices(frame["x"])) == [1.5, 2.5]


def test_from_tensor_slices_refuses_scalars_and_arrays_of_different_lengths():
    with pytest.raises(ValueError, match="lengths \\[5, 6\\]"):
        Dataset.from_tensor_slices((X, Y[:5]))
    with pytest.raises(ValueError, match="rank >= 1"):  # TF: "Unbatching a tensor is only supported for rank >= 1"
        Dataset.from_tensor_slices(np.float32(3))


def test_from_tensors_is_one_element():
    ds = Dataset.from_tensors((X, Y))
    assert len(ds) == 1 and [s.shape for s in ds.element_spec] == [(6, 2), (6,)]


def test_range_follows_python_and_tensorflow():
    assert values(Dataset.range(5)) == [0, 1, 2, 3, 4]
    assert values(Dataset.range(2, 10, 3)) == [2, 5, 8]
    assert values(Dataset.range(5, 1, -2)) == [5, 3]
    assert Dataset.range(3).element_spec.dtype == np.int64
    assert Dataset.range(3, output_type=tf.int32).element_spec.dtype == np.int32


def test_from_generator_checks_against_the_signature_and_is_called_per_pass():
    calls = []

    def rows(stop):
        calls.append(stop)
        for i in range(int(stop)):
            yield np.full(2, i), i
    signature = (tf.TensorSpec((2,), tf.float32), tf.TensorSpec((), tf.int64))
    ds = Dataset.from_generator(rows, output_signature=signature, args=(3,))
    assert int(ds.cardinality()) == tf.data.UNKNOWN_CARDINALITY
    assert values(ds.batch(2)) == [([[0.0, 0.0], [1.0, 1.0]], [0, 1]), ([[2.0, 2.0]], [2])]
    assert len(values(ds)) == 3 and calls == [3, 3]
    assert ds.element_spec == signature
    old = Dataset.from_generator(lambda: iter([[1, 2]]), output_types=tf.int32, output_shapes=[None])
    assert old.element_spec.shape == (None,) and values(old) == [[1, 2]]
    bad = Dataset.from_generator(lambda: iter([np.zeros(3)]), output_signature=tf.TensorSpec((2,), tf.float32))
    with pytest.raises(ValueError, match="shape \\(3,\\)"):
        values(bad)
    with pytest.raises(TypeError, match="did not match the expected structure"):
        values(Dataset.from_generator(lambda: iter([1]), output_signature=signature))


def test_zip_stops_with_the_shortest():
    ds = Dataset.zip((Dataset.range(10), Dataset.range(3)))
    assert len(ds) == 3 and values(ds) == [(0, 0), (1, 1), (2, 2)]
    assert Dataset.zip(Dataset.range(2), Dataset.range(2)).cardinality() == 2
    assert values(Dataset.zip(Dataset.range(2))) == [0, 1]  # one dataset: its elements, as TF 2.21
    nested = Dataset.zip((Dataset.range(2), (Dataset.range(2), Dataset.range(3))))
    assert values(nested) == [(0, (0, 0)), (1, (1, 1))]
    named = Dataset.zip({"a": Dataset.range(2), "b": Dataset.range(2)})
    assert values(named) == [{"a": 0, "b": 0}, {"a": 1, "b": 1}]


# --- cardinality after each op: TF 2.21's values for Dataset.range(10) ------------------------
TF_CARDINALITY = {
    "batch(3)": 4, "batch(3, drop_remainder=True)": 3, "repeat()": -1, "repeat(2)": 20, "repeat(0)": 0,
    "take(3)": 3, "take(-1)": 10, "take(0)": 0, "skip(3)": 7, "skip(20)": 0, "filter(lambda v: v > 3)": -2,
    "map(lambda v: v)": 10, "shuffle(3)": 10, "batch(3).unbatch()": -2, "cache()": 10, "concatenate(ds)": 20,
    "repeat().take(5)": 5, "repeat().skip(5)": -1, "repeat().batch(5)": -1, "shard(3, 1)": 3, "enumerate()": 10,
    "prefetch(2)": 10, "repeat().filter(lambda v: v > 3)": -2, "filter(lambda v: v > 3).repeat()": -1,
    "filter(lambda v: v > 3).repeat(2)": -2, "filter(lambda v: v > 3).take(3)": -2,
    "filter(lambda v: v > 3).skip(3)": -2, "filter(lambda v: v > 3).shard(2, 0)": -2, "repeat().shard(2, 0)": -1,
    "batch(2).repeat().unbatch()": -1, "filter(lambda v: v > 3).batch(2)": -2, "repeat().take(-1)": -1,
    "repeat().skip(-1)": -1,
}


@pytest.mark.parametrize("ops", sorted(TF_CARDINALITY))
def test_cardinality_matches_tensorflow(ops):
    dataset = eval("ds." + ops, {"ds": Dataset.range(10)})
    assert int(dataset.cardinality()) == TF_CARDINALITY[ops]


def test_zip_with_a_shorter_dataset_and_len_errors():
    ds = Dataset.range(10)
    assert int(Dataset.zip((ds, ds.take(3))).cardinality()) == 3
    assert int(Dataset.zip((ds.repeat(), ds.repeat())).cardinality()) == -1
    assert len(ds.batch(3)) == 4
    with pytest.raises(TypeError, match="The dataset is infinite."):
        len(ds.repeat())
    with pytest.raises(TypeError, match="The dataset length is unknown."):
        len(ds.filter(lambda v: v > 3))
    assert (tf.data.INFINITE_CARDINALITY, tf.data.UNKNOWN_CARDINALITY, tf.data.AUTOTUNE) == (-1, -2, -1)
    assert (tf.data.experimental.INFINITE_CARDINALITY, tf.data.experimental.UNKNOWN_CARDINALITY,
            tf.data.experimental.AUTOTUNE) == (-1, -2, -1)
    assert ds.repeat().cardinality() == tf.data.INFINITE_CARDINALITY


# --- batching -------------------------------------------------------------------------------
def test_batch_keeps_order_and_structure_and_specs_as_tensorflow():
    ds = Dataset.from_tensor_slices((X, Y))
    assert values(ds.batch(4)) == [(X[:4].tolist(), [0, 1, 2, 3]), (X[4:].tolist(), [4, 5])]
    assert values(ds.batch(4, drop_remainder=True)) == [(X[:4].tolist(), [0, 1, 2, 3])]
    # TF 2.21: (None, 2) and (None,) without drop_remainder; (4, 2) and (4,) with it
    assert [s.shape for s in ds.batch(4).element_spec] == [(None, 2), (None,)]
    assert [s.shape for s in ds.batch(4, drop_remainder=True).element_spec] == [(4, 2), (4,)]
    assert values(Dataset.range(7).map(lambda v: v * 2).batch(3)) == [[0, 2, 4], [6, 8, 10], [12]]


def test_batches_of_rows_are_the_same_through_slices_gathers_and_stacking():
    shuffled = Dataset.from_tensor_slices((X, Y)).shuffle(4, seed=3)
    by_rows = values(shuffled.batch(4))
    stacked = values(Dataset.from_tensor_slices((X, Y)).shuffle(4, seed=3).map(lambda x, y: (x, y)).batch(4))
    assert [b[1] for b in by_rows] != [[0, 1, 2, 3], [4, 5]]
    assert sorted(sum((b[1] for b in by_rows), [])) == list(range(6))
    assert [b[0] for b in by_rows] == [[X[i].tolist() for i in b[1]] for b in by_rows]
    assert len(stacked) == 2


def test_batch_errors_and_unbatch():
    with pytest.raises(ValueError, match="batch_size"):  # TF: "Batch size must be greater than zero."
        Dataset.range(3).batch(0)
    ragged = Dataset.range(4).map(lambda v: tf.range(v))
    with pytest.raises(ValueError, match="different shapes"):
        values(ragged.batch(2))
    assert values(ragged.padded_batch(2)) == [[[0], [0]], [[0, 1, 0], [0, 1, 2]]]  # TF 2.21's values
    assert values(Dataset.range(7).batch(3).unbatch()) == list(range(7))
    with pytest.raises(ValueError, match="Cannot unbatch an input with scalar components"):
        Dataset.range(3).unbatch()


# --- map, filter, reduce, enumerate ---------------------------------------------------------------
def test_map_unpacks_tuples_passes_tensors_and_reads_lists_as_tuples():
    seen = []

    def first(a, b):
        seen.append((type(a), type(b)))
        return a
    ds = Dataset.from_tensor_slices((X, Y))
    assert ds.map(first).element_spec.shape == (2,)
    assert seen[0] == (tf.Tensor, tf.Tensor)
    assert Dataset.from_tensor_slices({"a": X}).map(lambda d: d["a"]).element_spec.shape == (2,)
    pair = Dataset.from_tensor_slices(X).map(lambda a: [a, a], num_parallel_calls=tf.data.AUTOTUNE)
    assert isinstance(pair.element_spec, tuple) and len(pair.element_spec) == 2
    assert Dataset.from_tensor_slices(X).map(lambda a: 1.0).element_spec.dtype == np.float32  # TF: float32
    assert ds.batch(4).map(lambda a, b: a).element_spec.shape == (None, 2)


def test_filter_needs_a_boolean_scalar():
    assert values(Dataset.range(6).filter(lambda v: v % 2 == 0)) == [0, 2, 4]
    with pytest.raises(ValueError, match="must return a `tf.bool` scalar tensor"):
        values(Dataset.range(3).filter(lambda v: v))


def test_reduce_and_enumerate():
    assert int(Dataset.range(5).reduce(np.int64(0), lambda s, v: s + v)) == 10
    assert values(Dataset.from_tensor_slices(X).enumerate(start=2).take(1)) == [(2, [0.0, 1.0])]  # TF 2.21


# --- picking and joining -----------------------------------------------------------------------
def test_repeat_take_skip_shard_concatenate_in_order():
    rows = Dataset.from_tensor_slices(np.arange(10))
    for ds in (Dataset.range(10), rows):  # elements, and rows of an array
        assert values(ds.repeat(2).take(12))[-2:] == [0, 1]
        assert values(ds.repeat().skip(3).take(12).batch(5)) == [[3, 4, 5, 6, 7], [8, 9, 0, 1, 2], [3, 4]]
        assert values(ds.shard(3, 1)) == [1, 4, 7]
        assert values(ds.skip(8).concatenate(ds.take(2))) == [8, 9, 0, 1]
        assert values(ds.take(-1)) == list(range(10)) and values(ds.skip(-1)) == []
    assert values(Dataset.range(0).repeat()) == []


def test_argument_and_structure_errors_name_what_was_received():
    with pytest.raises(ValueError, match="index"):  # TF: "Index must be between 0 and 2"
        Dataset.range(10).shard(3, 3)
    with pytest.raises(TypeError, match="Incompatible dataset elements"):
        Dataset.range(3).concatenate(Dataset.from_tensor_slices(X))
    # TF 2.21: shapes that differ join to None; (None, 3) and (None, 5) give (None, None)
    wide = Dataset.from_tensor_slices(np.ones((4, 3))).batch(2).concatenate(
        Dataset.from_tensor_slices(np.ones((4, 5))).batch(2))
    assert wide.element_spec.shape == (None, None)
    assert Dataset.range(3).concatenate(Dataset.range(2).batch(2)).element_spec.shape is None
    with pytest.raises(TypeError, match="Incompatible dataset elements"):  # int64 vs int32, as TF
        Dataset.range(3).concatenate(Dataset.from_tensor_slices([1, 2]))
    with pytest.raises(ValueError, match="buffer_size"):
        Dataset.range(3).shuffle(0)
    with pytest.raises(ValueError, match="count"):
        Dataset.range(3).take(-2)


def test_cache_replays_the_first_complete_pass():
    calls = []
    ds = Dataset.range(4).map(lambda v: calls.append(1) or v).cache()
    assert values(ds) == values(ds) == [0, 1, 2, 3]
    assert len(calls) == 4
    shuffled = Dataset.from_tensor_slices(np.arange(20)).shuffle(20).cache()
    assert values(shuffled) == values(shuffled)
    with pytest.warns(UserWarning, match="in memory only"):
        Dataset.range(3).cache("/tmp/somewhere")


def test_iteration_gives_tensors_and_as_numpy_iterator_numpy_values():
    element = next(iter(Dataset.from_tensor_slices((X, Y))))
    assert isinstance(element, tuple) and all(isinstance(t, tf.Tensor) for t in element)
    first = next(Dataset.from_tensor_slices((X, Y)).as_numpy_iterator())
    assert isinstance(first[1], np.int64) and isinstance(first[0], np.ndarray)
    iterator = iter(Dataset.range(2))
    assert int(iterator.get_next()) == 0 and int(next(iterator)) == 1
    with pytest.raises(StopIteration):
        next(iterator)
    assert isinstance(Dataset.from_tensor_slices(collections.OrderedDict(a=[1])).element_spec,
                      collections.OrderedDict)


def test_tensor_spec_has_tensorflows_fields():
    spec = tf.TensorSpec((None, 3), tf.float32, name="a")
    assert (spec.shape, spec.dtype, spec.name) == ((None, 3), np.float32, "a")
    assert repr(tf.TensorSpec([2])) == "TensorSpec(shape=(2,), dtype=tf.float32, name=None)"  # TF 2.21
    assert spec.is_compatible_with(np.zeros((5, 3), np.float32)) and not spec.is_compatible_with(np.zeros((5, 2)))
