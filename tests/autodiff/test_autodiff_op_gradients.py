"""Every primitive op twice: its value against a float64 NumPy formula, and its
tape gradient against central finite differences (check_gradients)."""
import math

import numpy as np
import pytest

from glassnet.autodiff import GradientTape, Tensor, check_gradients, ops

rng = np.random.default_rng(0)
# Values kept at least 0.2 from 0 (and from each other's kinks), so abs, relu,
# clip and max are differentiable at every point the finite differences probe.
X = rng.uniform(0.2, 1.5, (4, 3)) * rng.choice([-1.0, 1.0], (4, 3))
POSITIVE = rng.uniform(0.5, 2.0, (4, 3))
_erf = np.vectorize(math.erf)


def _weighted(op, *inputs):
    """`op` times fixed random weights, so a gradient that only sums right (softmax's
    sums to 1) cannot pass by luck."""
    weights = rng.normal(size=np.shape(op(*[Tensor(x) for x in inputs])))
    return lambda *tensors: op(*tensors) * weights


def _softmax(a, axis):
    e = np.exp(a - a.max(axis=axis, keepdims=True))
    return e / e.sum(axis=axis, keepdims=True)


UNARY = {
    "negative": (ops.negative, np.negative, X),
    "square": (ops.square, np.square, X),
    "sqrt": (ops.sqrt, np.sqrt, POSITIVE),
    "exp": (ops.exp, np.exp, X),
    "log": (ops.log, np.log, POSITIVE),
    "abs": (ops.abs, np.abs, X),
    "power_3": (lambda a: ops.power(a, exponent=3), lambda a: a**3, X),
    "power_-0.5": (lambda a: ops.power(a, exponent=-0.5), lambda a: 1 / np.sqrt(a), POSITIVE),
    "clip": (lambda a: ops.clip(a, low=-0.1, high=0.1 + 1e-3), lambda a: np.clip(a, -0.1, 0.101), X),
    "sigmoid": (ops.sigmoid, lambda a: 1 / (1 + np.exp(-a)), X),
    "tanh": (ops.tanh, np.tanh, X),
    "relu": (ops.relu, lambda a: np.maximum(a, 0), X),
    "leaky_relu": (lambda a: ops.leaky_relu(a, negative_slope=0.3), lambda a: np.where(a >= 0, a, 0.3 * a), X),
    "elu": (lambda a: ops.elu(a, alpha=1.5), lambda a: np.where(a > 0, a, 1.5 * (np.exp(a) - 1)), X),
    "softplus": (ops.softplus, lambda a: np.log1p(np.exp(a)), X),
    "log_sigmoid": (ops.log_sigmoid, lambda a: -np.log1p(np.exp(-a)), X),
    "erf": (ops.erf, _erf, X),
    "softmax_last": (ops.softmax, lambda a: _softmax(a, -1), X),
    "softmax_axis0": (lambda a: ops.softmax(a, axis=0), lambda a: _softmax(a, 0), X),
    "log_softmax": (ops.log_softmax, lambda a: np.log(_softmax(a, -1)), X),
    "log_softmax_axis0": (lambda a: ops.log_softmax(a, axis=0), lambda a: np.log(_softmax(a, 0)), X),
    "sum_all": (ops.sum, np.sum, X),
    "sum_axis1": (lambda a: ops.sum(a, axis=1), lambda a: a.sum(axis=1), X),
    "sum_axes_keepdims": (lambda a: ops.sum(a, axis=(0, 1), keepdims=True), lambda a: a.sum((0, 1), keepdims=True), X),
    "mean_all": (ops.mean, np.mean, X),
    "mean_axis0": (lambda a: ops.mean(a, axis=0), lambda a: a.mean(axis=0), X),
    "mean_axis-1_keepdims": (lambda a: ops.mean(a, axis=-1, keepdims=True), lambda a: a.mean(-1, keepdims=True), X),
    "max_all": (ops.max, np.max, X),
    "max_axis1": (lambda a: ops.max(a, axis=1), lambda a: a.max(axis=1), X),
    "max_axis0_keepdims": (lambda a: ops.max(a, axis=0, keepdims=True), lambda a: a.max(0, keepdims=True), X),
    "min_all": (ops.min, np.min, X),
    "min_axis-1": (lambda a: ops.min(a, axis=-1), lambda a: a.min(axis=-1), X),
    "reshape": (lambda a: ops.reshape(a, shape=(2, 6)), lambda a: a.reshape(2, 6), X),
    "reshape_-1": (lambda a: ops.reshape(a, shape=(-1,)), np.ravel, X),
    "transpose": (ops.transpose, np.transpose, X),
    "transpose_axes": (
        lambda a: ops.transpose(ops.reshape(a, shape=(2, 2, 3)), axes=(2, 0, 1)),
        lambda a: a.reshape(2, 2, 3).transpose(2, 0, 1), X,
    ),
    "getitem_slice": (lambda a: ops.getitem(a, key=(slice(1, 3), 0)), lambda a: a[1:3, 0], X),
    "getitem_repeated": (lambda a: ops.getitem(a, key=np.array([0, 0, 2])), lambda a: a[[0, 0, 2]], X),
    "getitem_mask": (lambda a: ops.getitem(a, key=np.array([True, False, True, True])), lambda a: a[[0, 2, 3]], X),
    "cast_same_kind": (lambda a: ops.cast(a, dtype="float64"), lambda a: a, X),
}


