"""California housing prices, as Keras loads them: ``keras.datasets.california_housing.load_data()``.

Keras's ``california_housing.npz`` (20,640 block groups of the 1990 census, 8 features) is read
from Keras's cache folder, ``~/.keras/datasets/``, downloaded there when missing, and checked
against Keras's SHA-256.
"""
from glassnet.keras import validation as check
from glassnet.keras.datasets.data_file import ORIGIN_FOLDER, data_file
from glassnet.keras.datasets.housing_split import check_split, read_and_split

ORIGIN = ORIGIN_FOLDER + "california_housing.npz"
SHA256 = "1a2e3a52e0398de6463aebe6f4a8da34fb21fbb6b934cf88c3425e766f2a1a6f"


def load_data(version="large", path="california_housing.npz", test_split=0.2, seed=113):
    """Load the California housing data, shuffled and split as Keras does.

    Args:
        version: ``"large"`` (all 20,640 rows) or ``"small"`` (the first 600, a stand-in for
            the Boston data).
        path: the file's name in Keras's cache folder, or a path with a folder.
        test_split: the fraction kept for the test set, in ``[0, 1)``.
        seed: the shuffle's seed (NumPy's ``RandomState``): the same seed gives Keras's split.

    Returns:
        ``(x_train, y_train), (x_test, y_test)``: float features ``(n, 8)`` (median income, house
        age, rooms, bedrooms, population, occupancy, latitude, longitude) and median house values
        in dollars ``(n,)``.

    Example:
        >>> import glassnet as tf
        >>> (x_train, y_train), _ = tf.keras.datasets.california_housing.load_data("small")  # doctest: +SKIP
        >>> x_train.shape  # doctest: +SKIP
        (480, 8)
    """
    check.one_of("version", version, ("small", "large"))
    check_split(test_split, seed)
    file = data_file(path, ORIGIN, SHA256, "california_housing.load_data")
    return read_and_split(file, test_split, seed, rows=600 if version == "small" else None)
