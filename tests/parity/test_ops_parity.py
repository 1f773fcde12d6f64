"""glassnet.keras.ops against Keras 3's keras.ops on JAX: values, dtypes and shapes on the same
inputs, and gradients (jax.grad of the summed, weighted output) for the differentiable ones."""
import jax
import jax.numpy as jnp
import keras
import numpy as np
import pytest

from glassnet.autodiff import GradientTape, Variable
from glassnet.keras import ops as gops

RNG = np.random.default_rng(7)
A = RNG.normal(size=(3, 4)).astype("float32")
B = RNG.normal(size=(4, 2)).astype("float32")
T3 = RNG.normal(size=(2, 3, 4)).astype("float32")
POS = RNG.uniform(0.5, 2.0, size=(3, 4)).astype("float32")
V = RNG.normal(size=(4,)).astype("float32")
IDX = np.array([2, 0, 1, 1], dtype="int32")

# name -> (call with an `ops` module, float inputs). Each runs on glassnet and on Keras.
DIFFERENTIABLE = {
    "matmul": (lambda o, a, b: o.matmul(a, b), [A, B]),
    "matmul_vector": (lambda o, a, v: o.matmul(a, v), [A, V]),
    "dot": (lambda o, a, b: o.dot(a, b), [A, B]),
    "dot_vectors": (lambda o, a, b: o.dot(a, b), [V, V[::-1].copy()]),
    "sum": (lambda o, x: o.sum(x, axis=1), [A]),
    "sum_keepdims": (lambda o, x: o.sum(x, axis=(0, 2), keepdims=True), [T3]),
    "mean": (lambda o, x: o.mean(x, axis=0), [A]),
    "max": (lambda o, x: o.max(x, axis=-1), [A]),
    "min_initial": (lambda o, x: o.min(x, axis=1, initial=-0.1), [A]),
    "prod": (lambda o, x: o.prod(x, axis=1), [A]),
    "elementwise": (lambda o, x: o.square(x) + o.sqrt(x) + o.exp(x) + o.log(x) + o.abs(x), [POS]),
    "tanh_erf": (lambda o, x: o.tanh(x) + o.erf(x), [A]),
    "maximum_minimum": (lambda o, x, y: o.maximum(x, y) + 2 * o.minimum(x, y), [A, POS - 1.2]),
    "where": (lambda o, x, y: o.where(A > 0, x, y), [A, POS]),
    "concatenate": (lambda o, x, y: o.concatenate([x, y], axis=1), [A, POS]),
    "stack": (lambda o, x, y: o.stack([x, y], axis=2), [A, POS]),
    "reshape": (lambda o, x: o.reshape(x, (4, -1)), [A]),
    "transpose": (lambda o, x: o.transpose(x, (1, 2, 0)), [T3]),
    "expand_squeeze": (lambda o, x: o.squeeze(o.expand_dims(x, 1) * 2.0, axis=1), [A]),
    "take": (lambda o, x: o.take(x, IDX[:3], axis=1), [A]),
    "take_flat_negative": (lambda o, x: o.take(x, np.array([0, -1, 5], dtype="int32")), [A]),
    "take_along_axis": (lambda o, x: o.take_along_axis(x, np.array([[1], [3], [0]], dtype="int32"), axis=1), [A]),
    "softmax": (lambda o, x: o.softmax(x, axis=0), [A]),
    "sigmoid_relu": (lambda o, x: o.sigmoid(x) + o.relu(x), [A]),
    "clip": (lambda o, x: o.clip(x, -0.5, 0.5), [A]),
    "norm_default": (lambda o, x: o.norm(x), [A]),
    "norm_axis": (lambda o, x: o.norm(x, axis=1, keepdims=True), [A]),
    "norm_ord1": (lambda o, x: o.norm(x, ord=1, axis=0), [A]),
    "norm_matrix_fro": (lambda o, x: o.norm(x, ord="fro"), [A]),
    "norm_matrix_2": (lambda o, x: o.norm(x, ord=2), [A]),
    "norm_matrix_nuc": (lambda o, x: o.norm(x, ord="nuc"), [A]),
    "norm_matrix_inf": (lambda o, x: o.norm(x, ord=np.inf, axis=(1, 2)), [T3]),
    "sort": (lambda o, x: o.sort(x, axis=0), [A]),
    "cumsum": (lambda o, x: o.cumsum(x, axis=1), [A]),
    "cumsum_flat": (lambda o, x: o.cumsum(x), [A]),
    "tile": (lambda o, x: o.tile(x, (2, 1, 3)), [A]),
    "pad": (lambda o, x: o.pad(x, ((1, 0), (2, 1))), [A]),
    "logsumexp": (lambda o, x: o.logsumexp(x * 20.0, axis=0), [A]),
    "var_std": (lambda o, x: o.var(x, axis=1) + o.std(x), [A]),
    "top_k_values": (lambda o, x: o.top_k(x, 2)[0], [A]),
    "pad_reflect": (lambda o, x: o.pad(x, ((1, 2), (2, 1)), mode="reflect"), [A]),
}

