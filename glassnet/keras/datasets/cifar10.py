"""CIFAR-10, as Keras loads it: ``keras.datasets.cifar10.load_data()``.

Keras's archive ``cifar-10-python.tar.gz`` (163 MB) is kept in Keras's cache as
``~/.keras/datasets/cifar-10-batches-py-target_archive``, checked against Keras's SHA-256, and
extracted to ``~/.keras/datasets/cifar-10-batches-py-target/``, as Keras does. Its batches are
pickles; they are read by `pickle_reader`, never unpickled.
"""
import os

import numpy as np

from glassnet.keras.datasets.cifar import load_batch
from glassnet.keras.utils.file_utils import get_file

ORIGIN = "https://www.cs.toronto.edu/~kriz/cifar-10-python.tar.gz"
SHA256 = "6d958be074577803d12ecdefd02955f39262c83c16fe9348329d7fe0b5c001ce"
DIRNAME = "cifar-10-batches-py-target"
CLASS_NAMES = ("airplane", "automobile", "bird", "cat", "deer", "dog", "frog", "horse", "ship", "truck")


def load_data():
    """Load CIFAR-10: 50,000 training and 10,000 test colour images, 32x32, in 10 classes.

    Returns:
        ``(x_train, y_train), (x_test, y_test)``: uint8 images of shape ``(n, 32, 32, 3)`` (channels
        last, pixel values 0..255) and uint8 labels 0..9 of shape ``(n, 1)`` (``CLASS_NAMES``).

    Raises:
        FileNotFoundError: the archive is missing and its download failed; the message says where
            to put it.
        ValueError: the archive's SHA-256 is not Keras's, or a batch is not a CIFAR batch.

    Example:
        >>> import glassnet as tf
        >>> (x_train, y_train), (x_test, y_test) = tf.keras.datasets.cifar10.load_data()  # doctest: +SKIP
        >>> x_train.shape, y_train.shape  # doctest: +SKIP
        ((50000, 32, 32, 3), (50000, 1))
    """
    path = os.path.join(get_file(fname=DIRNAME, origin=ORIGIN, extract=True, file_hash=SHA256),
                        "cifar-10-batches-py")
    batches = [load_batch(os.path.join(path, f"data_batch_{i}")) for i in range(1, 6)]
    x_train = np.concatenate([data for data, _ in batches])
    y_train = np.concatenate([np.asarray(labels, dtype="uint8") for _, labels in batches])
    x_test, y_test = load_batch(os.path.join(path, "test_batch"))
    y_train = np.reshape(y_train, (len(y_train), 1))
    y_test = np.reshape(y_test, (len(y_test), 1))
    # channels last, as Keras's default image_data_format
    x_train, x_test = x_train.transpose(0, 2, 3, 1), x_test.transpose(0, 2, 3, 1)
    return (x_train, y_train), (x_test.astype(x_train.dtype), y_test.astype(y_train.dtype))
