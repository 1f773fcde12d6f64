"""Inputs a new user passes by mistake: each is refused before any work, or does what Keras does.

shuffle: bools (NumPy bools too) and 'batch'; class_weight: a dict of non-negative finite weights
keyed by class indices; sample_weight: one weight per per-sample loss; no complex data.
"""
import re

import numpy as np
import pytest

from glassnet.keras import Sequential, optimizers
from glassnet.keras.layers import Dense, Input
from glassnet.keras.trainers.epoch_iterator import EpochIterator

X = np.random.default_rng(0).normal(size=(12, 3)).astype(np.float32)
Y = (X[:, :1] > 0).astype(np.float32)


def _model(units=1, activation="sigmoid", loss="binary_crossentropy", features=3):
    model = Sequential([Input((features,)), Dense(units, activation=activation)])
    model.compile(optimizer=optimizers.SGD(0.1), loss=loss)
    return model


def _raises_before_work(model, call, error, pattern):
    before = model.get_weights()
    with pytest.raises(error, match=pattern):
        call()
    assert all(np.array_equal(a, b) for a, b in zip(before, model.get_weights()))


def _weights_after_fit(seed, **kwargs):
    model = _model()
    model.set_weights([np.full((3, 1), 0.5, np.float32), np.zeros(1, np.float32)])
    np.random.seed(seed)
    model.fit(X, Y, batch_size=4, epochs=2, verbose=0, **kwargs)
    return model.get_weights()


# --- shuffle -------------------------------------------------------------------------------
def test_numpy_true_shuffles_like_true():
    shuffled, numpy_true = _weights_after_fit(1, shuffle=True), _weights_after_fit(1, shuffle=np.True_)
    in_order = _weights_after_fit(1, shuffle=False)
    assert all(np.array_equal(a, b) for a, b in zip(shuffled, numpy_true))
    assert not np.array_equal(shuffled[0], in_order[0])  # the check above would hold for no shuffle too
    numpy_false = _weights_after_fit(1, shuffle=np.False_)
    assert all(np.array_equal(a, b) for a, b in zip(in_order, numpy_false))


def test_epoch_iterator_shuffles_for_any_true_value():
    np.random.seed(0)
    rows = [r for _, r in EpochIterator(6, 6, shuffle=np.True_).epoch()]
    np.random.seed(0)
    assert rows[0].tolist() == np.random.permutation(6).tolist()


@pytest.mark.parametrize("shuffle", [1, 0, np.int64(1), "True", "yes", None, 1.0])
def test_shuffle_other_than_bool_or_batch_is_refused(shuffle):
    model = _model()
    _raises_before_work(model, lambda: model.fit(X, Y, shuffle=shuffle, verbose=0), ValueError,
                        rf"`shuffle`.*True, False or 'batch'.*Received: shuffle={re.escape(repr(shuffle))}")


# --- class_weight --------------------------------------------------------------------------
@pytest.mark.parametrize("class_weight, error, pattern", [
    ({0: 1.0, 1: np.nan}, ValueError, r"class_weight.*non-negative.*1: nan"),
    ({0: 1.0, 1: np.inf}, ValueError, r"class_weight.*non-negative.*1: inf"),
    ({0: 1.0, 1: -2.0}, ValueError, r"class_weight.*non-negative.*1: -2\.0"),
    ({0: 1.0, 1: "2"}, TypeError, r"class_weight.*number.*1: '2'"),
    ({0: 1.0, 1: None}, TypeError, r"class_weight.*number.*1: None"),
    ({"0": 1.0, "1": 2.0}, TypeError, r"class_weight.*class indices.*'0'"),
    ({0.5: 1.0}, TypeError, r"class_weight.*class indices.*0\.5"),
    ({-1: 1.0}, ValueError, r"class_weight.*class indices.*-1"),
    ([1.0, 2.0], TypeError, r"class_weight.*dict.*Received: class_weight=\[1\.0, 2\.0\].*dict\(enumerate"),
    (np.array([1.0, 2.0]), TypeError, r"class_weight.*dict"),
])
def test_bad_class_weight_is_refused_before_work(class_weight, error, pattern):
    model = _model()
    _raises_before_work(model, lambda: model.fit(X, Y, class_weight=class_weight, verbose=0), error, pattern)
    _raises_before_work(model, lambda: model.train_on_batch(X, Y, class_weight=class_weight), error, pattern)


