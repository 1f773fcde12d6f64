"""StringLookup: strings to integer indices (or vectors), with a vocabulary given or adapted."""
import numpy as np

from glassnet.keras.layers.index_lookup import IndexLookup
from glassnet.keras.layers.lookup_data import as_text


class StringLookup(IndexLookup):
    """Maps strings to indices: ``[mask], [UNK]..., vocabulary`` (see IndexLookup's layout).

    Strings are NumPy arrays of str or bytes (glassnet has no string tensor); ``invert=True``
    maps indices back to UTF-8 bytes, as TensorFlow's ``.numpy()`` gives them.

    Args:
        max_tokens: the most indices (special ones included) that adapt keeps.
        num_oov_indices: indices for unknown strings: 1 (default) or 0 (unknown strings are an
            error); more than one needs FarmHash, which glassnet does not have.
        mask_token: a string taken as padding (index 0 in "int" mode), or None.
        oov_token: what ``invert`` and ``get_vocabulary`` show for OOV indices ("[UNK]").
        vocabulary: a list or array of strings, or a text file with one a line.
        idf_weights: with ``output_mode="tf_idf"`` and a vocabulary: one weight per term.
        invert: map indices to strings.
        output_mode: "int", "one_hot", "multi_hot", "count" or "tf_idf".
        pad_to_max_tokens: encoded outputs of width `max_tokens` whatever the vocabulary's size.
        sparse: only False.
        encoding: only "utf-8".

    >>> layer = StringLookup(vocabulary=["a", "b", "c"])
    >>> layer(np.array([["a", "c"], ["d", "b"]])).numpy()
    array([[1, 3],
           [0, 2]])
    """

    _takes_text = True  # fit passes string data to a model with this layer (trainer.py)

    def __init__(self, max_tokens=None, num_oov_indices=1, mask_token=None, oov_token="[UNK]", vocabulary=None,
                 idf_weights=None, invert=False, output_mode="int", pad_to_max_tokens=False, sparse=False,
                 encoding="utf-8", name=None, salt=None, **kwargs):
        if num_oov_indices > 1 and not invert:
            raise ValueError("glassnet's StringLookup supports num_oov_indices of 0 or 1 (more hash strings with "
                             f"FarmHash, which glassnet does not have). Received: num_oov_indices={num_oov_indices}")
        if encoding.lower().replace("-", "") != "utf8":
            raise ValueError(f"glassnet's StringLookup supports encoding='utf-8' only. Received: encoding={encoding!r}")
        kwargs.pop("vocabulary_dtype", None)
        self.encoding = encoding
        super().__init__(max_tokens=max_tokens, num_oov_indices=num_oov_indices, mask_token=mask_token,
                         oov_token=oov_token, vocabulary=vocabulary, idf_weights=idf_weights, invert=invert,
                         output_mode=output_mode, pad_to_max_tokens=pad_to_max_tokens, sparse=sparse, name=name,
                         salt=salt, vocabulary_dtype="string", **kwargs)

    def _plain(self, token):
        return token.decode(self.encoding) if isinstance(token, bytes) else str(token)

    def _token_of_line(self, line):
        return line

    def _as_tokens(self, array, argument="vocabulary"):
        if array.dtype.kind not in "USO":
            raise TypeError(f"{type(self).__name__} expects strings. Received: {argument} of dtype {array.dtype}")
        return as_text(array)

    def _inverse_table(self):
        return np.array([token.encode(self.encoding) for token in self.get_vocabulary()], dtype=object)

    def _inverse_default(self):
        return self.oov_token.encode(self.encoding)

    def _inverse_value(self, token):
        return token.encode(self.encoding)

    def get_config(self):
        config = super().get_config()
        del config["vocabulary_dtype"]
        return {**config, "encoding": self.encoding}
