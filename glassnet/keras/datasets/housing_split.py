"""The shuffled train/test split of Keras's two housing data sets."""
import numpy as np

from glassnet.keras import validation as check


def check_split(test_split, seed):
    """Keras's rule, checked before the file is read: ``0 <= test_split < 1``."""
    check.fraction("test_split", test_split, include_one=False)
    check.integer("seed", seed, minimum=0)


def read_and_split(file, test_split, seed, rows=None):
    """``(x_train, y_train), (x_test, y_test)`` from the ``x`` and ``y`` arrays of the ``.npz`` `file`.

    The first `rows` rows (all when None) are shuffled with ``np.random.RandomState(seed)``, then the
    first ``int(n * (1 - test_split))`` of them train: the same split as Keras's for the same seed.
    """
    with np.load(file, allow_pickle=False) as data:
        x, y = data["x"][:rows], data["y"][:rows]
    indices = np.arange(len(x))
    np.random.RandomState(seed).shuffle(indices)
    x, y = x[indices], y[indices]
    split = int(len(x) * (1 - test_split))
    return (np.array(x[:split]), np.array(y[:split])), (np.array(x[split:]), np.array(y[split:]))