def test_class_weight_keys_as_numpy_numbers_work_as_keras():
    # dict(zip(np.unique(y), weights)) on float labels gives np.float32 keys: Keras's .get(int(label))
    # finds them, since 1.0 and 1 hash alike.
    expected = _weights_after_fit(2, class_weight={0: 1.0, 1: 3.0})
    for keys in ((np.float32(0.0), np.float32(1.0)), (np.int64(0), np.int64(1)), (0.0, 1.0)):
        got = _weights_after_fit(2, class_weight={keys[0]: np.float64(1.0), keys[1]: np.float32(3.0)})
        assert all(np.array_equal(a, b) for a, b in zip(expected, got))
    plain = _weights_after_fit(2)
    assert not np.array_equal(expected[0], plain[0])


# --- sample_weight -------------------------------------------------------------------------
@pytest.mark.parametrize("shape", [(12, 2), (12, 1, 1), (12, 3)])
def test_sample_weight_must_give_one_weight_per_sample(shape):
    # Keras: (n, 2) fails to broadcast inside the loss; (n, 1, 1) broadcasts to an (n, 1, n) product
    # and weighs every loss by every weight (mean(l) * mean(w)), which is no per-sample weighting.
    model = _model()
    call = lambda: model.fit(X, Y, sample_weight=np.ones(shape), verbose=0)
    _raises_before_work(model, call, ValueError,
                        rf"`sample_weight`.*\(12,\) or \(12, 1\).*{re.escape(str(shape))}")
    with pytest.raises(ValueError, match=r"`val_sample_weight`.*\(12, 2\)"):
        model.fit(X, Y, validation_data=(X, Y, np.ones((12, 2))), verbose=0)
    with pytest.raises(ValueError, match=r"`sample_weight`"):
        model.evaluate(X, Y, sample_weight=np.ones(shape), verbose=0)


def test_sample_weight_n_or_n_by_1_give_the_same_fit():
    weights = np.linspace(0.5, 2.0, 12).astype(np.float32)
    flat = _weights_after_fit(3, sample_weight=weights)
    column = _weights_after_fit(3, sample_weight=weights[:, None])
    assert all(np.array_equal(a, b) for a, b in zip(flat, column))


def test_temporal_sample_weight_per_step_or_per_sample():
    # Outputs (n, 4, 1): the loss has one value per step, so (n, 4) weighs steps and (n, 1) whole
    # samples, as Keras documents (and broadcasts).
    rng = np.random.default_rng(4)
    x, y = rng.normal(size=(6, 4, 3)).astype(np.float32), rng.normal(size=(6, 4, 1)).astype(np.float32)
    per_sample = rng.uniform(0.5, 2.0, (6, 1)).astype(np.float32)

    def fit(sample_weight):
        model = Sequential([Input((4, 3)), Dense(1)])
        model.compile(optimizer=optimizers.SGD(0.05), loss="mse")
        model.set_weights([np.full((3, 1), 0.2, np.float32), np.zeros(1, np.float32)])
        return model.fit(x, y, batch_size=3, epochs=2, shuffle=False, verbose=0,
                         sample_weight=sample_weight).history["loss"]

    assert fit(per_sample) == fit(np.repeat(per_sample, 4, axis=1))
    assert fit(np.repeat(per_sample, 4, axis=1)[..., None]) == fit(np.repeat(per_sample, 4, axis=1))
    with pytest.raises(ValueError, match=r"`sample_weight`.*\(6, 4\).*\(6, 3\)"):
        fit(np.ones((6, 3)))


# --- complex data --------------------------------------------------------------------------
@pytest.mark.parametrize("where", ["x", "y", "sample_weight"])
def test_complex_data_is_refused(where):
    data = {"x": X, "y": Y, "sample_weight": np.ones(12)}
    data[where] = data[where] + 1j
    model = _model()
    _raises_before_work(model, lambda: model.fit(verbose=0, **data), TypeError,
                        rf"`{where}`.*complex.*imaginary")


def test_predict_refuses_complex_x():
    with pytest.raises(TypeError, match=r"`x`.*complex"):
        _model().predict(X.astype(np.complex64), verbose=0)
