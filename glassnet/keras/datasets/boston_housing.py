"""Boston housing prices, as Keras loads them: ``keras.datasets.boston_housing.load_data()``.

Keras's ``boston_housing.npz`` (506 districts, 13 features) is read from Keras's cache folder,
``~/.keras/datasets/``, downloaded there when missing, and checked against Keras's SHA-256. Keras
warns that one of its features encodes a racial assumption; ``california_housing`` replaces it.
"""
from glassnet.keras.datasets.data_file import ORIGIN_FOLDER, data_file
from glassnet.keras.datasets.housing_split import check_split, read_and_split

ORIGIN = ORIGIN_FOLDER + "boston_housing.npz"
SHA256 = "f553886a1f8d56431e820c5b82552d9d95cfcb96d1e678153f8839538947dff5"


def load_data(path="boston_housing.npz", test_split=0.2, seed=113):
    """Load the Boston housing data, shuffled and split as Keras does.

    Args:
        path: the file's name in Keras's cache folder, or a path with a folder.
        test_split: the fraction of the districts kept for the test set, in ``[0, 1)``.
        seed: the shuffle's seed (NumPy's ``RandomState``): the same seed gives Keras's split.

    Returns:
        ``(x_train, y_train), (x_test, y_test)``: float64 features ``(n, 13)`` and float64 median
        prices in k$ ``(n,)``; 404 training and 102 test districts by default.

    Example:
        >>> import glassnet as tf
        >>> (x_train, y_train), _ = tf.keras.datasets.boston_housing.load_data()  # doctest: +SKIP
        >>> x_train.shape  # doctest: +SKIP
        (404, 13)
    """
    check_split(test_split, seed)
    return read_and_split(data_file(path, ORIGIN, SHA256, "boston_housing.load_data"), test_split, seed)
