"""Calling a functional model with inputs that do not fit it: the wrong number of inputs, a dict
without one of them, an input of the wrong last dimension. Each is refused before any layer runs,
naming what was expected and what was received."""
import re

import numpy as np
import pytest

from glassnet.keras import layers
from glassnet.keras.layers import Input
from glassnet.keras.models import Model


class Counting(layers.Layer):
    calls = 0

    def call(self, x):
        Counting.calls += 1
        return x


def _two_inputs():
    a, b = Input((3,), name="a"), Input((2,), name="b")
    return Model([a, b], layers.Dense(1)(layers.Concatenate()([Counting()(a), b])), name="pair")


@pytest.mark.parametrize("inputs, received", [
    ([np.ones((2, 3))], "[Tensor(shape=(2, 3))]. "),
    (np.ones((2, 3)), "Tensor(shape=(2, 3)). "),
    ([np.ones((2, 3)), np.ones((2, 2)), np.ones((2, 2))],
     "[Tensor(shape=(2, 3)), Tensor(shape=(2, 2)), Tensor(shape=(2, 2))]. "),
    ({"a": np.ones((2, 3))}, "{'a': Tensor(shape=(2, 3))}. Missing: ['b']. "),
], ids=["list of one", "one array", "three", "dict without b"])
def test_the_wrong_number_of_inputs_is_refused_before_any_layer_runs(inputs, received):
    model = _two_inputs()
    before = Counting.calls
    with pytest.raises(ValueError, match=re.escape(
            "The structure of `inputs` doesn't match the expected structure.\nExpected: ['a', 'b']\nReceived: "
            f"inputs={received}Model 'pair' has 2 input(s); pass them as a list in this order, or a dict keyed by "
            "their names.")):
        model(inputs)
    assert Counting.calls == before


@pytest.mark.parametrize("x, message", [
    (np.ones((2, 3)), "The model has 2 inputs (a, b), so `x` must be a list of 2 arrays in that order, or a dict "
                      "keyed by those names. Received 1 array(s) (ndarray)."),
    ({"a": np.ones((2, 3))}, "`x` is a dict without the model's inputs ['b']: expected the keys ['a', 'b']. "
                             "Received keys: ['a']"),
])
def test_predict_names_the_missing_inputs(x, message):
    with pytest.raises(ValueError, match=re.escape(message)):
        _two_inputs().predict(x, verbose=0)


@pytest.mark.parametrize("run", [lambda m, x: m(x), lambda m, x: m.predict(x, verbose=0),
                                 lambda m, x: m.fit(x, np.ones((2, 1)), verbose=0)], ids=["call", "predict", "fit"])
def test_an_input_of_the_wrong_last_dimension_is_refused(run):
    a = Input((3,), name="a")
    model = Model(a, layers.Dense(1)(Counting()(a)), name="single")
    model.compile(optimizer="sgd", loss="mse")
    before = Counting.calls
    with pytest.raises(ValueError, match=re.escape("Input 0 with name 'a' of layer 'single' is incompatible with the "
                                                   "layer: expected shape=(None, 3), found shape=(2, 5)")):
        run(model, np.ones((2, 5), "float32"))
    assert Counting.calls == before


def test_a_second_input_of_the_wrong_last_dimension_is_named():
    with pytest.raises(ValueError, match=re.escape("Input 1 with name 'b' of layer 'pair' is incompatible with the "
                                                   "layer: expected shape=(None, 2), found shape=(2, 4)")):
        _two_inputs()([np.ones((2, 3)), np.ones((2, 4))])
