"""Acceptance: the seed lecture's program, unchanged but for its imports, learns 0s from 1s."""
import numpy as np

from glassnet.datasets import synthetic_digits
from glassnet.keras import Sequential
from glassnet.keras.layers import Dense
from glassnet.keras.losses import BinaryCrossentropy
from glassnet.keras.utils import set_random_seed


def _train(X, Y):
    set_random_seed(1234)
    model = Sequential([
        Dense(units=25, activation='sigmoid'),
        Dense(units=15, activation='sigmoid'),
        Dense(units=1, activation='sigmoid')])
    model.compile(loss=BinaryCrossentropy())
    history = model.fit(X, Y, epochs=100, verbose=0)
    return model, history


def test_seed_program_reaches_98_percent_and_is_deterministic():
    X, Y = synthetic_digits.load_data(n=1000, seed=7)
    assert X.shape == (1000, 400) and set(np.unique(Y)) == {0, 1}
    model, history = _train(X, Y)
    accuracy = np.mean((model.predict(X, verbose=0) >= 0.5) == Y)
    assert accuracy >= 0.98
    assert history.history["loss"][-1] < history.history["loss"][0] / 5
    assert model.predict(X[0].reshape(1, 400), verbose=0) < 0.5  # a "0"
    assert model.predict(X[500].reshape(1, 400), verbose=0) > 0.5  # a "1"
    again, history_again = _train(X, Y)
    assert history_again.history == history.history
    assert all(np.array_equal(a, b) for a, b in zip(model.get_weights(), again.get_weights()))
