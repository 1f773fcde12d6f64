"""pad_sequences: hand-worked cases and the errors, raised before any work."""
import numpy as np
import pytest

from glassnet.keras.utils import pad_sequences

SEQUENCES = [[1], [2, 3], [4, 5, 6]]


@pytest.mark.parametrize("kwargs, expected", [
    ({}, [[0, 0, 1], [0, 2, 3], [4, 5, 6]]),
    ({"value": -1}, [[-1, -1, 1], [-1, 2, 3], [4, 5, 6]]),
    ({"padding": "post"}, [[1, 0, 0], [2, 3, 0], [4, 5, 6]]),
    ({"maxlen": 2}, [[0, 1], [2, 3], [5, 6]]),                       # truncating="pre" drops the first items
    ({"maxlen": 2, "truncating": "post"}, [[0, 1], [2, 3], [4, 5]]),
    ({"maxlen": 4, "padding": "post"}, [[1, 0, 0, 0], [2, 3, 0, 0], [4, 5, 6, 0]]),
])
def test_hand_worked_cases(kwargs, expected):
    padded = pad_sequences(SEQUENCES, **kwargs)
    assert padded.dtype == np.int32 and padded.tolist() == expected


def test_empty_sequences_vectors_and_dtypes():
    padded = pad_sequences([[], [[1.5, 2.0]]], dtype="float32", value=9)
    assert padded.shape == (2, 1, 2) and padded.tolist() == [[[9, 9]], [[1.5, 2.0]]]
    assert pad_sequences([["a"], ["b", "c"]], dtype=object, value="").tolist() == [["", "a"], ["b", "c"]]


@pytest.mark.parametrize("kwargs, message", [
    ({"padding": "middle"}, "`padding`"), ({"truncating": "end"}, "`truncating`"), ({"maxlen": 2.5}, "`maxlen`"),
    ({"value": "x"}, "not compatible with `value`'s type"),
])
def test_bad_arguments_name_themselves(kwargs, message):
    with pytest.raises(ValueError, match=message):
        pad_sequences(SEQUENCES, **kwargs)


def test_bad_sequences():
    with pytest.raises(ValueError, match="`sequences` must be iterable"):
        pad_sequences(5)
    with pytest.raises(ValueError, match="Found non-iterable: 3"):
        pad_sequences([[1], 3])
    with pytest.raises(ValueError, match=r"Shape of sample \(\) of sequence at position 1"):
        pad_sequences([[[1, 2]], [3]])
