"""TextVectorization's string steps, as TensorFlow does them: standardize, split, n-grams.

Strings are NumPy arrays of str; a split gives one Python list of tokens per string.
"""
import re

import numpy as np

# Keras's pattern (note ``,-\\.``: the range from "," to ".")
_PUNCTUATION = re.compile(r'[!"#$%&()\*\+,-\./:;<=>?@\[\\\]^_`{|}~\']')
# tf.strings.lower, as Keras calls it, changes ASCII letters only ("É" stays)
_ASCII_LOWER = str.maketrans("ABCDEFGHIJKLMNOPQRSTUVWXYZ", "abcdefghijklmnopqrstuvwxyz")
# tf.strings.split's whitespace
_WHITESPACE = re.compile(r"[ \t\n\r\f\v]+")


def standardize(strings, how):
    """`strings` (an array of str) lowered and/or stripped of punctuation, or passed to `how`."""
    if how is None:
        return strings
    if callable(how):
        return _as_str_array(how(strings))
    lower = how in ("lower", "lower_and_strip_punctuation")
    strip = how in ("strip_punctuation", "lower_and_strip_punctuation")

    def one(text):
        text = text.translate(_ASCII_LOWER) if lower else text
        return _PUNCTUATION.sub("", text) if strip else text
    return np.vectorize(one, otypes=[object])(strings) if strings.size else strings


def split(strings, how):
    """One list of tokens per string of the rank-1 array `strings`."""
    if how == "whitespace":
        return [[token for token in _WHITESPACE.split(text) if token] for text in strings.tolist()]
    if how == "character":
        return [list(text) for text in strings.tolist()]
    rows = how(strings)
    return [[_plain(token) for token in np.asarray(getattr(row, "value", row)).ravel()] for row in rows]


def ngrams(rows, widths):
    """Each row's n-grams of every width in `widths`, in that order, joined by a space
    (tf.strings.ngrams); a row shorter than a width has none of it."""
    return [[" ".join(row[i:i + width]) for width in widths for i in range(len(row) - width + 1)]
            for row in rows]


def _as_str_array(result):
    array = np.asarray(getattr(result, "value", result))
    if array.dtype.kind == "S" or array.dtype == object:
        return np.vectorize(_plain, otypes=[object])(array) if array.size else array
    return array


def _plain(token):
    return token.decode("utf-8") if isinstance(token, bytes) else str(token)
