"""Second and higher derivatives through nested GradientTapes (glassnet/autodiff/higher_order.py).

Hand-worked values for the tape's behaviour (inside or outside the inner ``with`` block,
persistent tapes, watched constants, third order), and every op's Tensor backward checked by
a Hessian-vector product against central finite differences of its first derivative, in
float64. tests/parity/test_higher_order_parity.py checks a few against JAX.
"""
import numpy as np
import pytest

import glassnet as tf
from glassnet.autodiff import GradientTape, Tensor, Variable, ops, primitive
from glassnet.autodiff.ops import shape as shape_ops
from glassnet.keras import layers, losses
from glassnet.keras.losses import fused
from glassnet.keras.losses.reduction import reduce_weighted

rng = np.random.default_rng(0)


# --- the tape: hand-worked values ------------------------------------------------------------

def test_second_derivative_of_a_cube():
    x = tf.Variable(3.0)
    with tf.GradientTape() as t2:
        with tf.GradientTape() as t1:
            y = x * x * x
        dy = t1.gradient(y, x)
    d2y = t2.gradient(dy, x)
    assert float(dy) == 27.0  # 3 x^2
    assert float(d2y) == 18.0  # 6 x


@pytest.mark.parametrize("inside_inner_block", [True, False])
def test_guide_example_sqrt_of_squares(inside_inner_block):
    # c = sqrt(a^2 + b^2): dc/da = a / c, d2c/da2 = (c - a^2 / c) / c^2 = b^2 / c^3.
    a = tf.Variable(np.array([[1.0, -2.0], [0.5, 3.0]], dtype="float32"))
    b = tf.constant([[2.0, 1.0], [-1.5, 0.25]])
    with tf.GradientTape() as outer:
        with tf.GradientTape() as inner:
            c = tf.math.sqrt(tf.math.square(a) + tf.math.square(b))
            if inside_inner_block:
                dc_da = inner.gradient(c, a)
        if not inside_inner_block:
            dc_da = inner.gradient(c, a)
    d2c_da2 = outer.gradient(dc_da, a)
    np.testing.assert_allclose(dc_da.numpy(), a.numpy() / c.numpy(), rtol=1e-6)
    np.testing.assert_allclose(d2c_da2.numpy(), b.numpy() ** 2 / c.numpy() ** 3, rtol=1e-5)


def test_third_derivative_of_x_to_the_fourth():
    x = tf.Variable(2.0)
    with tf.GradientTape() as t3:
        with tf.GradientTape() as t2:
            with tf.GradientTape() as t1:
                y = x**4
            dy = t1.gradient(y, x)
        d2y = t2.gradient(dy, x)
    d3y = t3.gradient(d2y, x)
    assert [float(dy), float(d2y), float(d3y)] == [32.0, 48.0, 48.0]  # 4x^3, 12x^2, 24x at x = 2


def test_third_derivative_of_a_product():
    # y = x0 x1 x2: dy/dx0 = x1 x2, d2y/dx0dx1 = x2, d3y/dx0dx1dx2 = 1 (prod's Tensor backward is a prod).
    x = tf.Variable([2.0, 3.0, 5.0])
    with tf.GradientTape() as t3:
        with tf.GradientTape() as t2:
            with tf.GradientTape() as t1:
                y = tf.reduce_prod(x)
            dy = t1.gradient(y, x)
            dy_dx0 = dy[0]  # sliced while t2 records, so t2 sees the slice
        d2y = t2.gradient(dy_dx0, x)
        d2y_dx0dx1 = d2y[1]
    d3y = t3.gradient(d2y_dx0dx1, x)
    assert dy.numpy().tolist() == [15.0, 10.0, 6.0]
    assert d2y.numpy().tolist() == [0.0, 5.0, 3.0]
    assert d3y.numpy().tolist() == [0.0, 0.0, 1.0]


def test_persistent_outer_tape_gives_the_second_derivative_twice():
    x = tf.Variable(1.5)
    with tf.GradientTape(persistent=True) as outer:
        with tf.GradientTape() as inner:
            y = tf.exp(2.0 * x)
        dy = inner.gradient(y, x)  # 2 e^(2x)
    first, second = outer.gradient(dy, x), outer.gradient(dy, x)
    assert float(first) == float(second) == pytest.approx(4 * np.exp(3.0), rel=1e-6)  # 4 e^(2x)


