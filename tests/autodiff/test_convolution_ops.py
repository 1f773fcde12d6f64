"""Convolution and pooling ops: values against a direct loop, gradients against finite differences."""
import itertools

import numpy as np
import pytest

from glassnet.autodiff import ops as gops
from glassnet.autodiff.gradcheck import check_gradients
from glassnet.autodiff.ops.convolution import conv, where_positive
from glassnet.autodiff.ops.pooling import average_pool, max_pool
from glassnet.autodiff.tape import GradientTape
from glassnet.autodiff.tensor import Tensor


def _pads(size, k, s, d, padding):
    reach = d * (k - 1) + 1
    if padding == "valid":
        return 0, 0
    if padding == "causal":
        return reach - 1, 0
    total = max((-(-size // s) - 1) * s + reach - size, 0)
    return total // 2, total - total // 2


def _direct_conv(x, kernel, strides, padding, dilation):
    """The textbook definition, one output position at a time."""
    rank = kernel.ndim - 2
    pads = [_pads(n, k, s, d, padding) for n, k, s, d in zip(x.shape[1:-1], kernel.shape[:rank], strides, dilation)]
    xp = np.pad(x, [(0, 0), *pads, (0, 0)])
    out_shape = [(n - d * (k - 1) - 1) // s + 1
                 for n, k, s, d in zip(xp.shape[1:-1], kernel.shape[:rank], strides, dilation)]
    out = np.zeros((x.shape[0], *out_shape, kernel.shape[-1]))
    for position in itertools.product(*(range(o) for o in out_shape)):
        for tap in itertools.product(*(range(k) for k in kernel.shape[:rank])):
            source = tuple(p * s + t * d for p, s, t, d in zip(position, strides, tap, dilation))
            out[(slice(None), *position)] += xp[(slice(None), *source)] @ kernel[tap]
    return out


def _random_case(rng, rank):
    spatial = tuple(int(v) for v in rng.integers(4, 8, size=rank))
    kernel_size = tuple(int(v) for v in rng.integers(1, 4, size=rank))
    if rng.random() < 0.5:
        strides, dilation = tuple(int(v) for v in rng.integers(1, 4, size=rank)), (1,) * rank
    else:
        strides, dilation = (1,) * rank, tuple(int(v) for v in rng.integers(1, 3, size=rank))
    padding = str(rng.choice(["valid", "same", "causal"] if rank == 1 else ["valid", "same"]))
    return spatial, kernel_size, strides, dilation, padding


@pytest.mark.parametrize("seed", range(8))
def test_conv_matches_the_direct_definition_and_finite_differences(seed):
    rng = np.random.default_rng(seed)
    rank = 1 + seed % 2
    spatial, kernel_size, strides, dilation, padding = _random_case(rng, rank)
    channels = 1 + seed % 5  # up to 3 channels the window matrix is built tap by tap; from 4, row by row
    x = rng.normal(size=(2, *spatial, channels))
    kernel = rng.normal(size=(*kernel_size, channels, 3))
    bias = rng.normal(size=3)
    expected = _direct_conv(x, kernel, strides, padding, dilation) + bias
    got = conv(x, kernel, bias, strides=strides, padding=padding, dilation_rate=dilation).numpy()
    np.testing.assert_allclose(got, expected, atol=1e-10)
    weights = rng.normal(size=expected.shape)  # a random cotangent, not just ones
    check_gradients(
        lambda a, k, b: conv(a, k, b, strides=strides, padding=padding, dilation_rate=dilation) * Tensor(weights),
        x, kernel, bias,
    )


@pytest.mark.parametrize("activation", [gops.relu, gops.tanh])
def test_conv_with_a_fused_activation_has_its_gradient(activation):
    rng = np.random.default_rng(3)
    x, kernel = rng.normal(size=(2, 5, 5, 2)), rng.normal(size=(3, 3, 2, 2))
    plain = conv(x, kernel, None, padding="same").numpy()
    np.testing.assert_allclose(conv(x, kernel, None, padding="same", activation=activation).numpy(),
                               activation(plain).numpy())
    check_gradients(lambda a, k: conv(a, k, None, padding="same", activation=activation), x, kernel)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_where_positive_is_the_relu_mask_product_bit_for_bit(dtype):
    # the fused relu's backward: equal to g * (out > 0), signs of zero and NaN included
    rng = np.random.default_rng(5)
    out = np.maximum(rng.normal(size=(4, 6, 5)), 0).astype(np.float32)
    g = rng.normal(size=out.shape).astype(dtype)
    g[0, 0, :] = [np.nan, -np.inf, np.inf, -0.0, 0.0]
    out[0, 0, :] = [0, 0, 0, 1, 0]
    got = where_positive(g, out)
    want = g * (out > 0)
    assert got.dtype == want.dtype
    np.testing.assert_array_equal(got, want)
    np.testing.assert_array_equal(np.signbit(got), np.signbit(want))


def test_conv_without_input_gradient_still_gives_the_kernel_gradient():
    rng = np.random.default_rng(4)
    x, kernel = Tensor(rng.normal(size=(2, 6, 6, 1))), Tensor(rng.normal(size=(3, 3, 1, 4)))
    with GradientTape() as tape:
        tape.watch([x, kernel])
        out = conv(x, kernel, None, input_gradient=False)
    g_x, g_kernel = tape.gradient(out, [x, kernel])
    assert g_x is None
    assert g_kernel.shape == (3, 3, 1, 4)


def _direct_pool(x, pool, strides, padding, reduce):
    rank = len(pool)
    pads = [_pads(n, p, s, 1, padding) for n, p, s in zip(x.shape[1:-1], pool, strides)]
    out_shape = [(n + b + a - p) // s + 1 for n, p, s, (b, a) in zip(x.shape[1:-1], pool, strides, pads)]
    out = np.zeros((x.shape[0], *out_shape, x.shape[-1]))
    for position in itertools.product(*(range(o) for o in out_shape)):
        window = tuple(
            slice(max(o * s - b, 0), min(o * s - b + p, n))
            for o, s, b, p, n in zip(position, strides, [b for b, _ in pads], pool, x.shape[1:-1])
        )
        values = x[(slice(None), *window)]
        out[(slice(None), *position)] = reduce(values, axis=tuple(range(1, rank + 1)))
    return out


@pytest.mark.parametrize("seed", range(8))
@pytest.mark.parametrize("pool_op,reduce", [(max_pool, np.max), (average_pool, np.mean)])
def test_pooling_matches_the_direct_definition_and_finite_differences(seed, pool_op, reduce):
    rng = np.random.default_rng(seed)
    rank = 1 + seed % 2
    spatial = tuple(int(v) for v in rng.integers(3, 8, size=rank))
    pool = tuple(int(v) for v in rng.integers(1, 4, size=rank))
    strides = None if seed % 3 == 0 else tuple(int(v) for v in rng.integers(1, 4, size=rank))
    padding = "same" if seed % 4 >= 2 else "valid"
    x = rng.normal(size=(2, *spatial, 2))
    expected = _direct_pool(x, pool, strides or pool, padding, reduce)
    got = pool_op(x, pool_size=pool, strides=strides, padding=padding).numpy()
    np.testing.assert_allclose(got, expected, atol=1e-12)
    weights = rng.normal(size=expected.shape)
    check_gradients(lambda a: pool_op(a, pool_size=pool, strides=strides, padding=padding) * Tensor(weights), x)


@pytest.mark.parametrize("strides,padding", [((2, 2), "valid"), ((1, 1), "same"), ((2, 2), "same")])
def test_max_pool_gives_a_tied_window_gradient_to_its_first_element(strides, padding):
    # JAX and TF route a tie's gradient to the first maximum in row-major order; after a relu,
    # windows of zeros are common.
    x = Tensor(np.zeros((1, 4, 4, 1)))
    with GradientTape() as tape:
        tape.watch(x)
        out = max_pool(x, pool_size=(2, 2), strides=strides, padding=padding)
    g = tape.gradient(out, x).numpy()[0, :, :, 0]
    if strides == (2, 2):
        expected = np.zeros((4, 4))
        expected[::2, ::2] = 1
    else:  # stride 1: each position is the first element of its own window
        expected = np.ones((4, 4))
    np.testing.assert_array_equal(g, expected)


@pytest.mark.parametrize("spatial,pool", [((6, 6), (2, 2)), ((7, 5), (2, 2)), ((6,), (3,)), ((4, 6, 4), (2, 3, 2)),
                                          ((5, 5), (1, 1))])
def test_tiled_max_pool_sends_each_window_gradient_to_its_first_maximum(spatial, pool):
    # stride == pool size, no padding: the tiled path; values on a coarse grid tie often, anywhere in a window
    rng = np.random.default_rng(6)
    x = np.maximum(np.round(rng.normal(size=(3, *spatial, 4)) * 2), 0).astype(np.float32)
    weights = rng.normal(size=_direct_pool(x, pool, pool, "valid", np.max).shape).astype(np.float32)
    x_tensor = Tensor(x)
    with GradientTape() as tape:
        tape.watch(x_tensor)
        out = max_pool(x_tensor, pool_size=pool) * Tensor(weights)
    g = tape.gradient(out, x_tensor).numpy()
    expected = np.zeros_like(x)
    for position in itertools.product(*(range(n // p) for n, p in zip(spatial, pool))):
        corner = [o * p for o, p in zip(position, pool)]
        window = tuple(slice(c, c + p) for c, p in zip(corner, pool))
        for b, c in itertools.product(range(x.shape[0]), range(x.shape[-1])):
            first = np.unravel_index(np.argmax(x[(b, *window, c)]), pool)  # np.argmax: the first maximum
            expected[(b, *(c0 + f for c0, f in zip(corner, first)), c)] = weights[(b, *position, c)]
    np.testing.assert_array_equal(g, expected)


def test_tiled_max_pool_sends_a_nan_window_gradient_to_its_last_element():
    x = Tensor(np.array([[np.nan, 1.0], [2.0, 0.5]], dtype=np.float32).reshape(1, 2, 2, 1))
    with GradientTape() as tape:
        tape.watch(x)
        out = max_pool(x, pool_size=2)
    np.testing.assert_array_equal(tape.gradient(out, x).numpy().ravel(), [0, 0, 0, 1])


def test_average_pool_same_divides_by_the_real_elements_only():
    x = np.arange(9.0).reshape(1, 3, 3, 1)
    out = average_pool(x, pool_size=2, strides=2, padding="same").numpy()[0, :, :, 0]
    np.testing.assert_allclose(out, [[2.0, 3.5], [6.5, 8.0]])  # Keras's values on this input


def test_float32_stays_float32():
    x = np.ones((2, 6, 6, 3), np.float32)
    kernel = np.ones((3, 3, 3, 4), np.float32)
    assert conv(x, kernel, np.zeros(4, np.float32)).dtype == np.float32
    assert max_pool(x, pool_size=2).dtype == np.float32
    assert average_pool(x, pool_size=2, padding="same").dtype == np.float32
