"""Normalization.adapt refuses data that would make every output NaN, before it changes anything."""
import numpy as np
import pytest

from glassnet.keras import layers


@pytest.mark.parametrize("bad", [np.nan, np.inf, -np.inf])
def test_adapt_refuses_nan_and_inf(bad):
    data = np.arange(12.0).reshape(6, 2)
    data[4, 1] = bad
    norm = layers.Normalization()
    with pytest.raises(ValueError, match=rf"NaN or infinite.*\(4, 1\): {bad}"):
        norm.adapt(data)
    assert not norm.built                         # nothing was set up from the bad data


def test_adapt_refuses_nan_after_an_earlier_adapt_and_keeps_the_statistics():
    norm = layers.Normalization()
    norm.adapt(np.array([[1.0], [3.0]]))
    with pytest.raises(ValueError, match="NaN"):
        norm.adapt(np.array([1.0, np.nan]))
    np.testing.assert_array_equal(norm.mean.numpy(), [2.0])
    assert np.isfinite(norm(np.array([[5.0]])).numpy()).all()


def test_adapt_refuses_complex_data():
    with pytest.raises(TypeError, match="real numeric data.*complex"):
        layers.Normalization().adapt(np.array([[1.0 + 2j], [3.0]]))