def test_persistent_inner_tape():
    x = tf.Variable(2.0)
    with tf.GradientTape() as outer:
        with tf.GradientTape(persistent=True) as inner:
            y = x * x * x
            z = tf.math.log(x)
        dy, dz = inner.gradient(y, x), inner.gradient(z, x)  # 3x^2, 1/x
        total = dy + dz
    assert float(outer.gradient(total, x)) == pytest.approx(6 * 2.0 - 1 / 4.0)  # 6x - 1/x^2


def test_one_persistent_tape_differentiates_its_own_gradient():
    # TF records a persistent tape's gradient computation on itself when asked inside its block.
    x = tf.Variable(3.0)
    with tf.GradientTape(persistent=True) as tape:
        y = x * x * x
        dy = tape.gradient(y, x)
    assert float(tape.gradient(dy, x)) == 18.0


def test_watched_constant():
    x = tf.constant(0.5)
    with tf.GradientTape() as outer:
        outer.watch(x)
        with tf.GradientTape() as inner:
            inner.watch(x)
            y = tf.math.sigmoid(x)
        dy = inner.gradient(y, x)
    s = 1 / (1 + np.exp(-0.5))
    assert float(dy) == pytest.approx(s * (1 - s), rel=1e-6)
    assert float(outer.gradient(dy, x)) == pytest.approx(s * (1 - s) * (1 - 2 * s), rel=1e-5)


def test_hessian_vector_product_of_a_quadratic_form():
    # f(x) = x^T A x / 2 with A symmetric: grad = A x, Hessian = A, so H v = A v.
    a = np.array([[2.0, 0.5, 0.0], [0.5, 1.0, -1.0], [0.0, -1.0, 3.0]])
    x = Variable(np.array([1.0, -2.0, 0.5]))
    v = np.array([0.3, 0.1, -0.2])
    with GradientTape() as outer:
        with GradientTape() as inner:
            f = ops.sum(x * ops.matmul(a, x)) / 2
        grad = inner.gradient(f, x)
    np.testing.assert_allclose(grad.numpy(), a @ x.numpy())
    np.testing.assert_allclose(outer.gradient(grad, x, output_gradients=v).numpy(), a @ v)


def test_a_first_order_gradient_has_no_graph():
    # The training path: no outer tape, so the NumPy backward runs and nothing is recorded.
    x = tf.Variable(3.0)
    with tf.GradientTape() as tape:
        y = x * x
        inside = tape.gradient(y, x)  # inside its own block: a non-persistent tape stops recording
    assert float(inside) == 6.0 and inside._node is None
    with tf.GradientTape() as tape:
        y = x * x
    outside = tape.gradient(y, x)
    assert float(outside) == 6.0 and outside._node is None


def test_a_gradient_under_an_outer_tape_has_a_graph():
    x = tf.Variable(3.0)
    with tf.GradientTape():
        with tf.GradientTape() as inner:
            y = x * x
        dy = inner.gradient(y, x)
    assert float(dy) == 6.0 and dy._node is not None


@pytest.mark.parametrize("in_a_list", [False, True])
def test_output_gradients_tensor_is_differentiated_through(in_a_list):
    # d/dw of (dy/dx weighted by w) = dy/dx when output_gradients depends on w.
    x, w = Variable(np.array([1.0, 2.0])), Variable(np.array([0.5, -1.0]))
    with GradientTape() as outer:
        with GradientTape() as inner:
            y = x * x
        seed = w * 1.0
        weighted = inner.gradient(y, x, output_gradients=[seed] if in_a_list else seed)  # 2 x w
    np.testing.assert_allclose(outer.gradient(weighted, w).numpy(), 2 * x.numpy())


# --- an op with no Tensor backward -----------------------------------------------------------

@primitive
def _cube(a):
    return a**3, lambda g: g * 3 * a**2


@pytest.mark.parametrize("op, name", [(_cube, "_cube"),
                                      (lambda x: ops.sum(ops.singular_values(ops.reshape(x, shape=(1, 3)))),
                                       "singular_values")])
