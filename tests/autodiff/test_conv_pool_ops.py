"""conv_max_pool: the relu convolution followed by max pooling (its output and input gradient bit for
bit, its kernel and bias gradients to rounding; all to rounding where it runs Winograd's F(2x2, 3x3)
tiles), ties, all-negative windows and ragged edges included, at one and two threads, a part whole
or an image at a time; gradients against finite differences."""
import numpy as np
import pytest

from glassnet.apps.blas_threads import blas_thread_count, blas_threads
from glassnet.autodiff import ops
from glassnet.autodiff.gradcheck import check_gradients
from glassnet.autodiff.ops import batch_parallel, conv_pool, winograd
from glassnet.autodiff.tape import GradientTape
from glassnet.autodiff.tensor import Tensor

# (spatial, kernel_size, conv settings, pool_size): odd sizes leave a ragged edge the pooling drops.
CASES = [
    ((13, 13), (3, 3), {}, 2),                                          # W4's second layer, small
    ((28, 28), (3, 3), {}, (2, 2)),                                     # W4's first
    ((9, 11), (2, 3), {"strides": (2, 1), "padding": "same"}, (2, 3)),
    ((10, 9), (3, 3), {"dilation_rate": 2}, 3),
    ((12,), (3,), {"padding": "causal"}, 2),                            # Conv1D
    ((15,), (4,), {"strides": 2}, 3),
]


