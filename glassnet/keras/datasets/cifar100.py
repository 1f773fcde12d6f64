"""CIFAR-100, as Keras loads it: ``keras.datasets.cifar100.load_data(label_mode="fine")``.

Keras's archive ``cifar-100-python.tar.gz`` (161 MB) is kept in Keras's cache as
``~/.keras/datasets/cifar-100-python-target_archive``, checked against Keras's SHA-256, and
extracted to ``~/.keras/datasets/cifar-100-python-target/``, as Keras does. Its two pickled files
are read by `pickle_reader`, never unpickled.
"""
import os

import numpy as np

from glassnet.keras import validation as check
from glassnet.keras.datasets.cifar import load_batch
from glassnet.keras.utils.file_utils import get_file

ORIGIN = "https://www.cs.toronto.edu/~kriz/cifar-100-python.tar.gz"
SHA256 = "85cd44d02ba6437773c5bbd22e183051d648de2e7d6b014e1ef29b855ba677a7"
DIRNAME = "cifar-100-python-target"


def load_data(label_mode="fine"):
    """Load CIFAR-100: 50,000 training and 10,000 test colour images, 32x32, in 100 classes.

    Args:
        label_mode: ``"fine"`` for the 100 classes, ``"coarse"`` for their 20 superclasses.

    Returns:
        ``(x_train, y_train), (x_test, y_test)``: uint8 images of shape ``(n, 32, 32, 3)`` (channels
        last) and int64 labels of shape ``(n, 1)``, as Keras returns them.

    Raises:
        FileNotFoundError: the archive is missing and its download failed; the message says where
            to put it.
        ValueError: a `label_mode` other than the two; the archive's SHA-256 is not Keras's; a file
            is not a CIFAR batch.

    Example:
        >>> import glassnet as tf
        >>> (x_train, y_train), _ = tf.keras.datasets.cifar100.load_data("coarse")  # doctest: +SKIP
        >>> int(y_train.max())  # doctest: +SKIP
        19
    """
    check.one_of("label_mode", label_mode, ("fine", "coarse"))
    path = os.path.join(get_file(fname=DIRNAME, origin=ORIGIN, extract=True, file_hash=SHA256), "cifar-100-python")
    x_train, y_train = load_batch(os.path.join(path, "train"), label_key=f"{label_mode}_labels")
    x_test, y_test = load_batch(os.path.join(path, "test"), label_key=f"{label_mode}_labels")
    y_train = np.reshape(y_train, (len(y_train), 1))
    y_test = np.reshape(y_test, (len(y_test), 1))
    return (x_train.transpose(0, 2, 3, 1), y_train), (x_test.transpose(0, 2, 3, 1), y_test)
