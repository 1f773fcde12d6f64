"""Reuters newswires in 46 topics, as Keras loads them: ``keras.datasets.reuters.load_data()``.

Keras's ``reuters.npz`` (11,228 newswires) is read from Keras's cache folder,
``~/.keras/datasets/``, and downloaded there when missing. Like IMDB's, it holds pickled lists of
word indices, read by `npz_reader`, never unpickled.
"""
import numpy as np

from glassnet.keras import validation as check
from glassnet.keras.datasets import word_sequences as words
from glassnet.keras.datasets.data_file import ORIGIN_FOLDER, data_file
from glassnet.keras.datasets.npz_reader import load_npz, member

ORIGIN = ORIGIN_FOLDER + "reuters.npz"
SHA256 = "d6586e694ee56d7a4e65172e12b3e987c03096cb01eab99753921ef915959916"
WORD_INDEX_ORIGIN = ORIGIN_FOLDER + "reuters_word_index.json"
WORD_INDEX_MD5 = "4d44cc38712099c9e383dc6e5f11a921"
LABEL_NAMES = (
    "cocoa", "grain", "veg-oil", "earn", "acq", "wheat", "copper", "housing", "money-supply", "coffee", "sugar",
    "trade", "reserves", "ship", "cotton", "carcass", "crude", "nat-gas", "cpi", "money-fx", "interest", "gnp",
    "meal-feed", "alum", "oilseed", "gold", "tin", "strategic-metal", "livestock", "retail", "ipi", "iron-steel",
    "rubber", "heat", "jobs", "lei", "bop", "zinc", "orange", "pet-chem", "dlr", "gas", "silver", "wpi", "hog", "lead",
)


def load_data(path="reuters.npz", num_words=None, skip_top=0, maxlen=None, test_split=0.2, seed=113, start_char=1,
              oov_char=2, index_from=3):
    """Load the Reuters newswires as lists of word indices, split as Keras splits them.

    The arguments are IMDB's (see ``imdb.load_data``), and `test_split`: the fraction of the
    shuffled newswires kept for the test set (the last ones).

    Returns:
        ``(x_train, y_train), (x_test, y_test)``: object arrays of lists of ints, and int64 topic
        labels 0..45 (``get_label_names()`` names them).

    Example:
        >>> import glassnet as tf
        >>> (x_train, y_train), _ = tf.keras.datasets.reuters.load_data(num_words=10000)  # doctest: +SKIP
        >>> len(x_train)  # doctest: +SKIP
        8982
    """
    words.check_arguments(num_words, skip_top, maxlen, seed, start_char, oov_char, index_from)
    check.real("test_split", test_split, 0.0, 1.0, expected="a fraction in [0, 1]")
    file = data_file(path, ORIGIN, SHA256, "reuters.load_data")
    arrays = load_npz(file)
    xs, labels = words.shuffled(np.random.RandomState(seed), member(arrays, "x", file), member(arrays, "y", file))
    xs = words.shifted(xs, start_char, index_from)
    if maxlen:
        xs, labels = words.shorter_than(maxlen, xs, labels)
    xs = words.capped(xs, num_words, skip_top, oov_char)
    split = int(len(xs) * (1 - test_split))
    return ((np.array(xs[:split], dtype="object"), np.array(labels[:split])),
            (np.array(xs[split:], dtype="object"), np.array(labels[split:])))


def get_word_index(path="reuters_word_index.json"):
    """The dict of words to their index in the Reuters data (before `index_from` is added)."""
    return words.word_index(data_file(path, WORD_INDEX_ORIGIN, WORD_INDEX_MD5, "reuters.get_word_index"))


def get_label_names():
    """The 46 topic names, in the order of the labels."""
    return LABEL_NAMES
