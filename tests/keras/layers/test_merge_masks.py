"""Merge layers combine their inputs' masks as Keras does (values checked by hand; the
same rules are checked against Keras in tests/parity/test_recurrent_parity.py)."""
import numpy as np
import pytest

from glassnet.autodiff import Tensor
from glassnet.keras import layers

KEEP_A = np.array([[True, True, False]])
KEEP_B = np.array([[True, False, False]])


def _masked(values, mask):
    tensor = Tensor(np.asarray(values, dtype="float32"))
    tensor._keras_mask = None if mask is None else Tensor(mask)
    return tensor


def _mask(tensor):
    return None if tensor._keras_mask is None else tensor._keras_mask.value.tolist()


@pytest.mark.parametrize("merge", [layers.Add, layers.Subtract, layers.Multiply, layers.Average])
def test_elementwise_merges_keep_a_step_any_input_keeps(merge):
    a, b = _masked(np.ones((1, 3, 2)), KEEP_A), _masked(np.ones((1, 3, 2)), KEEP_B)
    assert _mask(merge()([a, b])) == [[True, True, False]]
    assert _mask(merge()([a, _masked(np.ones((1, 3, 2)), None)])) is None  # an unmasked input: no mask


def test_maximum_takes_the_other_inputs_value_at_a_masked_step():
    a = _masked([[[5.0], [1.0], [7.0]]], KEEP_A)
    b = _masked([[[2.0], [9.0], [3.0]]], KEEP_B)
    out = layers.Maximum()([a, b])
    # step 0: both kept, max 5; step 1: b masked, so a's 1 (not 9); step 2: both masked, and Keras
    # then keeps the first input's value
    assert out.value[0, :, 0].tolist() == [5.0, 1.0, 7.0]
    assert layers.Minimum()([a, b]).value[0, :, 0].tolist() == [2.0, 1.0, 7.0]


def test_concatenate_spreads_each_mask_and_joins_them_along_the_axis():
    a, b = _masked(np.ones((1, 3, 2)), KEEP_A), _masked(np.ones((1, 3, 4)), None)
    assert _mask(layers.Concatenate()([a, b])) == [[True, True, True]]  # b unmasked: all its features kept
    b = _masked(np.ones((1, 3, 2)), None)
    assert _mask(layers.Concatenate(axis=1)([a, b])) == [[True, True, False, True, True, True]]


def test_dot_drops_the_mask():
    a, b = _masked(np.ones((1, 3, 2)), KEEP_A), _masked(np.ones((1, 3, 2)), KEEP_B)
    assert _mask(layers.Dot(axes=-1)([a, b])) is None