INTEGER_VALUED = {
    "argmax": lambda o: o.argmax(A, axis=1),
    "argmax_flat": lambda o: o.argmax(A),
    "argmin_keepdims": lambda o: o.argmin(A, axis=0, keepdims=True),
    "argsort": lambda o: o.argsort(A),
    "argsort_ties": lambda o: o.argsort(np.array([2.0, 1.0, 2.0, 1.0], dtype="float32")),
    "one_hot": lambda o: o.one_hot(np.array([0, 2, 3, -1]), 3),
    "one_hot_axis0": lambda o: o.one_hot(np.array([[0, 1]]), 3, axis=0),
    "zeros": lambda o: o.zeros((2, 3)),
    "ones_int": lambda o: o.ones((2,), dtype="int32"),
    "full": lambda o: o.full((2, 2), 3.0),
    "arange": lambda o: o.arange(5),
    "arange_float": lambda o: o.arange(0.0, 1.0, 0.25),
    "linspace": lambda o: o.linspace(0.0, 1.0, 5),
    "zeros_like": lambda o: o.zeros_like(A),
    "cast": lambda o: o.cast(A * 3, "int32"),
    "where_condition_only": lambda o: o.stack(o.where(A > 0)),
    "sum_int": lambda o: o.sum(np.array([[1, 2], [3, -4]], dtype="int32"), axis=0),
    "mean_int": lambda o: o.mean(np.array([1, 2], dtype="int32")),
    "prod_int": lambda o: o.prod(np.array([[1, 2], [3, -4]], dtype="int32")),
    "cumsum_int": lambda o: o.cumsum(np.array([1, 2, 3], dtype="int32")),
    "sum_bool": lambda o: o.sum(np.array([True, False, True])),
    "mean_bool": lambda o: o.mean(np.array([True, False, True])),
    "top_k_indices": lambda o: o.top_k(np.array([1.0, 3.0, 2.0, 3.0], dtype="float32"), 3)[1],
    "comparisons": lambda o: o.stack([o.equal(A, A[0]), o.not_equal(A, 0.5), o.greater(A, 0), o.greater_equal(A, 0),
                                      o.less(A, 0), o.less_equal(A, 0)]),
    "logic": lambda o: o.stack([o.logical_and(A > 0, A < 1), o.logical_or(A > 1, A < -1), o.logical_not(A > 0)]),
    "any_all": lambda o: o.stack([o.any(A > 1, axis=1), o.all(A > -2, axis=1)]),
    "logic_on_numbers": lambda o: o.logical_and(np.array([0.0, 2.0, 3.0]), np.array([1.0, 0.0, 3.0])),
    "round_floor_sign": lambda o: o.round(A * 2) + o.floor(A) + o.sign(A),
    "round_halves": lambda o: o.round(np.array([0.5, 1.5, 2.5, -0.5], dtype="float32")),
    "max_int": lambda o: o.max(np.array([1, 5, 2], dtype="int32")),
}


def _weights(shape):
    return np.random.default_rng(len(shape)).uniform(0.5, 1.5, size=shape).astype("float32")


@pytest.mark.parametrize("name", DIFFERENTIABLE)
def test_values_and_gradients_match_keras(name):
    fn, inputs = DIFFERENTIABLE[name]
    expected = np.asarray(fn(keras.ops, *inputs))
    variables = [Variable(x) for x in inputs]
    with GradientTape() as tape:
        out = fn(gops, *variables)
        total = gops.sum(out * _weights(expected.shape))
    np.testing.assert_allclose(out.numpy(), expected, rtol=2e-5, atol=2e-6)
    assert out.dtype == expected.dtype and out.shape == expected.shape
    expected_grads = jax.grad(lambda *xs: jnp.sum(fn(keras.ops, *xs) * _weights(expected.shape)),
                              argnums=tuple(range(len(inputs))))(*[jnp.asarray(x) for x in inputs])
    for got, want in zip(tape.gradient(total, variables), expected_grads, strict=True):
        np.testing.assert_allclose(got.numpy(), np.asarray(want), rtol=2e-4, atol=2e-5)


@pytest.mark.parametrize("name", INTEGER_VALUED)
def test_integer_and_constructed_values_match_keras(name):
    expected = np.asarray(INTEGER_VALUED[name](keras.ops))
    actual = INTEGER_VALUED[name](gops)
    np.testing.assert_allclose(np.asarray(actual), expected, rtol=1e-6)
    assert np.asarray(actual).dtype == expected.dtype and np.asarray(actual).shape == expected.shape


def test_shape_and_convert_to_numpy_match_keras():
    assert gops.shape(T3) == keras.ops.shape(T3) == (2, 3, 4)
    np.testing.assert_array_equal(gops.convert_to_numpy(gops.convert_to_tensor(A)), keras.ops.convert_to_numpy(A))
