"""The steps IMDB's and Reuters' loaders share, as Keras takes them: shuffle, shift, cut, cap.

Reviews and newswires are lists of word indices, ranked by frequency (1 is the most common word).
Keras shifts every index by `index_from` (to keep 0 for padding, 1 for the start mark and 2 for
out-of-vocabulary words), puts `start_char` first, drops sequences of `maxlen` words or more, and
replaces words outside ``[skip_top, num_words)`` by `oov_char`.

>>> xs = shifted([[1, 2], [5]], start_char=1, index_from=3)
>>> xs
[[1, 4, 5], [1, 8]]
>>> capped(xs, num_words=6, skip_top=0, oov_char=2)
[[1, 4, 5], [1, 2]]
"""
import json

import numpy as np

from glassnet.keras import validation as check


def check_arguments(num_words, skip_top, maxlen, seed, start_char, oov_char, index_from):
    """The loaders' arguments, checked before the file is read (Keras fails later, or not at all)."""
    check.optional(check.integer, "num_words", num_words, minimum=0)
    check.integer("skip_top", skip_top, minimum=0)
    check.optional(check.integer, "maxlen", maxlen, minimum=0)
    check.integer("seed", seed, minimum=0)
    check.optional(check.integer, "start_char", start_char)
    check.optional(check.integer, "oov_char", oov_char)
    check.integer("index_from", index_from, minimum=0)


def shuffled(rng, xs, labels):
    """`xs` and `labels` in one random order drawn from `rng` (a ``np.random.RandomState``, as Keras)."""
    indices = np.arange(len(xs))
    rng.shuffle(indices)
    return xs[indices], labels[indices]


def shifted(xs, start_char, index_from):
    """Each sequence as a list, its indices plus `index_from`, after `start_char` unless it is None."""
    if start_char is not None:
        return [[start_char] + [w + index_from for w in x] for x in xs]
    if index_from:
        return [[w + index_from for w in x] for x in xs]
    return [[w for w in x] for x in xs]


def shorter_than(maxlen, xs, labels):
    """The sequences shorter than `maxlen` words, and their labels (Keras's ``remove_long_seq``)."""
    kept = [(x, y) for x, y in zip(xs, labels) if len(x) < maxlen]
    return [x for x, _ in kept], [y for _, y in kept]


def capped(xs, num_words, skip_top, oov_char):
    """Words outside ``[skip_top, num_words)`` become `oov_char`, or are dropped when it is None.

    `num_words` None (or 0) keeps every word: it becomes the largest index, which is then itself
    outside the range, as in Keras.
    """
    if not num_words:
        num_words = max(max(x) for x in xs)
    if oov_char is not None:
        return [[w if skip_top <= w < num_words else oov_char for w in x] for x in xs]
    return [[w for w in x if skip_top <= w < num_words] for x in xs]


def word_index(path):
    """The JSON dict of words to indices at `path`."""
    with open(path) as stream:
        return json.load(stream)
