"""tf.nn and tf.math: values against float64 formulas, finite-difference gradients,
dtypes, argument names and errors."""
import math

import numpy as np
import pytest

from glassnet import math as tfmath
from glassnet import nn
from glassnet.autodiff import GradientTape, Tensor, check_gradients
from glassnet.keras import activations

X = np.array([[-2.5, -0.6, 0.3], [0.8, 1.7, 4.0]])  # away from the kinks at 0 and 6
X32 = X.astype("float32")
WEIGHTS = np.random.default_rng(2).normal(size=X.shape)
_erf = np.vectorize(math.erf)


def _sigmoid(x):
    return 1 / (1 + np.exp(-x))


def _softmax(x, axis=-1):
    e = np.exp(x - x.max(axis=axis, keepdims=True))
    return e / e.sum(axis=axis, keepdims=True)


def test_shared_functions_are_the_same_objects():
    assert nn.sigmoid is activations.sigmoid and tfmath.sigmoid is activations.sigmoid
    assert nn.tanh is activations.tanh and tfmath.tanh is activations.tanh
    assert nn.swish is nn.silu


NN = {
    "relu": (lambda x: nn.relu(x), lambda x: np.maximum(x, 0)),
    "relu6": (lambda x: nn.relu6(x), lambda x: np.clip(x, 0, 6)),
    "leaky_relu": (lambda x: nn.leaky_relu(x), lambda x: np.where(x > 0, x, 0.2 * x)),
    "leaky_relu_alpha": (lambda x: nn.leaky_relu(x, alpha=0.3), lambda x: np.where(x > 0, x, 0.3 * x)),
    "elu": (nn.elu, lambda x: np.where(x > 0, x, np.expm1(x))),
    "selu": (nn.selu, lambda x: 1.0507009873554805 * np.where(x > 0, x, 1.6732632423543772 * np.expm1(x))),
    "softplus": (nn.softplus, lambda x: np.log1p(np.exp(x))),
    "softsign": (nn.softsign, lambda x: x / (1 + np.abs(x))),
    "gelu": (nn.gelu, lambda x: 0.5 * x * (1 + _erf(x / math.sqrt(2)))),
    "gelu_tanh": (lambda x: nn.gelu(x, approximate=True),
                  lambda x: 0.5 * x * (1 + np.tanh(math.sqrt(2 / math.pi) * (x + 0.044715 * x**3)))),
    "silu": (nn.silu, lambda x: x * _sigmoid(x)),
    "silu_beta": (lambda x: nn.silu(x, beta=2.0), lambda x: x * _sigmoid(2 * x)),
    "sigmoid": (nn.sigmoid, _sigmoid),
    "tanh": (nn.tanh, np.tanh),
    "softmax": (nn.softmax, _softmax),
    "softmax_axis0": (lambda x: nn.softmax(x, axis=0), lambda x: _softmax(x, 0)),
    "log_softmax": (nn.log_softmax, lambda x: np.log(_softmax(x))),
    "l2_normalize_all": (nn.l2_normalize, lambda x: x / np.sqrt(np.sum(x**2))),
    "l2_normalize_axis1": (lambda x: nn.l2_normalize(x, axis=1),
                           lambda x: x / np.sqrt(np.sum(x**2, axis=1, keepdims=True))),
    "l2_normalize_list_axis": (lambda x: nn.l2_normalize(x, axis=[0]),
                               lambda x: x / np.sqrt(np.sum(x**2, axis=0, keepdims=True))),
}


@pytest.mark.parametrize("name", NN)
def test_nn_value_gradient_and_dtype(name):
    fn, reference = NN[name]
    np.testing.assert_allclose(fn(X).numpy(), reference(X), rtol=1e-12, atol=1e-14)
    check_gradients(lambda x: fn(x) * WEIGHTS, X)
    assert fn(X32).dtype == np.float32
    from_list = fn(X.tolist())  # Python floats become floatx, float32
    assert isinstance(from_list, Tensor) and from_list.dtype == np.float32
    np.testing.assert_allclose(from_list.numpy(), reference(X), rtol=1e-5, atol=1e-6)


def test_tensorflow_argument_names():
    np.testing.assert_allclose(nn.relu(features=[-1.0, 2.0]).numpy(), [0.0, 2.0])
    np.testing.assert_allclose(nn.leaky_relu(features=[-1.0], alpha=0.1).numpy(), [-0.1], rtol=1e-6)
    np.testing.assert_allclose(nn.softmax(logits=[[0.0, 0.0]], axis=-1, name="p").numpy(), [[0.5, 0.5]])
    assert float(nn.gelu(features=[1.0])[0]) == pytest.approx(0.8413447, abs=1e-6)  # exact by default


