"""CsvDataset and make_csv_dataset: columns, types, defaults and structure as TensorFlow 2.21 gave
them on the same files (run by hand; TensorFlow is not installed where the tests run)."""
import collections
import gzip

import numpy as np
import pytest

import glassnet as tf


@pytest.fixture
def iris_file(tmp_path):
    path = tmp_path / "iris.csv"
    lines = ["120,4,setosa,versicolor,virginica"] + [f"6.{i},2.9,4.5,1.5,{i % 3}" for i in range(7)]
    path.write_text("\n".join(lines) + "\n")
    return str(path)


@pytest.fixture
def mixed_file(tmp_path):
    path = tmp_path / "mixed.csv"
    path.write_text("x,name,n\n1.5,ab,3\n2.5,cd,4\n,ef,\n")
    return str(path)


def test_csv_dataset_reads_gzip_rows_as_tuples_of_scalars(tmp_path):
    path = tmp_path / "rows.csv.gz"
    with gzip.open(path, "wt") as file:
        file.writelines(f"{i},{i * 0.5},{i * 2.0}\n" for i in range(5))
    ds = tf.data.experimental.CsvDataset(str(path), [float(), ] * 3, compression_type="GZIP")
    # TF 2.21: three float32 scalars, cardinality UNKNOWN, (0, 0, 0) and (1, 0.5, 2) first
    assert [(s.shape, s.dtype) for s in ds.element_spec] == [((), np.float32)] * 3
    assert int(ds.cardinality()) == tf.data.UNKNOWN_CARDINALITY
    assert [tuple(float(v) for v in row) for row in ds.take(2).as_numpy_iterator()] == [(0, 0, 0), (1, 0.5, 2)]


def test_csv_dataset_defaults_fill_empty_fields_and_a_dtype_makes_a_field_required(mixed_file):
    ds = tf.data.experimental.CsvDataset(mixed_file, [0.0, "", 7], header=True)
    rows = list(ds.as_numpy_iterator())
    assert [(float(x), name, int(n)) for x, name, n in rows] == [(1.5, b"ab", 3), (2.5, b"cd", 4), (0.0, b"ef", 7)]
    assert [s.dtype for s in ds.element_spec][::2] == [np.float32, np.int32]
    required = tf.data.experimental.CsvDataset(mixed_file, [tf.float32, "", 0], header=True)
    with pytest.raises(ValueError, match="line 4: a field is required but missing"):
        list(required.as_numpy_iterator())
    picked = tf.data.experimental.CsvDataset(mixed_file, [0], header=True, select_cols=[2])
    assert [int(n) for (n,) in picked.as_numpy_iterator()] == [3, 4, 0]


def test_make_csv_dataset_gives_ordered_features_and_the_label_as_tensorflow(iris_file):
    names = ["a", "b", "c", "d", "species"]
    ds = tf.data.experimental.make_csv_dataset(iris_file, 4, column_names=names, label_name="species", num_epochs=1)
    features_spec, label_spec = ds.element_spec
    # TF 2.21: OrderedDict of float32 (None,) columns, an int32 (None,) label, UNKNOWN cardinality
    assert isinstance(features_spec, collections.OrderedDict) and list(features_spec) == names[:4]
    assert all(s.shape == (None,) and s.dtype == np.float32 for s in features_spec.values())
    assert (label_spec.shape, label_spec.dtype) == ((None,), np.int32)
    assert int(ds.cardinality()) == tf.data.UNKNOWN_CARDINALITY
    batches = list(ds.as_numpy_iterator())
    assert [len(label) for _, label in batches] == [4, 3]  # the 7 rows after the header line, once
    column = np.sort(np.concatenate([f["a"] for f, _ in batches]))
    np.testing.assert_allclose(column, [6.0, 6.1, 6.2, 6.3, 6.4, 6.5, 6.6], rtol=1e-6)
    forever = tf.data.experimental.make_csv_dataset(iris_file, 4, column_names=names, label_name="species")
    assert int(forever.cardinality()) == tf.data.INFINITE_CARDINALITY  # num_epochs=None repeats, as TF


def test_make_csv_dataset_names_columns_from_the_header_and_infers_types(iris_file, mixed_file):
    ds = tf.data.experimental.make_csv_dataset(iris_file, 4, num_epochs=1, shuffle=False)
    # TF 2.21: the header line names the columns; the last (0, 1, 2) is int32
    assert list(ds.element_spec) == ["120", "4", "setosa", "versicolor", "virginica"]
    assert ds.element_spec["virginica"].dtype == np.int32 and ds.element_spec["120"].dtype == np.float32
    mixed = tf.data.experimental.make_csv_dataset(mixed_file, 2, num_epochs=1, shuffle=False)
    assert [s.dtype.kind for s in mixed.element_spec.values()] == ["f", "S", "i"]
    batches = list(mixed.as_numpy_iterator())
    assert batches[0]["name"].tolist() == [b"ab", b"cd"] and batches[1]["n"].tolist() == [0]  # TF 2.21's values
    with pytest.raises(ValueError, match="`label_name` 'label' is not a column"):
        tf.data.experimental.make_csv_dataset(mixed_file, 2, label_name="label")
    with pytest.raises(ValueError, match="No files match"):
        tf.data.experimental.make_csv_dataset(mixed_file + ".missing", 2)


def test_batches_of_csv_rows_are_the_rows_stacked(tmp_path, mixed_file):
    path = tmp_path / "values.csv.gz"
    values = np.random.default_rng(0).normal(size=(70, 5))
    with gzip.open(path, "wt") as file:
        file.writelines(",".join(f"{v:.18e}" for v in row) + "\n" for row in values)
    ds = tf.data.experimental.CsvDataset(str(path), [float()] * 5, compression_type="GZIP")
    rows = np.array([np.stack(row) for row in ds.as_numpy_iterator()])
    batches = [np.stack(batch, axis=1) for batch in ds.batch(32).as_numpy_iterator()]
    assert [len(b) for b in batches] == [32, 32, 6] and np.array_equal(np.concatenate(batches), rows)
    assert rows.dtype == np.float32 and np.allclose(rows, values, rtol=1e-6)
    assert [len(b[0]) for b in ds.batch(32, drop_remainder=True).as_numpy_iterator()] == [32, 32]
    required = tf.data.experimental.CsvDataset(mixed_file, [tf.float32, "", 0], header=True)
    with pytest.raises(ValueError, match="line 4: a field is required but missing"):
        list(required.batch(10).as_numpy_iterator())
