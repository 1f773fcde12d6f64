"""The shipped 8x8 digits: shapes, ranges, a stratified split that never changes."""
import hashlib
import os

import numpy as np

from glassnet.datasets import digits

SHIPPED_SHA256 = "e063b14b3583eef438e8ba9a83e11256eb4a98593c98ad52820e35fdea84c0c2"


def test_load_data_returns_keras_layout():
    (x_train, y_train), (x_test, y_test) = digits.load_data()
    assert x_train.shape == (1437, 8, 8) and y_train.shape == (1437,)
    assert x_test.shape == (360, 8, 8) and y_test.shape == (360,)
    assert x_train.dtype == np.uint8 and y_train.dtype == np.uint8
    assert x_train.min() == 0 and x_train.max() == 16 and x_test.max() == 16


def test_test_set_has_36_of_each_digit_and_train_has_the_rest():
    (_, y_train), (_, y_test) = digits.load_data()
    assert np.bincount(y_test).tolist() == [36] * 10
    # The UCI set's counts per digit (scikit-learn's load_digits gives the same): 178, 182, 177, ...
    assert (np.bincount(y_train) + 36).tolist() == [178, 182, 177, 183, 181, 182, 181, 179, 174, 180]


def test_train_and_test_images_are_the_known_figures():
    (x_train, y_train), (x_test, _) = digits.load_data()
    # The first image of the UCI file is a 0; its top row is 0, 0, 5, 13, 9, 1, 0, 0.
    assert y_train[0] == 0 and x_train[0, 0].tolist() == [0, 0, 5, 13, 9, 1, 0, 0]
    both = np.concatenate([x_train, x_test]).reshape(1797, 64)
    assert len(np.unique(both, axis=0)) > 1790  # the split does not duplicate images


def test_load_data_is_deterministic_and_the_file_is_licensed():
    (x_train, y_train), (x_test, y_test) = digits.load_data()
    (x_train2, y_train2), (x_test2, y_test2) = digits.load_data()
    assert np.array_equal(x_train, x_train2) and np.array_equal(y_train, y_train2)
    assert np.array_equal(x_test, x_test2) and np.array_equal(y_test, y_test2)
    folder = os.path.dirname(digits.DATA_FILE)
    with open(os.path.join(folder, "LICENSE")) as stream:
        licence = stream.read()
    assert "CC BY 4.0" in licence and "Alpaydin" in licence and "UCI" in licence
    with open(digits.DATA_FILE, "rb") as stream:
        # The shipped file never changes: results quoted for it stay true.
        assert hashlib.sha256(stream.read()).hexdigest() == SHIPPED_SHA256
