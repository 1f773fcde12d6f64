"""Tensors work where NumPy arrays and Python numbers do."""
import numpy as np
import pytest

from glassnet.autodiff import GradientTape, Tensor, TensorShape, Variable



def _t():
    """A fresh tensor per use, so no test can see another's changes."""
    return Tensor(np.array([[1.0, 4.0], [3.0, 2.0]], dtype="float32"))


def test_numpy_functions_accept_tensors():
    t = _t()
    assert np.max(t[:, 0]) == 3.0  # column 0 is [1, 3]
    np.testing.assert_array_equal(np.tile(t, (1, 2)), [[1, 4, 1, 4], [3, 2, 3, 2]])
    assert np.asarray(t).dtype == np.float32
    assert np.mean(t) == 2.5  # (1 + 4 + 3 + 2) / 4


def test_np_array_copies_so_the_tensor_cannot_change():
    t = _t()
    copy = np.array(t)
    copy[0, 0] = 99.0
    assert t.numpy()[0, 0] == 1.0


def test_format_of_a_scalar_tensor():
    t = _t()
    assert f"{t[0, 1]:0.2f}" == "4.00"
    assert f"{Tensor(np.array(0.123456, dtype='float32')):.3f}" == "0.123"


def test_tensor_as_an_index():
    items = ["a", "b", "c"]
    assert items[Tensor(np.array(2))] == "c"  # __index__
    assert range(10)[Tensor(np.array(3, dtype="int32"))] == 3


def test_ndarray_plus_tensor_is_a_tensor_and_differentiable():
    x = Tensor(np.array([1.0, 2.0]))
    with GradientTape() as tape:
        tape.watch(x)
        y = np.array([10.0, 20.0]) + x
        z = np.array([2.0, 3.0]) * y  # dz/dx = [2, 3]
    assert isinstance(y, Tensor) and isinstance(z, Tensor)
    np.testing.assert_array_equal(y.numpy(), [11.0, 22.0])
    np.testing.assert_array_equal(tape.gradient(z, x).numpy(), [2.0, 3.0])


def test_numpy_bool_float_int():
    t = _t()
    assert isinstance(t.numpy(), np.ndarray)
    assert bool(Tensor(np.array(True))) is True
    assert bool(Tensor(np.array(0.0))) is False
    assert float(t[1, 0]) == 3.0 and int(t[0, 1]) == 4
    with pytest.raises(ValueError):
        bool(t)  # ambiguous, like a NumPy array


def test_comparisons_return_boolean_tensors():
    t = _t()
    mask = t > 2.0
    assert isinstance(mask, Tensor)
    np.testing.assert_array_equal(mask.numpy(), [[False, True], [True, False]])
    np.testing.assert_array_equal((t == t).numpy(), np.ones((2, 2), dtype=bool))


def test_shape_len_iteration_and_transpose():
    t = _t()
    assert t.shape == (2, 2) and isinstance(t.shape, TensorShape)
    assert t.shape.as_list() == [2, 2] and t.shape.rank == 2
    assert len(t) == 2 and t.ndim == 2 and t.size == 4
    rows = [row.numpy().tolist() for row in t]
    assert rows == [[1.0, 4.0], [3.0, 2.0]]
    np.testing.assert_array_equal(t.T.numpy(), [[1.0, 3.0], [4.0, 2.0]])


def test_python_operators_match_numpy():
    t = _t()
    a = np.array([[1.0, 4.0], [3.0, 2.0]], dtype="float32")
    np.testing.assert_array_equal((t - 1).numpy(), a - 1)
    np.testing.assert_array_equal((1 - t).numpy(), 1 - a)
    np.testing.assert_array_equal((t / 2).numpy(), a / 2)
    np.testing.assert_array_equal((2 / t).numpy(), 2 / a)
    np.testing.assert_array_equal((t @ t).numpy(), a @ a)
    np.testing.assert_array_equal((t**2).numpy(), a**2)
    np.testing.assert_array_equal((-t).numpy(), -a)
    np.testing.assert_array_equal(abs(-t).numpy(), a)
    np.testing.assert_array_equal((t // 2).numpy(), a // 2)
    np.testing.assert_array_equal((t % 3).numpy(), a % 3)


def test_index_with_a_tensor_key():
    t = _t()
    rows = Tensor(np.array([1, 0]))
    np.testing.assert_array_equal(t[rows].numpy(), [[3.0, 2.0], [1.0, 4.0]])


def test_variable_is_a_tensor_and_assign_changes_it_in_place():
    v = Variable(np.zeros(2, dtype="float32"), name="bias")
    v.assign([1.0, 2.0])
    v.assign_add(np.ones(2))
    np.testing.assert_array_equal(v.numpy(), [2.0, 3.0])
    assert v.dtype == np.float32 and isinstance(v, Tensor) and v.name == "bias"
    with pytest.raises(ValueError, match="shape"):
        v.assign(np.zeros(3))
