"""keras.datasets, pad_sequences and to_categorical against Keras 3's own, on the same files.

The real files are not downloadable here, so small files in exactly Keras's formats are written
into one cache folder that both libraries use (``KERAS_HOME`` for glassnet, Keras's ``_KERAS_DIR``),
and both are told the fakes' hashes: glassnet through its module constants, Keras by wrapping the
``get_file`` its loaders call (Keras checks the hash too, and would otherwise try to download).
"""
import io
import os
import tarfile
import urllib.error
import urllib.request

import keras
import numpy as np
import pytest
from keras.src.backend import config as keras_config
from keras.src.datasets import (
    boston_housing as k_boston, california_housing as k_california, cifar10 as k_cifar10, cifar100 as k_cifar100,
    fashion_mnist as k_fashion, imdb as k_imdb, mnist as k_mnist, reuters as k_reuters,
)
from keras.src.utils import file_utils as k_file_utils

import glassnet as tf
from glassnet.keras.datasets import (
    boston_housing, california_housing, cifar10, cifar100, fashion_mnist, imdb, mnist, reuters,
)
from tests.keras.datasets import keras_format_files as files


@pytest.fixture
def home(tmp_path, monkeypatch):
    """One cache for both libraries, and no network for either."""
    monkeypatch.setenv("KERAS_HOME", str(tmp_path))
    monkeypatch.setattr(keras_config, "_KERAS_DIR", str(tmp_path))

    def offline(*args, **kwargs):
        raise urllib.error.URLError("no network")
    monkeypatch.setattr(urllib.request, "urlretrieve", offline)
    monkeypatch.setattr(k_file_utils, "urlretrieve", offline)
    return tmp_path


def trust(monkeypatch, ours, theirs, digest, name="SHA256"):
    """Both loaders expect `digest` (the fake file's) in place of Keras's published hash."""
    monkeypatch.setattr(ours, name, digest)
    real_get_file = theirs.get_file
    monkeypatch.setattr(theirs, "get_file", lambda *args, **kwargs: real_get_file(*args, **{**kwargs,
                                                                                            "file_hash": digest}))


def assert_same(ours, theirs, where="result"):
    """The same nesting, and arrays of the same dtype, shape, values (object arrays: the same lists)."""
    if isinstance(theirs, tuple):
        assert isinstance(ours, tuple) and len(ours) == len(theirs), where
        for i, (a, b) in enumerate(zip(ours, theirs)):
            assert_same(a, b, f"{where}[{i}]")
        return
    assert isinstance(ours, np.ndarray) and isinstance(theirs, np.ndarray), where
    assert (ours.dtype, ours.shape) == (theirs.dtype, theirs.shape), where
    if theirs.dtype == object:
        assert [type(x) for x in ours.ravel()] == [type(x) for x in theirs.ravel()], where
        assert ours.tolist() == theirs.tolist(), where
    else:
        assert np.array_equal(ours, theirs), where


def test_mnist(home, monkeypatch):
    _, digest = files.mnist(home, np.random.default_rng(0))
    trust(monkeypatch, mnist, k_mnist, digest)
    assert_same(tf.keras.datasets.mnist.load_data(), k_mnist.load_data())


def test_fashion_mnist(home):
    files.fashion_mnist(home, np.random.default_rng(1))
    assert_same(fashion_mnist.load_data(), k_fashion.load_data())


def test_cifar10_at_its_real_batch_size(home, monkeypatch):
    """Keras fills a (50000, 3, 32, 32) array, so its batches must be 10,000 images each, as the real ones."""
    _, digest = files.cifar10(home, np.random.default_rng(2), per_batch=10000, n_test=10000,
                                python2=True, sparse=True)
    trust(monkeypatch, cifar10, k_cifar10, digest)
    ours, theirs = cifar10.load_data(), k_cifar10.load_data()
    assert_same(ours, theirs)
    assert ours[0][0].strides == theirs[0][0].strides and ours[1][0].strides == theirs[1][0].strides


