"""keras.datasets loaders on small files in Keras's formats: what they return, where they look, what they refuse."""
import os
import pickle
import tarfile

import numpy as np
import pytest

import glassnet as tf
from glassnet.keras.datasets import (
    boston_housing, california_housing, cifar10, cifar100, fashion_mnist, imdb, mnist, reuters,
)
from glassnet.keras.utils import pad_sequences
from tests.keras.datasets import keras_format_files as files


@pytest.fixture
def rng():
    return np.random.default_rng(7)


def test_the_public_paths_are_kerass():
    from glassnet.keras.datasets import imdb as imported
    assert tf.keras.datasets.imdb is imported
    assert set(tf.keras.datasets.__all__) == {"boston_housing", "california_housing", "cifar10", "cifar100",
                                              "fashion_mnist", "imdb", "mnist", "reuters"}
    from glassnet.datasets import mnist as old_name
    assert old_name is tf.keras.datasets.mnist


def test_mnist_tutorial_lines_run_from_the_cache(home, offline, rng, monkeypatch):
    written, digest = files.mnist(home, rng)
    monkeypatch.setattr(mnist, "SHA256", digest)
    (x_train, y_train), (x_test, y_test) = tf.keras.datasets.mnist.load_data()
    x_train, x_test = x_train / 255.0, x_test / 255.0
    assert np.array_equal(x_train * 255.0, written["x_train"]) and x_test.shape == (3, 28, 28)
    assert y_train.dtype == np.uint8 and np.array_equal(y_test, written["y_test"])
    assert offline == []


def test_fashion_mnist_reads_kerass_subfolder(home, offline, rng):
    written = files.fashion_mnist(home, rng)
    (x_train, y_train), (x_test, y_test) = tf.keras.datasets.fashion_mnist.load_data()
    for name, array in zip(("x_train", "y_train", "x_test", "y_test"), (x_train, y_train, x_test, y_test)):
        assert array.dtype == np.uint8 and np.array_equal(array, written[name])
    assert x_train.shape == (5, 28, 28) and offline == []


def test_fashion_mnist_refuses_a_file_that_is_not_idx(home, offline, rng):
    files.fashion_mnist(home, rng)
    bad = home / "datasets" / "fashion-mnist" / "t10k-images-idx3-ubyte.gz"
    files.write_idx(str(bad), np.zeros((4, 28, 27), np.uint8))
    with pytest.raises(ValueError, match="t10k-images-idx3-ubyte.gz is not an IDX file of images"):
        fashion_mnist.load_data()


def _trust(monkeypatch, module, digest, name="SHA256"):
    monkeypatch.setattr(module, name, digest)


@pytest.mark.parametrize("python2", [False, True], ids=["python3-pickles", "python2-pickles"])
def test_cifar10_extracts_kerass_archive_and_reads_the_batches(home, offline, rng, monkeypatch, python2):
    batches, digest = files.cifar10(home, rng, python2=python2)
    _trust(monkeypatch, cifar10, digest)
    (x_train, y_train), (x_test, y_test) = cifar10.load_data()
    expected = np.concatenate([data for data, _ in batches[:5]]).reshape(-1, 3, 32, 32).transpose(0, 2, 3, 1)
    assert x_train.shape == (20, 32, 32, 3) and x_train.dtype == np.uint8 and np.array_equal(x_train, expected)
    assert y_train.shape == (20, 1) and y_train.dtype == np.uint8
    assert y_train[:, 0].tolist() == sum((labels for _, labels in batches[:5]), [])
    assert x_test[1, 2, 3, 0] == batches[5][0][1, 0 * 1024 + 2 * 32 + 3]  # red plane first in the file
    assert y_test.dtype == np.uint8 and y_test[:, 0].tolist() == batches[5][1]
    extracted = home / "datasets" / "cifar-10-batches-py-target" / "cifar-10-batches-py"
    assert sorted(os.listdir(extracted)) == [f"data_batch_{i}" for i in range(1, 6)] + ["test_batch"]


