"""fit, evaluate and predict fed by a glassnet.data.Dataset, as Keras runs a tf.data dataset.

The batch counts per epoch and the out-of-data warnings were taken from TensorFlow 2.21's Keras
(3.15.1) on the same pipelines, run by hand: TensorFlow is not installed where the tests run.
"""
import warnings

import numpy as np
import pytest

import glassnet as tf
from glassnet.data import Dataset

keras = tf.keras


def _data(n=50, seed=0):
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(n, 3)).astype("float32")
    y = (x @ np.array([[1.0], [-2.0], [0.5]], dtype="float32") + 0.3).astype("float32")
    return x, y


def _model(metrics=None):
    keras.utils.set_random_seed(1)
    model = keras.Sequential([keras.Input((3,)), keras.layers.Dense(4, activation="tanh"), keras.layers.Dense(1)])
    model.compile(keras.optimizers.Adam(0.01), "mse", metrics=metrics)
    return model


class BatchCounter(keras.callbacks.Callback):
    def on_train_begin(self, logs=None):
        self.counts = []

    def on_epoch_begin(self, epoch, logs=None):
        self.counts.append(0)

    def on_train_batch_end(self, batch, logs=None):
        self.counts[-1] += 1


def _out_of_data(caught):
    return sum("ran out of data" in str(w.message) for w in caught)


def test_fit_evaluate_predict_on_a_dataset_match_the_same_batches_as_arrays():
    x, y = _data()
    weights = np.linspace(0.5, 1.5, len(x)).astype("float32")
    by_arrays, by_dataset = _model(["mae"]), _model(["mae"])
    expected = by_arrays.fit(x, y, batch_size=8, epochs=3, shuffle=False, sample_weight=weights, verbose=0,
                             validation_data=(x[:20], y[:20]))
    dataset = Dataset.from_tensor_slices((x, y, weights)).batch(8)
    history = by_dataset.fit(dataset, epochs=3, verbose=0,
                             validation_data=Dataset.from_tensor_slices((x[:20], y[:20])).batch(8))
    assert history.history == expected.history
    assert all(np.array_equal(a, b) for a, b in zip(by_arrays.get_weights(), by_dataset.get_weights()))
    assert by_dataset.evaluate(Dataset.from_tensor_slices((x, y)).batch(8), verbose=0) == \
        by_arrays.evaluate(x, y, batch_size=8, verbose=0)
    assert np.array_equal(by_dataset.predict(Dataset.from_tensor_slices(x).batch(8), verbose=0),
                          by_arrays.predict(x, batch_size=8, verbose=0))
    # (x, y) elements: predict takes x, as Keras
    assert by_dataset.predict(Dataset.from_tensor_slices((x, y)).batch(16), verbose=0).shape == (50, 1)


def test_class_weight_weighs_a_datasets_batches_as_it_weighs_arrays():
    x, y = _data()
    labels = (y[:, 0] > 0).astype("float32")
    weights = {0: 0.3, 1: 2.0}

    def model():
        keras.utils.set_random_seed(1)
        net = keras.Sequential([keras.Input((3,)), keras.layers.Dense(1, activation="sigmoid")])
        net.compile("sgd", "binary_crossentropy")
        return net
    expected = model().fit(x, labels, batch_size=10, epochs=2, shuffle=False, class_weight=weights, verbose=0)
    history = model().fit(Dataset.from_tensor_slices((x, labels)).batch(10), epochs=2, class_weight=weights,
                          verbose=0)
    assert history.history == expected.history
    with pytest.raises(ValueError, match="`class_weight` and `sample_weight` at the same time"):
        model().fit(Dataset.from_tensor_slices((x, labels, labels)).batch(10), class_weight=weights, verbose=0)


def test_steps_per_epoch_carries_a_pass_across_epochs_and_warns_at_its_end_as_keras():
    x, y = _data()
    cases = [  # (dataset, epochs, steps_per_epoch) -> Keras 3.15.1's batches per epoch, warnings
        (Dataset.from_tensor_slices((x, y)).batch(10), 4, 3, [3, 2, 3, 2], 2),
        (Dataset.from_tensor_slices((x, y)).batch(10), 2, 7, [5, 5], 2),
        (Dataset.from_tensor_slices((x, y)).filter(lambda a, b: True).batch(10), 4, 3, [3, 2, 3, 2], 2),
        (Dataset.from_tensor_slices((x, y)).filter(lambda a, b: True).batch(10), 2, None, [5, 5], 0),
        (Dataset.from_tensor_slices((x, y)).batch(10).repeat(), 2, 3, [3, 3], 0),
    ]
    for dataset, epochs, steps, counts, warned in cases:
        counter = BatchCounter()
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            history = _model().fit(dataset, epochs=epochs, steps_per_epoch=steps, verbose=0, callbacks=[counter])
        assert counter.counts == counts and len(history.history["loss"]) == epochs
        assert _out_of_data(caught) == warned


def test_an_infinite_dataset_continues_where_the_last_epoch_stopped():
    x, y = _data(40)
    seen = []
    dataset = Dataset.from_tensor_slices((x, y)).batch(10).repeat().map(lambda a, b: (seen.append(1) or a, b))
    _model().fit(dataset, epochs=3, steps_per_epoch=3, verbose=0)
    assert len(seen) == 9 + 1  # one more for the element spec


