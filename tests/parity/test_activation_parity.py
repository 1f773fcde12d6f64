"""Every activation, glassnet against Keras: values on a grid that reaches saturation, and gradients."""
import jax
import jax.numpy as jnp
import keras
import numpy as np
import pytest
from parity_tools import assert_close

from glassnet.autodiff import GradientTape, Variable, ops
from glassnet.keras import activations

NAMES = sorted(activations._BY_NAME)
GRID = np.concatenate([np.linspace(-30, 30, 61), [-1e-3, 0.0, 1e-3, 0.5, -0.5, 88.0, -88.0, 100.0]])


def _inputs(seed):
    rng = np.random.default_rng(seed)
    wide = np.resize(GRID, (10, 7))
    return np.concatenate([wide, rng.normal(scale=3.0, size=(6, 7))]).astype("float32")


@pytest.mark.parametrize("name", NAMES)
def test_activation_values(name):
    x = _inputs(seed=1)
    if name == "exponential":
        x = np.clip(x, -80, 80)                      # float32 exp overflows to inf above 88.7
    expected = keras.activations.get(name)(x)
    actual = activations.get(name)(x)
    assert_close(actual, expected, family="forward", what=f"activation {name!r} on {x.shape}", seed=1)


@pytest.mark.parametrize("name", NAMES)
def test_activation_gradients(name):
    x = np.random.default_rng(2).normal(scale=2.0, size=(5, 4)).astype("float32")
    upstream = np.random.default_rng(3).normal(size=(5, 4)).astype("float32")
    keras_fn = keras.activations.get(name)
    expected = jax.grad(lambda v: jnp.sum(keras_fn(v) * upstream))(jnp.asarray(x))
    w = Variable(x)
    with GradientTape() as tape:
        total = ops.sum(activations.get(name)(w) * upstream)
    actual = tape.gradient(total, w)
    assert_close(actual, expected, family="forward", what=f"gradient of activation {name!r}", seed=2)


@pytest.mark.parametrize("name", NAMES)
def test_string_names_resolve_in_keras(name):
    assert callable(keras.activations.get(name)), f"{name!r} is not a Keras activation name"
