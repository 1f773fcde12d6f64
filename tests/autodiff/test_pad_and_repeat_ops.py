"""`repeat` (nearest up-sampling) and the constant-mode `pad` (zero padding): values by hand,
first derivatives against finite differences, and second derivatives in float64."""
import numpy as np
import pytest

from glassnet.autodiff import GradientTape, Tensor, ops
from glassnet.autodiff.gradcheck import check_gradients
from glassnet.autodiff.ops.indexing import pad, repeat

rng = np.random.default_rng(0)
X = rng.normal(size=(2, 3, 4))

CASES = {
    "repeat_axis_1": lambda a: repeat(a, repeats=3, axis=1),
    "repeat_last_axis": lambda a: repeat(a, repeats=2, axis=-1),
    "repeat_once": lambda a: repeat(a, repeats=1, axis=0),
    "pad_pairs": lambda a: pad(a, paddings=((1, 0), (2, 1), (0, 3))),
    "pad_one_pair_for_every_axis": lambda a: pad(a, paddings=(1, 2)),
    "pad_an_int": lambda a: pad(a, paddings=1, constant_value=2.5),
}


def test_values_by_hand():
    np.testing.assert_array_equal(repeat(np.array([[1.0, 2.0]]), repeats=2, axis=1).numpy(), [[1, 1, 2, 2]])
    np.testing.assert_array_equal(pad(np.array([1.0, 2.0]), paddings=((1, 2),), constant_value=9).numpy(),
                                  [9, 1, 2, 9, 9])
    assert pad(np.ones((2, 3), "float32"), paddings=1).dtype == np.float32


@pytest.mark.parametrize("case", CASES)
def test_gradients_against_finite_differences(case):
    fn = CASES[case]
    weights = rng.normal(size=fn(Tensor(X)).shape)
    check_gradients(lambda a: ops.sum(fn(a) * weights), X)


def _first(fn, x):
    t = Tensor(x)
    with GradientTape() as tape:
        tape.watch(t)
        y = fn(t)
    return tape.gradient(y, t).numpy()


@pytest.mark.parametrize("case", CASES)
def test_second_derivatives_against_finite_differences(case):
    weights = rng.normal(size=CASES[case](Tensor(X)).shape)

    def fn(a):
        out = CASES[case](a)
        return ops.sum(out * out * out * weights)
    direction = np.random.default_rng(2).normal(size=X.shape)
    t = Tensor(X)
    with GradientTape() as outer:
        outer.watch(t)
        with GradientTape() as inner:
            inner.watch(t)
            y = fn(t)
        dot = ops.sum(inner.gradient(y, t) * direction)
    step = 1e-6
    expected = (_first(fn, X + step * direction) - _first(fn, X - step * direction)) / (2 * step)
    np.testing.assert_allclose(outer.gradient(dot, t).numpy(), expected, rtol=1e-5, atol=1e-6)