def test_an_op_without_a_tensor_backward_refuses_the_second_derivative(op, name):
    x = Variable(np.array([1.0, 2.0, 3.0]))
    with GradientTape() as outer:
        with GradientTape() as inner:
            y = op(x)
        dy = inner.gradient(y, x)
    with GradientTape() as first_only:  # its first derivative is still right
        y = op(x)
    np.testing.assert_allclose(dy.numpy(), first_only.gradient(y, x).numpy())
    with pytest.raises(NotImplementedError, match=f"Second-order gradients through `{name}` are not supported"):
        outer.gradient(dy, x)


def test_an_op_without_a_tensor_backward_is_fine_when_the_outer_tape_does_not_go_through_it():
    x, w = Variable(np.array([1.0, 2.0, 3.0])), Variable(np.array(2.0))
    with GradientTape() as outer:
        with GradientTape() as inner:
            y = _cube(x)
        dy = inner.gradient(y, x)  # 3 x^2
        z = w * w
    np.testing.assert_allclose(dy.numpy(), [3.0, 12.0, 27.0])
    assert float(outer.gradient(z, w)) == 4.0


# --- every op: H v against finite differences of the first derivative, in float64 --------------

def _first_derivatives(fn, arrays):
    tensors = [Tensor(a) for a in arrays]
    with GradientTape() as tape:
        tape.watch(tensors)
        y = _scalar(fn(*tensors))
    return [np.zeros_like(a) if g is None else np.asarray(g) for g, a in zip(tape.gradient(y, tensors), arrays)]


def _scalar(out):
    """A scalar with a nonzero second derivative even for linear ops (and sqrt): sum(w * out^3)."""
    weights = np.random.default_rng(1).normal(size=np.shape(out))
    return ops.sum(out * out * out * weights)


def _hessian_vector_product(fn, arrays, directions):
    tensors = [Tensor(a) for a in arrays]
    with GradientTape() as outer:
        outer.watch(tensors)
        with GradientTape() as inner:
            inner.watch(tensors)
            y = _scalar(fn(*tensors))
        grads = inner.gradient(y, tensors)
        dot = sum(ops.sum(g * v) for g, v in zip(grads, directions) if g is not None)
    return [np.zeros_like(a) if h is None else np.asarray(h) for h, a in zip(outer.gradient(dot, tensors), arrays)]


def _finite_difference_hvp(fn, arrays, directions, step=1e-6):
    upper = _first_derivatives(fn, [a + step * v for a, v in zip(arrays, directions)])
    lower = _first_derivatives(fn, [a - step * v for a, v in zip(arrays, directions)])
    return [(u - lo) / (2 * step) for u, lo in zip(upper, lower)]


def _away_from_zero(*shape):
    """Values at least 0.2 from 0, so kinks (abs, relu, max) are not probed."""
    return rng.uniform(0.2, 1.5, shape) * rng.choice([-1.0, 1.0], shape)


def _positive(*shape):
    return rng.uniform(0.5, 2.0, shape)


def _distinct(*shape):
    """Values at least 0.05 apart: no ties for max, sort or maximum."""
    values = rng.permutation(np.arange(int(np.prod(shape))))
    return (values * 0.1 - 0.3 + rng.uniform(0, 0.05, values.shape)).reshape(shape)