def _bce_reference(z, x):
    p = _sigmoid(x)
    return -(z * np.log(p) + (1 - z) * np.log(1 - p))


def test_sigmoid_cross_entropy_with_logits():
    labels = np.array([[1.0, 0.0, 0.3], [0.0, 1.0, 0.9]])
    np.testing.assert_allclose(
        nn.sigmoid_cross_entropy_with_logits(labels=labels, logits=X).numpy(), _bce_reference(labels, X), rtol=1e-12
    )
    # labels 1, logit 0: -log(sigmoid(0)) = log 2
    assert float(nn.sigmoid_cross_entropy_with_logits(labels=[1.0], logits=[0.0])[0]) == pytest.approx(math.log(2))
    labels = np.array([[0.9, 0.1, 0.3], [0.2, 0.8, 0.9]])  # inside (0, 1): the differences step both ways
    grad_labels, grad_logits = check_gradients(
        lambda z, x: nn.sigmoid_cross_entropy_with_logits(labels=z, logits=x), labels, X
    )
    np.testing.assert_allclose(grad_logits, _sigmoid(X) - labels, rtol=1e-7)  # d/dx = sigmoid(x) - z
    np.testing.assert_allclose(grad_labels, -X, rtol=1e-7)  # d/dz = -x


def test_sigmoid_cross_entropy_is_stable_for_extreme_logits():
    out = nn.sigmoid_cross_entropy_with_logits(labels=[1.0, 0.0, 1.0], logits=[-100.0, 100.0, 100.0])
    # max(x,0) - x z + log(1 + e^-|x|): 100, 100, ~0 (no log(0), no overflow)
    np.testing.assert_allclose(out.numpy(), [100.0, 100.0, 0.0], atol=1e-6)


def test_softmax_cross_entropy_with_logits():
    labels = np.array([[0.0, 1.0, 0.0], [0.2, 0.3, 0.5]])
    expected = -np.sum(labels * np.log(_softmax(X)), axis=-1)
    out = nn.softmax_cross_entropy_with_logits(labels=labels, logits=X)
    assert out.shape == (2,)
    np.testing.assert_allclose(out.numpy(), expected, rtol=1e-12)
    # uniform logits over 2 classes: -log(1/2) = log 2
    assert float(nn.softmax_cross_entropy_with_logits([[0.0, 1.0]], [[0.0, 0.0]])[0]) == pytest.approx(math.log(2))
    _, grad_logits = check_gradients(lambda z, x: nn.softmax_cross_entropy_with_logits(z, x), labels, X)
    np.testing.assert_allclose(grad_logits, _softmax(X) * labels.sum(-1, keepdims=True) - labels, rtol=1e-7)


def test_softmax_cross_entropy_along_axis_0():
    labels = np.array([[1.0, 0.0, 0.5], [0.0, 1.0, 0.5]])
    out = nn.softmax_cross_entropy_with_logits(labels, X, axis=0)
    np.testing.assert_allclose(out.numpy(), -np.sum(labels * np.log(_softmax(X, 0)), axis=0), rtol=1e-12)


def test_cross_entropy_dtypes_follow_the_logits():
    labels64 = np.array([[1.0, 0.0, 1.0], [0.0, 1.0, 0.0]])
    assert nn.sigmoid_cross_entropy_with_logits(labels=labels64, logits=X32).dtype == np.float32
    assert nn.softmax_cross_entropy_with_logits(labels64, X32).dtype == np.float32
    int_labels = np.array([[1, 0, 1], [0, 1, 0]])
    assert nn.sigmoid_cross_entropy_with_logits(labels=int_labels, logits=X32).dtype == np.float32


@pytest.mark.parametrize("fn", [nn.sigmoid_cross_entropy_with_logits, nn.softmax_cross_entropy_with_logits])
def test_cross_entropy_shape_mismatch_names_both_shapes(fn):
    with pytest.raises(ValueError, match=r"labels.shape=\(2,\), logits.shape=\(2, 3\)"):
        fn(labels=[1.0, 0.0], logits=X)


def test_sigmoid_cross_entropy_needs_both_arguments():
    with pytest.raises(ValueError, match="labels"):
        nn.sigmoid_cross_entropy_with_logits(logits=X)


def test_l2_normalize_values_and_zero_vector():
    np.testing.assert_allclose(nn.l2_normalize([3.0, 4.0]).numpy(), [0.6, 0.8])  # 3/5, 4/5
    # A zero vector stays zero: the norm is floored at sqrt(epsilon) instead of dividing by 0.
    np.testing.assert_array_equal(nn.l2_normalize([[0.0, 0.0], [1.0, 0.0]], axis=1).numpy(), [[0, 0], [1, 0]])