def _inputs(rng, spatial, kernel_size, channels, filters, dtype, batch=4):
    """Random inputs with exact ties and all-negative windows: a zero block in each image makes a
    window of equal values (the bias) per filter, and one filter's large negative bias makes its
    whole output negative."""
    x = rng.normal(size=(batch, *spatial, channels))
    x[(slice(None), *(slice(0, n // 2) for n in spatial))] = 0
    x[1] = 0  # a whole image of ties
    kernel = rng.normal(size=(*kernel_size, channels, filters))
    bias = rng.normal(size=filters)
    bias[0] = -100.0
    bias[1] = 0.0  # windows of exact zeros: relu's kink, where its gradient is 0
    return x.astype(dtype), kernel.astype(dtype), bias.astype(dtype)


def _separate(x, kernel, bias, pool_size, input_gradient=True, **settings):
    z = ops.conv(x, kernel, bias, activation=ops.relu, input_gradient=input_gradient, **settings)
    return ops.max_pool(z, pool_size=pool_size)


def _value_and_gradients(fn, x, kernel, bias, g):
    tensors = [Tensor(a) for a in (x, kernel, bias)]
    with GradientTape() as tape:
        tape.watch(tensors)
        out = fn(*tensors)
    return out.numpy(), [t.numpy() for t in tape.gradient(out, tensors, output_gradients=Tensor(g))]


def _assert_identical(got, expected):
    """Equal bits: the same values, NaNs and signs of zero."""
    assert got.dtype == expected.dtype and got.shape == expected.shape
    np.testing.assert_array_equal(got.view(np.uint8), expected.view(np.uint8))


@pytest.mark.parametrize("chunk", [conv_pool.CHUNK, 1])
@pytest.mark.parametrize("threads", [1, 2])
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("case", range(len(CASES)))
def test_conv_max_pool_is_the_separate_ops(case, dtype, threads, chunk, monkeypatch):
    if threads > 1 and not blas_thread_count():
        pytest.skip("NumPy's BLAS is not an OpenBLAS glassnet can set: the batch is not split")
    monkeypatch.setattr(batch_parallel, "MIN_WORK_PER_PART", 1)  # split even these small batches
    monkeypatch.setattr(conv_pool, "CHUNK", chunk)  # 1: an image at a time
    if chunk == 1:  # an image at a time where the batch is split, too
        monkeypatch.setattr(conv_pool, "THREADED_WORK", 1)
    spatial, kernel_size, settings, pool_size = CASES[case]
    rng = np.random.default_rng(case)
    x, kernel, bias = _inputs(rng, spatial, kernel_size, channels=1 + case % 3, filters=5, dtype=dtype)
    out_shape = _separate(x, kernel, bias, pool_size, **settings).shape
    g = rng.normal(size=out_shape).astype(dtype)
    g[2] = -g[2]  # both signs of gradient meet the zeros
    with blas_threads(threads):
        fused = _value_and_gradients(
            lambda a, k, b: ops.conv_max_pool(a, k, b, pool_size=pool_size, **settings), x, kernel, bias, g)
        separate = _value_and_gradients(
            lambda a, k, b: _separate(a, k, b, pool_size, **settings), x, kernel, bias, g)
    assert (fused[0] == 0).any() and (fused[0] > 0).any()  # the ties and the dead windows are there
    # The op multiplies other sets of rows at a time than conv (a chunk's, without a ragged edge's):
    # NumPy 1.x's OpenBLAS computes some small products' rows with other bits alone than among more
    # rows (the op assumes it does not), so there they are equal to rounding.
    same = _assert_identical if _ROWS_ALONE_EXACT else _assert_rounding
    same(fused[0], separate[0])
    same(fused[1][0], separate[1][0])  # the input's gradient: the same products, added in the same order
    for got, expected in zip(fused[1][1:], separate[1][1:]):  # the kernel's and bias's: summed in another order
        _assert_rounding(got, expected)


_ROWS_ALONE_EXACT = np.lib.NumpyVersion(np.__version__) >= "2.0.0"


def _assert_rounding(got, expected):
    assert got.dtype == expected.dtype and got.shape == expected.shape
    np.testing.assert_allclose(got, expected, rtol=1e-5 if got.dtype == np.float32 else 1e-12, atol=1e-6)


def test_conv_max_pool_without_bias_or_input_gradient_matches_the_separate_ops():
    rng = np.random.default_rng(7)
    x, kernel, _ = _inputs(rng, (11, 11), (3, 3), channels=2, filters=3, dtype=np.float32)
    g = rng.normal(size=(4, 4, 4, 3)).astype(np.float32)
    out, backward = ops.conv_max_pool.forward(x, kernel, None, pool_size=2, input_gradient=False)
    expected, expected_backward = ops.max_pool.forward(
        ops.conv.forward(x, kernel, None, activation=ops.relu)[0], pool_size=2)
    _assert_identical(out, expected)
    g_x, g_kernel, g_bias = backward(g)
    assert g_x is None and g_bias is None
    z_backward = ops.conv.forward(x, kernel, None, activation=ops.relu)[1]
    _assert_rounding(g_kernel, z_backward(expected_backward(g))[1])


@pytest.mark.parametrize("case", range(len(CASES)))
def test_conv_max_pool_gradients_match_finite_differences(case):
    spatial, kernel_size, settings, pool_size = CASES[case]
    rng = np.random.default_rng(10 + case)
    spatial = tuple(min(n, 9) for n in spatial)  # small enough for finite differences of every input
    x = rng.normal(size=(2, *spatial, 2))
    kernel = rng.normal(size=(*kernel_size, 2, 3))
    bias = np.array([-3.0, 0.2, 1.0])  # the first filter's windows mostly all negative
    out_shape = ops.conv_max_pool(x, kernel, bias, pool_size=pool_size, **settings).shape
    weights = rng.normal(size=out_shape)
    check_gradients(lambda a, k, b: ops.conv_max_pool(a, k, b, pool_size=pool_size, **settings) * Tensor(weights),
                    x, kernel, bias)


def test_conv_max_pool_refuses_a_window_larger_than_the_convolution_output():
    with pytest.raises(ValueError, match=r"pool_size.*Received: pool_size=\(5, 5\)"):
        ops.conv_max_pool(np.ones((1, 6, 6, 1)), np.ones((3, 3, 1, 1)), pool_size=5)


def test_conv_max_pool_backward_gives_the_same_twice():
    rng = np.random.default_rng(8)
    x, kernel, bias = _inputs(rng, (10, 10), (3, 3), channels=2, filters=3, dtype=np.float32)
    out, backward = ops.conv_max_pool.forward(x, kernel, bias, pool_size=2)
    g = rng.normal(size=out.shape).astype(np.float32)
    first = backward(g)
    for got, expected in zip(backward(g), first):
        _assert_identical(got, expected)


@pytest.fixture
def winograd_runs(monkeypatch):
    """The number of conv_max_pool calls that ran Winograd's tiles, as a one-item list."""
    runs = [0]
    tiles = winograd.PooledTiles

    def counted(*args):
        runs[0] += 1
        return tiles(*args)

    monkeypatch.setattr(winograd, "PooledTiles", counted)
    return runs


# (spatial, padding): even and odd sizes (a ragged edge the pooling drops), both paddings.
WINOGRAD_CASES = [((13, 13), "valid"), ((12, 10), "valid"), ((9, 12), "same"), ((6, 7), "same")]


@pytest.mark.parametrize("chunk", [conv_pool.CHUNK, 1])
@pytest.mark.parametrize("threads", [1, 2])
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("case", range(len(WINOGRAD_CASES)))
def test_winograd_tiles_are_the_separate_ops_to_rounding(case, dtype, threads, chunk, monkeypatch, winograd_runs):
    if threads > 1 and not blas_thread_count():
        pytest.skip("NumPy's BLAS is not an OpenBLAS glassnet can set: the batch is not split")
    monkeypatch.setattr(batch_parallel, "MIN_WORK_PER_PART", 1)
    monkeypatch.setattr(conv_pool, "CHUNK", chunk)
    if chunk == 1:
        monkeypatch.setattr(winograd, "THREADED_TILES", 1)
    spatial, padding = WINOGRAD_CASES[case]
    rng = np.random.default_rng(20 + case)
    x, kernel, bias = _inputs(rng, spatial, (3, 3), channels=16, filters=winograd.MIN_CHANNELS + case, dtype=dtype)
    kernel /= 4  # outputs of a few units, where rounding is comparable to the direct sum's
    out_shape = _separate(x, kernel, bias, 2, padding=padding).shape
    g = rng.normal(size=out_shape).astype(dtype)
    with blas_threads(threads):
        fused = _value_and_gradients(
            lambda a, k, b: ops.conv_max_pool(a, k, b, pool_size=2, padding=padding), x, kernel, bias, g)
        separate = _value_and_gradients(lambda a, k, b: _separate(a, k, b, 2, padding=padding), x, kernel, bias, g)
    assert winograd_runs[0] == 1
    assert (fused[0] == 0).any() and (fused[0] > 0).any()
    for got, expected in zip([fused[0], *fused[1]], [separate[0], *separate[1]]):
        _assert_rounding_of_sums(got, expected)


def _assert_rounding_of_sums(got, expected):
    """Equal to rounding at the scale of the sums' terms: Winograd's adds and subtracts other
    partial sums, so an element that cancels to near zero differs by the rounding of its terms."""
    assert got.dtype == expected.dtype and got.shape == expected.shape
    rtol = 1e-5 if got.dtype == np.float32 else 1e-12
    np.testing.assert_allclose(got, expected, rtol=rtol, atol=rtol * np.abs(expected).max())


def test_winograd_tiles_take_the_gradient_where_the_separate_ops_do():
    """A window's max is the same element in both (the masks are the same): where the direct sum's
    relu output is exactly 0 or ties, Winograd's rounding could pick another; these inputs have no
    near-ties, so the masks, and with them the gradients' zeros, match exactly."""
    rng = np.random.default_rng(3)
    x = rng.normal(size=(3, 11, 11, 16)).astype(np.float32)
    kernel = (rng.normal(size=(3, 3, 16, 24)) / 8).astype(np.float32)
    out, backward = ops.conv_max_pool.forward(x, kernel, None, pool_size=2)
    expected, expected_backward = ops.max_pool.forward(ops.conv.forward(x, kernel, None, activation=ops.relu)[0],
                                                       pool_size=2)
    g = np.ones(out.shape, dtype=np.float32)
    g_x, g_kernel, _ = backward(g)
    z_backward = ops.conv.forward(x, kernel, None, activation=ops.relu)[1]
    expected_g_x, expected_g_kernel = z_backward(expected_backward(g))[:2]
    np.testing.assert_array_equal(out > 0, expected > 0)
    _assert_rounding_of_sums(g_x, expected_g_x)
    _assert_rounding_of_sums(g_kernel, expected_g_kernel)


@pytest.mark.parametrize("padding", ["valid", "same"])
def test_winograd_tiles_gradients_match_finite_differences(padding, winograd_runs):
    rng = np.random.default_rng(30)
    channels = winograd.MIN_CHANNELS
    x = rng.normal(size=(1, 6, 7, channels))
    kernel = rng.normal(size=(3, 3, channels, channels)) / 4
    bias = rng.normal(size=channels)
    bias[0] = -30.0  # one filter's windows all negative
    out_shape = ops.conv_max_pool(x, kernel, bias, pool_size=2, padding=padding).shape
    weights = rng.normal(size=out_shape)
    check_gradients(lambda a, k, b: ops.conv_max_pool(a, k, b, pool_size=2, padding=padding) * Tensor(weights),
                    x, kernel, bias)
    assert winograd_runs[0] > 1


@pytest.mark.parametrize("settings", [dict(strides=2), dict(dilation_rate=2), dict(pool_size=3)])
def test_winograd_tiles_run_only_for_3x3_stride_1_and_2x2_pools(settings, winograd_runs):
    rng = np.random.default_rng(4)
    x = rng.normal(size=(2, 12, 12, 16)).astype(np.float32)
    kernel = rng.normal(size=(3, 3, 16, 16)).astype(np.float32)
    ops.conv_max_pool(x, kernel, pool_size=2)
    assert winograd_runs[0] == 1
    few = winograd.MIN_CHANNELS - 1
    ops.conv_max_pool(x[..., :few], kernel[:, :, :few], pool_size=2)  # too few input channels
    ops.conv_max_pool(x, kernel[..., :few], pool_size=2)  # too few filters
    ops.conv_max_pool(x, kernel, **{"pool_size": 2, **settings})
    assert winograd_runs[0] == 1
