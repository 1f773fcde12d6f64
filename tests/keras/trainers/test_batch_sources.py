"""fit, evaluate and predict on Python generators and PyDatasets; what a refused first call
leaves behind (nothing); several input arrays for a one-input model."""
import numpy as np
import pytest

import glassnet as tf
from glassnet.keras.layers import Dense
from glassnet.keras.models import Sequential
from glassnet.keras.utils import PyDataset


def _data(n=64, seed=0):
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(n, 3)).astype("float32")
    y = (x @ np.array([[1.0], [-2.0], [0.5]], dtype="float32") + 0.3).astype("float32")
    return x, y


class Batches(PyDataset):
    def __init__(self, x, y, batch_size, weights=None):
        super().__init__()
        self.x, self.y, self.batch_size, self.weights = x, y, batch_size, weights
        self.epochs_ended = 0

    def __len__(self):
        return int(np.ceil(len(self.x) / self.batch_size))

    def __getitem__(self, index):
        rows = slice(index * self.batch_size, (index + 1) * self.batch_size)
        if self.weights is None:
            return self.x[rows], self.y[rows]
        return self.x[rows], self.y[rows], self.weights[rows]

    def on_epoch_end(self):
        self.epochs_ended += 1


def _model(seed=1):
    tf.keras.utils.set_random_seed(seed)
    model = Sequential([Dense(4, activation="tanh"), Dense(1)])
    model.compile(optimizer="sgd", loss="mse", metrics=["mae"])
    return model


def test_a_pydataset_trains_exactly_like_the_same_arrays_unshuffled():
    x, y = _data()
    from_arrays = _model()
    expected = from_arrays.fit(x, y, batch_size=16, epochs=3, shuffle=False, verbose=0).history
    dataset = Batches(x, y, 16)
    from_dataset = _model()
    history = from_dataset.fit(dataset, epochs=3, verbose=0).history
    assert dataset.epochs_ended == 3
    np.testing.assert_allclose(history["loss"], expected["loss"], rtol=1e-6)
    for mine, reference in zip(from_dataset.get_weights(), from_arrays.get_weights()):
        np.testing.assert_array_equal(mine, reference)
    assert from_dataset.evaluate(Batches(x, y, 16), verbose=0)[0] == pytest.approx(
        from_arrays.evaluate(x, y, batch_size=16, verbose=0)[0], rel=1e-6)
    np.testing.assert_array_equal(from_dataset.predict(Batches(x, y, 16), verbose=0),
                                  from_arrays.predict(x, batch_size=16, verbose=0))


def test_a_pydataset_with_sample_weights():
    x, y = _data()
    weights = np.linspace(0, 1, len(x)).astype("float32")
    model = _model()
    logs = model.evaluate(Batches(x, y, 64, weights), verbose=0, return_dict=True)
    reference = _model()
    assert logs["loss"] == pytest.approx(
        reference.evaluate(x, y, sample_weight=weights, batch_size=64, verbose=0, return_dict=True)["loss"], rel=1e-6)


def test_a_generator_runs_until_it_stops_then_training_ends_with_keras_warning():
    x, y = _data()

    def batches():
        for start in range(0, len(x), 16):
            yield x[start:start + 16], y[start:start + 16]

    model = _model()
    with pytest.warns(UserWarning, match="ran out of data"):
        history = model.fit(batches(), epochs=3, verbose=0)
    assert len(history.history["loss"]) == 1


def test_an_endless_generator_with_steps_per_epoch():
    x, y = _data()

    def endless():
        while True:
            for start in range(0, len(x), 16):
                yield x[start:start + 16], y[start:start + 16]

    model = _model()
    history = model.fit(endless(), steps_per_epoch=4, epochs=3, verbose=0, validation_data=(x, y))
    expected = _model().fit(x, y, batch_size=16, epochs=3, shuffle=False, verbose=0).history
    np.testing.assert_allclose(history.history["loss"], expected["loss"], rtol=1e-6)
    assert len(history.history["val_loss"]) == 3


def test_generator_batches_are_checked_like_arrays():
    x, y = _data()

    def bad():
        yield x[:16], y[:16]
        yield x[:16], np.full((16, 1), np.nan, dtype="float32")

    with pytest.raises(ValueError, match="NaN"):
        _model().fit(bad(), epochs=1, verbose=0)
    with pytest.raises(ValueError, match="`y` must not be given"):
        _model().fit(iter([(x, y)]), y, verbose=0)


def test_several_input_arrays_for_a_one_input_model_are_named():
    x, y = _data()
    with pytest.raises(ValueError, match="has 1 input, but `x` is a tuple of 2 arrays"):
        _model().fit((x, x), y, verbose=0)
    model = _model()
    model.fit([x], y, epochs=1, verbose=0)  # a list of one array is that array
    assert model.predict([x], verbose=0).shape == (64, 1)


def test_a_refused_first_fit_does_not_lock_in_the_crossentropy_it_resolved():
    rng = np.random.default_rng(0)
    x = rng.normal(size=(20, 3)).astype("float32")
    model = Sequential([Dense(3, activation="softmax")])
    model.compile(optimizer="sgd", loss="crossentropy", metrics=["accuracy"])
    with pytest.raises(ValueError):
        model.fit(x, np.full((20, 1), 7), verbose=0)  # labels out of range for 3 classes
    one_hot = np.eye(3, dtype="float32")[rng.integers(0, 3, 20)]
    history = model.fit(x, one_hot, epochs=1, verbose=0)
    assert model._compile_state.loss_fn.name == "categorical_crossentropy"
    predictions = model.predict(x, verbose=0)
    model.fit(x, one_hot, epochs=1, verbose=0)  # the accuracy is categorical, on the new labels
    expected_accuracy = np.mean(np.argmax(model.predict(x, verbose=0), -1) == np.argmax(one_hot, -1))
    logs = model.evaluate(x, one_hot, verbose=0, return_dict=True)
    assert logs["accuracy"] == pytest.approx(expected_accuracy)
    assert np.isfinite(history.history["loss"][0]) and predictions.shape == (20, 3)


def test_class_weight_on_sequence_targets_says_to_use_sample_weight():
    model = Sequential([Dense(3, activation="softmax")])
    model.compile(optimizer="sgd", loss="sparse_categorical_crossentropy")
    x = np.ones((4, 5, 2), "float32")
    with pytest.raises(ValueError, match="one class per sample"):
        model.fit(x, np.zeros((4, 5, 1), "int64"), class_weight={0: 1.0, 1: 2.0, 2: 1.0}, verbose=0)
