"""Every public function of tf.nn, tf.math and keras.activations, and every primitive op, on 0-d
inputs: a Python float, an np.float64, a 0-d array and a 0-d Tensor (``sigmoid(0.5)``, as the
course's labs call it). The value is checked against a float64 formula, and the gradient
through GradientTape against central finite differences (check_gradients) where there is one.
Functions that need an axis (softmax, matmul, concatenate) refuse a 0-d input with a clear error.
"""
import inspect
import math

import numpy as np
import pytest

from glassnet import math as tf_math
from glassnet import nn
from glassnet.autodiff import GradientTape, Tensor, Variable, check_gradients, ops
from glassnet.keras import activations

KINDS = {
    "python float": float,
    "np.float64": np.float64,
    "0-d array": lambda v: np.array(v, dtype=np.float32),
    "0-d Tensor": lambda v: Tensor(np.array(v, dtype=np.float32)),
}
POINTS = (0.5, -0.7)  # one on each side of every kink at 0
POSITIVE = (0.5, 1.7)
SECOND = 1.25  # the other operand of a binary function


def _sigmoid(x):
    return 1 / (1 + math.exp(-x))


def _elu(x, alpha=1.0):
    return x if x > 0 else alpha * math.expm1(x)


def _gelu_tanh(x):
    return 0.5 * x * (1 + math.tanh(math.sqrt(2 / math.pi) * (x + 0.044715 * x**3)))


def _relu_options(x):  # relu(x, negative_slope=0.1, max_value=0.3, threshold=0.2), Keras's formula
    return min(x, 0.3) if x > 0.2 else 0.1 * (x - 0.2)


# name -> (function of one 0-d input, float64 reference, points); binary functions take SECOND too.
SHARED = {
    "elu": (None, _elu, POINTS),
    "gelu": (None, lambda x: 0.5 * x * (1 + math.erf(x / math.sqrt(2))), POINTS),
    "leaky_relu": (None, lambda x: x if x >= 0 else 0.2 * x, POINTS),
    "relu": (None, lambda x: max(x, 0.0), POINTS),
    "relu6": (None, lambda x: min(max(x, 0.0), 6.0), POINTS),
    "selu": (None, lambda x: 1.0507009873554805 * _elu(x, 1.6732632423543772), POINTS),
    "sigmoid": (None, _sigmoid, POINTS),
    "silu": (None, lambda x: x * _sigmoid(x), POINTS),
    "swish": (None, lambda x: x * _sigmoid(x), POINTS),
    "softplus": (None, lambda x: math.log1p(math.exp(x)), POINTS),
    "softsign": (None, lambda x: x / (1 + abs(x)), POINTS),
    "tanh": (None, math.tanh, POINTS),
}
NN = {
    **SHARED,
    "gelu_approximate": (lambda x: nn.gelu(x, approximate=True), _gelu_tanh, POINTS),
    "l2_normalize": (None, lambda x: x / abs(x), POINTS),
    "sigmoid_cross_entropy_with_logits": (
        lambda x: nn.sigmoid_cross_entropy_with_logits(labels=0.25, logits=x),
        lambda x: -0.25 * math.log(_sigmoid(x)) - 0.75 * math.log(1 - _sigmoid(x)), POINTS,
    ),
    "compute_average_loss": (lambda x: nn.compute_average_loss(x, global_batch_size=2), lambda x: x / 2, POINTS),
    "scale_regularization_loss": (None, lambda x: x, POINTS),  # one replica: the penalty itself
}
ACTIVATIONS = {
    **SHARED,
    "gelu_approximate": (lambda x: activations.gelu(x, approximate=True), _gelu_tanh, POINTS),
    "relu_options": (lambda x: activations.relu(x, negative_slope=0.1, max_value=0.3, threshold=0.2),
                     _relu_options, POINTS),
    "exponential": (None, math.exp, POINTS),
    "hard_sigmoid": (None, lambda x: min(max(x + 3, 0.0), 6.0) / 6, POINTS),
    "linear": (None, lambda x: x, POINTS),
}
MATH = {
    "abs": (None, abs, POINTS),
    "exp": (None, math.exp, POINTS),
    "log": (None, math.log, POSITIVE),
    "log_sigmoid": (None, lambda x: math.log(_sigmoid(x)), POINTS),
    "sigmoid": SHARED["sigmoid"],
    "softplus": SHARED["softplus"],
    "sqrt": (None, math.sqrt, POSITIVE),
    "square": (None, lambda x: x * x, POINTS),
    "tanh": (None, math.tanh, POINTS),
    "reduce_max": (None, lambda x: x, POINTS),
    "reduce_mean": (None, lambda x: x, POINTS),
    "reduce_min": (None, lambda x: x, POINTS),
    "reduce_sum": (None, lambda x: x, POINTS),
    "add": (None, lambda x, y: x + y, POINTS),
    "subtract": (None, lambda x, y: x - y, POINTS),
    "multiply": (None, lambda x, y: x * y, POINTS),
    "divide": (None, lambda x, y: x / y, POINTS),
    "maximum": (None, max, POINTS),
    "minimum": (None, min, POINTS),
    "reduce_prod": (None, lambda x: x, POINTS),
    "add_n": (lambda x, y: tf_math.add_n([x, y]), lambda x, y: x + y, POINTS),
    "erf": (None, math.erf, POINTS),
    "pow": (None, lambda x, y: x**y, POSITIVE),
    "l2_normalize": NN["l2_normalize"],
    "reduce_logsumexp": (None, lambda x: x, POINTS),
    "reduce_variance": (None, lambda x: 0.0, POINTS),
    "negative": (None, lambda x: -x, POINTS),
    "sign": (None, lambda x: math.copysign(1.0, x), POINTS),
}
OPS = {
    name: MATH[name] for name in ("abs", "exp", "log", "sqrt", "square", "tanh", "sigmoid", "softplus",
                                  "log_sigmoid", "add", "subtract", "multiply", "divide", "maximum", "minimum")
}
OPS.update({
    "negative": (None, lambda x: -x, POINTS),
    "relu": SHARED["relu"],
    "elu": (None, _elu, POINTS),
    "leaky_relu": (None, lambda x: x if x >= 0 else 0.2 * x, POINTS),
    "erf": (None, math.erf, POINTS),
    "power": (lambda x: ops.power(x, exponent=3), lambda x: x**3, POINTS),
    "clip": (lambda x: ops.clip(x, low=-1.0, high=0.25), lambda x: min(max(x, -1.0), 0.25), POINTS),
    "where": (lambda x, y: ops.where(True, x, y), lambda x, y: x, POINTS),
    "cast": (lambda x: ops.cast(x, dtype="float64"), lambda x: x, POINTS),
    "getitem": (lambda x: ops.getitem(x, key=()), lambda x: x, POINTS),
    "reshape": (lambda x: ops.reshape(x, shape=(1,)), lambda x: [x], POINTS),
    "transpose": (None, lambda x: x, POINTS),
    "stack": (lambda x, y: ops.stack(x, y), lambda x, y: [x, y], POINTS),
    "sum": (None, lambda x: x, POINTS),
    "mean": (None, lambda x: x, POINTS),
    "max": (None, lambda x: x, POINTS),
    "min": (None, lambda x: x, POINTS),
    "prod": (None, lambda x: x, POINTS),
    "logsumexp": (None, lambda x: x, POINTS),
    "sign": MATH["sign"],
})
MODULES = {"nn": (nn, NN), "math": (tf_math, MATH), "activations": (activations, ACTIVATIONS), "ops": (ops, OPS)}

