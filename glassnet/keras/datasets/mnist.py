"""MNIST, as Keras loads it: ``keras.datasets.mnist.load_data(path="mnist.npz")``.

Keras's file ``mnist.npz`` (11 MB) is read from Keras's cache folder (``~/.keras/datasets/``, or
``$KERAS_HOME/datasets/``), so a file that Keras has downloaded is used as it is; when it is missing
it is downloaded there once from Keras's address, and offline the error says which file to place
where. Every file is checked against Keras's SHA-256 before it is read, and read with pickles
refused (a ``.npz`` can hold pickled objects, and unpickling a crafted one runs its code).
"""
import numpy as np

from glassnet.keras.datasets.data_file import ORIGIN_FOLDER, data_file
from glassnet.keras.utils import file_utils

ORIGIN = ORIGIN_FOLDER + "mnist.npz"
SHA256 = "731c5ac602752760c8e48fbffcf8c3b850d9dc2a2aedcf2cc48468fc17b673d1"


def load_data(path="mnist.npz"):
    """Load the MNIST digits: 60,000 training and 10,000 test images, 28x28.

    Args:
        path: the file's name in Keras's cache folder (``~/.keras/datasets/``), where it is
            downloaded when missing; or a path with a folder, read there (downloaded there when
            missing).

    Returns:
        ``(x_train, y_train), (x_test, y_test)``: uint8 images of shape ``(n, 28, 28)`` with pixel
        values 0..255, and uint8 labels 0..9 of shape ``(n,)``.

    Raises:
        FileNotFoundError: the file is missing and the download failed; the message names the file,
            its URL and where to put it.
        ValueError: the file found is not Keras's ``mnist.npz`` (its SHA-256 differs).

    Example:
        >>> import glassnet as tf
        >>> (x_train, y_train), (x_test, y_test) = tf.keras.datasets.mnist.load_data()  # doctest: +SKIP
        >>> x_train.shape  # doctest: +SKIP
        (60000, 28, 28)
    """
    file = data_file(path, ORIGIN, SHA256, "mnist.load_data")
    with np.load(file, allow_pickle=False) as data:  # never unpickle: the arrays are plain uint8
        return (data["x_train"], data["y_train"]), (data["x_test"], data["y_test"])


def cache_dir():
    """Keras's folder for downloaded data sets: ``$KERAS_HOME/datasets`` or ``~/.keras/datasets``."""
    return file_utils.datasets_dir()
