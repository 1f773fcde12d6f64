"""Comparing glassnet with Keras: the error measure, the tolerances, the failure message.

The error of one value ``a`` (glassnet) against ``k`` (Keras) is
``|a - k| / max(1, |k|)``: absolute for values below 1, relative above. An array's
error is the worst element's. Tolerances come from measuring how far Keras's own
float32 results drift from its float64 results on the same cases (see
``measure_drift.py`` and the docstring of ``test_fit_parity.py``).
"""
import numpy as np

# Twice the worst drift of Keras float32 from Keras float64 in each family of cases,
# rounded up to 1, 2 or 5 times a power of ten; measure_drift.py measures it and the
# docstring of test_fit_parity.py gives the numbers and the derivation.
TOLERANCE = {
    "forward": 5e-7,      # activations, losses, metrics, layers: worst drift 2.3e-7
    "optimizer": 5e-6,    # three optimizer steps: worst drift 2.1e-6
    "fit": 5e-5,          # 2-3 epochs of training: worst drift 1.2e-5
    "expression": 1e-5,   # random expressions' values and gradients: worst drift 4.4e-6
}


def as_numpy(value):
    """A NumPy array from a glassnet Tensor, a JAX array, a Keras variable or a number."""
    if hasattr(value, "numpy"):
        value = value.numpy()
    return np.asarray(value, dtype=np.float64)


def scaled_error(actual, expected):
    """The worst ``|a - k| / max(1, |k|)`` and its index; NaN/inf count as equal only to themselves."""
    actual, expected = as_numpy(actual), as_numpy(expected)
    if actual.shape != expected.shape:
        return np.inf, None
    if actual.size == 0:
        return 0.0, None
    same_special = (actual == expected) | (np.isnan(actual) & np.isnan(expected))
    with np.errstate(invalid="ignore"):
        errors = np.abs(actual - expected) / np.maximum(1.0, np.abs(expected))
    errors = np.where(same_special, 0.0, errors)
    errors = np.where(np.isnan(errors), np.inf, errors)
    index = np.unravel_index(np.argmax(errors), errors.shape)
    return float(errors[index]), index


class ErrorLog:
    """Records the worst error seen per family, for the closing summary."""

    worst = {}

    @classmethod
    def record(cls, family, error, what):
        if error > cls.worst.get(family, (-1.0, ""))[0]:
            cls.worst[family] = (error, what)


def assert_close(actual, expected, *, family, what, seed=None):
    """Fail with the op, the case's seed and both values when the error exceeds the family's tolerance."""
    tolerance = TOLERANCE[family]
    error, index = scaled_error(actual, expected)
    ErrorLog.record(family, error, f"{what} (seed {seed})")
    if error <= tolerance:
        return
    actual, expected = as_numpy(actual), as_numpy(expected)
    if index is None:
        detail = f"shapes differ: glassnet {actual.shape}, keras {expected.shape}"
    else:
        detail = (f"at index {tuple(int(i) for i in index)}: glassnet {actual[index]!r}, "
                  f"keras {expected[index]!r}")
    replay = "" if seed is None else f" [replay with seed={seed}]"
    raise AssertionError(
        f"{what}: error {error:.3g} > tolerance {tolerance:g} ({family}){replay}\n  {detail}\n"
        f"  glassnet: {np.array2string(actual, precision=8, threshold=12)}\n"
        f"  keras:    {np.array2string(expected, precision=8, threshold=12)}"
    )
