import numpy as np
import pytest

from glassnet.autodiff import GradientTape, Tensor
from glassnet.autodiff.ops.embedding import embedding_lookup, summed_rows
from glassnet.keras import layers


def test_repeated_indices_sum_their_gradients():
    indices = np.array([[1, 3, 1], [1, 0, 3]])
    table = Tensor(np.arange(10.0).reshape(5, 2))
    with GradientTape() as tape:
        tape.watch(table)
        out = embedding_lookup(table, indices)
    grad = tape.gradient(out, table).numpy()
    # row 1 is picked three times, row 3 twice, row 0 once, rows 2 and 4 never
    np.testing.assert_array_equal(grad[:, 0], [1, 3, 0, 2, 0])


def test_summed_rows_matches_add_at():
    rng = np.random.default_rng(0)
    indices = rng.integers(0, 7, (4, 5))
    g = rng.standard_normal((4, 5, 3))
    expected = np.zeros((7, 3))
    np.add.at(expected, indices, g)
    np.testing.assert_allclose(summed_rows(g, indices, (7, 3)), expected, atol=1e-12)


def test_index_out_of_range_names_layer_index_and_input_dim():
    layer = layers.Embedding(10, 3, name="words")
    with pytest.raises(ValueError, match=r"'words' received index 10, outside \[0, input_dim\) with input_dim=10"):
        layer(np.array([[1, 10]]))
    with pytest.raises(ValueError, match="received index -1"):
        layer(np.array([[-1, 2]]))


def test_fractional_float_indices_are_refused_and_whole_floats_accepted():
    layer = layers.Embedding(10, 3, name="words")
    with pytest.raises(ValueError, match="'words' expects integer indices.*1.5"):
        layer(np.array([[1.5, 2.0]]))
    whole = layer(np.array([[1.0, 2.0]], dtype="float32")).numpy()  # what fit passes
    np.testing.assert_array_equal(whole, layer.embeddings.numpy()[[[1, 2]]])


def test_mask_zero_marks_padding_and_dense_passes_it_on():
    out = layers.Embedding(5, 2, mask_zero=True)(np.array([[3, 0, 1]]))
    assert out._keras_mask.numpy().tolist() == [[True, False, True]]
    assert layers.Dense(2)(out)._keras_mask.numpy().tolist() == [[True, False, True]]
    assert layers.Embedding(5, 2)(np.array([[3, 0]]))._keras_mask is None


def test_a_layer_without_mask_support_warns_and_drops_the_mask():
    out = layers.Embedding(5, 2, mask_zero=True)(np.array([[3, 0]]))
    with pytest.warns(UserWarning, match="does not support masking"):
        flat = layers.Flatten()(out)
    assert flat._keras_mask is None


def test_masking_layer_zeros_and_masks_steps_equal_to_mask_value():
    x = np.array([[[1.0, 2.0], [-1.0, -1.0], [0.0, -1.0]]], dtype="float32")
    out = layers.Masking(mask_value=-1.0)(x)
    assert out._keras_mask.numpy().tolist() == [[True, False, True]]
    np.testing.assert_array_equal(out.numpy(), [[[1, 2], [0, 0], [0, -1]]])


def test_bad_arguments():
    with pytest.raises(ValueError, match="input_dim"):
        layers.Embedding(0, 3)
    with pytest.raises(ValueError, match="output_dim"):
        layers.Embedding(3, 2.5)
    with pytest.warns(UserWarning, match="input_length"):
        layers.Embedding(3, 2, input_length=5)
