"""IMDB movie reviews, as Keras loads them: ``keras.datasets.imdb.load_data(num_words=...)``.

Keras's ``imdb.npz`` (17 MB; 25,000 training and 25,000 test reviews labelled 1 for positive, 0
for negative) is read from Keras's cache folder, ``~/.keras/datasets/``, and downloaded there
when missing. It holds the reviews as pickled lists of word indices; they are read by
`npz_reader`, which accepts exactly that and never unpickles.
"""
import numpy as np

from glassnet.keras.datasets import word_sequences as words
from glassnet.keras.datasets.data_file import ORIGIN_FOLDER, data_file
from glassnet.keras.datasets.npz_reader import load_npz, member

ORIGIN = ORIGIN_FOLDER + "imdb.npz"
SHA256 = "69664113be75683a8fe16e3ed0ab59fda8886cb3cd7ada244f7d9544e4676b9f"
WORD_INDEX_ORIGIN = ORIGIN_FOLDER + "imdb_word_index.json"
WORD_INDEX_MD5 = "bfafd718b763782e994055a2d397834f"


def load_data(path="imdb.npz", num_words=None, skip_top=0, maxlen=None, seed=113, start_char=1, oov_char=2,
              index_from=3):
    """Load the IMDB reviews as lists of word indices, shuffled, shifted and capped as Keras does.

    Words are ranked by frequency: index ``i + index_from`` is the i-th most common word (0 is
    padding, `start_char` starts each review, `oov_char` stands for a word cut out).

    Args:
        path: the file's name in Keras's cache folder, or a path with a folder.
        num_words: keep the `num_words` most frequent words (indices below it); the others
            become `oov_char`. None keeps all.
        skip_top: the most frequent words to cut out as well (indices below it).
        maxlen: drop reviews of `maxlen` or more words (counting the start mark); None keeps all.
        seed: the shuffle's seed (NumPy's ``RandomState``): the same seed gives Keras's order.
        start_char: the index put first in each review (None: none).
        oov_char: the index of cut-out words (None: they are dropped).
        index_from: the offset added to every word index.

    Returns:
        ``(x_train, y_train), (x_test, y_test)``: object arrays of lists of ints, and int64 label
        arrays (1 positive, 0 negative).

    Raises:
        FileNotFoundError: the file is missing and its download failed; the message says where to
            put it.
        ValueError: an argument out of range; the file's SHA-256 is not Keras's; no review is
            shorter than `maxlen`.

    Example:
        >>> import glassnet as tf
        >>> (x_train, y_train), _ = tf.keras.datasets.imdb.load_data(num_words=20000)  # doctest: +SKIP
        >>> x_train = tf.keras.utils.pad_sequences(x_train, maxlen=200)  # doctest: +SKIP
        >>> x_train.shape  # doctest: +SKIP
        (25000, 200)
    """
    words.check_arguments(num_words, skip_top, maxlen, seed, start_char, oov_char, index_from)
    file = data_file(path, ORIGIN, SHA256, "imdb.load_data")
    arrays = load_npz(file)
    rng = np.random.RandomState(seed)  # one generator for both splits, in Keras's order
    x_train, labels_train = words.shuffled(rng, member(arrays, "x_train", file), member(arrays, "y_train", file))
    x_test, labels_test = words.shuffled(rng, member(arrays, "x_test", file), member(arrays, "y_test", file))
    x_train = words.shifted(x_train, start_char, index_from)
    x_test = words.shifted(x_test, start_char, index_from)
    if maxlen:
        x_train, labels_train = words.shorter_than(maxlen, x_train, labels_train)
        x_test, labels_test = words.shorter_than(maxlen, x_test, labels_test)
        if not x_train or not x_test:
            raise ValueError(f"After filtering for sequences shorter than maxlen={maxlen}, no sequence was kept. "
                             "Increase maxlen.")
    xs = words.capped(x_train + x_test, num_words, skip_top, oov_char)
    labels = np.concatenate([labels_train, labels_test])
    split = len(x_train)
    return (np.array(xs[:split], dtype="object"), labels[:split]), (np.array(xs[split:], dtype="object"),
                                                                    labels[split:])


def get_word_index(path="imdb_word_index.json"):
    """The dict of words to their index in the IMDB data (before `index_from` is added).

    Keras's ``imdb_word_index.json`` is read from Keras's cache folder (downloaded when missing)
    and checked against Keras's MD5. Decoding a review::

        index = {i + 3: word for word, i in get_word_index().items()}
        " ".join(index.get(i, "?") for i in x_train[0])
    """
    return words.word_index(data_file(path, WORD_INDEX_ORIGIN, WORD_INDEX_MD5, "imdb.get_word_index"))
