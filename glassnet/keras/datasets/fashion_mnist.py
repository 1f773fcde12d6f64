"""Fashion-MNIST, as Keras loads it: ``keras.datasets.fashion_mnist.load_data()``.

Zalando's four gzipped IDX files are read from Keras's cache folder
``~/.keras/datasets/fashion-mnist/`` (downloaded there when missing). Keras publishes no checksum
for them, so none is checked; instead each file's IDX header (its magic number and sizes) must
match its length before anything is read.
"""
import gzip
import os

import numpy as np

from glassnet.keras.datasets.data_file import ORIGIN_FOLDER
from glassnet.keras.utils.file_utils import get_file

FILES = ("train-labels-idx1-ubyte.gz", "train-images-idx3-ubyte.gz", "t10k-labels-idx1-ubyte.gz",
         "t10k-images-idx3-ubyte.gz")
CACHE_SUBDIR = os.path.join("datasets", "fashion-mnist")
CLASS_NAMES = ("T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag",
               "Ankle boot")


def load_data():
    """Load Fashion-MNIST: 60,000 training and 10,000 test images of clothes, 28x28, in 10 classes.

    Returns:
        ``(x_train, y_train), (x_test, y_test)``: uint8 images of shape ``(n, 28, 28)`` (pixel values
        0..255) and uint8 labels 0..9 of shape ``(n,)`` (``CLASS_NAMES`` names them). As in Keras,
        the arrays are read-only views of the files' bytes.

    Raises:
        FileNotFoundError: a file is missing and its download failed; the message says where to put it.
        ValueError: a file is not an IDX file of the expected kind, or it is truncated.

    Example:
        >>> import glassnet as tf
        >>> (x_train, y_train), _ = tf.keras.datasets.fashion_mnist.load_data()  # doctest: +SKIP
        >>> x_train.shape, CLASS_NAMES[y_train[0]]  # doctest: +SKIP
        ((60000, 28, 28), 'Ankle boot')
    """
    paths = [get_file(name, origin=ORIGIN_FOLDER + name, cache_subdir=CACHE_SUBDIR) for name in FILES]
    y_train, x_train = _idx(paths[0], 1), _idx(paths[1], 3)
    y_test, x_test = _idx(paths[2], 1), _idx(paths[3], 3)
    return (x_train, y_train), (x_test, y_test)


def _idx(path, ndim):
    """The uint8 array of a gzipped IDX file: magic ``0x0000 08 ndim``, ndim big-endian sizes, the bytes."""
    with gzip.open(path, "rb") as stream:
        data = stream.read()
    header = 4 + 4 * ndim
    magic = int.from_bytes(data[:4], "big") if len(data) >= header else None
    shape = tuple(int.from_bytes(data[4 + 4 * i:8 + 4 * i], "big") for i in range(ndim))
    expected_shape = shape[:1] + (28, 28) if ndim == 3 else shape
    if magic != 0x0800 + ndim or shape != expected_shape or len(data) != header + int(np.prod(shape)):
        raise ValueError(f"The file {path} is not an IDX file of {'images' if ndim == 3 else 'labels'} (magic "
                         f"{0x0800 + ndim:#010x}, then sizes, then the bytes): found magic {magic}, sizes {shape} and "
                         f"{len(data)} bytes. Delete it so that it is downloaded again.")
    return np.frombuffer(data, np.uint8, offset=header).reshape(shape)
