"""``keras.utils.pad_sequences``: lists of different lengths as one 2-D array."""
import numpy as np

from glassnet.keras import validation as check


def pad_sequences(sequences, maxlen=None, dtype="int32", padding="pre", truncating="pre", value=0.0):
    """Pad (or cut) sequences to one length: a list of n sequences becomes an array ``(n, maxlen)``.

    ``maxlen`` is the longest sequence's length unless given. A shorter sequence is filled with
    `value` before it (``padding="pre"``) or after it (``"post"``); a longer one loses its first
    items (``truncating="pre"``) or its last (``"post"``). Sequences of vectors give
    ``(n, maxlen, ...)``.

    Args:
        sequences: a list (or array) of sequences, each a list or array.
        maxlen: the output length (None: the longest sequence's).
        dtype: the output's dtype; ``object`` for variable-length strings.
        padding: ``"pre"`` or ``"post"``: where the fill goes.
        truncating: ``"pre"`` or ``"post"``: which end of a long sequence is cut.
        value: the fill (a number, or a string with ``dtype=object`` or a string dtype).

    Returns:
        A NumPy array of shape ``(len(sequences), maxlen)``.

    >>> pad_sequences([[1], [2, 3], [4, 5, 6]])
    array([[0, 0, 1],
           [0, 2, 3],
           [4, 5, 6]], dtype=int32)
    >>> pad_sequences([[1], [2, 3], [4, 5, 6]], maxlen=2, padding="post", truncating="post")
    array([[1, 0],
           [2, 3],
           [4, 5]], dtype=int32)
    """
    if not hasattr(sequences, "__len__"):
        raise ValueError("`sequences` must be iterable.")
    check.optional(check.integer, "maxlen", maxlen, minimum=0)
    check.one_of("padding", padding, ("pre", "post"))
    check.one_of("truncating", truncating, ("pre", "post"))
    lengths, sample_shape = _lengths_and_sample_shape(sequences)
    if maxlen is None:
        maxlen = np.max(lengths)
    is_dtype_str = np.issubdtype(dtype, np.str_) or np.issubdtype(dtype, np.bytes_)
    if isinstance(value, str) and dtype is not object and not is_dtype_str:
        raise ValueError(f"`dtype` {dtype} is not compatible with `value`'s type: {type(value)}\n"
                         "You should set `dtype=object` for variable length strings.")
    x = np.full((len(sequences), maxlen) + sample_shape, value, dtype=dtype)
    for index, sequence in enumerate(sequences):
        if len(sequence):
            _place(x, index, sequence, maxlen, dtype, padding, truncating, sample_shape)
    return x


def _lengths_and_sample_shape(sequences):
    """Each sequence's length, and the shape of one step, taken from the first non-empty sequence."""
    lengths, sample_shape = [], None
    for sequence in sequences:
        try:
            lengths.append(len(sequence))
        except TypeError as error:
            raise ValueError(f"`sequences` must be a list of iterables. Found non-iterable: {sequence}") from error
        if sample_shape is None and len(sequence):
            sample_shape = np.asarray(sequence).shape[1:]
    return lengths, sample_shape or ()


def _place(x, index, sequence, maxlen, dtype, padding, truncating, sample_shape):
    kept = np.asarray(sequence[-maxlen:] if truncating == "pre" else sequence[:maxlen], dtype=dtype)
    if kept.shape[1:] != sample_shape:
        raise ValueError(f"Shape of sample {kept.shape[1:]} of sequence at position {index} is different from "
                         f"expected shape {sample_shape}")
    if padding == "post":
        x[index, :len(kept)] = kept
    else:
        x[index, -len(kept):] = kept
