"""IndexLookup: the machinery behind StringLookup and IntegerLookup (Keras's private base class).

Index layout, as Keras: in "int" mode the mask token (if any) is index 0, then
`num_oov_indices` OOV indices, then the vocabulary; the other modes have no mask index.
``adapt`` orders the vocabulary by descending count, ties by descending token.
"""
import collections

import numpy as np

from glassnet import backend
from glassnet.autodiff import convert_to_tensor, ops
from glassnet.keras.layers.index_encoding import check_output_mode, encode
from glassnet.keras.layers.layer import Layer
from glassnet.keras.layers.lookup_data import adapt_batches
from glassnet.keras.layers.lookup_vocabulary import checked_tokens, padded_idf_weights

_MODES = ("int", "one_hot", "multi_hot", "count", "tf_idf")


class IndexLookup(Layer):
    """Maps tokens to indices (or back, with ``invert=True``); see StringLookup and IntegerLookup."""

    def __init__(self, max_tokens, num_oov_indices, mask_token, oov_token, vocabulary_dtype, vocabulary=None,
                 idf_weights=None, invert=False, output_mode="int", sparse=False, pad_to_max_tokens=False,
                 oov_method="floormod", name=None, salt=None, **kwargs):
        output_mode = {"binary": "multi_hot", "tf-idf": "tf_idf"}.get(output_mode, output_mode)
        _check_arguments(self, max_tokens, num_oov_indices, pad_to_max_tokens, output_mode, invert, sparse,
                         idf_weights, oov_method, salt)
        frozen_size = kwargs.pop("vocabulary_size", None)
        has_input_vocabulary = kwargs.pop("has_input_vocabulary", vocabulary is not None)
        kwargs.pop("trainable", None)
        kwargs.pop("dtype", None)
        if kwargs:
            raise ValueError(f"Unrecognized keyword argument(s): {kwargs}")
        super().__init__(name=name)
        self.invert, self.max_tokens, self.num_oov_indices = invert, max_tokens, num_oov_indices
        self.mask_token, self.oov_token, self.output_mode = mask_token, oov_token, output_mode
        self.sparse, self.pad_to_max_tokens = False, pad_to_max_tokens
        self.vocabulary_dtype, self.oov_method, self.salt = vocabulary_dtype, oov_method, salt
        self._frozen_vocab_size = frozen_size
        # an adapted vocabulary restored from a config is still an adapted one
        given = has_input_vocabulary and not isinstance(vocabulary, str)
        self.input_vocabulary = vocabulary if given else None
        self.input_idf_weights = idf_weights if given else None
        self._has_input_vocabulary = has_input_vocabulary
        self._tokens, self._index, self.idf_weights = [], {}, None
        if output_mode == "tf_idf" and has_input_vocabulary and idf_weights is None:
            raise ValueError("When specifying the `vocabulary` argument, in TF-IDF output mode, the "
                             "`idf_weights` argument must also be provided.")
        if idf_weights is not None:
            self.idf_weights = np.asarray(idf_weights, dtype=backend.floatx())
        if vocabulary is not None:
            self.set_vocabulary(vocabulary, idf_weights)

    # --- the vocabulary --------------------------------------------------------
    def _oov_start_index(self):
        return 1 if self.mask_token is not None and self.output_mode == "int" else 0

    def _token_start_index(self):
        return self._oov_start_index() + self.num_oov_indices

    def _special_tokens(self):
        return [self.mask_token] * self._oov_start_index() + [self.oov_token] * self.num_oov_indices

    def get_vocabulary(self, include_special_tokens=True):
        """The tokens by index: with the mask and OOV tokens first, so a token's position is its index."""
        tokens = list(self._tokens)
        return self._special_tokens() + tokens if include_special_tokens else tokens

    def vocabulary_size(self):
        """The number of indices: the vocabulary plus the mask and OOV indices."""
        return self._token_start_index() + len(self._tokens)

    def set_vocabulary(self, vocabulary, idf_weights=None):
        """Use `vocabulary` (a list, array, or a text file with one token a line) instead of adapt;
        it may start with the mask and OOV tokens, in that order. `idf_weights` for "tf_idf" only."""
        if self.output_mode == "tf_idf":
            if idf_weights is None:
                raise ValueError("`idf_weights` must be set if output_mode is 'tf_idf'.")
        elif idf_weights is not None:
            raise ValueError("`idf_weights` should only be set if output_mode is `'tf_idf'`. "
                             f"Received: output_mode={self.output_mode} and idf_weights={idf_weights}")
        if isinstance(vocabulary, str):
            if self.output_mode == "tf_idf":
                raise ValueError("output_mode `'tf_idf'` does not support loading a vocabulary from file.")
            vocabulary = self._read_vocabulary_file(vocabulary)
        if np.size(ops.to_numpy(vocabulary)) == 0:
            raise ValueError(f"Cannot set an empty vocabulary. Received: vocabulary={vocabulary}")
        vocabulary = self._as_tokens(ops.to_numpy(vocabulary))
        tokens, found_special = checked_tokens(self, vocabulary)
        self._set_tokens(tokens)
        if self.output_mode == "tf_idf":
            self.idf_weights = padded_idf_weights(self, vocabulary, idf_weights, found_special)

    def _read_vocabulary_file(self, path):
        import os
        if not os.path.exists(path):
            raise ValueError(f"Vocabulary file {path} does not exist.")
        with open(path, encoding="utf-8") as file:
            lines = file.read().splitlines()
        return [self._token_of_line(line) for line in lines]

    def _set_tokens(self, tokens):
        self._tokens = [self._plain(token) for token in tokens]
        start = self._token_start_index()
        self._index = {token: start + i for i, token in enumerate(self._tokens)}
        self._record_vocabulary_size()

    def _record_vocabulary_size(self):
        if self.output_mode != "int" and not self.pad_to_max_tokens:
            size = self.vocabulary_size()
            if self._frozen_vocab_size is not None and size != self._frozen_vocab_size:
                raise RuntimeError(
                    f"When using `output_mode={self.output_mode}` and `pad_to_max_tokens=False`, the vocabulary "
                    "size cannot be changed after the layer is called. Old vocab size is "
                    f"{self._frozen_vocab_size}, new vocab size is {size}"
                )
        self._frozen_vocab_size = self.vocabulary_size()

    # --- adapt -------------------------------------------------------------------
    def adapt(self, data, steps=None):
        """Learn the vocabulary from `data`: every token seen, most frequent first (ties: the larger
        token first), cut to `max_tokens`. An array is one batch; a Dataset or an iterable gives
        batches; in "tf_idf" mode each row of a batch is one document."""
        if self._has_input_vocabulary:
            raise ValueError(f"Cannot adapt layer '{self.name}' after setting a static vocabulary via "
                             "`vocabulary` argument or `set_vocabulary()` method.")
        single = _is_single(data)
        self.adapt_documents(_documents(self._as_tokens(batch, argument="data"), single)
                             for batch in adapt_batches(data, steps))

    def adapt_documents(self, batches):
        """Learn the vocabulary from `batches`, each a sequence of documents (rows of tokens, of any
        lengths: TextVectorization's split strings)."""
        counts, document_counts, documents = collections.Counter(), collections.Counter(), 0
        for rows in batches:
            for row in rows:  # tokens already plain or NumPy scalars, which hash and compare as plain ones
                counts.update(row.tolist() if hasattr(row, "tolist") else row)
                if self.output_mode == "tf_idf":
                    document_counts.update(set(row))
            documents += len(rows)
        if not counts:
            self._record_vocabulary_size()
            return
        for special in (self.mask_token, self.oov_token):
            counts.pop(special, None)
        ranked = sorted(counts.items(), key=lambda item: (item[1], item[0]), reverse=True)
        if self.max_tokens:
            ranked = ranked[:self.max_tokens - self._token_start_index()]
        self._set_tokens([token for token, _ in ranked])
        if self.output_mode == "tf_idf":
            self.idf_weights = self._adapted_idf_weights(document_counts, documents)

    def _adapted_idf_weights(self, document_counts, documents):
        frequencies = np.array([document_counts[token] for token in self._tokens], dtype=np.int64)
        weights = np.log(1 + documents / (1 + frequencies)).astype(backend.floatx())
        weights = np.concatenate([np.full(self._token_start_index(), weights.mean(), weights.dtype), weights])
        if self.pad_to_max_tokens and self.max_tokens is not None:
            weights = np.pad(weights, (0, self.max_tokens - weights.size))
        return weights

    # --- calling -----------------------------------------------------------------
    def call(self, inputs):
        values = ops.to_numpy(inputs)
        if self.invert:
            return convert_to_tensor(self._inverted(values))
        self._ensure_known_vocab_size()
        indices = self._indices_of(self._as_tokens(values, argument="inputs"))
        if self.output_mode == "int":
            return convert_to_tensor(indices)
        depth = self.max_tokens if self.pad_to_max_tokens else self._frozen_vocab_size
        mode = "count" if self.output_mode == "tf_idf" else self.output_mode
        output = encode(indices, mode, depth, backend.floatx())
        if self.output_mode == "tf_idf":
            output = output * self.idf_weights
        return convert_to_tensor(output)

    def _indices_of(self, tokens):
        """int64 indices of `tokens`: the mask token 0 (int mode) or dropped, unknown ones OOV."""
        unique, inverse = np.unique(tokens.ravel(), return_inverse=True)
        unique = [self._plain(u) for u in unique]
        default = self._oov_start_index() if self.num_oov_indices == 1 else -1
        found = np.array([self._index.get(u, default) for u in unique], dtype=np.int64)
        indices = found[inverse].reshape(tokens.shape)
        masked = tokens == self.mask_token if self.mask_token is not None else np.zeros(tokens.shape, bool)
        unknown = (indices == -1) & ~masked
        if self.num_oov_indices == 0 and unknown.any():
            raise ValueError(
                "When `num_oov_indices=0` all inputs should be in vocabulary, found OOV values "
                f"{tokens[unknown].tolist()}, consider setting `num_oov_indices=1`."
            )
        if self.num_oov_indices > 1:  # integers only: Keras's floormod hashing
            indices = np.where(unknown, np.mod(tokens, self.num_oov_indices) + self._oov_start_index(), indices)
        # int mode: the mask is index 0; other modes drop it (Keras maps it past the last index)
        return np.where(masked, 0 if self.output_mode == "int" else np.iinfo(np.int64).max, indices)

    def _inverted(self, indices):
        if indices.dtype.kind not in "iu":
            raise TypeError(f"{type(self).__name__}(invert=True) expects integer indices. "
                            f"Received: inputs of dtype {indices.dtype}")
        table = self._inverse_table()
        known = (indices >= self._token_start_index()) & (indices < len(table))
        out = np.where(known, table[np.clip(indices, 0, len(table) - 1)], self._inverse_default())
        if self.mask_token is not None:
            out = np.where(indices == 0, self._inverse_value(self.mask_token), out)
        return out.astype(table.dtype)

    def _ensure_known_vocab_size(self):
        if self.output_mode != "int" and not self.pad_to_max_tokens and self._frozen_vocab_size is None:
            raise RuntimeError(
                f"When using `output_mode={self.output_mode}` and `pad_to_max_tokens=False`, you must set the "
                "layer's vocabulary before calling it. Either pass a `vocabulary` argument to the layer, or "
                "call `adapt` with some sample data."
            )

    # --- shapes, config, saving ----------------------------------------------------
    @property
    def _symbolic_output_dtype(self):
        if self.invert:
            return self.vocabulary_dtype
        return "int64" if self.output_mode == "int" else backend.floatx()

    def compute_output_shape(self, input_shape):
        input_shape = tuple(input_shape)
        if self.output_mode == "int":
            return input_shape
        depth = self.max_tokens if self.pad_to_max_tokens else self._frozen_vocab_size
        if self.output_mode == "one_hot" and not (len(input_shape) > 1 and input_shape[-1] == 1):
            return input_shape + (depth,)
        return input_shape[:-1] + (depth,)

    def load_assets(self, files):
        """The vocabulary of a Keras file: ``vocabulary.txt`` (one token a line, the special tokens
        first) in the layer's ``assets/`` folder, written by Keras for an adapted layer."""
        if self.input_vocabulary is not None or "vocabulary.txt" not in files:
            return
        if self.output_mode == "tf_idf":  # Keras keeps the weights apart, in the weights file
            raise NotImplementedError(
                f"Layer '{self.name}': glassnet cannot load an adapted output_mode='tf_idf' vocabulary from a Keras "
                "file (its idf weights). Save the layer with a vocabulary and idf_weights instead.")
        lines = files["vocabulary.txt"].decode("utf-8").splitlines()
        while lines and lines[-1] == "":
            lines.pop()
        self.set_vocabulary([self._token_of_line(line) for line in lines])

    def get_config(self):
        idf = self.input_idf_weights
        vocabulary = self.input_vocabulary
        adapted = {}
        if vocabulary is None and self._tokens:
            # Keras keeps an adapted vocabulary in the .keras file's assets; glassnet's files have no
            # assets, so it travels here, marked as adapted (Keras's own from_config accepts the key)
            vocabulary, adapted = self.get_vocabulary(), {"has_input_vocabulary": False}
            if self.output_mode == "tf_idf":
                idf = self.idf_weights[:self.vocabulary_size()]
        return {**adapted, **super().get_config(), "invert": self.invert, "max_tokens": self.max_tokens,
                "num_oov_indices": self.num_oov_indices, "oov_token": self.oov_token,
                "mask_token": self.mask_token, "output_mode": self.output_mode, "sparse": self.sparse,
                "pad_to_max_tokens": self.pad_to_max_tokens, "vocabulary_dtype": self.vocabulary_dtype,
                "idf_weights": None if idf is None else np.asarray(idf).tolist(),
                "vocabulary": None if vocabulary is None else [self._plain(v) for v in np.asarray(vocabulary).ravel()],
                "vocabulary_size": self._frozen_vocab_size, "oov_method": self.oov_method, "salt": self.salt}