X = _away_from_zero(3, 4)
INDICES = np.array([2, 0, 2])
CASES = {
    "add": (ops.add, [X, _away_from_zero(4)]),
    "subtract": (ops.subtract, [_away_from_zero(4), X]),
    "multiply": (ops.multiply, [X, _away_from_zero(3, 1)]),
    "multiply_by_a_number": (lambda a: a * 2.5, [X]),
    "divide": (ops.divide, [X, _positive(4)]),
    "negative": (ops.negative, [X]),
    "power": (lambda a: ops.power(a, exponent=3), [X]),
    "power_-0.5": (lambda a: ops.power(a, exponent=-0.5), [_positive(3, 4)]),
    "pow_operator_tensor_exponent": (lambda a, b: a**b, [_positive(3, 4), X]),
    "square": (ops.square, [X]),
    "sqrt": (ops.sqrt, [_positive(3, 4)]),
    "exp": (ops.exp, [X]),
    "log": (ops.log, [_positive(3, 4)]),
    "abs": (ops.abs, [X]),
    "maximum": (ops.maximum, [_distinct(3, 4), _distinct(4)]),
    "minimum": (ops.minimum, [_distinct(3, 4), _distinct(3, 4)]),
    "clip": (lambda a: ops.clip(a, low=-0.5, high=0.5 + 1e-3), [X]),
    "where": (lambda a, b: ops.where(X > 0, a, b), [X, _away_from_zero(4)]),
    "matmul": (ops.matmul, [X, _away_from_zero(4, 2)]),
    "matmul_vector_left": (ops.matmul, [_away_from_zero(3), X]),
    "matmul_vector_right": (ops.matmul, [X, _away_from_zero(4)]),
    "matmul_batched": (ops.matmul, [_away_from_zero(2, 3, 4), _away_from_zero(4, 5)]),
    "sum": (lambda a: ops.sum(a), [X]),
    "sum_axis": (lambda a: ops.sum(a, axis=1), [X]),
    "sum_keepdims": (lambda a: ops.sum(a, axis=0, keepdims=True), [X]),
    "mean": (lambda a: ops.mean(a), [X]),
    "mean_axis": (lambda a: ops.mean(a, axis=(0, 2)), [_away_from_zero(2, 3, 4)]),
    "max": (lambda a: ops.max(a, axis=1), [_distinct(3, 4)]),
    "max_all": (lambda a: ops.max(a), [_distinct(3, 4)]),
    "min": (lambda a: ops.min(a, axis=0, keepdims=True), [_distinct(3, 4)]),
    "logsumexp": (lambda a: ops.logsumexp(a, axis=-1), [X]),
    "reshape": (lambda a: ops.reshape(a, shape=(2, 6)), [X]),
    "transpose": (lambda a: ops.transpose(a, axes=(2, 0, 1)), [_away_from_zero(2, 3, 4)]),
    "expand_dims": (lambda a: tf.expand_dims(a, 1), [X]),
    "concat": (lambda a, b: tf.concat([a, b], axis=1), [X, _away_from_zero(3, 2)]),
    "stack": (lambda a, b: tf.stack([a, b], axis=-1), [X, _away_from_zero(3, 4)]),
    "getitem": (lambda a: a[1:, ::2], [X]),
    "getitem_repeated": (lambda a: a[np.array([0, 2, 0])], [X]),
    "gather": (lambda a: tf.gather(a, INDICES, axis=1), [X]),
    "gather_nd": (lambda a: tf.gather_nd(a, np.array([[0, 1], [2, 3], [0, 1]])), [X]),
    "take_along_axis": (lambda a: ops.take_along_axis(a, np.array([[0, 3], [1, 1], [2, 0]]), axis=1), [X]),
    "sort": (lambda a: ops.sort(a, axis=1), [_distinct(3, 4)]),
    "tile": (lambda a: ops.tile(a, multiples=(2, 1)), [X]),
    "pad": (lambda a: ops.pad(a, paddings=((1, 0), (0, 2)), mode="reflect"), [X]),
    "cast": (lambda a: ops.cast(a, dtype="float64"), [X]),
    "cumsum": (lambda a: ops.cumsum(a, axis=1, reverse=True), [X]),
    "prod": (lambda a: ops.prod(a), [X]),
    "prod_axis": (lambda a: ops.prod(a, axis=1), [X]),
    "prod_axes_keepdims": (lambda a: ops.prod(a, axis=(0, 2), keepdims=True), [_away_from_zero(2, 3, 4)]),
    "prod_with_a_zero": (lambda a: ops.prod(a, axis=0) + 1.0,  # + 1: the cube's slope at 0 would hide it
                         [np.array([[0.0, 1.5], [2.0, -0.5], [0.7, 0.0]])]),
    "relu": (ops.relu, [X]),
    "sigmoid": (ops.sigmoid, [X]),
    "tanh": (ops.tanh, [X]),
    "softmax": (lambda a: ops.softmax(a, axis=0), [X]),
    "log_softmax": (ops.log_softmax, [X]),
    "softplus": (ops.softplus, [X]),
    "log_sigmoid": (ops.log_sigmoid, [X]),
    "elu": (lambda a: ops.elu(a, alpha=0.7), [X]),
    "leaky_relu": (ops.leaky_relu, [X]),
    "erf": (ops.erf, [X]),
    "sign": (lambda a: ops.sign(a) * a * a, [X]),
    "selu": (tf.keras.activations.selu, [X]),
    "gelu": (tf.keras.activations.gelu, [X]),
}
for _activation in (None, ops.relu, ops.sigmoid, ops.tanh, ops.softmax, ops.softplus, ops.elu, ops.leaky_relu):
    _name = getattr(_activation, "__name__", "linear")
    CASES[f"dense_{_name}"] = (lambda x, k, b, act=_activation: ops.dense(x, k, b, activation=act),
                               [X, _away_from_zero(4, 2), _away_from_zero(2)])
