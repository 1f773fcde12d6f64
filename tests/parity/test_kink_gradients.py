"""Gradients at kinks (0 for relu and abs, the ends of a clip, Huber's delta), glassnet against Keras.

At a kink the gradient is a convention, and JAX's conventions decide what Keras
trains to: for instance ``d|x|/dx`` is +1 at 0 on JAX (so an L1 penalty moves a
zero-initialised bias in the first step), where ``sign(0) = 0`` would leave it.
"""
import jax
import jax.numpy as jnp
import keras
import numpy as np
import pytest
from parity_tools import assert_close

from glassnet.autodiff import GradientTape, Variable, ops
from glassnet.keras import activations, losses, regularizers

KINKS = np.array([-6.0, -3.0, -1.0, 0.0, -0.0, 1.0, 3.0, 6.0], dtype="float32")


def _glassnet_grad(fn, x):
    w = Variable(np.array(x, dtype="float32"))
    with GradientTape() as tape:
        total = ops.sum(fn(w))
    return tape.gradient(total, w)


def _keras_grad(fn, x):
    return jax.grad(lambda v: jnp.sum(fn(v)))(jnp.asarray(x, dtype="float32"))


@pytest.mark.parametrize("name", sorted(activations._BY_NAME))
def test_activation_gradient_at_kinks(name):
    expected = _keras_grad(keras.activations.get(name), KINKS.reshape(2, 4))
    actual = _glassnet_grad(activations.get(name), KINKS.reshape(2, 4))
    assert_close(actual, expected, family="forward", what=f"gradient of {name!r} at {KINKS.tolist()}")


@pytest.mark.parametrize("name, options", [("L1", {"l1": 0.01}), ("L2", {"l2": 0.01}),
                                           ("L1L2", {"l1": 0.01, "l2": 0.02})])
def test_regularizer_gradient_at_zero(name, options):
    weights = np.array([[0.0, 0.5], [-0.0, -2.0]], dtype="float32")
    expected = _keras_grad(getattr(keras.regularizers, name)(**options), weights)
    actual = _glassnet_grad(getattr(regularizers, name)(**options), weights)
    assert_close(actual, expected, family="forward", what=f"gradient of {name}({options}) at zero weights")


@pytest.mark.parametrize("name, options, y_true, y_pred", [
    ("MeanAbsoluteError", {}, [[1.0, 2.0, 0.0]], [[1.0, 2.5, 0.0]]),
    ("MeanAbsolutePercentageError", {}, [[1.0, 2.0, 4.0]], [[1.0, 2.5, 4.0]]),
    ("Huber", {"delta": 1.0}, [[0.0, 0.0, 0.0]], [[1.0, -1.0, 0.0]]),
    ("Hinge", {}, [[1.0, -1.0, 1.0]], [[1.0, -1.0, 0.0]]),
    ("SquaredHinge", {}, [[1.0, -1.0, 1.0]], [[1.0, -1.0, 0.0]]),
    ("BinaryCrossentropy", {}, [[1.0, 0.0, 1.0]], [[1.0, 0.0, 0.0]]),
    ("CategoricalCrossentropy", {}, [[0.0, 1.0, 0.0]], [[0.0, 1.0, 0.0]]),
])
def test_loss_gradient_at_kinks(name, options, y_true, y_pred):
    y_true, y_pred = np.array(y_true, dtype="float32"), np.array(y_pred, dtype="float32")
    expected = _keras_grad(lambda p: getattr(keras.losses, name)(**options)(y_true, p), y_pred)
    actual = _glassnet_grad(lambda p: getattr(losses, name)(**options)(y_true, p), y_pred)
    assert_close(actual, expected, family="forward", what=f"gradient of {name}({options}) at {y_pred.tolist()}")