@pytest.mark.parametrize("name", UNARY)
def test_unary_op_value_matches_numpy_formula(name):
    op, reference, x = UNARY[name]
    np.testing.assert_allclose(op(Tensor(x)).numpy(), reference(x), rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize("name", UNARY)
def test_unary_op_gradient_matches_finite_differences(name):
    op, _, x = UNARY[name]
    check_gradients(_weighted(op, x), x)


BINARY = {
    "add": (ops.add, np.add),
    "subtract": (ops.subtract, np.subtract),
    "multiply": (ops.multiply, np.multiply),
    "divide": (ops.divide, np.divide),
    "maximum": (ops.maximum, np.maximum),
    "minimum": (ops.minimum, np.minimum),
}
# (n,k)+(k,) is a bias add; (n,1)*(1,k) an outer broadcast; () a scalar array.
SHAPES = [((4, 3), (4, 3)), ((4, 3), (3,)), ((4, 1), (1, 3)), ((4, 3), ()), ((), (4, 3)), ((2, 4, 3), (4, 1))]


@pytest.mark.parametrize("shapes", SHAPES, ids=str)
@pytest.mark.parametrize("name", BINARY)
def test_binary_op_broadcasts_and_matches_finite_differences(name, shapes):
    op, reference = BINARY[name]
    a = rng.uniform(0.5, 2.0, shapes[0]) * rng.choice([-1.0, 1.0], shapes[0])
    b = rng.uniform(0.5, 2.0, shapes[1])
    np.testing.assert_allclose(op(Tensor(a), Tensor(b)).numpy(), reference(a, b), rtol=1e-12)
    grads = check_gradients(_weighted(op, a, b), a, b)
    assert [g.shape for g in grads] == [np.shape(a), np.shape(b)]


@pytest.mark.parametrize("name", BINARY)
def test_binary_op_with_python_number(name):
    op, reference = BINARY[name]
    np.testing.assert_allclose(op(Tensor(X), 0.7).numpy(), reference(X, 0.7), rtol=1e-12)
    np.testing.assert_allclose(op(0.7, Tensor(X)).numpy(), reference(0.7, X), rtol=1e-12)
    check_gradients(lambda a: op(a, 0.7), X)
    check_gradients(lambda a: op(0.7, a), X)


@pytest.mark.parametrize("shapes", [((4, 3), (3, 2)), ((2, 4, 3), (3, 5)), ((4, 3), (2, 3, 5))], ids=str)
def test_matmul_gradient(shapes):
    a, b = rng.normal(size=shapes[0]), rng.normal(size=shapes[1])
    np.testing.assert_allclose(ops.matmul(Tensor(a), Tensor(b)).numpy(), a @ b, rtol=1e-12)
    check_gradients(_weighted(ops.matmul, a, b), a, b)


def test_matmul_with_vector_gradient():
    # (n,k) @ (k,) gives (n,): NumPy's rule for a 1-D right operand.
    a, v = rng.normal(size=(4, 3)), rng.normal(size=3)
    check_gradients(ops.matmul, a, v)


def test_where_gradient_goes_to_the_chosen_branch():
    condition = X > 0
    b = rng.normal(size=(3,))  # broadcast against (4, 3)
    value = ops.where(condition, Tensor(X), Tensor(b)).numpy()
    np.testing.assert_allclose(value, np.where(condition, X, b))
    grad_a, grad_b = check_gradients(lambda a, b: ops.where(condition, a, b), X, b)
    np.testing.assert_array_equal(grad_a, condition * 1.0)
    np.testing.assert_array_equal(grad_b, (~condition).sum(axis=0))  # count of rows choosing b


@pytest.mark.parametrize("axis", [0, 1, -1])
def test_concatenate_and_stack_gradients(axis):
    a, b = rng.normal(size=(2, 3)), rng.normal(size=(2, 3))
    joined = ops.concatenate(Tensor(a), Tensor(b), axis=axis).numpy()
    np.testing.assert_array_equal(joined, np.concatenate([a, b], axis))
    np.testing.assert_array_equal(ops.stack(Tensor(a), Tensor(b), axis=axis).numpy(), np.stack([a, b], axis))
    check_gradients(_weighted(lambda x, y: ops.concatenate(x, y, axis=axis), a, b), a, b)
    check_gradients(_weighted(lambda x, y: ops.stack(x, y, axis=axis), a, b), a, b)


def test_concatenate_parts_of_different_sizes():
    a, b = rng.normal(size=(2, 1)), rng.normal(size=(2, 4))
    check_gradients(_weighted(lambda x, y: ops.concatenate(x, y, axis=1), a, b), a, b)


def test_max_ties_share_the_gradient():
    # Two equal maxima (3, 3): each gets half, as TensorFlow does.
    x = Tensor(np.array([1.0, 3.0, 3.0]))
    with GradientTape() as tape:
        tape.watch(x)
        y = ops.max(x)
    np.testing.assert_array_equal(tape.gradient(y, x).numpy(), [0.0, 0.5, 0.5])


def test_cast_gradient_returns_to_the_input_dtype():
    x = Tensor(np.array([1.5, -2.0], dtype="float32"))
    with GradientTape() as tape:
        tape.watch(x)
        y = ops.cast(x, dtype="float64") * 3.0
    grad = tape.gradient(y, x)
    assert grad.dtype == np.float32
    np.testing.assert_array_equal(grad.numpy(), [3.0, 3.0])


@pytest.mark.parametrize("op", [ops.softmax, ops.log_softmax, ops.sigmoid, ops.softplus, ops.log_sigmoid])
def test_stable_ops_do_not_overflow(op):
    x = np.array([[-1000.0, 0.0, 1000.0]])
    with np.errstate(over="raise", invalid="raise", divide="raise"):
        out = op(Tensor(x)).numpy()
    assert np.all(np.isfinite(out))


def test_stable_ops_extreme_values():
    x = np.array([-1000.0, 1000.0])
    np.testing.assert_allclose(ops.softplus(Tensor(x)).numpy(), [0.0, 1000.0])  # log(1+e^x) -> 0, x
    np.testing.assert_allclose(ops.log_sigmoid(Tensor(x)).numpy(), [-1000.0, 0.0])  # -softplus(-x)
    np.testing.assert_allclose(ops.log_softmax(Tensor(x)).numpy(), [-2000.0, 0.0])
