"""The vectorised erf against math.erf on a dense grid, in float64 and float32, and its gradient."""
import math

import numpy as np
import pytest

from glassnet.autodiff import Tensor, check_gradients, ops
from glassnet.autodiff.ops.special import erf_values

# Dense over the three ranges of Cody's approximation (breaks at 0.46875 and 4), both signs,
# tiny numbers (erf(x) ~ 2x/sqrt(pi)) and the tail where erf rounds to 1.
GRID = np.concatenate([
    np.linspace(-7.0, 7.0, 400_001),
    np.geomspace(1e-300, 30.0, 20_000),
    -np.geomspace(1e-300, 30.0, 20_000),
    [0.46875, np.nextafter(0.46875, 1.0), 4.0, np.nextafter(4.0, 5.0), 26.0, 1e300],
])


def _relative_error(got, x):
    exact = np.array([math.erf(v) for v in x.astype(np.float64)])
    return np.abs(got.astype(np.float64) - exact) / np.abs(exact)


def test_float64_matches_math_erf_to_about_one_ulp():
    worst = _relative_error(ops.erf(Tensor(GRID)).numpy(), GRID).max()
    assert worst < 1e-15  # 4.9e-16 measured: Cody's approximation is good to ~1e-16


def test_float32_is_correctly_rounded():
    tiny = np.finfo(np.float32).tiny  # below it, float32 numbers (and erf's results) lose precision
    x = GRID[(np.abs(GRID) >= tiny) & (np.abs(GRID) < 1e38)].astype(np.float32)
    out = ops.erf(Tensor(x)).numpy()
    assert out.dtype == np.float32
    assert _relative_error(out, x).max() < 6.0e-8  # half a float32 ulp is 5.96e-8


def test_special_values():
    x = np.array([0.0, -0.0, np.inf, -np.inf, np.nan, 1e300, -1e300])
    out = erf_values(x)
    np.testing.assert_array_equal(out[:4], [0.0, -0.0, 1.0, -1.0])
    assert np.signbit(out[1]) and np.isnan(out[4])
    np.testing.assert_array_equal(out[5:], [1.0, -1.0])


@pytest.mark.parametrize("x", [0.3, -0.3, 2.0, -2.0, 4.5, -4.5])  # one point in each range, each sign
def test_gradient_is_two_over_sqrt_pi_exp_minus_x_squared(x):
    (grad,) = check_gradients(ops.erf, np.array([x]))
    np.testing.assert_allclose(grad, 2 / math.sqrt(math.pi) * math.exp(-x * x), rtol=1e-12)


def test_docstring_example():
    import doctest

    from glassnet.autodiff.ops import special

    result = doctest.testmod(special)
    assert result.attempted > 0 and result.failed == 0
