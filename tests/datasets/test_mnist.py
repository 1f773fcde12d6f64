"""mnist.load_data: Keras's signature and file, found by path or in the cache, never a silent download."""
import hashlib
import os
import shutil
import urllib.error
import urllib.request

import numpy as np
import pytest

from glassnet.datasets import mnist


def _small_mnist(path):
    rng = np.random.default_rng(0)
    arrays = {"x_train": rng.integers(0, 256, (6, 28, 28), dtype=np.uint8),
              "y_train": np.arange(6, dtype=np.uint8),
              "x_test": rng.integers(0, 256, (3, 28, 28), dtype=np.uint8),
              "y_test": np.array([7, 8, 9], dtype=np.uint8)}
    np.savez_compressed(path, **arrays)
    return arrays


@pytest.fixture
def offline(monkeypatch):
    calls = []

    def fail(url, filename):
        calls.append(url)
        raise urllib.error.URLError("no network")
    monkeypatch.setattr(urllib.request, "urlretrieve", fail)
    return calls


def _trust(monkeypatch, path):
    """Make `path` the file whose checksum load_data expects (the real one is 11 MB)."""
    monkeypatch.setattr(mnist, "SHA256", hashlib.sha256(path.read_bytes()).hexdigest())


@pytest.fixture
def keras_home(tmp_path, monkeypatch):
    monkeypatch.setenv("KERAS_HOME", str(tmp_path / "keras"))
    return tmp_path / "keras"


def test_reads_a_file_at_the_given_path(tmp_path, offline, monkeypatch):
    arrays = _small_mnist(tmp_path / "mine.npz")
    _trust(monkeypatch, tmp_path / "mine.npz")
    (x_train, y_train), (x_test, y_test) = mnist.load_data(path=str(tmp_path / "mine.npz"))
    assert np.array_equal(x_train, arrays["x_train"]) and np.array_equal(y_test, arrays["y_test"])
    assert x_test.shape == (3, 28, 28) and y_train.tolist() == [0, 1, 2, 3, 4, 5]
    assert offline == []


def test_reads_kerass_cache_folder(keras_home, offline, monkeypatch):
    (keras_home / "datasets").mkdir(parents=True)
    arrays = _small_mnist(keras_home / "datasets" / "mnist.npz")
    _trust(monkeypatch, keras_home / "datasets" / "mnist.npz")
    (x_train, _), _ = mnist.load_data()
    assert np.array_equal(x_train, arrays["x_train"])
    assert mnist.cache_dir() == str(keras_home / "datasets")
    assert offline == []


def test_offline_tries_once_then_says_which_file_goes_where(keras_home, offline):
    with pytest.raises(FileNotFoundError) as error:
        mnist.load_data()
    message = str(error.value)
    assert offline == [mnist.ORIGIN]
    assert str(keras_home / "datasets" / "mnist.npz") in message and mnist.ORIGIN in message
    assert "no network" in message
    assert not any((keras_home / "datasets").iterdir())  # nothing half-written left behind


def test_a_download_is_checked_before_it_enters_the_cache(tmp_path, keras_home, monkeypatch):
    arrays = _small_mnist(tmp_path / "served.npz")
    monkeypatch.setattr(urllib.request, "urlretrieve", lambda url, filename: shutil.copy(tmp_path / "served.npz",
                                                                                       filename))
    with pytest.raises(FileNotFoundError, match="SHA-256"):
        mnist.load_data()
    assert not (keras_home / "datasets" / "mnist.npz").exists()

    served_hash = hashlib.sha256((tmp_path / "served.npz").read_bytes()).hexdigest()
    monkeypatch.setattr(mnist, "SHA256", served_hash)
    (_, _), (_, y_test) = mnist.load_data()
    assert np.array_equal(y_test, arrays["y_test"])
    assert os.listdir(keras_home / "datasets") == ["mnist.npz"]


@pytest.mark.parametrize("where", ["path", "cache"])
def test_a_file_with_the_wrong_checksum_is_refused_and_says_what_goes_where(tmp_path, keras_home, offline, where):
    file = tmp_path / "mine.npz" if where == "path" else keras_home / "datasets" / "mnist.npz"
    file.parent.mkdir(parents=True, exist_ok=True)
    _small_mnist(file)
    with pytest.raises(ValueError) as error:
        mnist.load_data(path=str(file) if where == "path" else "mnist.npz")
    message = str(error.value)
    assert str(file) in message and mnist.SHA256 in message and hashlib.sha256(file.read_bytes()).hexdigest() in message
    assert mnist.ORIGIN in message and str(keras_home / "datasets" / "mnist.npz") in message
    assert offline == []                              # refused, not replaced behind the user's back


class _RunsCode:
    """Unpickling this creates `marker`: what a crafted .npz could do with any code."""

    def __init__(self, marker):
        self.marker = marker

    def __reduce__(self):
        return open, (self.marker, "w")


def _crafted_npz(path, marker):
    arrays = {key: np.array([_RunsCode(str(marker))], dtype=object) for key in ("x_train", "y_train", "x_test")}
    np.savez(path, y_test=np.zeros(1, np.uint8), **arrays)


def test_a_crafted_pickle_file_is_refused_without_running_code(tmp_path, offline, monkeypatch):
    crafted, marker = tmp_path / "mnist.npz", tmp_path / "code-ran"
    _crafted_npz(crafted, marker)
    with pytest.raises(ValueError, match="SHA-256"):
        mnist.load_data(path=str(crafted))
    assert not marker.exists()
    _trust(monkeypatch, crafted)                      # even a file that passed the checksum is not unpickled
    with pytest.raises(ValueError, match="allow_pickle=False"):
        mnist.load_data(path=str(crafted))
    assert not marker.exists()
    with np.load(crafted, allow_pickle=True) as data:  # the file is a real threat: unpickling runs its code
        data["x_train"]
    assert marker.exists()
