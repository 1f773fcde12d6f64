"""TextVectorization: strings to sequences of token indices, or to bag-of-words vectors."""
import numpy as np

from glassnet import backend
from glassnet.autodiff import convert_to_tensor
from glassnet.keras.layers import text_processing
from glassnet.keras.layers.index_encoding import check_output_mode, encode
from glassnet.keras.layers.layer import Layer
from glassnet.keras.layers.lookup_data import adapt_batches, as_text
from glassnet.keras.layers.string_lookup import StringLookup

_MODES = ("int", "one_hot", "multi_hot", "count", "tf_idf")


class TextVectorization(Layer):
    """Standardize each string, split it into tokens, make n-grams, and look them up.

    The vocabulary (from :meth:`adapt` or `vocabulary`) is a StringLookup's with mask token
    "": index 0 is padding, 1 is "[UNK]", then the tokens by descending count.

    Args:
        max_tokens: the most indices (padding and OOV included).
        standardize: "lower_and_strip_punctuation" (default; ASCII letters lowered, as TensorFlow),
            "lower", "strip_punctuation", None, or a function of a NumPy array of str.
        split: "whitespace" (default), "character", None (the whole string is one token), or a
            function of a rank-1 array of str returning one sequence of tokens per string.
        ngrams: None, an int n (n-grams of 1..n) or a tuple of widths.
        output_mode: "int" (index sequences), "multi_hot", "count", "tf_idf" (one vector per
            string), or "one_hot" (only with ``split=None``).
        output_sequence_length: "int" mode: pad or cut every sequence to this length (else to the
            longest in the batch).
        pad_to_max_tokens: vectors of width `max_tokens` whatever the vocabulary's size.
        vocabulary, idf_weights: a fixed vocabulary instead of adapt.

    >>> layer = TextVectorization(vocabulary=["the", "cat"], output_sequence_length=4)
    >>> layer(np.array(["The cat sat."])).numpy()
    array([[2, 3, 1, 0]])
    """

    _takes_text = True  # fit passes string data to a model with this layer (trainer.py)

    def __init__(self, max_tokens=None, standardize="lower_and_strip_punctuation", split="whitespace", ngrams=None,
                 output_mode="int", output_sequence_length=None, pad_to_max_tokens=False, vocabulary=None,
                 idf_weights=None, sparse=False, ragged=False, encoding="utf-8", name=None, **kwargs):
        for option, value in (("sparse", sparse), ("ragged", ragged)):
            if value:
                raise ValueError(f"`{option}=True` can only be used with the TensorFlow backend (glassnet has no "
                                 f"{option} tensors). Received: {option}={value}")
        _check_choice("standardize", standardize, ("lower_and_strip_punctuation", "lower", "strip_punctuation"))
        _check_choice("split", split, ("whitespace", "character"))
        output_mode = {"binary": "multi_hot", "tf-idf": "tf_idf"}.get(output_mode, output_mode)
        check_output_mode(output_mode, _MODES, "TextVectorization")
        _check_lengths(ngrams, output_mode, output_sequence_length)
        has_input_vocabulary = kwargs.pop("has_input_vocabulary", vocabulary is not None)
        vocabulary_size = kwargs.pop("vocabulary_size", None)
        super().__init__(name=name, **kwargs)
        self._standardize, self._split, self._ngrams_arg = standardize, split, ngrams
        self._ngrams = tuple(range(1, ngrams + 1)) if isinstance(ngrams, int) else ngrams
        self._output_mode, self._output_sequence_length = output_mode, output_sequence_length
        self._encoding = encoding
        self._lookup_layer = StringLookup(
            max_tokens=max_tokens, vocabulary=vocabulary, idf_weights=idf_weights,
            pad_to_max_tokens=pad_to_max_tokens, mask_token="", output_mode=output_mode,
            has_input_vocabulary=has_input_vocabulary, encoding=encoding, vocabulary_size=vocabulary_size)

    # --- the vocabulary ------------------------------------------------------------
    def adapt(self, data, batch_size=None, steps=None):
        """Learn the vocabulary from strings: an array (each string one document), a Dataset of
        batches of strings, or any iterable of batches."""
        if self._lookup_layer._has_input_vocabulary:
            raise ValueError(f"Cannot adapt layer '{self._lookup_layer.name}' after setting a static vocabulary "
                             "via `vocabulary` argument or `set_vocabulary()` method.")
        self._lookup_layer.adapt_documents(self._tokens(batch) for batch in adapt_batches(data, steps))

    def get_vocabulary(self, include_special_tokens=True):
        """The tokens by index ("" for padding and "[UNK]" first, unless excluded)."""
        return self._lookup_layer.get_vocabulary(include_special_tokens)

    def vocabulary_size(self):
        return self._lookup_layer.vocabulary_size()

    def set_vocabulary(self, vocabulary, idf_weights=None):
        self._lookup_layer.set_vocabulary(vocabulary, idf_weights=idf_weights)

    # --- calling -------------------------------------------------------------------------
    def _tokens(self, batch):
        """The rows of tokens of a batch of strings (each row one string's tokens), or, with
        ``split=None``, the standardized strings themselves."""
        strings = np.asarray(getattr(batch, "value", batch))
        if strings.dtype.kind not in "USO":
            raise TypeError(f"TextVectorization expects strings. Received: inputs of dtype {strings.dtype}")
        strings = text_processing.standardize(as_text(strings), self._standardize)
        if self._split is None:
            return strings.reshape(-1, 1) if strings.ndim <= 1 else strings
        if strings.ndim > 1:
            if strings.shape[-1] != 1:
                raise ValueError(
                    "When using `TextVectorization` to tokenize strings, the input rank must be 1 or the last "
                    f"shape dimension must be 1. Received: inputs.shape={strings.shape} with rank={strings.ndim}")
            strings = strings[..., 0]
        rows = text_processing.split(strings.reshape(-1), self._split)
        return text_processing.ngrams(rows, self._ngrams) if self._ngrams else rows

    def call(self, inputs):
        values = np.asarray(getattr(inputs, "value", inputs))
        if self._split is None:
            return self._lookup_layer.call(text_processing.standardize(as_text(values), self._standardize))
        rows = self._tokens(values)
        lookup = self._lookup_layer
        lookup._ensure_known_vocab_size()
        lengths = [len(row) for row in rows]
        flat = np.array([token for row in rows for token in row], dtype=object)
        indices = lookup._indices_of(flat) if flat.size else np.zeros(0, np.int64)
        width = self._output_sequence_length if self._output_mode == "int" and self._output_sequence_length \
            else max(lengths, default=0)
        padding = 0 if self._output_mode == "int" else -1  # -1: counted nowhere by the encoding
        out = np.full((len(rows), width), padding, dtype=np.int64)
        for i, (start, length) in enumerate(zip(np.cumsum([0] + lengths[:-1]), lengths)):
            kept = min(length, width)
            out[i, :kept] = indices[start:start + kept]
        if self._output_mode == "int":
            return convert_to_tensor(out)
        depth = lookup.max_tokens if lookup.pad_to_max_tokens else lookup._frozen_vocab_size
        mode = "count" if self._output_mode == "tf_idf" else self._output_mode
        encoded = encode(out, mode, depth, backend.floatx())
        return convert_to_tensor(encoded * lookup.idf_weights if self._output_mode == "tf_idf" else encoded)

    @property
    def _symbolic_output_dtype(self):
        return "int64" if self._output_mode == "int" else backend.floatx()

    def compute_output_shape(self, input_shape):
        batch = tuple(input_shape)[:1] or (None,)
        if self._output_mode == "int":
            return (*batch, self._output_sequence_length)
        if self._split is None:
            return self._lookup_layer.compute_output_shape(input_shape if len(input_shape) > 1 else (*batch, 1))
        lookup = self._lookup_layer
        return (*batch, lookup.max_tokens if lookup.pad_to_max_tokens else lookup._frozen_vocab_size)

    def load_assets(self, files):
        """A Keras file's adapted vocabulary (see IndexLookup.load_assets)."""
        self._lookup_layer.load_assets(files)

    # --- config ----------------------------------------------------------------------------
    def get_config(self):
        lookup = self._lookup_layer.get_config()  # an adapted vocabulary travels in it (see IndexLookup)
        config = {**super().get_config(), "max_tokens": lookup["max_tokens"], "standardize": self._standardize,
                  "split": self._split, "ngrams": self._ngrams_arg, "output_mode": self._output_mode,
                  "output_sequence_length": self._output_sequence_length,
                  "pad_to_max_tokens": lookup["pad_to_max_tokens"], "sparse": False, "ragged": False,
                  "vocabulary": lookup["vocabulary"], "idf_weights": lookup["idf_weights"],
                  "encoding": self._encoding, "vocabulary_size": self.vocabulary_size()}
        if "has_input_vocabulary" in lookup:
            config["has_input_vocabulary"] = False
        for key in ("standardize", "split"):
            if callable(config[key]):
                from glassnet.keras.saving.serialization_lib import serialize_keras_object
                config[key] = serialize_keras_object(config[key])
        return config

    @classmethod
    def from_config(cls, config):
        config = dict(config)
        for key in ("standardize", "split"):
            if config.get(key) is not None and not isinstance(config[key], str):
                from glassnet.keras.saving.serialization_lib import deserialize_keras_object
                config[key] = deserialize_keras_object(config[key])
        if isinstance(config.get("ngrams"), list):
            config["ngrams"] = tuple(config["ngrams"])
        return cls(**config)


def _check_choice(name, value, allowed):
    if not (value is None or callable(value) or (isinstance(value, str) and value in allowed)):
        raise ValueError(f"Unknown value for `{name}` argument of TextVectorization. Allowed values are: {allowed}. "
                         f"Received: {name}={value}")


def _check_lengths(ngrams, output_mode, output_sequence_length):
    if not (ngrams is None or isinstance(ngrams, int)
            or isinstance(ngrams, tuple) and all(isinstance(item, int) for item in ngrams)):
        raise ValueError(f"`ngrams` must be None, an integer, or a tuple of integers. Received: ngrams={ngrams}")
    if output_mode == "int" and not (isinstance(output_sequence_length, int) or output_sequence_length is None):
        raise ValueError("`output_sequence_length` must be either None or an integer when `output_mode` is 'int'. "
                         f"Received: output_sequence_length={output_sequence_length}")
    if output_mode != "int" and output_sequence_length is not None:
        raise ValueError("`output_sequence_length` must not be set if `output_mode` is not 'int'. "
                         f"Received output_sequence_length={output_sequence_length}.")
