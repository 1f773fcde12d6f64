"""Second derivatives through nested GradientTapes, glassnet against JAX (jax.hessian, jax.grad of
jax.grad), in float64 on both sides: the same numbers up to rounding.

tests/autodiff/test_higher_order.py checks every op against finite differences; this checks
whole expressions, a Keras-style MLP's gradient penalty (WGAN-GP) and a loss's Hessian-vector
product against an independent implementation.
"""
import jax
import jax.numpy as jnp
import numpy as np
import pytest

import glassnet as tf
from glassnet.autodiff import GradientTape, Tensor, ops
from glassnet.keras import layers, losses

rng = np.random.default_rng(0)
W = rng.normal(size=(4, 3))

# name -> (glassnet function of a Tensor, JAX function of an array): each sums to a scalar.
EXPRESSIONS = {
    "tanh_of_a_product": (lambda x: ops.sum(ops.tanh(ops.matmul(x, W)) ** 2),
                          lambda x: jnp.sum(jnp.tanh(x @ W) ** 2)),
    "norm": (lambda x: ops.sqrt(ops.sum(x * x)), lambda x: jnp.sqrt(jnp.sum(x * x))),
    "softmax_crossentropy": (lambda x: -ops.sum(ops.log_softmax(ops.reshape(x, shape=(2, 2)))[:, 0]),
                             lambda x: -jnp.sum(jax.nn.log_softmax(x.reshape(2, 2))[:, 0])),
    "rational_and_exp": (lambda x: ops.sum(ops.exp(-x * x) / (1.0 + ops.square(x)) + ops.sigmoid(x) * x),
                         lambda x: jnp.sum(jnp.exp(-x * x) / (1.0 + x**2) + jax.nn.sigmoid(x) * x)),
    "logsumexp_of_max": (lambda x: ops.logsumexp(ops.maximum(x, 0.3 * x) * ops.mean(x)),
                         lambda x: jax.nn.logsumexp(jnp.maximum(x, 0.3 * x) * jnp.mean(x))),
    "prod": (lambda x: ops.prod(x + 0.5) + ops.sum(ops.prod(ops.reshape(x, shape=(2, 2)), axis=0) ** 2),
             lambda x: jnp.prod(x + 0.5) + jnp.sum(jnp.prod(x.reshape(2, 2), axis=0) ** 2)),
}
POINT = np.array([0.7, -1.2, 0.4, 1.9])


def _hessian(fn, point):
    """Row i of the Hessian: the outer tape's gradient of the i-th element of the inner gradient."""
    x = Tensor(np.array(point))
    rows = []
    for i in range(point.size):
        with GradientTape() as outer:
            outer.watch(x)
            with GradientTape() as inner:
                inner.watch(x)
                y = fn(x)
            grad = inner.gradient(y, x)
        rows.append(outer.gradient(grad, x, output_gradients=np.eye(point.size)[i]).numpy())
    return np.stack(rows)


@pytest.mark.parametrize("name", EXPRESSIONS)
def test_hessian_against_jax(name):
    fn, jax_fn = EXPRESSIONS[name]
    with jax.enable_x64(True):
        expected = np.asarray(jax.jit(jax.hessian(jax_fn))(jnp.asarray(POINT)))
    np.testing.assert_allclose(_hessian(fn, POINT), expected, rtol=1e-10, atol=1e-12)


def test_second_derivative_of_a_scalar_function_against_jax_grad_of_grad():
    x = tf.Variable(np.array(0.8))
    with tf.GradientTape() as outer:
        with tf.GradientTape() as inner:
            y = x * tf.sigmoid(x) ** 2 + tf.math.log(1.0 + x * x) - tf.sqrt(tf.abs(x))
        dy = inner.gradient(y, x)
    with jax.enable_x64(True):
        expected = jax.grad(jax.grad(lambda v: v * jax.nn.sigmoid(v) ** 2 + jnp.log(1.0 + v * v)
                                     - jnp.sqrt(jnp.abs(v))))(0.8)
    assert float(outer.gradient(dy, x)) == pytest.approx(float(expected), rel=1e-12)


