"""Models with several outputs against Keras 3: a regression head (MSE) and a classification head
(sparse crossentropy + accuracy) trained from the same weights give the same logs (keys and values),
the same evaluate results, with losses, loss_weights and metrics given as lists or dicts, targets and
sample weights as lists or dicts, and a subclassed model whose call returns a dict."""
import keras
import numpy as np
import pytest

import glassnet
from parity_tools import assert_close


def _two_heads(module):
    x = module.Input((4,), name="features")
    hidden = module.layers.Dense(8, activation="relu", name="hidden")(x)
    reg = module.layers.Dense(1, name="reg")(hidden)
    cls = module.layers.Dense(3, activation="softmax", name="cls")(hidden)
    return module.Model(x, [reg, cls], name="two_heads")


def _data(seed=0, n=24):
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(n, 4)).astype("float32")
    return x, rng.normal(size=(n, 1)).astype("float32"), rng.integers(0, 3, size=n)


def _pair(build=_two_heads):
    theirs, mine = build(keras), build(glassnet.keras)
    mine.set_weights(theirs.get_weights())
    return theirs, mine


def _compile_both(theirs, mine, **arguments):
    theirs.compile(optimizer=keras.optimizers.SGD(0.05), **arguments)
    mine.compile(optimizer=glassnet.keras.optimizers.SGD(0.05), **arguments)


def _assert_same_logs(mine, theirs, what):
    assert list(mine) == list(theirs), what
    for key in theirs:
        assert_close(mine[key], theirs[key], family="fit", what=f"{what}: {key}")


COMPILES = {
    "lists": dict(loss=["mse", "sparse_categorical_crossentropy"], metrics=[[], ["accuracy"]]),
    "dicts": dict(loss={"reg": "mse", "cls": "sparse_categorical_crossentropy"}, metrics={"cls": ["accuracy"]}),
    "loss_weights_list": dict(loss=["mse", "sparse_categorical_crossentropy"], loss_weights=[0.3, 2.0],
                              metrics={"cls": ["accuracy"], "reg": ["mae"]}),
    "loss_weights_dict": dict(loss={"cls": "sparse_categorical_crossentropy", "reg": "mse"},
                              loss_weights={"reg": 0.5, "cls": 1.5}, metrics=[["mae", "mse"], ["accuracy"]]),
    "weighted_metrics": dict(loss=["mse", "sparse_categorical_crossentropy"], metrics=[[], ["accuracy"]],
                             weighted_metrics=[["mae"], ["accuracy"]]),
}


@pytest.mark.parametrize("name", list(COMPILES))
@pytest.mark.parametrize("targets", ["list", "dict"])
def test_fit_logs_and_evaluate_match_keras(name, targets):
    theirs, mine = _pair()
    _compile_both(theirs, mine, **COMPILES[name])
    x, y_reg, y_cls = _data()
    y = [y_reg, y_cls] if targets == "list" else {"cls": y_cls, "reg": y_reg}
    val = _data(1, 10)
    fits = [model.fit(x, y, batch_size=8, epochs=3, shuffle=False, verbose=0,
                      validation_data=(val[0], [val[1], val[2]])).history for model in (theirs, mine)]
    assert list(fits[1]) == list(fits[0])
    for key in fits[0]:
        assert_close(fits[1][key], fits[0][key], family="fit", what=f"{name}/{targets}: history[{key!r}]")
    for theirs_w, mine_w in zip(theirs.get_weights(), mine.get_weights()):
        assert_close(mine_w, theirs_w, family="fit", what=f"{name}: weights")
    expected = theirs.evaluate(x, y, verbose=0)
    assert_close(np.array(mine.evaluate(x, y, verbose=0)), np.array(expected), family="fit", what=f"{name}: evaluate")
    _assert_same_logs(mine.evaluate(x, y, verbose=0, return_dict=True),
                      theirs.evaluate(x, y, verbose=0, return_dict=True), f"{name}: evaluate(return_dict=True)")
    assert mine.metrics_names == theirs.metrics_names


def test_sample_weights_per_output_and_one_for_all_match_keras():
    theirs, mine = _pair()
    _compile_both(theirs, mine, **COMPILES["weighted_metrics"])
    x, y_reg, y_cls = _data()
    rng = np.random.default_rng(5)
    weights = [rng.uniform(0.1, 2.0, size=len(x)).astype("float32") for _ in range(2)]
    # (Keras 3.15.1 fails with KeyError: 0 on dict targets with sample weights for this model; glassnet's dict form is
    # checked against its list form in tests/keras/trainers/test_multi_output.py.)
    for y, sample_weight in (([y_reg, y_cls], weights), ([y_reg, y_cls], weights[0])):
        fits = [model.fit(x, y, sample_weight=sample_weight, batch_size=8, epochs=2, shuffle=False,
                          verbose=0).history for model in (theirs, mine)]
        assert list(fits[1]) == list(fits[0])
        for key in fits[0]:
            assert_close(fits[1][key], fits[0][key], family="fit", what=f"sample_weight: history[{key!r}]")


