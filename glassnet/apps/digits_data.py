"""The images ``glassnet digits`` trains on: the shipped 8x8 digits, or the user's own file.

``--data`` accepts:

- an ``.npz`` in Keras's MNIST layout (``x_train``, ``y_train``, ``x_test``, ``y_test``);
- an ``.npz`` with one ``x`` and one ``y`` array, split here into train and test;
- the course's pair ``X.npy`` / ``y.npy``: the path of either file, or of their folder.

Images become rows of pixels scaled into [0, 1], labels a flat integer array; only the
labels below ``classes`` are kept (``classes=2``: the zeros and ones).
"""
import os
import zipfile
from dataclasses import dataclass

import numpy as np

from glassnet.datasets import digits

TEST_FRACTION = 0.2


class DataError(ValueError):
    """The data file is missing, unreadable, or not images with integer labels."""


@dataclass
class DigitData:
    x_train: np.ndarray  # (n_train, pixels), float32 in [0, 1]
    y_train: np.ndarray  # (n_train,), int64 labels 0..classes-1
    x_test: np.ndarray
    y_test: np.ndarray
    image_shape: tuple  # (rows, cols) to draw one row of pixels as a picture
    source: str  # where the images came from, for the printout

    def describe(self):
        return (f"{self.source}: {len(self.x_train)} training and {len(self.x_test)} test images "
                f"of {self.image_shape[0]}x{self.image_shape[1]} pixels, labels {_label_range(self.y_train)}")


def load(path=None, classes=10):
    """The shipped digits (``path=None``) or the file at ``path``, keeping labels ``< classes``."""
    if path is None:
        (x_train, y_train), (x_test, y_test) = digits.load_data()
        source = "UCI handwritten digits (shipped with glassnet, pixels 0..16 divided by 16)"
    else:
        (x_train, y_train), (x_test, y_test) = _read(path)
        source = f"{path}"
    image_shape = _image_shape(x_train, path)
    train, test = _keep(x_train, y_train, classes), _keep(x_test, y_test, classes)
    if len(train[0]) == 0 or len(test[0]) == 0:
        raise DataError(f"{path or 'the digits'} has no images labelled 0..{classes - 1} in its training or test part")
    scale = max(float(train[0].max()), 1.0)  # 16 for the 8x8 digits, 255 for MNIST, 1 if already scaled
    return DigitData(_pixels(train[0], image_shape, path) / scale, train[1],
                     _pixels(test[0], image_shape, path) / scale, test[1], image_shape, source)


def _read(path):
    try:
        if str(path).endswith(".npz"):
            return _read_npz(path)
        return _split(*_read_course_pair(path))
    except (OSError, ValueError, KeyError, zipfile.BadZipFile) as error:
        raise DataError(f"cannot read data file {path!r}: {error}") from None


def _read_npz(path):
    with np.load(path) as data:
        if {"x_train", "y_train", "x_test", "y_test"} <= set(data.files):
            return (data["x_train"], data["y_train"]), (data["x_test"], data["y_test"])
        if {"x", "y"} <= set(data.files):
            return _split(data["x"], data["y"])
        raise KeyError(f"expected arrays x and y (or x_train, y_train, x_test, y_test); found {data.files}")


def _read_course_pair(path):
    folder = path if os.path.isdir(path) else os.path.dirname(path)
    return np.load(os.path.join(folder, "X.npy")), np.load(os.path.join(folder, "y.npy"))


def _split(x, y):
    """A fixed, seeded split: the same file always gives the same train and test images."""
    if len(x) != len(y):
        raise ValueError(f"x has {len(x)} images but y has {len(y)} labels")
    order = np.random.default_rng(0).permutation(len(x))
    test, train = order[:round(len(x) * TEST_FRACTION)], order[round(len(x) * TEST_FRACTION):]
    return (x[train], y[train]), (x[test], y[test])


def _keep(x, y, classes):
    y = np.asarray(y).reshape(len(y), -1)[:, 0]  # the course's y is a column, (m, 1)
    if y.dtype.kind == "f" and not np.all(y == np.round(y)):
        raise DataError(f"labels must be whole numbers 0..9; received values such as {y[y != np.round(y)][0]}")
    y = y.astype(np.int64)
    keep = (y >= 0) & (y < classes)
    return np.asarray(x)[keep], y[keep]


def _image_shape(x, path):
    if x.ndim == 3:
        return x.shape[1:]
    side = int(round(np.sqrt(x.shape[1]))) if x.ndim == 2 else 0
    if side * side != (x.shape[1] if x.ndim == 2 else -1):
        raise DataError(f"cannot read data file {path!r}: expected square images, (n, rows, cols) or (n, rows*cols); "
                        f"received shape {x.shape}")
    return (side, side)


def _pixels(x, image_shape, path):
    """Rows of pixels, each image read row by row."""
    x = np.asarray(x, dtype=np.float32)
    if x.ndim == 2 and path is not None and not str(path).endswith(".npz"):
        # The course's X.npy stores each 20x20 image column by column (it is shown with .reshape(20, 20).T).
        x = x.reshape(-1, *image_shape).transpose(0, 2, 1)
    return x.reshape(len(x), -1)


def _label_range(y):
    found = np.unique(y)
    return ", ".join(str(label) for label in found) if len(found) <= 10 else f"{found[0]}..{found[-1]}"


def shifted_copies(x, y, image_shape):
    """The images (rows of pixels) and four copies of them moved one pixel up, down, left and
    right, one block after the other, with their labels: five times as many training images.

    A digit moved by a pixel is still the same digit, and a convnet trained on the copies learns
    that a stroke may sit a pixel further over. Pixels moved in from outside the image are 0.
    """
    rows, cols = image_shape
    padded = np.pad(np.asarray(x).reshape(-1, rows, cols), ((0, 0), (1, 1), (1, 1)))
    moves = ((0, 0), (-1, 0), (1, 0), (0, -1), (0, 1))  # (down, right) of the image's content
    copies = [padded[:, 1 - down:1 - down + rows, 1 - right:1 - right + cols] for down, right in moves]
    return np.concatenate(copies).reshape(len(copies) * len(x), rows * cols), np.tile(np.asarray(y), len(copies))