ACTIVATIONS = {"relu": jax.nn.relu, "tanh": jnp.tanh, "sigmoid": jax.nn.sigmoid, None: lambda z: z}


def _mlp(activations):
    tf.keras.backend.set_floatx("float64")  # the model casts inputs to floatx (conftest resets it)
    return tf.keras.Sequential([tf.keras.Input((3,))] + [layers.Dense(units, activation=a) for units, a in
                                                          zip((5, 4, 3, 1), activations)])


def _jax_mlp(params, x, activations):
    for (kernel, bias), activation in zip(params, activations):
        x = ACTIVATIONS[activation](x @ kernel + bias)
    return x


def _jax_penalty(params, x, activations):
    grads = jax.grad(lambda x: jnp.sum(_jax_mlp(params, x, activations)))(x)
    return jnp.mean((jnp.sqrt(jnp.sum(grads**2, axis=1)) - 1.0) ** 2)


def test_mlp_gradient_penalty_against_jax():
    activations = ("relu", "tanh", "sigmoid", None)
    model = _mlp(activations)
    x = rng.normal(size=(6, 3))
    with tf.GradientTape() as outer:
        interpolated = tf.convert_to_tensor(x)
        with tf.GradientTape() as inner:
            inner.watch(interpolated)
            critic = model(interpolated)
        grads = inner.gradient(critic, interpolated)
        penalty = tf.reduce_mean((tf.norm(grads, axis=1) - 1.0) ** 2)
    actual = outer.gradient(penalty, model.trainable_weights)
    weights = [w.numpy() for w in model.trainable_weights]
    params = list(zip(weights[::2], weights[1::2]))
    with jax.enable_x64(True):
        expected_penalty, expected = jax.jit(jax.value_and_grad(_jax_penalty), static_argnums=2)(
            params, jnp.asarray(x), activations)
    assert float(penalty) == pytest.approx(float(expected_penalty), rel=1e-12)
    expected = [np.asarray(e) for pair in expected for e in pair]
    # The output bias does not change d critic / dx: no path, so None (TF's answer too); JAX's zero.
    assert actual[-1] is None and not expected[-1].any()
    for a, e, w in zip(actual[:-1], expected[:-1], model.trainable_weights):
        np.testing.assert_allclose(a.numpy(), e, rtol=1e-9, atol=1e-12, err_msg=w.path)


def test_mse_loss_hessian_vector_product_against_jax():
    tf.keras.backend.set_floatx("float64")
    model = tf.keras.Sequential([tf.keras.Input((3,)), layers.Dense(4, activation="tanh"),
                                 layers.Dense(2, activation="softmax")])
    x, y = rng.normal(size=(5, 3)), rng.normal(size=(5, 2))
    directions = [rng.normal(size=w.shape) for w in model.trainable_weights]
    with tf.GradientTape() as outer:
        with tf.GradientTape() as inner:
            loss = losses.MeanSquaredError()(y, model(x))
        grads = inner.gradient(loss, model.trainable_weights)
        dot = sum(tf.reduce_sum(g * v) for g, v in zip(grads, directions))
    actual = outer.gradient(dot, model.trainable_weights)

    def jax_loss(params):
        hidden = jnp.tanh(x @ params[0] + params[1])
        return jnp.mean((y - jax.nn.softmax(hidden @ params[2] + params[3])) ** 2)

    with jax.enable_x64(True):
        weights = [jnp.asarray(w.numpy()) for w in model.trainable_weights]
        tangents = [jnp.asarray(d) for d in directions]
        _, expected = jax.jit(lambda w, d: jax.jvp(jax.grad(jax_loss), (w,), (d,)))(weights, tangents)
    for a, e, w in zip(actual, expected, model.trainable_weights):
        np.testing.assert_allclose(a.numpy(), np.asarray(e), rtol=1e-9, atol=1e-12, err_msg=w.path)
