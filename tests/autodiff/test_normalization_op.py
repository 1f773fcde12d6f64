"""The fused normalization op (glassnet/autodiff/ops/normalization.py): values by hand, first
derivatives against finite differences, second derivatives (a Hessian-vector product) against
finite differences of the first, all in float64."""
import numpy as np
import pytest

from glassnet.autodiff import GradientTape, Tensor, ops
from glassnet.autodiff.gradcheck import check_gradients
from glassnet.autodiff.ops.normalization import moments, normalize

rng = np.random.default_rng(0)
X = rng.normal(1.0, 2.0, size=(5, 3, 4))
WEIGHTS = rng.normal(size=X.shape)  # the sum of a normalized output has no gradient: weight it

# (axes, gamma's shape, beta's shape): batch normalization over all but the channels, layer
# normalization over the features, and no scale or offset.
CASES = {
    "batch_norm_last_axis": ((0, 1), (4,), (4,)),
    "batch_norm_axis_1": ((0, 2), (1, 3, 1), (1, 3, 1)),
    "layer_norm": ((1, 2), (3, 4), (3, 4)),
    "layer_norm_last": ((2,), (4,), None),
    "no_gamma_no_beta": ((0,), None, None),
}


def _arrays(case):
    axes, gamma_shape, beta_shape = CASES[case]
    shapes = [shape for shape in (gamma_shape, beta_shape)]
    return axes, [X] + [rng.normal(size=s) for s in shapes if s is not None], shapes


def _function(axes, shapes):
    def fn(x, *weights):
        weights = list(weights)
        gamma = weights.pop(0) if shapes[0] is not None else None
        beta = weights.pop(0) if shapes[1] is not None else None
        return ops.sum(normalize(x, gamma, beta, axes=axes, epsilon=1e-3) * WEIGHTS)
    return fn


def test_values_by_hand():
    # mean 2, biased variance 2/3: (x - 2) / sqrt(2/3 + 0.1) * 2 + 1
    x = np.array([[1.0, 2.0, 3.0]])
    out = normalize(x, np.array([2.0]), np.array([1.0]), axes=(1,), epsilon=0.1).numpy()
    r = 1 / np.sqrt(2 / 3 + 0.1)
    np.testing.assert_allclose(out, [[1 - 2 * r, 1.0, 1 + 2 * r]], rtol=1e-12)


def test_moments_are_the_biased_mean_and_variance():
    mean, variance = moments(X, axes=(0, 1))
    np.testing.assert_allclose(mean.numpy(), X.mean(axis=(0, 1), keepdims=True), rtol=1e-12)
    np.testing.assert_allclose(variance.numpy(), X.var(axis=(0, 1), keepdims=True), rtol=1e-12)


def test_given_statistics_give_the_same_values_and_gradients():
    mean, variance = moments(X, axes=(0, 1))
    gamma = rng.normal(size=4)
    with GradientTape() as tape:
        x = Tensor(X)
        tape.watch(x)
        given = ops.sum(normalize(x, gamma, None, axes=(0, 1), epsilon=1e-3, mean=mean.value,
                                  variance=variance.value) * WEIGHTS)
    computed = _function((0, 1), [(4,), None])
    np.testing.assert_allclose(given.numpy(), computed(Tensor(X), gamma).numpy(), rtol=1e-12)
    np.testing.assert_allclose(tape.gradient(given, x).numpy(), check_gradients(computed, X, gamma)[0], rtol=1e-10)


@pytest.mark.parametrize("case", CASES)
def test_gradients_against_finite_differences(case):
    axes, arrays, shapes = _arrays(case)
    check_gradients(_function(axes, shapes), *arrays)


def _first_derivatives(fn, arrays):
    tensors = [Tensor(a) for a in arrays]
    with GradientTape() as tape:
        tape.watch(tensors)
        y = fn(*tensors)
    return [np.asarray(g) for g in tape.gradient(y, tensors)]


@pytest.mark.parametrize("case", CASES)
def test_second_derivatives_against_finite_differences(case):
    axes, arrays, shapes = _arrays(case)

    def fn(*tensors):  # cubed, so that the second derivative is not trivially zero
        out = normalize(tensors[0], *_weights(tensors[1:], shapes), axes=axes, epsilon=1e-3)
        return ops.sum(out * out * out * WEIGHTS)
    directions = [np.random.default_rng(2).normal(size=a.shape) for a in arrays]
    tensors = [Tensor(a) for a in arrays]
    with GradientTape() as outer:
        outer.watch(tensors)
        with GradientTape() as inner:
            inner.watch(tensors)
            y = fn(*tensors)
        grads = inner.gradient(y, tensors)
        dot = sum(ops.sum(g * v) for g, v in zip(grads, directions))
    actual = outer.gradient(dot, tensors)
    step = 1e-6
    upper = _first_derivatives(fn, [a + step * v for a, v in zip(arrays, directions)])
    lower = _first_derivatives(fn, [a - step * v for a, v in zip(arrays, directions)])
    for i, (a, u, lo) in enumerate(zip(actual, upper, lower)):
        np.testing.assert_allclose(a.numpy(), (u - lo) / (2 * step), rtol=1e-5, atol=1e-6, err_msg=f"input {i}")


def _weights(tensors, shapes):
    tensors = list(tensors)
    gamma = tensors.pop(0) if shapes[0] is not None else None
    beta = tensors.pop(0) if shapes[1] is not None else None
    return gamma, beta


def test_float32_stays_float32():
    x = Tensor(X.astype("float32"))
    with GradientTape() as tape:
        tape.watch(x)
        out = normalize(x, np.ones(4, "float32"), None, axes=(0, 1), epsilon=1e-3)
        loss = ops.sum(out * out * WEIGHTS.astype("float32"))
    assert out.dtype == np.float32 and tape.gradient(loss, x).dtype == np.float32
