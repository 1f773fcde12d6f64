"""IntegerLookup: integer features (ids, codes) to contiguous indices (or vectors)."""
import numpy as np

from glassnet.keras.layers.index_lookup import IndexLookup


class IntegerLookup(IndexLookup):
    """Maps integers to indices: ``[mask], [OOV]..., vocabulary`` (see IndexLookup's layout).

    Args are StringLookup's, with integer tokens: `oov_token` defaults to -1 and `mask_token`
    to None; with ``num_oov_indices > 1`` an unknown value ``v`` gets OOV index
    ``v mod num_oov_indices`` (Keras's "floormod"). Only ``vocabulary_dtype="int64"``.

    >>> IntegerLookup(vocabulary=[12, 36, 1138, 42])(np.array([[12, 1138], [42, 7]])).numpy()
    array([[1, 3],
           [4, 0]])
    """

    def __init__(self, max_tokens=None, num_oov_indices=1, mask_token=None, oov_token=-1, vocabulary=None,
                 vocabulary_dtype="int64", idf_weights=None, invert=False, output_mode="int", sparse=False,
                 pad_to_max_tokens=False, oov_method="floormod", salt=None, name=None, **kwargs):
        if max_tokens is not None and max_tokens <= 1:
            raise ValueError("If `max_tokens` is set for `IntegerLookup`, it must be greater than 1. "
                             f"Received: max_tokens={max_tokens}")
        if num_oov_indices < 0:
            raise ValueError("The value of `num_oov_indices` argument for `IntegerLookup` must >= 0. "
                             f"Received: num_oov_indices={num_oov_indices}")
        if vocabulary_dtype != "int64":
            raise ValueError("Only `vocabulary_dtype='int64'` is supported at this time. "
                             f"Received: vocabulary_dtype={vocabulary_dtype}")
        super().__init__(max_tokens=max_tokens, num_oov_indices=num_oov_indices, mask_token=mask_token,
                         oov_token=oov_token, vocabulary=vocabulary, vocabulary_dtype=vocabulary_dtype,
                         idf_weights=idf_weights, invert=invert, output_mode=output_mode, sparse=sparse,
                         pad_to_max_tokens=pad_to_max_tokens, oov_method=oov_method, salt=salt, name=name,
                         **kwargs)

    def _plain(self, token):
        return int(token)

    def _token_of_line(self, line):
        return int(line)

    def _as_tokens(self, array, argument="vocabulary"):
        if array.dtype.kind == "f" and np.all(array == np.round(array)):  # 3.0 from a float column
            return array.astype(np.int64)
        if array.dtype.kind not in "iub":
            raise TypeError(f"{type(self).__name__} expects integers. Received: {argument} of dtype {array.dtype}")
        return array.astype(np.int64)

    def _inverse_table(self):
        return np.array(self.get_vocabulary(), dtype=np.int64)

    def _inverse_default(self):
        return self.oov_token

    def _inverse_value(self, token):
        return token

    def get_config(self):
        config = super().get_config()
        for key in ("oov_token", "mask_token"):
            if config[key] is not None:
                config[key] = int(config[key])
        return config
