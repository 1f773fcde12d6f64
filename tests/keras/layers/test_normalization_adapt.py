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
    np.testing.assert_array_equal(norm.mean.numpy(), [[2.0]])  # shaped (1, 1) to broadcast, as Keras
    assert np.isfinite(norm(np.array([[5.0]])).numpy()).all()


def test_adapt_refuses_complex_data():
    with pytest.raises(TypeError, match="real numeric data.*complex"):
        layers.Normalization().adapt(np.array([[1.0 + 2j], [3.0]]))


def test_adapt_over_batches_combines_them_as_one_array():
    # Keras's running mean and lack-of-fit variance: the same statistics as the whole array
    from glassnet.data import Dataset
    rng = np.random.default_rng(0)
    x = rng.normal(3.0, 2.0, (50, 3)).astype("float32")
    whole = layers.Normalization()
    whole.adapt(x)
    for batches in (Dataset.from_tensor_slices(x).batch(16), Dataset.from_tensor_slices(x),
                    [x[:20], x[20:]], (batch for batch in [x[:7], x[7:]])):
        norm = layers.Normalization()
        norm.adapt(batches)
        np.testing.assert_allclose(norm.mean.numpy(), whole.mean.numpy(), rtol=1e-5)
        np.testing.assert_allclose(norm.variance.numpy(), whole.variance.numpy(), rtol=1e-5)
    assert whole.mean.shape == (1, 3) and whole.adapt_mean.shape == (3,)


def test_adapt_takes_a_frame_of_numbers_and_bools():
    # np.array of a DataFrame with float and bool columns (pd.get_dummies) is an object array
    columns = np.empty((3, 2), dtype=object)
    columns[:, 0], columns[:, 1] = [1.0, 2.0, 3.0], [True, False, True]
    norm = layers.Normalization()
    norm.adapt(columns)
    np.testing.assert_allclose(norm.mean.numpy(), [[2.0, 2 / 3]], rtol=1e-6)
    with pytest.raises(TypeError, match="real numeric data"):
        layers.Normalization().adapt(np.array([["a"], ["b"]], dtype=object))


def test_adapt_refuses_data_of_another_width_once_built():
    norm = layers.Normalization()
    norm.adapt(np.ones((4, 3)))
    with pytest.raises(ValueError, match=r"built for inputs of shape \(None, 3\).*shape \(4, 2\)"):
        norm.adapt(np.ones((4, 2)))


def test_a_model_fits_and_predicts_on_an_object_array_of_numbers_and_bools():
    from glassnet.keras import Input, Sequential
    columns = np.empty((4, 2), dtype=object)
    columns[:, 0], columns[:, 1] = [1.0, 2.0, 3.0, 4.0], [True, False, True, False]
    model = Sequential([Input((2,)), layers.Dense(1, kernel_initializer="ones")])
    model.compile(loss="mse")
    np.testing.assert_allclose(model.predict(columns, verbose=0)[:, 0], [2.0, 2.0, 4.0, 4.0])
    np.testing.assert_allclose(model(columns).numpy()[:, 0], [2.0, 2.0, 4.0, 4.0])
    model.fit(columns, np.zeros(4), verbose=0)
    words = np.array([["a", 1.0]], dtype=object)
    with pytest.raises(TypeError, match="array of Python objects"):
        model.predict(words, verbose=0)
