"""Every initializer, glassnet against Keras: shape, dtype, bounds, mean and standard deviation.

The two libraries draw different random bits, so the random initializers are
compared by their statistics. On a (200, 300) draw the sample mean has standard
error sigma/sqrt(60000) and the sample std about sigma/sqrt(120000); two
independent draws differ by sqrt(2) times that. Six of those standard errors
(a false alarm about once in 10^8) is the bound.
"""
import keras
import numpy as np
import pytest

from glassnet.keras import initializers

SHAPE = (200, 300)
RANDOM = [
    ("RandomNormal", {}), ("RandomNormal", {"mean": 0.5, "stddev": 2.0}),
    ("RandomUniform", {}), ("RandomUniform", {"minval": -3.0, "maxval": 1.0}),
    ("TruncatedNormal", {}), ("TruncatedNormal", {"mean": 1.0, "stddev": 0.5}),
    ("GlorotUniform", {}), ("GlorotNormal", {}), ("HeUniform", {}), ("HeNormal", {}),
    ("LecunUniform", {}), ("LecunNormal", {}),
    ("VarianceScaling", {}),
    ("VarianceScaling", {"scale": 2.0, "mode": "fan_out", "distribution": "uniform"}),
    ("VarianceScaling", {"scale": 0.5, "mode": "fan_avg", "distribution": "untruncated_normal"}),
]
FIXED = [("Zeros", {}), ("Ones", {}), ("Constant", {"value": -2.5}), ("Identity", {}),
         ("Identity", {"gain": 3.0})]


@pytest.mark.parametrize("name, options", RANDOM, ids=[f"{n}-{o}" for n, o in RANDOM])
def test_random_initializer_statistics(name, options):
    expected = np.asarray(getattr(keras.initializers, name)(seed=11, **options)(SHAPE, dtype="float32"))
    actual = getattr(initializers, name)(seed=11, **options)(SHAPE, dtype="float32")
    actual = np.asarray(actual.numpy() if hasattr(actual, "numpy") else actual)
    what = f"{name}({options}) on {SHAPE}"
    assert actual.shape == expected.shape and actual.dtype == expected.dtype, \
        f"{what}: glassnet {actual.shape} {actual.dtype}, keras {expected.shape} {expected.dtype}"
    sigma = expected.std()
    mean_bound = 6 * np.sqrt(2) * sigma / np.sqrt(expected.size)
    std_bound = 6 * np.sqrt(2) * sigma / np.sqrt(2 * expected.size) * 1.5    # 1.5: heavier tails
    assert abs(actual.mean() - expected.mean()) <= mean_bound + 1e-7, \
        f"{what} mean: glassnet {actual.mean():.6g}, keras {expected.mean():.6g} (bound {mean_bound:.3g})"
    assert abs(actual.std() - expected.std()) <= std_bound, \
        f"{what} std: glassnet {actual.std():.6g}, keras {expected.std():.6g} (bound {std_bound:.3g})"
    if name == "RandomNormal" or "untruncated" in str(options):
        return
    # Bounds: uniform and truncated draws stay inside the range Keras's own draw fills.
    low, high = expected.min(), expected.max()
    spread = (high - low) * 0.01
    assert actual.min() >= low - spread and actual.max() <= high + spread, \
        f"{what} range: glassnet [{actual.min():.6g}, {actual.max():.6g}], keras [{low:.6g}, {high:.6g}]"


@pytest.mark.parametrize("name, options", RANDOM, ids=[f"{n}-{o}" for n, o in RANDOM])
def test_small_shapes_keep_shape_and_dtype(name, options):
    for shape in [(3,), (4, 5), (2, 3, 4)]:
        expected = np.asarray(getattr(keras.initializers, name)(seed=1, **options)(shape, dtype="float32"))
        actual = getattr(initializers, name)(seed=1, **options)(shape, dtype="float32")
        actual = np.asarray(actual.numpy() if hasattr(actual, "numpy") else actual)
        assert (actual.shape, actual.dtype) == (expected.shape, expected.dtype), f"{name} on {shape}"


@pytest.mark.parametrize("name, options", FIXED, ids=[f"{n}-{o}" for n, o in FIXED])
def test_fixed_initializers_equal(name, options):
    for shape in [(4, 4), (3, 5)] if name == "Identity" else [(7,), (4, 5)]:
        expected = np.asarray(getattr(keras.initializers, name)(**options)(shape, dtype="float32"))
        actual = getattr(initializers, name)(**options)(shape, dtype="float32")
        actual = np.asarray(actual.numpy() if hasattr(actual, "numpy") else actual)
        np.testing.assert_array_equal(actual, expected, err_msg=f"{name}({options}) on {shape}")


@pytest.mark.parametrize("shape", [(6, 6), (8, 3), (3, 8)])
def test_orthogonal_is_orthogonal_like_keras(shape):
    expected = np.asarray(keras.initializers.Orthogonal(gain=2.0, seed=3)(shape, dtype="float32"))
    actual = initializers.Orthogonal(gain=2.0, seed=3)(shape, dtype="float32")
    actual = np.asarray(actual.numpy() if hasattr(actual, "numpy") else actual)
    assert actual.shape == expected.shape
    small = min(shape)
    gram = (lambda w: w.T @ w if shape[0] >= shape[1] else w @ w.T)
    np.testing.assert_allclose(gram(actual), gram(expected), atol=1e-4,
                               err_msg=f"Orthogonal(gain=2) Gram matrix on {shape} (should be 4 I_{small})")
