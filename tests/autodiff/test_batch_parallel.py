"""Convolution and max pooling with the batch cut between threads (two parts per BLAS thread).

The suite runs on one BLAS thread, where nothing is split, so these tests force the split: they
say OpenBLAS has 2 or 3 threads, the machine as many cores, and lower the size below which an op
is not split. The parts then run on real threads.
"""
import threading
import time

import numpy as np
import pytest

import glassnet as tf
from glassnet.apps import blas_threads
from glassnet.autodiff.gradcheck import check_gradients
from glassnet.autodiff.ops import batch_parallel, relu, tanh
from glassnet.autodiff.ops.convolution import conv
from glassnet.autodiff.ops.pooling import max_pool
from glassnet.autodiff.tensor import Tensor


@pytest.fixture
def threads(monkeypatch):
    """Call with a count: from then on ops split their batch into that many parts. Each test
    checks at its end that the op did split (the most parts one run had)."""
    most = []
    run = batch_parallel.run

    def counting_run(fn, items):
        items = list(items)
        most.append(len(items))
        return run(fn, items)

    def use(count):
        monkeypatch.setattr(batch_parallel, "blas_thread_count", lambda: count)
        monkeypatch.setattr(batch_parallel, "_cores", lambda: count)
        monkeypatch.setattr(batch_parallel, "MIN_WORK_PER_PART", 1)
        monkeypatch.setattr(batch_parallel, "run", counting_run)
        use.count = count

    use.count = 1
    yield use
    assert max(most, default=1) >= use.count


def _conv_case(seed, batch=5, padding="valid"):
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(batch, 7, 6, 3)).astype(np.float32)
    kernel = rng.normal(size=(3, 2, 3, 4)).astype(np.float32)
    bias = rng.normal(size=4).astype(np.float32)
    g = rng.normal(size=conv.forward(x, kernel, bias, padding=padding)[0].shape).astype(np.float32)
    return x, kernel, bias, g


def _conv_run(x, kernel, bias, g, **settings):
    out, backward = conv.forward(x, kernel, bias, **settings)
    return (out, *backward(g))


def test_parts_cover_the_batch_once_in_order(monkeypatch):
    monkeypatch.setattr(batch_parallel, "blas_thread_count", lambda: 3)
    monkeypatch.setattr(batch_parallel, "_cores", lambda: 4)
    assert batch_parallel.PARTS_PER_THREAD == 2
    bounds = [0, 1, 3, 5, 6, 8, 10]  # six parts for three threads
    assert batch_parallel.parts(10, 10**9) == [slice(a, b) for a, b in zip(bounds, bounds[1:])]
    assert batch_parallel.parts(2, 10**9) == [slice(0, 1), slice(1, 2)]  # never more parts than samples


def test_one_thread_or_little_work_is_not_split(monkeypatch):
    monkeypatch.setattr(batch_parallel, "_cores", lambda: 2)
    monkeypatch.setattr(batch_parallel, "blas_thread_count", lambda: 1)
    assert batch_parallel.parts(128, 10**9) == [slice(0, 128)]
    monkeypatch.setattr(batch_parallel, "blas_thread_count", lambda: None)  # no OpenBLAS found
    assert batch_parallel.parts(128, 10**9) == [slice(0, 128)]
    monkeypatch.setattr(batch_parallel, "blas_thread_count", lambda: 2)
    assert batch_parallel.parts(128, 1000) == [slice(0, 128)]
    assert batch_parallel.parts(1, 10**9) == [slice(0, 1)]
    assert len(batch_parallel.parts(128, 10**9)) == 4
    assert len(batch_parallel.parts(128, 3 * batch_parallel.MIN_WORK_PER_PART)) == 3  # each part this much work
    monkeypatch.setattr(batch_parallel, "_cores", lambda: 1)  # a count above the cores is cut to them
    assert batch_parallel.parts(128, 10**9) == [slice(0, 128)]


def test_run_gives_results_in_order_on_one_blas_thread_then_restores_the_count():
    if blas_threads._openblas() is None:
        pytest.skip("this NumPy's BLAS is not an OpenBLAS beside it")
    seen = []
    with blas_threads.blas_threads(2):
        results = batch_parallel.run(lambda i: seen.append(blas_threads.blas_thread_count()) or i * i, range(3))
        assert blas_threads.blas_thread_count() == 2
    assert results == [0, 1, 4]
    assert seen == [1, 1, 1]


def test_a_thread_done_early_takes_the_next_parts(monkeypatch):
    """A part that takes long (its core shared with another program) holds up only its own thread:
    the other thread runs the parts after it meanwhile. The results stay in part order."""
    monkeypatch.setattr(batch_parallel, "blas_thread_count", lambda: 2)
    monkeypatch.setattr(batch_parallel, "_cores", lambda: 2)
    ran_by = {}

    def part(i):
        if i == 1:
            time.sleep(0.3)
        ran_by[i] = threading.get_ident()
        return i * 10

    assert batch_parallel.run(part, range(6)) == [0, 10, 20, 30, 40, 50]
    assert all(ran_by[i] != ran_by[1] for i in range(2, 6))  # the other thread ran every part after it
    assert len(set(ran_by.values())) == 2  # and no third thread was started for them


def test_run_raises_a_part_error_after_every_part_is_done():
    def part(i):
        if i == 0:
            raise ValueError("part 0")
        return i

    with pytest.raises(ValueError, match="part 0"):
        batch_parallel.run(part, range(2))
    assert batch_parallel.run(lambda i: i, range(2)) == [0, 1]  # the lock was released