def test_train_and_test_on_batch_match_keras():
    theirs, mine = _pair()
    _compile_both(theirs, mine, **COMPILES["loss_weights_list"])
    x, y_reg, y_cls = _data()
    for method in ("train_on_batch", "test_on_batch"):
        expected = getattr(theirs, method)(x, [y_reg, y_cls])
        assert_close(np.array(getattr(mine, method)(x, [y_reg, y_cls])), np.array(expected), family="fit",
                     what=method)


def test_predict_returns_the_outputs_structure():
    theirs, mine = _pair()
    x = _data()[0]
    expected, actual = theirs.predict(x, verbose=0), mine.predict(x, verbose=0)
    assert type(actual) is type(expected) and len(actual) == len(expected)
    for a, e in zip(actual, expected):
        assert_close(a, e, family="forward", what="predict")


def _subclassed(module):
    class TwoHeads(module.Model):
        def __init__(self):
            super().__init__()
            self.hidden = module.layers.Dense(8, activation="relu")
            self.reg = module.layers.Dense(1)
            self.cls = module.layers.Dense(3, activation="softmax")

        def call(self, x):
            h = self.hidden(x)
            return {"reg": self.reg(h), "cls": self.cls(h)}
    model = TwoHeads()
    model(np.zeros((1, 4), "float32"))
    return model


def test_a_subclassed_model_returning_a_dict_matches_keras():
    theirs, mine = _pair(_subclassed)
    arguments = dict(loss={"reg": "mse", "cls": "sparse_categorical_crossentropy"},
                     loss_weights={"reg": 2.0, "cls": 1.0}, metrics={"cls": ["accuracy"]})
    _compile_both(theirs, mine, **arguments)
    x, y_reg, y_cls = _data()
    y = {"reg": y_reg, "cls": y_cls}
    fits = [model.fit(x, y, batch_size=8, epochs=3, shuffle=False, verbose=0, validation_data=(x, y)).history
            for model in (theirs, mine)]
    assert list(fits[1]) == list(fits[0])
    for key in fits[0]:
        assert_close(fits[1][key], fits[0][key], family="fit", what=f"subclassed: history[{key!r}]")
    _assert_same_logs(mine.evaluate(x, y, verbose=0, return_dict=True),
                      theirs.evaluate(x, y, verbose=0, return_dict=True), "subclassed evaluate")


def _dict_outputs(module):
    x = module.Input((4,), name="features")
    hidden = module.layers.Dense(8, activation="relu", name="hidden")(x)
    return module.Model(x, {"r": module.layers.Dense(1, name="reg")(hidden),
                            "c": module.layers.Dense(3, activation="softmax", name="cls")(hidden)})


def test_a_functional_model_with_a_dict_of_outputs_is_keyed_by_the_dicts_keys():
    theirs, mine = _pair(_dict_outputs)
    _compile_both(theirs, mine, loss={"r": "mse", "c": "sparse_categorical_crossentropy"},
                  loss_weights={"r": 0.5, "c": 1.0}, metrics={"c": ["accuracy"]})
    x, y_reg, y_cls = _data()
    y = {"r": y_reg, "c": y_cls}
    fits = [model.fit(x, y, batch_size=8, epochs=2, shuffle=False, verbose=0).history for model in (theirs, mine)]
    assert list(fits[1]) == list(fits[0]) == ["c_accuracy", "c_loss", "loss", "r_loss"]
    for key in fits[0]:
        assert_close(fits[1][key], fits[0][key], family="fit", what=f"dict outputs: history[{key!r}]")
    predictions = mine.predict(x, verbose=0)
    assert sorted(predictions) == ["c", "r"]
    assert_close(predictions["c"], theirs.predict(x, verbose=0)["c"], family="fit", what="dict outputs: predict")


def _dict_of_one(module):
    x = module.Input((4,), name="features")
    return module.Model(x, {"out": module.layers.Dense(1, name="out")(module.layers.Dense(5, name="h")(x))})


@pytest.mark.parametrize("y_form", [lambda y: y, lambda y: {"out": y}, lambda y: [y]], ids=["array", "dict", "list"])
def test_a_dict_of_one_output_trains_as_in_keras(y_form):
    theirs, mine = _pair(_dict_of_one)
    x, y, _ = _data()
    for model, module in ((theirs, keras), (mine, glassnet.keras)):
        model.compile(module.optimizers.SGD(0.05), "mse", metrics=["mae"])
    expected = theirs.fit(x, y_form(y), batch_size=8, epochs=2, shuffle=False, verbose=0).history
    got = mine.fit(x, y_form(y), batch_size=8, epochs=2, shuffle=False, verbose=0).history
    assert list(got) == list(expected) == ["loss", "mae"]
    for key in expected:
        assert_close(got[key], expected[key], family="fit", what=f"dict of one output: {key}")
    assert_close(mine.evaluate(x, y_form(y), verbose=0), theirs.evaluate(x, y_form(y), verbose=0), family="fit",
                 what="dict of one output: evaluate")
    assert list(mine.predict(x, verbose=0)) == list(theirs.predict(x, verbose=0)) == ["out"]
