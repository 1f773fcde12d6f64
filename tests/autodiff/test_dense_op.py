"""The fused dense op: the same values and gradients as matmul + add + activation."""
import numpy as np
import pytest

from glassnet.autodiff import GradientTape, Tensor, Variable, check_gradients, ops

ACTIVATIONS = [None, ops.sigmoid, ops.relu, ops.tanh, ops.softmax, ops.softplus, ops.elu, ops.leaky_relu]


@pytest.mark.parametrize("activation", ACTIVATIONS)
def test_gradients_against_finite_differences(activation):
    rng = np.random.default_rng(0)
    x, kernel, bias = rng.normal(size=(4, 3)), rng.normal(size=(3, 2)), rng.normal(size=2)
    weights = rng.normal(size=(4, 2))  # a random readout, so softmax's gradient is not trivially 0

    def fused(x, kernel, bias):
        return ops.dense(x, kernel, bias, activation=activation) * weights

    check_gradients(fused, x, kernel, bias)


@pytest.mark.parametrize("activation", ACTIVATIONS)
def test_matches_the_composed_ops_in_float32(activation):
    rng = np.random.default_rng(1)
    x = Tensor(rng.normal(size=(5, 3)).astype(np.float32))
    kernel = Variable(rng.normal(size=(3, 4)).astype(np.float32))
    bias = Variable(rng.normal(size=4).astype(np.float32))
    with GradientTape(persistent=True) as tape:
        fused = ops.dense(x, kernel, bias, activation=activation)
        z = ops.add(ops.matmul(x, kernel), bias)
        composed = z if activation is None else activation(z)
    np.testing.assert_array_equal(fused.numpy(), composed.numpy())
    for a, b in zip(tape.gradient(fused, [kernel, bias]), tape.gradient(composed, [kernel, bias])):
        np.testing.assert_allclose(a.numpy(), b.numpy(), rtol=1e-6, atol=1e-7)
        assert a.dtype == np.float32


def test_no_bias_batched_input_and_skipped_input_gradient():
    rng = np.random.default_rng(2)
    check_gradients(lambda x, k: ops.dense(x, k, None, activation=ops.tanh), rng.normal(size=(2, 3, 4)),
                    rng.normal(size=(4, 2)))
    x = Tensor(np.ones((2, 3)))
    kernel = Variable(np.ones((3, 1)))
    with GradientTape() as tape:
        tape.watch(x)
        out = ops.dense(x, kernel, None, input_gradient=False)
    grad_x, grad_kernel = tape.gradient(out, [x, kernel])
    assert grad_x is None and grad_kernel.numpy().tolist() == [[2.0], [2.0], [2.0]]
