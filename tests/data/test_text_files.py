"""list_files and TextLineDataset.

The expected lines, orders and cardinalities were taken from TensorFlow 2.21 by hand.
"""
import gzip
import zlib

import numpy as np
import pytest

import glassnet as tf
from glassnet.data import Dataset


def is_string_scalar(spec):
    return spec.shape == () and np.dtype(spec.dtype).kind == "S"


@pytest.fixture
def folder(tmp_path):
    (tmp_path / "f1.txt").write_bytes(b"a\r\nbb\n\nc")
    (tmp_path / "f0.txt").write_bytes(b"x\ny\n")
    (tmp_path / "g.txt.gz").write_bytes(gzip.compress(b"one\ntwo\n"))
    (tmp_path / "z.txt.z").write_bytes(zlib.compress(b"three\n"))
    return tmp_path


def test_text_lines_as_tensorflow(folder):
    dataset = tf.data.TextLineDataset([str(folder / "f1.txt"), str(folder / "f0.txt")])
    assert list(dataset.as_numpy_iterator()) == [b"a", b"bb", b"", b"c", b"x", b"y"]
    assert int(dataset.cardinality()) == -2 and is_string_scalar(dataset.element_spec)
    assert [line.numpy() for line in dataset.take(1)] == [b"a"]
    gz = tf.data.TextLineDataset(str(folder / "g.txt.gz"), compression_type="GZIP")
    assert list(gz.as_numpy_iterator()) == [b"one", b"two"]
    assert list(tf.data.TextLineDataset(folder / "z.txt.z", compression_type="ZLIB").as_numpy_iterator()) == [b"three"]


def test_text_lines_from_a_dataset_of_names_and_errors(folder):
    files = Dataset.list_files(str(folder / "f*.txt"), shuffle=False)
    assert list(tf.data.TextLineDataset(files).as_numpy_iterator()) == [b"x", b"y", b"a", b"bb", b"", b"c"]
    with pytest.raises(ValueError, match="compression_type"):
        tf.data.TextLineDataset(str(folder / "f0.txt"), compression_type="BZ2")
    with pytest.raises(TypeError, match="filenames"):
        tf.data.TextLineDataset([1, 2])


def test_list_files_sorted_then_shuffled(folder):
    names = [str(folder / name).encode() for name in ("f0.txt", "f1.txt")]
    dataset = Dataset.list_files(str(folder / "*.txt"), shuffle=False)
    assert list(dataset.as_numpy_iterator()) == names
    assert int(dataset.cardinality()) == 2 and is_string_scalar(dataset.element_spec)
    for name in "abcdefgh":
        (folder / f"{name}.txt").write_text(name)
    shuffled = Dataset.list_files(str(folder / "*.txt"), seed=3)
    order = list(shuffled.as_numpy_iterator())
    assert sorted(order) == sorted(str(p).encode() for p in folder.glob("*.txt")) and order != sorted(order)
    assert list(Dataset.list_files(str(folder / "*.txt"), seed=3).as_numpy_iterator()) == order
    assert int(shuffled.cardinality()) == 10
    both = Dataset.list_files([str(folder / "f1.txt"), str(folder / "f0.txt")], shuffle=False)
    assert list(both.as_numpy_iterator()) == names
    with pytest.raises(ValueError, match="No files matched pattern"):
        Dataset.list_files(str(folder / "*.none"))


def test_the_tf_data_guides_text_and_window_patterns(tmp_path):
    # Patterns of TensorFlow's tf.data guide; the results were taken from TensorFlow 2.21 by hand.
    (tmp_path / "a.txt").write_bytes(b"h\nl1\nl2\n")
    (tmp_path / "b.txt").write_bytes(b"h\nm1\nm2\nm3\n")
    files = Dataset.from_tensor_slices([str(tmp_path / "a.txt"), str(tmp_path / "b.txt")])
    lines = files.interleave(tf.data.TextLineDataset, cycle_length=2)
    assert list(lines.as_numpy_iterator()) == [b"h", b"h", b"l1", b"m1", b"l2", b"m2", b"m3"]
    bodies = files.flat_map(lambda name: tf.data.TextLineDataset(name).skip(1))
    assert list(bodies.as_numpy_iterator()) == [b"l1", b"l2", b"m1", b"m2", b"m3"]
    windows = Dataset.range(10).window(5, shift=1, drop_remainder=True).flat_map(lambda w: w.batch(5))
    assert [w.tolist() for w in windows.as_numpy_iterator()] == [list(range(i, i + 5)) for i in range(6)]
    assert windows.element_spec == tf.TensorSpec((None,), np.int64)
