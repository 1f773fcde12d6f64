"""GradientTape on random expressions, glassnet against JAX's autodiff of the same expression in Keras.

Each case draws an expression from its seed (``random_expressions.py``: 1-3 inputs of
broadcasting shapes, a few TensorFlow-named ops placed away from their kinks) and
evaluates it three times: in glassnet under ``tf.GradientTape`` with the inputs as
``tf.Variable``s, again with them as constants the tape watches, and with Keras 3's
``keras.ops`` on JAX, where ``jax.vjp`` with an output gradient of ones gives the
gradient of the sum of the result: TensorFlow's meaning of the gradient of a
non-scalar target. Compared: the value (shape, dtype, numbers) and each input's
gradient; an input the result does not depend on differentiably (one that feeds
only a ``where``'s condition, or nothing) has the gradient ``None`` in glassnet, as
in TensorFlow, where JAX gives zeros.

A failure names the seed and prints the program (``draw_expression(seed).text()``);
``-k seed_<n>`` replays it. Keras's side of 50 cases at a time is compiled as one
JAX function (``keras_chunk``), which keeps the file near half a minute of CPU.

Tolerance: the family "expression" (``parity_tools.TOLERANCE``), measured by
``measure_drift.py`` as the other families are: over these 300 expressions
(905 values and gradients) Keras's float32 drifts from its float64 by 2.5e-8 at
the median, 5.2e-7 at the 99th percentile and 4.4e-6 at worst (seed 75: the
gradient of ``sum(l2_normalize(x)**2)``, a constant, is all rounding), so the
tolerance is 1e-5. Measured on Keras 3.15.1, JAX 0.10.2 (CPU).
"""
import functools

import jax
import jax.numpy as jnp
import keras
import numpy as np
import pytest
from expression_ops import glassnet_ops, keras_ops
from parity_tools import assert_close
from random_expressions import draw_expression, evaluate

import glassnet as tf

N_CASES, CHUNK = 300, 50
FAST_COMPILE = {"xla_backend_optimization_level": 0, "xla_llvm_disable_expensive_passes": True}
GLASSNET, KERAS = glassnet_ops(tf), keras_ops(keras.ops)


def glassnet_value_and_gradients(expression, sources):
    """The result and its gradients in glassnet, the inputs as Variables or as watched constants."""
    if sources == "variables":
        tensors = [tf.Variable(x) for x in expression.inputs]
    else:
        tensors = [tf.constant(x) for x in expression.inputs]
    with tf.GradientTape() as tape:
        if sources == "constants":
            tape.watch(tensors)
        result = evaluate(expression, GLASSNET, tensors)
    return result, tape.gradient(result, tensors)


def keras_value_and_gradients(expression, inputs):
    """The result and the gradient of its sum (a vector-Jacobian product with ones) in Keras on JAX."""
    result, vjp = jax.vjp(lambda *xs: evaluate(expression, KERAS, xs), *inputs)
    return result, vjp(jnp.ones_like(result))


@functools.lru_cache(maxsize=None)
def keras_chunk(first, dtype="float32"):
    """Keras's results for the CHUNK seeds from `first`, compiled as one JAX function: compiling
    each op of each expression on its own (eager mode) takes ten times as long. The least
    optimisation level compiles faster and changes no rounding (XLA never uses fast math here)."""
    expressions = [draw_expression(seed) for seed in range(first, first + CHUNK)]
    inputs = [[jnp.asarray(x.astype(dtype)) for x in e.inputs] for e in expressions]
    def all_cases(inputs):
        return [keras_value_and_gradients(e, xs) for e, xs in zip(expressions, inputs)]
    compiled = jax.jit(all_cases).lower(inputs).compile(compiler_options=FAST_COMPILE)
    return [(np.asarray(value), [np.asarray(g) for g in grads]) for value, grads in compiled(inputs)]


@pytest.mark.parametrize("seed", range(N_CASES), ids=lambda seed: f"seed_{seed}")
def test_values_and_gradients_match_keras(seed):
    expression = draw_expression(seed)
    expected, expected_grads = keras_chunk(seed - seed % CHUNK)[seed % CHUNK]
    try:
        for sources in ("variables", "constants"):
            _compare(expression, sources, expected, expected_grads)
    except AssertionError as error:
        raise AssertionError(f"{error}\nThe expression (seed {seed}):\n{expression.text()}") from None


def _compare(expression, sources, expected, expected_grads):
    seed = expression.seed
    result, grads = glassnet_value_and_gradients(expression, sources)
    assert result.dtype == expected.dtype, f"seed {seed}: value dtype {result.dtype}, keras {expected.dtype}"
    assert_close(result, expected, family="expression", what="value", seed=seed)
    for i, (grad, want) in enumerate(zip(grads, expected_grads, strict=True)):
        what = f"gradient for x{i} ({sources})"
        if i not in expression.connected():
            assert grad is None, f"seed {seed}: {what}: expected None (x{i} is not connected), got {grad}"
            assert not np.any(want), f"seed {seed}: {what}: JAX's gradient is not zero"
            continue
        assert grad is not None, f"seed {seed}: {what} is None"
        assert grad.dtype == want.dtype, f"seed {seed}: {what}: dtype {grad.dtype}, keras {want.dtype}"
        assert_close(grad, want, family="expression", what=what, seed=seed)
