"""The packed (flat-buffer) update is the per-variable update, bit for bit."""
import numpy as np
import pytest

from glassnet.autodiff import Variable
from glassnet.keras import optimizers

SHAPES = [(5, 4), (4,), (4, 3), (3,)]
CASES = [
    (optimizers.Adam, {}), (optimizers.Adam, {"amsgrad": True}), (optimizers.AdamW, {}),
    (optimizers.SGD, {"momentum": 0.9, "nesterov": True}), (optimizers.SGD, {}),
    (optimizers.RMSprop, {"momentum": 0.5, "centered": True}), (optimizers.Adagrad, {}),
    (optimizers.Adam, {"global_clipnorm": 0.5}), (optimizers.Adam, {"clipvalue": 0.1}),
]


def _variables(seed):
    rng = np.random.default_rng(seed)
    return [Variable(rng.normal(size=s).astype(np.float32)) for s in SHAPES]


def _train(optimizer, variables, steps=5):
    rng = np.random.default_rng(1)
    for _ in range(steps):
        optimizer.apply([rng.normal(size=s).astype(np.float32) for s in SHAPES], variables)
    return [v.numpy() for v in variables]


@pytest.mark.parametrize("cls, options", CASES)
def test_flat_update_equals_per_variable_update(cls, options):
    flat_optimizer = cls(learning_rate=0.01, **options)
    per_variable = cls(learning_rate=0.01, **options)
    per_variable._pack = lambda: None  # never packs: one update_step per variable
    got = _train(flat_optimizer, _variables(0))
    want = _train(per_variable, _variables(0))
    assert flat_optimizer._flat is not None and per_variable._flat is None
    for a, b in zip(got, want):
        np.testing.assert_array_equal(a, b)
    for a, b in zip(flat_optimizer.variables, per_variable.variables):
        np.testing.assert_array_equal(a.numpy(), b.numpy())


def test_variables_replaced_behind_the_optimizer_fall_back_to_per_variable_updates():
    variables = _variables(0)
    optimizer = optimizers.SGD(0.1)
    optimizer.apply([np.ones(s, np.float32) for s in SHAPES], variables)
    variables[0]._value = np.zeros(SHAPES[0], np.float32)  # no longer a view of the flat buffer
    optimizer.apply([np.ones(s, np.float32) for s in SHAPES], variables)
    np.testing.assert_allclose(variables[0].numpy(), -0.1)


def test_mixed_dtypes_are_not_packed():
    variables = [Variable(np.ones(3, np.float32)), Variable(np.ones(2, np.float64))]
    optimizer = optimizers.Adam(0.1)
    optimizer.apply([np.ones(3, np.float32), np.ones(2, np.float64)], variables)
    assert optimizer._flat is None and variables[1].dtype == np.float64


@pytest.mark.parametrize("cls, options", CASES[:7])
def test_blocks_give_the_same_update_as_one_pass(cls, options, monkeypatch):
    from glassnet.keras.optimizers import flat

    whole = _train(cls(learning_rate=0.01, **options), _variables(0))
    monkeypatch.setattr(flat, "BLOCK_SIZE", 7)  # 52 parameters in blocks of 7, the last one short
    blocked = _train(cls(learning_rate=0.01, **options), _variables(0))
    for a, b in zip(whole, blocked):
        np.testing.assert_array_equal(a, b)


def test_scratch_arrays_are_reused_per_thread_and_index():
    import threading

    from glassnet.keras.optimizers import flat

    like = np.zeros((flat.BLOCK_SIZE // 4, 4), np.float32)  # a whole block
    first = flat.scratch(like)
    assert first.shape == like.shape and first.dtype == np.float32
    assert np.shares_memory(first, flat.scratch(like))  # the same memory, step after step
    assert not np.shares_memory(first, flat.scratch(like, 1))  # a second temporary of one update
    assert not np.shares_memory(first, flat.scratch(like.astype(np.float64)))
    other_thread = []
    thread = threading.Thread(target=lambda: other_thread.append(flat.scratch(like)))
    thread.start()
    thread.join()
    assert not np.shares_memory(first, other_thread[0])  # threads updating side by side never share
    assert flat.scratch(np.zeros(flat.BLOCK_SIZE + 1, np.float32)) is None  # beyond a block: NumPy allocates
    assert flat.scratch(np.zeros(1000, np.float32)) is None  # small: a fresh array is cheaper