def test_the_progress_target_comes_from_the_cardinality():
    x, y = _data()
    model = _model()
    model.fit(Dataset.from_tensor_slices((x, y)).batch(8), epochs=1, verbose=0)
    assert model.history.params["steps"] == 7
    model.fit(Dataset.from_tensor_slices((x, y)).filter(lambda a, b: True).batch(8), epochs=1, verbose=0)
    assert model.history.params["steps"] is None


def test_validation_steps_start_each_validation_at_the_first_batch():
    x, y = _data()
    model = _model()
    val = Dataset.from_tensor_slices((x, y)).batch(10)
    history = model.fit(Dataset.from_tensor_slices((x, y)).batch(10), epochs=2, verbose=0, validation_data=val,
                        validation_steps=2)
    assert history.history["val_loss"][-1] == pytest.approx(model.evaluate(x[:20], y[:20], verbose=0))


def test_a_shuffled_dataset_trains_the_same_after_the_same_global_seed():
    x, y = _data()

    def train():
        keras.utils.set_random_seed(3)
        dataset = Dataset.from_tensor_slices((x, y)).shuffle(50).batch(10)
        return _model().fit(dataset, epochs=3, verbose=0).history["loss"]
    assert train() == train()


def test_named_inputs_take_a_dict_of_features():
    x, y = _data()
    a = keras.Input((2,), name="a")
    b = keras.Input((1,), name="b")
    model = keras.Model([a, b], keras.layers.Dense(1)(keras.layers.Concatenate()([a, b])))
    model.compile("sgd", "mse")
    dataset = Dataset.from_tensor_slices(({"a": x[:, :2], "b": x[:, 2:]}, y)).batch(16)
    history = model.fit(dataset, epochs=2, verbose=0)
    assert len(history.history["loss"]) == 2
    assert model.predict(dataset, verbose=0).shape == (50, 1)


def test_refused_arguments_and_structures_say_what_to_do_before_any_work():
    x, y = _data()
    model = _model()
    dataset = Dataset.from_tensor_slices((x, y)).batch(10)
    before = [w.copy() for w in model.get_weights()]
    with pytest.raises(ValueError, match="`y` should not be passed"):
        model.fit(dataset, y=y, verbose=0)
    with pytest.raises(ValueError, match="`validation_split` is only supported for arrays"):
        model.fit(dataset, validation_split=0.2, verbose=0)
    with pytest.raises(ValueError, match="`sample_weight` must not be given"):
        model.fit(dataset, sample_weight=np.ones(50), verbose=0)
    with pytest.raises(ValueError, match="`steps_per_epoch` is required"):
        model.fit(dataset.repeat(), verbose=0)
    with pytest.raises(ValueError, match="`validation_steps` is required"):
        model.fit(dataset, validation_data=dataset.repeat(), verbose=0)
    with pytest.raises(ValueError, match="`steps` is required"):
        model.evaluate(dataset.repeat(), verbose=0)
    with pytest.raises(ValueError, match="`steps` is required"):
        model.predict(dataset.repeat(), verbose=0)
    with pytest.raises(ValueError, match="single samples, not batches.*dataset.batch\\(32\\)"):
        model.fit(Dataset.from_tensor_slices((x, y[:, 0])), verbose=0)
    with pytest.raises(ValueError, match="1 input, but `x` is a tuple of 2 arrays"):
        model.fit(Dataset.from_tensor_slices(((x, x), y)).batch(10), verbose=0)
    with pytest.raises(ValueError, match="4 parts"):
        model.fit(Dataset.from_tensor_slices((x, y, y, y)).batch(10), verbose=0)
    assert all(np.array_equal(a, b) for a, b in zip(before, model.get_weights()))


def test_batch_size_with_a_dataset_is_ignored_with_a_warning_naming_it():
    x, y = _data()
    counter = BatchCounter()
    with pytest.warns(UserWarning, match="fit\\(batch_size=5\\) is ignored"):
        _model().fit(Dataset.from_tensor_slices((x, y)).batch(10), batch_size=5, verbose=0, callbacks=[counter])
    assert counter.counts == [5]
    with pytest.warns(UserWarning, match="evaluate\\(batch_size=5\\) is ignored"):
        _model().evaluate(Dataset.from_tensor_slices((x, y)).batch(10), batch_size=5, verbose=0)


def test_later_batches_are_still_checked_for_nan_and_for_their_shape():
    x, y = _data()
    bad = x.copy()
    bad[45, 1] = np.nan
    with pytest.raises(ValueError, match="`x` contains NaN or infinite values \\(first at index \\(5, 1\\)"):
        _model().fit(Dataset.from_tensor_slices((bad, y)).batch(10), verbose=0)
    wide = Dataset.from_tensor_slices((x, y)).batch(10).concatenate(
        Dataset.from_tensor_slices((np.ones((4, 5), "float32"), y[:4])).batch(4))
    with pytest.raises(ValueError, match="expected input shape \\(None, 3\\).*\\(4, 5\\)"):
        _model().fit(wide, verbose=0)