# Normalising along an axis, or a matrix product, has no meaning for a 0-d input: a clear error.
NEEDS_AN_AXIS = {
    "nn": {"softmax": nn.softmax, "log_softmax": nn.log_softmax,
           "softmax_cross_entropy_with_logits": lambda x: nn.softmax_cross_entropy_with_logits(0.25, x)},
    "activations": {"softmax": activations.softmax, "log_softmax": activations.log_softmax},
    "ops": {"softmax": ops.softmax, "log_softmax": ops.log_softmax, "matmul": lambda x: ops.matmul(x, x),
            "dense": lambda x: ops.dense(x, x, None), "concatenate": lambda x: ops.concatenate(x, x),
            "conv": lambda x: ops.conv(x, x), "conv_transpose": lambda x: ops.conv_transpose(x, x),
            "conv_max_pool": lambda x: ops.conv_max_pool(x, x, pool_size=1),
            "max_pool": lambda x: ops.max_pool(x, pool_size=1),
            "average_pool": lambda x: ops.average_pool(x, pool_size=1)},
    "math": {"cumsum": tf_math.cumsum},
}
NOT_DIFFERENTIABLE = {"math": {"argmax": lambda x: tf_math.argmax(x), "argmin": lambda x: tf_math.argmin(x)}}
NOT_MATH = {"convert_to_tensor", "get", "serialize", "lookup"}  # plumbing, not functions of a number
# Ops that make tensors, index, sort or scan along an axis: tests/autodiff/test_tf_function_gradients.py
# and tests/test_tf_functions.py check them on arrays.
# Bool-valued, step-valued or sorting functions, and reduce_std (whose gradient at zero spread is
# NaN, as TensorFlow's): tests/test_tf_functions.py checks them on arrays.
TESTED_ON_ARRAYS = {"equal", "not_equal", "greater", "greater_equal", "less", "less_equal", "logical_and",
                    "logical_or", "logical_not", "reduce_any", "reduce_all", "round", "floor", "top_k", "reduce_std",
                    "any", "all",
                    "dropout"}  # random: tests/keras/test_random.py checks its rate, scale and gradient