CASES["dense_no_bias"] = (lambda x, k: ops.dense(x, k, None, activation=ops.tanh), [X, _away_from_zero(4, 2)])
CASES["dense_3d_input"] = (lambda x, k, b: ops.dense(x, k, b, activation=ops.sigmoid),
                           [_away_from_zero(2, 3, 4), _away_from_zero(4, 2), _away_from_zero(2)])

Y_TRUE = rng.uniform(0.1, 0.9, (3, 4))
ONE_HOT = np.eye(4)[[1, 3, 0]]
CASES.update({
    "mse": (lambda p: fused.mean_squared_error(Y_TRUE, p), [X]),
    "bce_logits": (lambda p: fused.binary_crossentropy_logits(Y_TRUE, p), [X]),
    "bce_probabilities": (lambda p: fused.binary_crossentropy_probabilities(Y_TRUE, p),
                          [rng.uniform(0.1, 0.9, (3, 4))]),
    "softmax_crossentropy": (lambda p: fused.softmax_crossentropy(ONE_HOT, p), [X]),
    "cce_probabilities": (lambda p: fused.categorical_crossentropy_probabilities(ONE_HOT, p),
                          [rng.uniform(0.1, 0.9, (3, 4))]),
    "reduce_weighted_mean": (lambda v: reduce_weighted(v, weights=np.array([0.5, 2.0, 1.0])), [_positive(3)]),
    "reduce_weighted_by_sample_weight": (
        lambda v: reduce_weighted(v, weights=np.array([0.5, 2.0, 1.0]), reduction="mean_with_sample_weight"),
        [_positive(3)]),
    "reduce_weighted_sum_2d_weights": (
        lambda v: reduce_weighted(v, weights=np.array([[0.5], [2.0], [1.0]]), reduction="sum"), [_positive(3, 2)]),
    "reduce_weighted_none": (lambda v: reduce_weighted(v, weights=np.array([0.5, 2.0, 1.0]), reduction="none"),
                             [_positive(3)]),
    "mse_loss_object": (lambda p: losses.MeanSquaredError()(Y_TRUE, p, sample_weight=np.array([1.0, 0.0, 2.0])), [X]),
    "bce_loss_object": (lambda p: losses.BinaryCrossentropy(from_logits=True)(Y_TRUE, p), [X]),
    "cce_loss_object": (lambda p: losses.CategoricalCrossentropy(from_logits=True)(ONE_HOT, p), [X]),
    "broadcast_to": (lambda a: shape_ops.broadcast_to(a, shape=(2, 3, 4)), [_away_from_zero(3, 1)]),
    "scatter_add": (lambda a: shape_ops.scatter_add(a, key=np.array([1, 0, 1]), shape=(2, 4)), [X]),
})
# The losses with y_true an input too (an actor-critic's target): their fused ops' y_true gradients.
SOFT_TARGETS = rng.uniform(0.1, 1.0, (3, 4))
SOFT_TARGETS /= SOFT_TARGETS.sum(-1, keepdims=True)
CASES.update({
    "mse_of_both": (losses.mean_squared_error, [_away_from_zero(3, 4), X]),
    "mse_of_both_broadcast": (losses.mean_squared_error, [_away_from_zero(3, 4), _away_from_zero(3, 1)]),
    "bce_logits_of_both": (lambda t, p: losses.binary_crossentropy(t, p, from_logits=True, label_smoothing=0.1),
                           [Y_TRUE, X]),
    "bce_probabilities_of_both": (losses.binary_crossentropy, [Y_TRUE, rng.uniform(0.1, 0.9, (3, 4))]),
    "softmax_crossentropy_of_both": (lambda t, p: losses.categorical_crossentropy(t, p, from_logits=True),
                                     [SOFT_TARGETS, X]),
    "cce_probabilities_of_both": (losses.categorical_crossentropy, [SOFT_TARGETS, rng.uniform(0.1, 0.9, (3, 4))]),
    "kl_divergence_of_both": (losses.kl_divergence, [SOFT_TARGETS, rng.uniform(0.1, 0.9, (3, 4))]),
    "huber_loss_object_of_both": (lambda t, p: losses.Huber(delta=0.5)(t, p), [_away_from_zero(3, 4), X]),
})