@pytest.mark.parametrize("label_mode", ["fine", "coarse"])
def test_cifar100_labels(home, offline, rng, monkeypatch, label_mode):
    splits, digest = files.cifar100(home, rng)
    _trust(monkeypatch, cifar100, digest)
    (x_train, y_train), (x_test, y_test) = cifar100.load_data(label_mode)
    data, fine, coarse = splits["train"]
    assert np.array_equal(x_train, data.reshape(-1, 3, 32, 32).transpose(0, 2, 3, 1))
    assert y_train.dtype == np.int64 and y_train[:, 0].tolist() == (fine if label_mode == "fine" else coarse)
    assert x_test.shape == (3, 32, 32, 3) and y_test.shape == (3, 1)
    with pytest.raises(ValueError, match="label_mode"):
        cifar100.load_data("medium")


def _imdb_by_hand(written, seed=113, index_from=3):
    order = np.random.RandomState(seed)
    train, test = order.permutation(len(written["x_train"])), order.permutation(len(written["x_test"]))
    shift = [[1] + [w + index_from for w in x] for x in written["x_train"][train]]
    return shift, written["y_train"][train], test


def test_imdb_shuffles_shifts_and_caps_as_documented(home, offline, rng, monkeypatch):
    written, digest = files.imdb(home, rng)
    _trust(monkeypatch, imdb, digest)
    (x_train, y_train), (x_test, y_test) = imdb.load_data(num_words=20)
    shifted, labels, _ = _imdb_by_hand(written)
    assert x_train.dtype == object and len(x_train) == 12 and len(x_test) == 10
    assert [list(x) for x in x_train] == [[w if w < 20 else 2 for w in x] for x in shifted]
    assert np.array_equal(y_train, labels) and y_train.dtype == written["y_train"].dtype
    (x_all, _), _ = imdb.load_data(oov_char=None, skip_top=5, num_words=20)
    assert [list(x) for x in x_all] == [[w for w in x if 5 <= w < 20] for x in shifted]


def test_imdb_maxlen_drops_long_reviews(home, offline, rng, monkeypatch):
    written, digest = files.imdb(home, rng)
    _trust(monkeypatch, imdb, digest)
    (x_train, y_train), _ = imdb.load_data(maxlen=15)
    assert all(len(x) < 15 for x in x_train) and len(x_train) == len(y_train)
    assert len(x_train) == sum(len(x) + 1 < 15 for x in written["x_train"])
    with pytest.raises(ValueError, match="no sequence was kept. Increase maxlen"):
        imdb.load_data(maxlen=1)


def test_imdb_example_lines_run(home, offline, rng, monkeypatch):
    """Keras's "text classification from scratch"/"bidirectional LSTM" examples load IMDB like this."""
    _, digest = files.imdb(home, rng)
    _trust(monkeypatch, imdb, digest)
    (x_train, y_train), (x_val, y_val) = tf.keras.datasets.imdb.load_data(num_words=20000)
    x_train = tf.keras.utils.pad_sequences(x_train, maxlen=200)
    x_val = tf.keras.preprocessing.sequence.pad_sequences(x_val, maxlen=200)
    assert x_train.shape == (12, 200) and x_val.shape == (10, 200) and x_train.dtype == np.int32
    assert x_train[0, -1] != 0 and x_train[0, 0] == 0  # padded before, as Keras pads


def test_word_indexes_are_checked_by_md5(home, offline, monkeypatch):
    _trust(monkeypatch, imdb, files.word_index(home, "imdb_word_index.json"), "WORD_INDEX_MD5")
    assert imdb.get_word_index()["film"] == 19
    _trust(monkeypatch, reuters, "0" * 32, "WORD_INDEX_MD5")
    files.word_index(home, "reuters_word_index.json")
    with pytest.raises(ValueError, match="MD5 is [0-9a-f]{32}, expected 0{32}"):
        reuters.get_word_index()


