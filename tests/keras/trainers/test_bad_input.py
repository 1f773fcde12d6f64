"""Every public entry point rejects bad input before any work, saying what it got and expected."""
import numpy as np
import pytest

from glassnet.keras import Sequential
from glassnet.keras.layers import Dense, Input


def _model(units=1, activation="sigmoid", loss="binary_crossentropy", features=3):
    model = Sequential([Input((features,)), Dense(units, activation=activation)])
    model.compile(optimizer="sgd", loss=loss)
    return model


X = np.zeros((10, 3), dtype=np.float32)
Y = np.zeros((10, 1), dtype=np.float32)


def _raises_before_work(model, call, pattern):
    """`call` raises ValueError matching `pattern`, and the model's weights are untouched."""
    before = model.get_weights()
    with pytest.raises(ValueError, match=pattern):
        call()
    assert all(np.array_equal(a, b) for a, b in zip(before, model.get_weights()))


def test_length_mismatch():
    with pytest.raises(ValueError, match="'x' sizes: 10, 'y' sizes: 8"):
        _model().fit(X, Y[:8], verbose=0)


def test_feature_count_mismatch_names_layer():
    with pytest.raises(ValueError, match=r"'dense'.*\(10, 4\)"):
        _model().fit(np.zeros((10, 4)), Y, verbose=0)
    with pytest.raises(ValueError, match=r"\(10, 4\)"):
        _model().predict(np.zeros((10, 4)), verbose=0)


def test_sparse_labels_out_of_range_and_not_integer():
    model = _model(units=3, activation="softmax", loss="sparse_categorical_crossentropy")
    with pytest.raises(ValueError, match=r"7.*3 classes"):
        model.fit(X, np.array([0, 1, 2, 7, 0, 1, 2, 0, 1, 2]), verbose=0)
    with pytest.raises(ValueError, match="-1"):
        model.fit(X, np.array([0, 1, 2, -1, 0, 1, 2, 0, 1, 2]), verbose=0)
    with pytest.raises(ValueError, match="integer"):
        model.fit(X, np.full(10, 0.5), verbose=0)


def test_bce_targets_must_be_probabilities():
    model = _model()
    y = Y.copy()
    y[4] = 2.0
    with pytest.raises(ValueError, match=r"\[0, 1\]"):
        model.fit(X, y, verbose=0)


@pytest.mark.parametrize("where", ["x", "y"])
@pytest.mark.parametrize("bad", [np.nan, np.inf])
def test_nan_and_inf_rejected(where, bad):
    x, y = X.copy(), Y.copy()
    (x if where == "x" else y)[3, 0] = bad
    model = _model()
    pattern = rf"`{where}` contains NaN or infinite values .*index \(3, 0\)"
    _raises_before_work(model, lambda: model.fit(x, y, verbose=0), pattern)


def test_empty_arrays():
    with pytest.raises(ValueError, match="`x` is empty"):
        _model().fit(np.zeros((0, 3)), np.zeros((0, 1)), verbose=0)


def test_fit_and_evaluate_before_compile():
    model = Sequential([Dense(1)])
    for call in (model.fit, model.evaluate, model.train_on_batch):
        with pytest.raises(ValueError, match=r"must call `compile\(\)`"):
            call(X, Y)


def test_unknown_names_list_the_known_ones():
    with pytest.raises(ValueError, match="Could not interpret activation.*'sigmoidd'.*relu"):
        Dense(1, activation="sigmoidd")
    with pytest.raises(ValueError, match="Could not interpret loss.*'bce_loss'.*binary_crossentropy"):
        Sequential([Dense(1)]).compile(loss="bce_loss")
    with pytest.raises(ValueError, match="Could not interpret optimizer.*'adamm'.*adam"):
        Sequential([Dense(1)]).compile(optimizer="adamm", loss="mse")


@pytest.mark.parametrize("kwargs, pattern", [
    ({"batch_size": 0}, "batch_size=0"),
    ({"batch_size": 2.5}, "batch_size=2.5"),
    ({"epochs": -1}, "epochs=-1"),
    ({"validation_split": 1.0}, r"validation_split=1\.0"),
    ({"validation_split": -0.2}, r"validation_split=-0\.2"),
    ({"verbose": 3}, "verbose=3"),
    ({"class_weight": {0: 1.0}, "sample_weight": np.ones(10)}, "class_weight.*sample_weight"),
])
def test_fit_arguments(kwargs, pattern):
    model = _model()
    _raises_before_work(model, lambda: model.fit(X, Y, **{"verbose": 0, **kwargs}), pattern)


def test_validation_split_leaving_no_rows():
    with pytest.raises(ValueError, match="not sufficient to split"):
        _model().fit(X[:1], Y[:1], validation_split=0.1, verbose=0)  # floor(1 * 0.9) = 0 rows


def test_metrics_must_be_a_list():
    with pytest.raises(ValueError, match=r"list, tuple, or dict.*metrics='accuracy'"):
        Sequential([Dense(1)]).compile(loss="mse", metrics="accuracy")


def test_predict_rejects_ragged_lists():
    with pytest.raises(TypeError, match="ragged"):
        _model().predict([[1.0, 2.0, 3.0], [1.0]], verbose=0)


@pytest.mark.parametrize("validation_data, pattern", [((X,), "tuple of length 1"), (X, "ndarray of length 10")])
def test_validation_data_must_be_a_pair_or_triple(validation_data, pattern):
    with pytest.raises(ValueError, match=pattern):
        _model().fit(X, Y, validation_data=validation_data, verbose=0)


@pytest.mark.parametrize("call, pattern", [
    (lambda m: m.fit(X, Y, steps_per_epoch=0, verbose=0),
     "`steps_per_epoch`: expected a positive integer. Received: steps_per_epoch=0"),
    (lambda m: m.fit(X, Y, steps_per_epoch=-1, verbose=0), "steps_per_epoch=-1"),
    (lambda m: m.fit(X, Y, steps_per_epoch=2.5, verbose=0), "steps_per_epoch=2.5"),
    (lambda m: m.fit(X, Y, validation_data=(X, Y), validation_steps="2", verbose=0), "validation_steps='2'"),
    (lambda m: m.fit(X, Y, validation_data=(X, Y), validation_batch_size=0, verbose=0), "validation_batch_size=0"),
    (lambda m: m.evaluate(X, Y, steps=0, verbose=0), "`steps`: expected a positive integer"),
    (lambda m: m.predict(X, steps=True, verbose=0), "steps=True"),
])
def test_step_counts_are_checked_before_any_work(call, pattern):
    model = _model()
    _raises_before_work(model, lambda: call(model), pattern)