@pytest.mark.parametrize("name", CASES)
def test_second_derivative_against_finite_differences(name):
    fn, arrays = CASES[name]
    arrays = [np.array(a, dtype=np.float64) for a in arrays]
    directions = [np.random.default_rng(2).normal(size=a.shape) for a in arrays]
    expected = _finite_difference_hvp(fn, arrays, directions)
    actual = _hessian_vector_product(fn, arrays, directions)
    for i, (a, e) in enumerate(zip(actual, expected)):
        np.testing.assert_allclose(a, e, rtol=1e-5, atol=1e-6, err_msg=f"{name}: input {i}")


@pytest.mark.parametrize("name", CASES)
def test_recorded_first_derivative_matches_the_numpy_one(name):
    # Under an outer tape the Tensor backward computes the gradient: it must be the same number.
    fn, arrays = CASES[name]
    arrays = [np.array(a, dtype=np.float64) for a in arrays]
    tensors = [Tensor(a) for a in arrays]
    with GradientTape():
        with GradientTape() as inner:
            inner.watch(tensors)
            y = _scalar(fn(*tensors))
        recorded = inner.gradient(y, tensors)
    for r, e in zip(recorded, _first_derivatives(fn, arrays)):
        np.testing.assert_allclose(np.zeros_like(e) if r is None else r.numpy(), e, rtol=1e-12, atol=1e-12)


# --- a gradient penalty on a Keras model ------------------------------------------------------

def _model():
    return tf.keras.Sequential([
        tf.keras.Input((3,)),
        layers.Dense(5, activation="relu"),
        layers.Dense(4, activation="tanh"),
        layers.Dense(3, activation="sigmoid"),
        layers.Dense(1),
    ])


def _penalty(model, x):
    """WGAN-GP: the mean of (|d model(x) / dx| - 1)^2 over the batch."""
    x = tf.convert_to_tensor(x)
    with tf.GradientTape() as tape:
        tape.watch(x)
        out = model(x)
    grads = tape.gradient(out, x)
    norms = tf.sqrt(tf.reduce_sum(tf.square(grads), axis=1) + 1e-12)  # + eps: a dead relu layer gives 0
    return tf.reduce_mean((norms - 1.0) ** 2)


def test_gradient_penalty_of_a_dense_model_against_finite_differences():
    tf.keras.backend.set_floatx("float64")  # the model casts its inputs to floatx (conftest resets it)
    model = _model()
    x = rng.normal(size=(6, 3))
    with tf.GradientTape() as outer:
        penalty = _penalty(model, x)
    grads = outer.gradient(penalty, model.trainable_weights)
    # d model(x) / dx does not depend on the output layer's bias: no path, None (as in TF).
    assert grads[-1] is None and all(g is not None for g in grads[:-1])
    step = 1e-6
    for weight, grad in zip(model.trainable_weights[:-1], grads[:-1]):
        numeric = np.zeros(weight.shape)
        for i in np.ndindex(*weight.shape):
            original = weight.numpy()
            shifted = original.copy()
            shifted[i] += step
            weight.assign(shifted)
            upper = float(_penalty(model, x))
            shifted[i] -= 2 * step
            weight.assign(shifted)
            lower = float(_penalty(model, x))
            weight.assign(original)
            numeric[i] = (upper - lower) / (2 * step)
        np.testing.assert_allclose(grad.numpy(), numeric, rtol=1e-5, atol=1e-7, err_msg=weight.path)


def test_gradient_penalty_trains_in_float32():
    model = _model()
    optimizer = tf.keras.optimizers.SGD(0.1)
    x = np.random.default_rng(3).normal(size=(8, 3)).astype("float32")
    values = []
    for _ in range(5):
        with tf.GradientTape() as outer:
            penalty = _penalty(model, x)
        grads = outer.gradient(penalty, model.trainable_weights)
        optimizer.apply_gradients([(g, w) for g, w in zip(grads, model.trainable_weights) if g is not None])
        values.append(float(penalty))
    assert grads[0].dtype == np.float32 and np.isfinite(values).all() and values[-1] < values[0]