def test_reuters_splits_the_shuffled_newswires(home, offline, rng, monkeypatch):
    written, digest = files.reuters(home, rng)
    _trust(monkeypatch, reuters, digest)
    (x_train, y_train), (x_test, y_test) = reuters.load_data(test_split=0.25, start_char=None, index_from=0)
    order = np.random.RandomState(113).permutation(20)
    largest = max(max(x) for x in written["x"])
    assert len(x_train) == 15 and len(x_test) == 5
    assert [list(x) for x in x_test] == [[w if w < largest else 2 for w in x] for x in written["x"][order[15:]]]
    assert np.array_equal(y_train, written["y"][order[:15]])
    assert len(reuters.get_label_names()) == 46


@pytest.mark.parametrize("module, name, n, features", [(boston_housing, "boston_housing.npz", 30, 13),
                                                       (california_housing, "california_housing.npz", 700, 8)])
def test_housing_split_follows_the_seed(home, offline, rng, monkeypatch, module, name, n, features):
    written, digest = files.housing(home, rng, name, n, features)
    _trust(monkeypatch, module, digest)
    (x_train, y_train), (x_test, y_test) = module.load_data(test_split=0.3, seed=5)
    order = np.random.RandomState(5).permutation(n)
    cut = int(n * 0.7)
    assert np.array_equal(x_train, written["x"][order[:cut]]) and np.array_equal(y_test, written["y"][order[cut:]])
    assert x_train.dtype == np.float64 and x_test.shape == (n - cut, features)
    with pytest.raises(ValueError, match="test_split"):
        module.load_data(test_split=1.0)


def test_california_small_is_the_first_600_rows(home, offline, rng, monkeypatch):
    written, digest = files.housing(home, rng, "california_housing.npz", 700, 8)
    _trust(monkeypatch, california_housing, digest)
    (x_train, _), (x_test, _) = california_housing.load_data("small")
    assert len(x_train) == 480 and len(x_test) == 120
    assert {tuple(row) for row in np.concatenate([x_train, x_test])} == {tuple(row) for row in written["x"][:600]}
    with pytest.raises(ValueError, match="version"):
        california_housing.load_data("medium")


# What is refused, and what an offline machine is told


@pytest.mark.parametrize("load, module, name", [
    (lambda: imdb.load_data(), imdb, "imdb.npz"), (lambda: reuters.load_data(), reuters, "reuters.npz"),
    (lambda: boston_housing.load_data(), boston_housing, "boston_housing.npz"),
    (lambda: cifar10.load_data(), cifar10, "cifar-10-batches-py-target_archive"),
    (lambda: fashion_mnist.load_data(), fashion_mnist, os.path.join("fashion-mnist", "train-labels-idx1-ubyte.gz")),
])
def test_offline_the_error_names_the_url_and_the_exact_path(home, offline, load, module, name):
    with pytest.raises(FileNotFoundError) as error:
        load()
    message = str(error.value)
    assert str(home / "datasets" / name) in message and offline[0] in message and "no network" in message
    assert offline[0].endswith(name.split(os.sep)[-1].replace("-batches-py-target_archive", "-python.tar.gz"))
    assert [entry for entry in os.listdir(home / "datasets") if not entry.startswith("fashion")] == []


def test_a_cached_file_with_another_checksum_is_refused_not_replaced(home, offline, rng):
    files.imdb(home, rng)
    with pytest.raises(ValueError) as error:
        imdb.load_data()
    message = str(error.value)
    assert str(home / "datasets" / "imdb.npz") in message and imdb.SHA256 in message and imdb.ORIGIN in message
    assert offline == [] and (home / "datasets" / "imdb.npz").exists()


def test_a_truncated_npz_is_refused(home, offline, rng, monkeypatch):
    files.imdb(home, rng)
    path = home / "datasets" / "imdb.npz"
    path.write_bytes(path.read_bytes()[:-200])
    _trust(monkeypatch, imdb, files.sha256(path))
    with pytest.raises(Exception, match="(?i)zip|truncated|ends early"):
        imdb.load_data()


class _RunsCode:
    """Unpickling this creates `marker`: what a crafted data file could do with any code."""

    def __init__(self, marker):
        self.marker = marker

    def __reduce__(self):
        return open, (self.marker, "w")


