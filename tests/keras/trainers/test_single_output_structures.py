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