OPS_TESTED_ON_ARRAYS = {"arange", "full", "full_like", "linspace", "nonzero", "result_type", "shape_of", "to_numpy",
             "true_coordinates", "cumsum", "gather_nd", "one_hot", "pad", "take", "take_along_axis", "tile",
             "argmax", "argmin", "argsort", "sort", "singular_values", "broadcast_shape", "with_batch_coordinates"}


def _public_functions(module):
    skipped = NOT_MATH | TESTED_ON_ARRAYS | (OPS_TESTED_ON_ARRAYS if module is ops else set())
    return {name for name, f in vars(module).items()
            if inspect.isfunction(f) and not name.startswith("_") and name not in skipped}


def _cases(table_name):
    module, table = MODULES[table_name]
    for name, (fn, reference, points) in table.items():
        fn = fn or getattr(module, name)
        for point in points:
            yield pytest.param(fn, reference, point, id=f"{table_name}.{name}({point})")


ALL_CASES = [case for table_name in MODULES for case in _cases(table_name)]


@pytest.mark.parametrize("table_name", MODULES)
def test_every_public_function_is_covered(table_name):
    module, table = MODULES[table_name]
    covered = {name for name in table if hasattr(module, name)}
    covered |= set(NEEDS_AN_AXIS.get(table_name, {})) | set(NOT_DIFFERENTIABLE.get(table_name, {}))
    assert _public_functions(module) == covered


def _arity(fn):
    return 2 if len([p for p in inspect.signature(fn).parameters.values()
                     if p.default is p.empty and p.kind is p.POSITIONAL_OR_KEYWORD]) == 2 else 1


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("fn, reference, point", ALL_CASES)
def test_value_on_zero_d_input(fn, reference, point, kind):
    make = KINDS[kind]
    inputs = (point, SECOND)[:_arity(fn)]
    result = fn(*[make(v) for v in inputs])
    expected = np.asarray(reference(*inputs), dtype=np.float64)
    assert isinstance(result, Tensor) and result.shape == expected.shape
    np.testing.assert_allclose(np.asarray(result, dtype=np.float64), expected, rtol=2e-6, atol=1e-7)


@pytest.mark.parametrize("fn, reference, point", ALL_CASES)
def test_gradient_on_zero_d_tensor(fn, reference, point):
    inputs = (point, SECOND)[:_arity(fn)]
    grads = check_gradients(fn, *inputs)
    assert all(g.shape == () for g in grads)


@pytest.mark.parametrize("fn, reference, point", ALL_CASES)
def test_value_on_a_python_int(fn, reference, point):
    # sigmoid(0), softplus(1): an int input gives the float answer (softplus once gave int 1).
    inputs = (round(point + 0.5 * np.sign(point)), SECOND)[:_arity(fn)]  # 0.5 -> 1, -0.7 -> -1, 1.7 -> 2
    expected = np.asarray(reference(*inputs), dtype=np.float64)
    np.testing.assert_allclose(np.asarray(fn(*inputs), dtype=np.float64), expected, rtol=2e-6, atol=1e-7)


def test_sigmoid_of_a_zero_d_variable_as_the_labs_write_it():
    w = Variable(0.5)
    with GradientTape() as tape:
        y = activations.sigmoid(w)
    s = _sigmoid(0.5)  # 0.62245933...
    assert float(y) == pytest.approx(s, rel=1e-6)
    assert float(tape.gradient(y, w)) == pytest.approx(s * (1 - s), rel=1e-6)  # s(1 - s) = 0.23500371


@pytest.mark.parametrize("kind", KINDS)
def test_argmax_of_a_zero_d_input_is_zero(kind):
    assert int(tf_math.argmax(KINDS[kind](0.5))) == 0  # NumPy's and JAX's answer


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("fn", [pytest.param(fn, id=f"{table}.{name}")
                                for table, fns in NEEDS_AN_AXIS.items() for name, fn in fns.items()])
def test_functions_that_need_an_axis_refuse_a_zero_d_input_clearly(fn, kind):
    # either the op's own check or the loss's target check speaks first; both name the scalar
    with pytest.raises(ValueError, match=r"at least 1 dimension.*shape \(\)|received a scalar"):
        fn(KINDS[kind](0.5))


def test_numpy_of_a_0d_tensor_or_variable_is_a_numpy_scalar_as_in_tensorflow():
    """TensorFlow: tf.constant(3).numpy() is np.int32(3), printed as 3, not array(3, dtype=int32)."""
    import glassnet as tf
    for value, expected in ((tf.constant(3), np.int32(3)), (tf.Variable(2.5), np.float32(2.5)),
                            (tf.reduce_sum(tf.constant([1.0, 2.0])), np.float32(3.0))):
        result = value.numpy()
        assert type(result) is type(expected) and result == expected
    assert isinstance(tf.constant([1, 2]).numpy(), np.ndarray)  # rank 1 and above: arrays


def test_a_variables_0d_numpy_value_does_not_follow_later_updates():
    import glassnet as tf
    v = tf.Variable(1.0)
    seen = v.numpy()
    v.assign(5.0)
    assert seen == 1.0
