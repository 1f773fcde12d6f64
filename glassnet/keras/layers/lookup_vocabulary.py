"""Checks of a vocabulary given to a lookup layer, and its idf weights, as Keras makes them."""
import collections

import numpy as np

from glassnet import backend


def checked_tokens(layer, vocabulary):
    """The tokens of `vocabulary` without its leading mask and OOV tokens (if it starts with
    them, in that order), and whether it did; Keras's errors for repeats, misplaced special
    tokens and a vocabulary over `max_tokens`."""
    start = layer._token_start_index()
    special = layer._special_tokens()
    found_special = [layer._plain(v) for v in vocabulary[:start]] == special and len(vocabulary) >= start
    tokens = [layer._plain(v) for v in (vocabulary[start:] if found_special else vocabulary)]
    repeated = [token for token, count in collections.Counter(tokens).items() if count > 1]
    if repeated:
        raise ValueError("The passed vocabulary has at least one repeated term. Please uniquify your dataset. "
                         f"The repeated terms are: {repeated}")
    for name, kind, token, reserved in (("mask_token", "mask", layer.mask_token, True),
                                        ("oov_token", "OOV", layer.oov_token, layer.invert)):
        if token is not None and reserved and token in tokens:
            index = [i for i, v in enumerate(vocabulary) if layer._plain(v) == token][-1:]
            raise ValueError(
                f"Found reserved {kind} token at unexpected location in `vocabulary`. "
                "Note that passed `vocabulary` does not need to include the OOV and mask tokens. Either remove "
                "all mask and OOV tokens, or include them only at the start of the vocabulary in precisely this "
                f"order: {special}. Received: {name}={token} at vocabulary index {index}"
            )
    size = start + len(tokens)
    if layer.max_tokens is not None and size > layer.max_tokens:
        raise ValueError("Attempted to set a vocabulary larger than the maximum vocab size. Received vocabulary "
                         f"size is {size}; `max_tokens` is {layer.max_tokens}.")
    return tokens, found_special


def padded_idf_weights(layer, vocabulary, idf_weights, found_special):
    """`idf_weights` with the special indices' weights in front (their mean, unless the vocabulary
    held the special tokens) and zeros up to `max_tokens` with ``pad_to_max_tokens``."""
    idf_weights = np.asarray(getattr(idf_weights, "value", idf_weights))
    if len(vocabulary) != len(idf_weights):
        raise ValueError("`idf_weights` must be the same length as vocabulary. "
                         f"len(idf_weights) is {len(idf_weights)}; len(vocabulary) is {len(vocabulary)}")
    if idf_weights.ndim != 1:
        raise ValueError(f"TF-IDF data must be a 1-index array. Received: type(idf_weights)={type(idf_weights)}")
    front = 0 if found_special else layer._token_start_index()
    front_value = 0 if found_special else np.average(idf_weights)
    back = layer.max_tokens - front - len(idf_weights) if layer.pad_to_max_tokens and layer.max_tokens else 0
    weights = np.pad(idf_weights, (front, back), "constant", constant_values=(front_value, 0))
    return weights.astype(backend.floatx())
