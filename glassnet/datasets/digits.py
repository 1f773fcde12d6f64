"""Handwritten digits, 8x8 pixels, shipped inside glassnet: nothing is downloaded.

The UCI "Optical Recognition of Handwritten Digits" set (Alpaydin and Kaynak, 1998;
CC BY 4.0; see ``data/README.md``): 1,797 images of the ten digits, split once, for
good, into 1,437 training and 360 test images (36 of each digit).

Each pixel counts the inked cells of a 4x4 block of a 32x32 scan, so values run from
0 to 16; divide by 16 to bring them into [0, 1].
"""
import os

import numpy as np

DATA_FILE = os.path.join(os.path.dirname(__file__), "data", "digits.npz")


def load_data():
    """Load the shipped digits, split into a training and a test set.

    Returns:
        ``(x_train, y_train), (x_test, y_test)``, as Keras's dataset loaders return them:

        - ``x_train``: uint8 array of shape ``(1437, 8, 8)``, pixel values 0..16.
        - ``y_train``: uint8 array of shape ``(1437,)``, the digits 0..9.
        - ``x_test``: uint8 array of shape ``(360, 8, 8)``.
        - ``y_test``: uint8 array of shape ``(360,)``.

    Example:
        >>> from glassnet.datasets import digits
        >>> (x_train, y_train), (x_test, y_test) = digits.load_data()
        >>> x_train.shape, x_test.shape
        ((1437, 8, 8), (360, 8, 8))
        >>> int(x_train.max())
        16
    """
    with np.load(DATA_FILE, allow_pickle=False) as data:
        return (data["x_train"], data["y_train"]), (data["x_test"], data["y_test"])