def test_an_imdb_file_holding_code_is_refused_and_nothing_runs(home, offline, rng, tmp_path, monkeypatch):
    marker = tmp_path / "code-ran"
    reviews = np.empty(2, dtype=object)
    reviews[0], reviews[1] = [1, 2], _RunsCode(str(marker))
    path = home / "datasets" / "imdb.npz"
    files.datasets(home)
    np.savez(path, x_train=reviews, y_train=np.zeros(2, int), x_test=reviews, y_test=np.zeros(2, int))
    _trust(monkeypatch, imdb, files.sha256(path))
    with pytest.raises(ValueError, match="names the Python object (builtins|io).open"):
        imdb.load_data()
    assert not marker.exists()
    with np.load(path, allow_pickle=True) as data:  # the file is a real threat: unpickling it runs its code
        data["x_train"]
    assert marker.exists()


def test_an_imdb_file_of_other_objects_is_refused(home, offline, monkeypatch):
    reviews = np.empty(2, dtype=object)
    reviews[0], reviews[1] = [1, 2], "not a review"
    path = home / "datasets" / "imdb.npz"
    files.datasets(home)
    np.savez(path, x_train=reviews, y_train=np.zeros(2, int), x_test=reviews, y_test=np.zeros(2, int))
    _trust(monkeypatch, imdb, files.sha256(path))
    with pytest.raises(ValueError, match="item 1 is not a list of ints"):
        imdb.load_data()


def _cifar_archive_with(home, test_batch):
    batches = {f"cifar-10-batches-py/data_batch_{i}": files.cifar_batch(np.zeros((2, 3072), np.uint8), [0, 1])
               for i in range(1, 6)}
    path = home / "datasets" / "cifar-10-batches-py-target_archive"
    files.datasets(home)
    files.write_tar(str(path), {**batches, "cifar-10-batches-py/test_batch": test_batch})
    return files.sha256(path)


def test_a_cifar_batch_with_a_global_is_refused_and_nothing_runs(home, offline, tmp_path, monkeypatch):
    marker = tmp_path / "code-ran"
    crafted = pickle.dumps({b"data": np.zeros((1, 3072), np.uint8), b"labels": [_RunsCode(str(marker))]}, protocol=3)
    _trust(monkeypatch, cifar10, _cifar_archive_with(home, crafted))
    with pytest.raises(ValueError, match="test_batch: it names the Python object (builtins|io).open"):
        cifar10.load_data()
    assert not marker.exists()


def test_a_cifar_batch_of_the_wrong_structure_is_refused(home, offline, monkeypatch):
    wrong = pickle.dumps({b"data": np.zeros((2, 3072), np.uint8), b"labels": [0]}, protocol=3)
    _trust(monkeypatch, cifar10, _cifar_archive_with(home, wrong))
    with pytest.raises(ValueError, match="'labels' should be a list of 2 ints"):
        cifar10.load_data()


def test_a_cifar_archive_escaping_its_folder_is_not_extracted_outside(home, offline, tmp_path, monkeypatch):
    path = home / "datasets" / "cifar-10-batches-py-target_archive"
    files.datasets(home)
    with tarfile.open(path, "w:gz") as archive:
        info = tarfile.TarInfo("../../escaped")
        info.size = 4
        archive.addfile(info, __import__("io").BytesIO(b"evil"))
    _trust(monkeypatch, cifar10, files.sha256(path))
    with pytest.raises(Exception, match="outside|escaped"):
        cifar10.load_data()
    assert not (tmp_path / "escaped").exists() and not (home / "escaped").exists()


@pytest.mark.parametrize("call, name", [
    (lambda: imdb.load_data(num_words=-1), "num_words"), (lambda: imdb.load_data(seed=1.5), "seed"),
    (lambda: reuters.load_data(test_split=2), "test_split"), (lambda: boston_housing.load_data(test_split=-0.1),
                                                               "test_split"),
])
def test_bad_arguments_are_refused_before_any_file_is_read(home, offline, call, name):
    with pytest.raises(ValueError, match=f"`{name}`"):
        call()
    assert offline == []


def test_pad_sequences_is_one_function_with_two_names():
    assert tf.keras.preprocessing.sequence.pad_sequences is pad_sequences is tf.keras.utils.pad_sequences
