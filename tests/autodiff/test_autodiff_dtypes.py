"""float32 stays float32 through every op, forward and backward (NumPy 2 promotes
with float64 arrays and np.float64 scalars, so each op is checked)."""
import numpy as np
import pytest

from glassnet.autodiff import GradientTape, Tensor, Variable, convert_to_tensor, ops

A = np.array([[0.5, -1.5, 2.0], [1.0, 0.25, -0.75]], dtype="float32")
B = np.array([0.5, 1.5, 2.5], dtype="float32")  # positive: safe for log, sqrt, divide

UNARY = {
    "negative": ops.negative, "square": ops.square, "exp": ops.exp, "abs": ops.abs,
    "sqrt": lambda a: ops.sqrt(ops.abs(a)), "log": lambda a: ops.log(ops.abs(a)),
    "power": lambda a: ops.power(a, exponent=3), "power_float": lambda a: ops.power(ops.abs(a), exponent=0.5),
    "clip": lambda a: ops.clip(a, low=-1.0, high=1.0),
    "sigmoid": ops.sigmoid, "tanh": ops.tanh, "relu": ops.relu, "leaky_relu": ops.leaky_relu,
    "elu": ops.elu, "softplus": ops.softplus, "log_sigmoid": ops.log_sigmoid, "erf": ops.erf,
    "softmax": ops.softmax, "log_softmax": ops.log_softmax,
    "sum": ops.sum, "sum_axis": lambda a: ops.sum(a, axis=0), "mean": ops.mean,
    "mean_axis": lambda a: ops.mean(a, axis=1), "max": ops.max, "max_axis": lambda a: ops.max(a, axis=1),
    "min": ops.min, "min_axis": lambda a: ops.min(a, axis=0),
    "reshape": lambda a: ops.reshape(a, shape=(3, 2)), "transpose": ops.transpose,
    "getitem": lambda a: a[:, 1], "getitem_fancy": lambda a: a[np.array([1, 1, 0])],
    "cast_to_float32": lambda a: ops.cast(a, dtype="float32"),
    "concatenate": lambda a: ops.concatenate(a, a, axis=0), "stack": lambda a: ops.stack(a, a),
    "python_scalar_mul": lambda a: a * 0.1, "python_scalar_radd": lambda a: 1.5 + a,
    "python_scalar_rsub": lambda a: 1 - a, "python_scalar_div": lambda a: a / 3,
    "python_scalar_rdiv": lambda a: 2.0 / (ops.abs(a) + 1), "pow_operator": lambda a: a**2,
    "python_scalar_base_pow": lambda a: 2.0**a,
    "matmul": lambda a: a @ a.T, "where": lambda a: ops.where(a.value > 0, a, 0.5 * a),
}

BINARY = {
    "add": ops.add, "subtract": ops.subtract, "multiply": ops.multiply, "divide": ops.divide,
    "maximum": ops.maximum, "minimum": ops.minimum,
}


def _value_and_gradients(fn, *arrays):
    tensors = [Tensor(a) for a in arrays]
    with GradientTape() as tape:
        tape.watch(tensors)
        out = fn(*tensors)
    return out, tape.gradient(out, tensors)


@pytest.mark.parametrize("name", UNARY)
def test_unary_float32_in_float32_out_and_gradient(name):
    out, (grad,) = _value_and_gradients(UNARY[name], A)
    assert np.asarray(out).dtype == np.float32, f"{name} forward gave {np.asarray(out).dtype}"
    assert grad is not None and np.asarray(grad).dtype == np.float32, f"{name} gradient dtype"


@pytest.mark.parametrize("name", BINARY)
def test_binary_float32_with_broadcast_stays_float32(name):
    out, grads = _value_and_gradients(BINARY[name], A, B)
    assert np.asarray(out).dtype == np.float32
    assert [np.asarray(g).dtype for g in grads] == [np.float32, np.float32]
    assert [g.shape for g in grads] == [A.shape, B.shape]


def test_full_reduction_is_an_ndarray_value():
    # np.sum returns a NumPy scalar, not an array; a Tensor must still convert with np.asarray.
    total = ops.sum(Tensor(A))
    assert np.asarray(total).shape == ()
    assert np.asarray(ops.max(Tensor(A))).dtype == np.float32


def test_convert_to_tensor_defaults_to_float32():
    assert convert_to_tensor([1.0, 2.0]).dtype == np.float32
    assert convert_to_tensor(3.0).dtype == np.float32
    assert convert_to_tensor(np.array([1.0])).dtype == np.float64  # an array keeps its dtype
    assert convert_to_tensor([1, 2]).dtype == np.int32


def test_variable_defaults_to_float32_and_gradient_is_float32():
    w = Variable([[1.0, 2.0]])
    assert w.dtype == np.float32
    with GradientTape() as tape:
        y = ops.sum(ops.square(w)) * 0.5
    assert tape.gradient(y, w).dtype == np.float32


@pytest.mark.parametrize("dtype", ["int32", "int64", "uint8", "float32"])
def test_a_0d_tensor_meeting_a_python_number_keeps_its_dtype_on_every_numpy(dtype):
    # NumPy 2 (NEP 50) keeps the array's dtype; NumPy 1 widened a 0-d int32 + 1 to int64
    scalar = Tensor(np.array(3, dtype=dtype))
    for result in (ops.add(scalar, 1), ops.multiply(2, scalar), ops.subtract(scalar, 1)):
        assert result.dtype == np.dtype(dtype)
    assert ops.add(Tensor(np.array(3, dtype="int32")), 0.5).dtype == np.float64  # an int meeting a float: float64