def _check_arguments(layer, max_tokens, num_oov_indices, pad_to_max_tokens, output_mode, invert, sparse,
                     idf_weights, oov_method, salt):
    """Keras's checks and messages, before anything is built."""
    if max_tokens is not None and max_tokens <= 1:
        raise ValueError(f"If set, `max_tokens` must be greater than 1. Received: max_tokens={max_tokens}")
    if pad_to_max_tokens and max_tokens is None:
        raise ValueError(f"If pad_to_max_tokens is True, must set `max_tokens`. Received: max_tokens={max_tokens}")
    if num_oov_indices < 0:
        raise ValueError(
            f"`num_oov_indices` must be greater than or equal to 0. Received: num_oov_indices={num_oov_indices}")
    if oov_method != "floormod":
        raise ValueError("glassnet supports oov_method='floormod' only (no FarmHash). "
                         f"Received: oov_method={oov_method!r}")
    if salt is not None:
        raise ValueError(f"`salt` can only be used when `oov_method='farmhash'`. Received: salt={salt!r}")
    check_output_mode(output_mode, _MODES, type(layer).__name__)
    if invert and output_mode != "int":
        raise ValueError(f"`output_mode` must be `'int'` when `invert` is true. Received: output_mode={output_mode}")
    if sparse:
        raise ValueError("`sparse=True` can only be used with the TensorFlow backend (glassnet has no sparse "
                         f"tensors). Received: sparse={sparse}")
    if idf_weights is not None and output_mode != "tf_idf":
        raise ValueError("`idf_weights` should only be set if `output_mode` is `'tf_idf'`. "
                         f"Received: idf_weights={idf_weights} and output_mode={output_mode}")


def _is_single(data):
    return hasattr(data, "__array__") or isinstance(data, (list, tuple)) or hasattr(data, "value")


def _documents(batch, single):
    """`batch` as rows, one document each: a rank-1 array given to adapt is a column of one-token
    documents (Keras expands it on the last axis); a rank-1 batch of a Dataset is one document."""
    if batch.ndim == 0:
        return batch.reshape(1, 1)
    if batch.ndim == 1:
        return batch.reshape(-1, 1) if single else batch.reshape(1, -1)
    return batch.reshape(len(batch), -1)
