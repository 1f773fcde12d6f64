"""A model with one output takes compile's per-output forms too, as Keras does: a loss, loss weight
or metric list given as a list of one or a dict keyed by the output's name trains and logs exactly as
the plain form (parity with Keras: tests/parity/test_random_graph_parity.py)."""
import numpy as np
import pytest

from glassnet.keras import Input, Model, layers, optimizers


def _fit(**arguments):
    x = Input((3,), name="features")
    model = Model(x, layers.Dense(1, name="out", kernel_initializer="ones")(x))
    model.compile(optimizer=optimizers.SGD(0.1), **arguments)
    rng = np.random.default_rng(0)
    data = rng.normal(size=(8, 3)).astype("float32"), rng.normal(size=(8, 1)).astype("float32")
    history = model.fit(*data, batch_size=4, epochs=2, shuffle=False, verbose=0).history
    return history, model.get_weights()


PLAIN = dict(loss="mse", loss_weights=2.0, metrics=["mae"])


@pytest.mark.parametrize("arguments", [
    dict(loss={"out": "mse"}, loss_weights={"out": 2.0}, metrics={"out": ["mae"]}),
    dict(loss=["mse"], loss_weights=[2.0], metrics=[["mae"]]),
    dict(loss=("mse",), loss_weights=2.0, metrics=["mae"]),
], ids=["dicts", "lists", "tuple"])
def test_per_output_forms_of_a_single_output_train_as_the_plain_form(arguments):
    expected_history, expected_weights = _fit(**PLAIN)
    history, weights = _fit(**arguments)
    assert list(history) == list(expected_history) == ["loss", "mae"]
    for key in expected_history:
        np.testing.assert_allclose(history[key], expected_history[key], rtol=1e-6)
    for got, want in zip(weights, expected_weights, strict=True):
        np.testing.assert_allclose(got, want, rtol=1e-6)


def _dict_output_fit(y_form, sample_weight_form=None):
    x = Input((3,), name="features")
    model = Model(x, {"out": layers.Dense(1, name="out", kernel_initializer="ones")(x)})
    model.compile(optimizer=optimizers.SGD(0.1), loss="mse", metrics=["mae"])
    rng = np.random.default_rng(0)
    features, y = rng.normal(size=(8, 3)).astype("float32"), rng.normal(size=(8, 1)).astype("float32")
    weights = np.linspace(0.5, 2.0, 8).astype("float32")
    history = model.fit(features, y_form(y), sample_weight=None if sample_weight_form is None else
                        sample_weight_form(weights), batch_size=4, epochs=2, shuffle=False, verbose=0).history
    return history, model.get_weights(), model.predict(features, verbose=0)


@pytest.mark.parametrize("y_form", [lambda y: y, lambda y: {"out": y}, lambda y: [y]],
                         ids=["array", "dict", "list"])
def test_a_model_returning_a_dict_of_one_output_trains_on_its_targets_in_any_form(y_form):
    """Keras flattens a dict of one output: `y` may be the array itself, a dict or a list of one."""
    x = Input((3,), name="features")
    plain = Model(x, layers.Dense(1, name="out", kernel_initializer="ones")(x))
    plain.compile(optimizer=optimizers.SGD(0.1), loss="mse", metrics=["mae"])
    rng = np.random.default_rng(0)
    features, y = rng.normal(size=(8, 3)).astype("float32"), rng.normal(size=(8, 1)).astype("float32")
    expected = plain.fit(features, y, batch_size=4, epochs=2, shuffle=False, verbose=0).history
    history, weights, predictions = _dict_output_fit(y_form)
    assert list(history) == ["loss", "mae"]
    for key in expected:
        np.testing.assert_allclose(history[key], expected[key], rtol=1e-6)
    for got, want in zip(weights, plain.get_weights(), strict=True):
        np.testing.assert_allclose(got, want, rtol=1e-6)
    assert list(predictions) == ["out"] and predictions["out"].shape == (8, 1)  # predict keeps the dict


def test_sample_weights_of_a_dict_of_one_output_come_as_an_array_or_a_dict():
    as_array = _dict_output_fit(lambda y: {"out": y}, lambda w: w)[0]
    as_dict = _dict_output_fit(lambda y: {"out": y}, lambda w: {"out": w})[0]
    unweighted = _dict_output_fit(lambda y: {"out": y})[0]
    np.testing.assert_allclose(as_dict["loss"], as_array["loss"], rtol=1e-6)
    assert not np.allclose(as_array["loss"], unweighted["loss"])