@pytest.mark.parametrize("padding", ["valid", "same"])
@pytest.mark.parametrize("count", [2, 3])
def test_split_conv_equals_the_whole_batch_conv(threads, padding, count):
    x, kernel, bias, g = _conv_case(count, padding=padding)
    whole = _conv_run(x, kernel, bias, g, padding=padding, activation=relu)
    threads(count)
    split = _conv_run(x, kernel, bias, g, padding=padding, activation=relu)
    # Each sample's output and input gradient come from its own rows of the products; OpenBLAS may
    # pick another kernel for fewer rows (NumPy 1.23's does), so they agree to float32 rounding, as
    # do the kernel and bias gradients, which add the parts' sums. Run to run, a split is exact
    # (test_split_conv_is_deterministic).
    np.testing.assert_allclose(split[0], whole[0], rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(split[1], whole[1], rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(split[2], whole[2], rtol=1e-5, atol=1e-5)
    np.testing.assert_allclose(split[3], whole[3], rtol=1e-5, atol=1e-5)
    assert all(a.dtype == np.float32 for a in split)


def test_split_conv_is_deterministic(threads):
    threads(2)
    x, kernel, bias, g = _conv_case(7, batch=8)
    first = _conv_run(x, kernel, bias, g, activation=relu)
    for _ in range(3):
        for a, b in zip(first, _conv_run(x, kernel, bias, g, activation=relu)):
            np.testing.assert_array_equal(a, b)


@pytest.mark.parametrize("activation", [None, relu, tanh])
def test_split_conv_gradients_match_finite_differences(threads, activation):
    threads(2)
    x, kernel, bias, g = _conv_case(11, batch=3, padding="same")
    weights = Tensor(g.astype(np.float64))
    check_gradients(lambda a, k, b: conv(a, k, b, padding="same", activation=activation) * weights, x, kernel, bias)


def test_split_conv_without_input_gradient(threads):
    x, kernel, bias, g = _conv_case(5)
    whole = _conv_run(x, kernel, bias, g, input_gradient=False)
    threads(2)
    split = _conv_run(x, kernel, bias, g, input_gradient=False)
    assert split[1] is None
    np.testing.assert_allclose(split[2], whole[2], rtol=1e-5, atol=1e-5)


@pytest.mark.parametrize("shape", [(6, 8, 8, 3), (5, 9, 7, 2)])  # whole tiles, and cropped edges
def test_split_max_pool_equals_the_whole_batch_bit_for_bit(threads, shape):
    rng = np.random.default_rng(0)
    x = np.maximum(rng.normal(size=shape), 0).astype(np.float32)  # relu outputs: ties of zeros
    out, backward = max_pool.forward(x, pool_size=2)
    g = rng.normal(size=out.shape).astype(np.float32)
    whole = out, backward(g)
    threads(2)
    out, backward = max_pool.forward(x, pool_size=2)
    np.testing.assert_array_equal(out, whole[0])
    np.testing.assert_array_equal(backward(g), whole[1])
    check_gradients(lambda a: max_pool(a, pool_size=2) * Tensor(g.astype(np.float64)),
                    rng.normal(size=shape))


def _train_convnet():
    tf.keras.utils.set_random_seed(1)
    rng = np.random.default_rng(0)
    x = rng.random((32, 10, 10, 1), dtype=np.float32)
    y = rng.integers(0, 3, size=32)
    model = tf.keras.Sequential([
        tf.keras.Input((10, 10, 1)),
        tf.keras.layers.Conv2D(4, 3, activation="relu"),
        tf.keras.layers.MaxPooling2D(2),
        tf.keras.layers.Conv2D(6, 3, activation="relu"),
        tf.keras.layers.Flatten(),
        tf.keras.layers.Dense(3, activation="softmax"),
    ])
    model.compile(loss="sparse_categorical_crossentropy", optimizer="adam")
    model.fit(x, y, batch_size=16, epochs=2, verbose=0)
    return [w.copy() for w in model.get_weights()]


def test_training_with_split_batches_is_bit_identical_run_to_run(threads):
    threads(2)
    first, second = _train_convnet(), _train_convnet()
    for a, b in zip(first, second):
        np.testing.assert_array_equal(a, b)


def test_a_mid_sized_product_runs_on_one_blas_thread_and_others_as_set(monkeypatch):
    if blas_threads._openblas() is None:
        pytest.skip("this NumPy's BLAS is not an OpenBLAS beside it")
    seen = []
    monkeypatch.setattr(batch_parallel.np, "matmul", lambda a, b, out=None: seen.append(
        blas_threads.blas_thread_count()) or a @ b)
    low, high = batch_parallel.MID_SIZED_PRODUCT
    with blas_threads.blas_threads(2):
        for rows in (low // 16 - 1, low // 16, high // 16 - 1, high // 16):  # rows x 16 @ 16 x 1
            batch_parallel.product(np.ones((rows, 16), np.float32), np.ones((16, 1), np.float32))
        assert blas_threads.blas_thread_count() == 2
    assert seen == [2, 1, 1, 2]


def test_product_of_a_list_or_a_0d_operand_is_numpy_matmul_s():
    np.testing.assert_array_equal(batch_parallel.product([[1.0, 2.0]], np.ones((2, 1))), [[3.0]])
    with pytest.raises(ValueError):
        batch_parallel.product(np.float32(2.0), np.ones(3))