MATH_UNARY = {
    "exp": (tfmath.exp, np.exp, X),
    "log": (tfmath.log, np.log, np.abs(X)),
    "sqrt": (tfmath.sqrt, np.sqrt, np.abs(X)),
    "square": (tfmath.square, np.square, X),
    "abs": (tfmath.abs, np.abs, X),
    "softplus": (tfmath.softplus, lambda x: np.log1p(np.exp(x)), X),
    "log_sigmoid": (tfmath.log_sigmoid, lambda x: np.log(_sigmoid(x)), X),
    "sigmoid": (tfmath.sigmoid, _sigmoid, X),
    "tanh": (tfmath.tanh, np.tanh, X),
    "reduce_sum": (tfmath.reduce_sum, np.sum, X),
    "reduce_sum_axis": (lambda x: tfmath.reduce_sum(x, axis=1), lambda x: x.sum(axis=1), X),
    "reduce_sum_list": (lambda x: tfmath.reduce_sum(x, axis=[0, 1], keepdims=True),
                        lambda x: x.sum(axis=(0, 1), keepdims=True), X),
    "reduce_mean": (tfmath.reduce_mean, np.mean, X),
    "reduce_mean_axis": (lambda x: tfmath.reduce_mean(x, axis=0, keepdims=True), lambda x: x.mean(0, keepdims=True), X),
    "reduce_max": (tfmath.reduce_max, np.max, X),
    "reduce_max_axis": (lambda x: tfmath.reduce_max(x, axis=-1), lambda x: x.max(axis=-1), X),
    "reduce_min": (tfmath.reduce_min, np.min, X),
    "reduce_min_list": (lambda x: tfmath.reduce_min(x, axis=[1]), lambda x: x.min(axis=1), X),
}


@pytest.mark.parametrize("name", MATH_UNARY)
def test_math_unary_value_gradient_and_dtype(name):
    fn, reference, x = MATH_UNARY[name]
    np.testing.assert_allclose(np.asarray(fn(x)), reference(x), rtol=1e-12)
    weights = np.random.default_rng(3).normal(size=np.shape(reference(x)))
    check_gradients(lambda t: fn(t) * weights, x)
    assert fn(x.astype("float32")).dtype == np.float32


MATH_BINARY = {
    "add": (tfmath.add, np.add), "subtract": (tfmath.subtract, np.subtract),
    "multiply": (tfmath.multiply, np.multiply), "divide": (tfmath.divide, np.divide),
    "maximum": (tfmath.maximum, np.maximum), "minimum": (tfmath.minimum, np.minimum),
}


@pytest.mark.parametrize("name", MATH_BINARY)
def test_math_binary_broadcast_value_and_gradient(name):
    fn, reference = MATH_BINARY[name]
    y = np.array([0.5, 1.1, -2.0])  # broadcast across X's rows
    np.testing.assert_allclose(fn(X, y).numpy(), reference(X, y), rtol=1e-12)
    grad_x, grad_y = check_gradients(lambda a, b: fn(a, b) * WEIGHTS, X, y)
    assert grad_y.shape == (3,)


@pytest.mark.parametrize("name", MATH_BINARY)
def test_math_binary_python_number_keeps_float32(name):
    fn, reference = MATH_BINARY[name]
    assert fn(X32, 0.5).dtype == np.float32 and fn(0.5, X32).dtype == np.float32
    np.testing.assert_allclose(fn(X32, 0.5).numpy(), reference(X32, np.float32(0.5)))
    assert fn(2.0, 3.0).dtype == np.float32  # two Python floats: floatx, as TF constants
    assert fn([1.0, 2.0], [3.0, 4.0]).dtype == np.float32


def test_math_gradient_through_a_tape():
    x = Tensor(np.array([1.0, 2.0], dtype="float32"))
    with GradientTape() as tape:
        tape.watch(x)
        y = tfmath.reduce_sum(tfmath.multiply(tfmath.square(x), 3.0))  # d/dx = 6x
    np.testing.assert_array_equal(tape.gradient(y, x).numpy(), [6.0, 12.0])


def test_argmax():
    values = [[1.0, 5.0, 5.0], [7.0, 2.0, 0.0]]
    np.testing.assert_array_equal(tfmath.argmax(values, axis=1).numpy(), [1, 0])  # ties: the first
    np.testing.assert_array_equal(tfmath.argmax(values).numpy(), [1, 0, 0])  # axis None means 0
    assert tfmath.argmax(values).dtype == np.int64
    assert tfmath.argmax(values, axis=1, output_type="int32").dtype == np.int32
    assert int(tfmath.argmax(Tensor(np.array([0.1, 0.9, 0.3])))) == 1


@pytest.mark.parametrize("module", [nn, tfmath], ids=lambda m: m.__name__)
def test_docstring_examples_run(module):
    import doctest

    result = doctest.testmod(module)
    assert result.attempted > 0 and result.failed == 0