@pytest.mark.parametrize("label_mode", ["fine", "coarse"])
def test_cifar100(home, monkeypatch, label_mode):
    _, digest = files.cifar100(home, np.random.default_rng(3), n_train=7, n_test=4)
    trust(monkeypatch, cifar100, k_cifar100, digest)
    assert_same(cifar100.load_data(label_mode), k_cifar100.load_data(label_mode))


IMDB_CASES = [
    {},
    {"num_words": 20, "skip_top": 3, "maxlen": 15, "seed": 5},
    {"start_char": None, "oov_char": None, "index_from": 0, "num_words": 30},
    {"start_char": 7, "oov_char": 4, "index_from": 5, "skip_top": 10},
]


@pytest.mark.parametrize("kwargs", IMDB_CASES)
def test_imdb(home, monkeypatch, kwargs):
    _, digest = files.imdb(home, np.random.default_rng(4), n_train=40, n_test=30)
    trust(monkeypatch, imdb, k_imdb, digest)
    assert_same(imdb.load_data(**kwargs), k_imdb.load_data(**kwargs))


def test_imdb_written_by_python2(home, monkeypatch):
    """The real file's sequences were pickled by Python 2: protocol 2, numpy.core, str as SHORT_BINSTRING."""
    written, digest = files.python2_imdb(home, np.random.default_rng(8))
    trust(monkeypatch, imdb, k_imdb, digest)
    ours = imdb.load_data(num_words=50000)
    assert_same(ours, k_imdb.load_data(num_words=50000))
    assert any(w >= 65536 for x in written["x_train"] for w in x)     # indices of 1, 2 and 4 bytes in the pickle
    assert max(max(x) for x in ours[0][0]) < 50000


@pytest.mark.parametrize("kwargs", [{}, {"test_split": 0.3, "maxlen": 20, "num_words": 30, "seed": 9},
                                    {"start_char": None, "index_from": 0}])
def test_reuters(home, monkeypatch, kwargs):
    _, digest = files.reuters(home, np.random.default_rng(5), n=45)
    trust(monkeypatch, reuters, k_reuters, digest)
    assert_same(reuters.load_data(**kwargs), k_reuters.load_data(**kwargs))
    assert reuters.get_label_names() == k_reuters.get_label_names()


@pytest.mark.parametrize("ours, theirs, name", [(imdb, k_imdb, "imdb_word_index.json"),
                                                (reuters, k_reuters, "reuters_word_index.json")])
def test_word_index(home, monkeypatch, ours, theirs, name):
    trust(monkeypatch, ours, theirs, files.word_index(home, name), "WORD_INDEX_MD5")
    assert ours.get_word_index() == theirs.get_word_index()


@pytest.mark.parametrize("kwargs", [{}, {"test_split": 0.0, "seed": 1}, {"test_split": 0.35, "seed": 2024}])
def test_boston_housing(home, monkeypatch, kwargs):
    _, digest = files.housing(home, np.random.default_rng(6), "boston_housing.npz", 50, 13)
    trust(monkeypatch, boston_housing, k_boston, digest)
    assert_same(boston_housing.load_data(**kwargs), k_boston.load_data(**kwargs))


@pytest.mark.parametrize("kwargs", [{}, {"version": "small"}, {"version": "small", "test_split": 0.25, "seed": 3}])
def test_california_housing(home, monkeypatch, kwargs):
    _, digest = files.housing(home, np.random.default_rng(7), "california_housing.npz", 650, 8)
    trust(monkeypatch, california_housing, k_california, digest)
    assert_same(california_housing.load_data(**kwargs), k_california.load_data(**kwargs))


