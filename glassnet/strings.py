"""``tf.strings``: the few string functions that text preprocessing calls (TextVectorization's
``standardize`` functions in TensorFlow's tutorials).

glassnet has no string tensor: these take NumPy arrays of str or bytes (or Tensors holding them)
and return Tensors holding Python str.

>>> import glassnet as tf
>>> tf.strings.regex_replace(tf.strings.lower(["Hello<br />World!"]), "<br />", " ").numpy()
array(['hello world!'], dtype=object)
"""
import re

import numpy as np

from glassnet.autodiff import convert_to_tensor
from glassnet.missing import attribute_error as _attribute_error

_ASCII_UPPER, _ASCII_LOWER = "ABCDEFGHIJKLMNOPQRSTUVWXYZ", "abcdefghijklmnopqrstuvwxyz"
_TO_LOWER, _TO_UPPER = str.maketrans(_ASCII_UPPER, _ASCII_LOWER), str.maketrans(_ASCII_LOWER, _ASCII_UPPER)


def lower(input, encoding="", name=None):  # noqa: A002 - TensorFlow's argument name
    """Lower case: ASCII letters only, as TensorFlow's default ``encoding=""``; every letter with
    ``encoding="utf-8"``."""
    return _each(input, lambda text: text.lower() if encoding else text.translate(_TO_LOWER))


def upper(input, encoding="", name=None):  # noqa: A002 - TensorFlow's argument name
    """Upper case, as :func:`lower`."""
    return _each(input, lambda text: text.upper() if encoding else text.translate(_TO_UPPER))


def regex_replace(input, pattern, rewrite, replace_global=True, name=None):  # noqa: A002 - TensorFlow's name
    """Each match of `pattern` replaced by `rewrite` (every match, or the first with
    ``replace_global=False``); ``\\1`` in `rewrite` is a group. Python's ``re`` stands in for RE2."""
    compiled = re.compile(pattern)
    return _each(input, lambda text: compiled.sub(rewrite, text, count=0 if replace_global else 1))


def strip(input, name=None):  # noqa: A002 - TensorFlow's argument name
    """Leading and trailing whitespace removed."""
    return _each(input, str.strip)


def length(input, unit="BYTE", name=None):  # noqa: A002 - TensorFlow's argument name
    """The length of each string: in UTF-8 bytes (``unit="BYTE"``) or in characters ("UTF8_CHAR")."""
    if unit not in ("BYTE", "UTF8_CHAR"):
        raise ValueError("Invalid `unit` for tf.strings.length: expected 'BYTE' or 'UTF8_CHAR'. "
                         f"Received: unit={unit!r}")
    texts = _each(input, lambda text: text).value
    count = len if unit == "UTF8_CHAR" else (lambda text: len(text.encode("utf-8")))
    return convert_to_tensor(np.frompyfunc(count, 1, 1)(texts).astype(np.int32))


def _texts(value):
    array = np.asarray(getattr(value, "value", value))
    if array.dtype.kind not in "USO":
        raise TypeError(f"tf.strings functions take strings. Received: input of dtype {array.dtype}")
    return array


def _each(value, function):
    texts = _texts(value)
    as_text = np.frompyfunc(lambda v: function(v.decode("utf-8") if isinstance(v, bytes) else str(v)), 1, 1)
    return convert_to_tensor(as_text(texts).astype(object) if texts.ndim else np.array(as_text(texts), dtype=object))


__getattr__ = _attribute_error(__name__, "tf.strings")
