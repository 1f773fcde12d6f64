"""Keras's ``encode_categorical_inputs``: integer indices to one-hot, multi-hot or count vectors.

Shared by CategoryEncoding, the lookup layers and Discretization. Indices outside
``[0, depth)`` (a lookup's mask token, for one) add nothing, as in Keras's backends.
"""
import numpy as np

OUTPUT_MODES = ("int", "one_hot", "multi_hot", "count")


def check_output_mode(value, allowed, owner):
    """Keras's ``validate_string_arg`` message, word for word."""
    if not (isinstance(value, str) and value in allowed):
        raise ValueError(
            f"Unknown value for `output_mode` argument of {owner}. Allowed values are: {allowed}. "
            f"Received: output_mode={value}"
        )


def encode(indices, output_mode, depth, dtype, count_weights=None):
    """`indices` (an integer array) encoded as Keras encodes them.

    "one_hot" adds an axis of size `depth` (replacing a last axis of size 1); "multi_hot" and
    "count" reduce axis 1 of rank-2+ inputs (axis 0 of a rank-1 input: one sample).
    """
    indices = np.asarray(indices)
    if output_mode == "int":
        return indices.astype(dtype)
    if indices.ndim == 0:  # a scalar is one sample
        indices = indices[None]
    if output_mode == "one_hot":
        if indices.ndim > 1 and indices.shape[-1] == 1:
            indices = indices[..., 0]
        return one_hot(indices, depth, dtype)
    axis = 1 if indices.ndim > 1 else 0
    if output_mode == "multi_hot":
        return one_hot(indices, depth, dtype).max(axis=axis)
    if count_weights is not None:
        counts = one_hot(indices, depth, count_weights.dtype) * count_weights[..., None]
        return counts.sum(axis=axis)
    return one_hot(indices, depth, dtype).sum(axis=axis)


def one_hot(indices, depth, dtype):
    """An axis of size `depth` added last, 1 at each index (none for an index out of range)."""
    return (indices[..., None] == np.arange(depth)).astype(dtype)


def encoded_shape(input_shape, output_mode, depth):
    """The output shape of :func:`encode` for `input_shape` (as CategoryEncoding computes it)."""
    input_shape = tuple(input_shape)
    if output_mode == "int":
        return input_shape
    if not input_shape:
        return (depth,)
    if output_mode == "one_hot" and (input_shape[-1] != 1 or len(input_shape) == 1):
        return input_shape + (depth,)
    return input_shape[:-1] + (depth,)
