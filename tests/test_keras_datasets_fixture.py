"""The ``keras_datasets`` fixture: Keras's loaders read its stand-in files, and nothing else."""
import numpy as np
import pytest

from glassnet import keras


def digits(rng, n):
    return rng.integers(0, 256, (n, 28, 28), dtype=np.uint8), rng.integers(0, 10, n).astype(np.uint8)


def test_mnist_loads_the_arrays_written(keras_datasets):
    rng = np.random.default_rng(0)
    train, test = digits(rng, 5), digits(rng, 3)
    keras_datasets.mnist(train, test)
    (x_train, y_train), (x_test, y_test) = keras.datasets.mnist.load_data()
    for got, written in zip((x_train, y_train, x_test, y_test), (*train, *test)):
        assert got.dtype == np.uint8 and np.array_equal(got, written)


def test_imdb_loads_the_reviews_written_as_keras_shifts_them(keras_datasets):
    keras_datasets.imdb(([[5, 1, 30], [2, 2]], [1, 0]), ([[7]], [1]))
    (x_train, y_train), (x_test, y_test) = keras.datasets.imdb.load_data(num_words=20)
    # shuffled with seed 113; word ranks + index_from (3), after the start mark 1; 33 >= num_words -> oov 2
    by_label = dict(zip(y_train.tolist(), x_train.tolist()))
    assert by_label == {1: [1, 8, 4, 2], 0: [1, 5, 5]} and y_train.dtype == np.int64
    assert x_test.tolist() == [[1, 10]] and y_test.tolist() == [1]


def test_cifar10_loads_the_images_written_in_kerass_layout(keras_datasets):
    rng = np.random.default_rng(3)
    train = rng.integers(0, 256, (12, 32, 32, 3), dtype=np.uint8), rng.integers(0, 10, (12, 1)).astype(np.uint8)
    test = rng.integers(0, 256, (4, 32, 32, 3), dtype=np.uint8), rng.integers(0, 10, (4, 1)).astype(np.uint8)
    keras_datasets.cifar10(train, test)
    (x_train, y_train), (x_test, y_test) = keras.datasets.cifar10.load_data()
    for got, written in zip((x_train, y_train, x_test, y_test), (*train, *test)):
        assert got.dtype == np.uint8 and got.shape == written.shape and np.array_equal(got, written)


def test_a_file_other_than_the_stand_in_is_still_refused(keras_datasets):
    rng = np.random.default_rng(1)
    keras_datasets.mnist(digits(rng, 4), digits(rng, 2))
    path = keras_datasets.home / "datasets" / "mnist.npz"
    path.write_bytes(path.read_bytes() + b"\0")  # any other file: the loader's hash check still holds
    with pytest.raises(ValueError, match="SHA-256"):
        keras.datasets.mnist.load_data()


def test_nothing_is_downloaded(keras_datasets):
    # no stand-in written: the download is tried and fails in the fixture, not on the network
    with pytest.raises(FileNotFoundError, match="no network in the tests"):
        keras.datasets.mnist.load_data()


def test_a_stand_in_must_have_kerass_shapes_and_dtypes(keras_datasets):
    rng = np.random.default_rng(2)
    with pytest.raises(AssertionError, match="x_train"):
        keras_datasets.mnist((np.zeros((4, 28, 28), np.float32), digits(rng, 4)[1]), digits(rng, 2))
