"""Batches per epoch, with and without step counts, as Keras hands them out for arrays."""
import warnings

import numpy as np
import pytest

from glassnet.keras import Sequential
from glassnet.keras.layers import Dense, Input
from glassnet.keras.trainers.epoch_iterator import EpochIterator, batch_size_for


def _epochs(iterator, count):
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        epochs = [[rows for _, rows in iterator.epoch()] for _ in range(count)]
    return epochs, [str(w.message) for w in caught]


def test_without_steps_every_epoch_is_one_pass():
    epochs, caught = _epochs(EpochIterator(10, 4), 2)
    assert epochs == [[slice(0, 4), slice(4, 8), slice(8, 10)]] * 2 and caught == []


def test_steps_carry_the_pass_on_and_an_epoch_stops_where_it_runs_out():
    epochs, caught = _epochs(EpochIterator(10, 2, steps_per_epoch=2), 4)  # five batches per pass
    assert epochs == [[slice(0, 2), slice(2, 4)], [slice(4, 6), slice(6, 8)], [slice(8, 10)],
                      [slice(0, 2), slice(2, 4)]]
    assert len(caught) == 1 and "ran out of data" in caught[0]


def test_more_steps_than_batches_gives_one_pass_per_epoch_and_a_warning():
    epochs, caught = _epochs(EpochIterator(5, 2, steps_per_epoch=10), 2)
    assert [len(e) for e in epochs] == [3, 3] and len(caught) == 2


def test_a_shuffled_pass_is_drawn_when_it_starts():
    np.random.seed(3)
    iterator = EpochIterator(9, 3, shuffle=True, steps_per_epoch=2)
    expected = np.random.permutation(9)
    np.random.seed(3)
    first = [rows for _, rows in iterator.epoch()]
    with pytest.warns(UserWarning, match="ran out of data"):  # three batches, two per epoch
        second = [rows for _, rows in iterator.epoch()]
    np.testing.assert_array_equal(np.concatenate(first + second), expected)


def test_batch_shuffle_permutes_within_each_batch():
    np.random.seed(0)
    batches = [rows for _, rows in EpochIterator(7, 3, shuffle="batch").epoch()]
    assert [sorted(b.tolist()) for b in batches] == [[0, 1, 2], [3, 4, 5], [6]]


def test_batch_size_defaults():
    assert batch_size_for(100, None, None) == 32
    assert batch_size_for(100, None, 3) == 34  # enough for 3 batches
    assert batch_size_for(100, 10, 3) == 10


def test_fit_evaluate_and_predict_honour_step_counts():
    x = np.arange(40, dtype=np.float32).reshape(20, 2) / 40
    y = (x[:, :1] > 0.5).astype(np.float32)
    model = Sequential([Input((2,)), Dense(1, activation="sigmoid")])
    model.compile(optimizer="sgd", loss="binary_crossentropy")
    seen = []

    class Count(__import__("glassnet").keras.callbacks.Callback):
        def on_train_batch_begin(self, batch, logs=None):
            seen.append(batch)

    history = model.fit(x, y, batch_size=5, steps_per_epoch=2, epochs=3, shuffle=False, verbose=0,
                        callbacks=[Count()])
    assert history.params["steps"] == 2 and seen == [0, 1] * 3
    assert model.predict(x, batch_size=4, steps=2, verbose=0).shape == (8, 1)
    assert model.predict(x, steps=3, verbose=0).shape == (20, 1)  # batch size ceil(20 / 3) = 7
    np.testing.assert_allclose(model.evaluate(x, y, batch_size=4, steps=1, verbose=0),
                               model.evaluate(x[:4], y[:4], verbose=0), rtol=1e-6)


def test_running_out_of_data_is_said():
    model = Sequential([Input((2,)), Dense(1)])
    model.compile(optimizer="sgd", loss="mse")
    with pytest.warns(UserWarning, match="ran out of data"):
        model.fit(np.zeros((6, 2)), np.zeros((6, 1)), batch_size=2, steps_per_epoch=4, verbose=0)