def test_get_file_lays_out_the_cache_as_keras(home, tmp_path_factory, monkeypatch):
    """The same archive, fetched by each library into its own cache, gives the same paths and files."""
    archive = io.BytesIO()
    with tarfile.open(fileobj=archive, mode="w:gz") as tar:
        info = tarfile.TarInfo("inner/a.txt")
        info.size = 1
        tar.addfile(info, io.BytesIO(b"a"))

    def serve(url, filename, *hook):
        with open(filename, "wb") as stream:
            stream.write(archive.getvalue())
    monkeypatch.setattr(urllib.request, "urlretrieve", serve)
    monkeypatch.setattr(k_file_utils, "urlretrieve", serve)
    for fname in ("photos", "photos.tgz", None):
        ours_root, theirs_root = tmp_path_factory.mktemp("ours"), tmp_path_factory.mktemp("theirs")
        ours = tf.keras.utils.get_file(fname, "https://example.com/photos.tgz", extract=True, cache_dir=str(ours_root))
        theirs = keras.utils.get_file(fname, "https://example.com/photos.tgz", extract=True,
                                      cache_dir=str(theirs_root))
        assert os.path.relpath(ours, ours_root) == os.path.relpath(theirs, theirs_root)
        assert _tree(ours_root) == _tree(theirs_root) and len(_tree(ours_root)) == 4


def _tree(root):
    return sorted((os.path.relpath(folder, root), sorted(names)) for folder, _, names in os.walk(root))


def _random_sequences(rng, vectors=False):
    n = int(rng.integers(1, 6))
    lengths = rng.integers(0, 7, n)
    if vectors:
        return [rng.normal(size=(length, 2)).tolist() for length in lengths]
    return [rng.integers(-5, 50, length).tolist() for length in lengths] if lengths.max() else [[1]]


@pytest.mark.parametrize("seed", range(12))
def test_pad_sequences_random_cases(seed):
    rng = np.random.default_rng(seed)
    sequences = _random_sequences(rng, vectors=seed % 4 == 3)
    kwargs = {"maxlen": None if seed % 3 == 0 else int(rng.integers(0 if seed % 2 else 1, 8)),
              "dtype": ["int32", "float32", "int64", "float64"][seed % 4],
              "padding": ["pre", "post"][seed % 2], "truncating": ["pre", "post"][(seed // 2) % 2],
              "value": [0.0, -1, 2.5, 7][seed % 4]}
    if rng.integers(2):
        sequences = [np.asarray(s) for s in sequences] if seed % 4 != 3 else sequences
    try:
        theirs = keras.utils.pad_sequences(sequences, **kwargs)
    except ValueError:
        with pytest.raises(ValueError):
            tf.keras.utils.pad_sequences(sequences, **kwargs)
        return
    ours = tf.keras.utils.pad_sequences(sequences, **kwargs)
    assert ours.dtype == theirs.dtype and ours.shape == theirs.shape and np.array_equal(ours, theirs)


def test_pad_sequences_of_strings_and_its_errors():
    words = [["a", "bb"], ["c"]]
    assert_same(tf.keras.preprocessing.sequence.pad_sequences(words, dtype=object, value="_"),
                keras.preprocessing.sequence.pad_sequences(words, dtype=object, value="_"))
    for bad in ({"padding": "middle"}, {"truncating": "middle"}, {"value": "x"}):
        with pytest.raises(ValueError):
            keras.utils.pad_sequences([[1, 2]], maxlen=1, **bad)
        with pytest.raises(ValueError):
            tf.keras.utils.pad_sequences([[1, 2]], maxlen=1, **bad)
    for bad in ([1, 2], 5):
        with pytest.raises(ValueError):
            keras.utils.pad_sequences(bad)
        with pytest.raises(ValueError):
            tf.keras.utils.pad_sequences(bad)


@pytest.mark.parametrize("labels, num_classes", [([0, 2, 1], None), ([[3], [0]], 5), (np.array([[1, 0], [2, 2]]), 4),
                                                 (4, 6)])
def test_to_categorical_values(labels, num_classes):
    """The same one-hot values; glassnet's are float32 (its float default), Keras's float64 for NumPy input."""
    ours = tf.keras.utils.to_categorical(labels, num_classes)
    theirs = keras.utils.to_categorical(labels, num_classes)
    assert ours.shape == theirs.shape and np.array_equal(ours, theirs)
    assert ours.dtype == np.float32 and theirs.dtype == np.float64
