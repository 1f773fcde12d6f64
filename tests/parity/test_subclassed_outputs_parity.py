"""Subclassed models whose call returns a list, a tuple or a dict of outputs, against Keras 3: the
same logs (Keras 3 names a list's outputs after their losses, ``mse_loss``, and their metrics
without a prefix; a dict's by its keys), the same evaluate results and metrics_names, the same
predictions."""
import keras
import numpy as np
import pytest

import glassnet
from parity_tools import assert_close


def _model(module, kind):
    class TwoHeads(module.Model):
        def __init__(self):
            super().__init__()
            self.hidden = module.layers.Dense(8, activation="relu")
            self.reg = module.layers.Dense(1)
            self.cls = module.layers.Dense(3, activation="softmax")

        def call(self, x):
            h = self.hidden(x)
            reg, cls = self.reg(h), self.cls(h)
            if kind == "dict":
                return {"reg": reg, "cls": cls}
            return (reg, cls) if kind == "tuple" else [reg, cls]

    model = TwoHeads()
    model(np.zeros((1, 4), "float32"))
    return model


def _pair(kind):
    theirs, mine = _model(keras, kind), _model(glassnet.keras, kind)
    mine.set_weights(theirs.get_weights())
    return theirs, mine


def _data(seed=0, n=24):
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(n, 4)).astype("float32")
    return x, rng.normal(size=(n, 1)).astype("float32"), rng.integers(0, 3, size=n)


SCE = "sparse_categorical_crossentropy"
LIST_COMPILES = {
    "one_loss": dict(loss=["mse", SCE]),
    "metrics": dict(loss=["mse", SCE], metrics=[["mae"], ["accuracy"]]),
    "loss_weights": dict(loss=["mse", SCE], loss_weights=[0.3, 2.0], metrics=[["mae", "mse"], ["accuracy"]]),
    "same_metric_twice": dict(loss=["mse", SCE], metrics=[["accuracy"], ["accuracy"]]),
    "weighted_metrics": dict(loss=["mse", SCE], metrics=[[], ["accuracy"]], weighted_metrics=[["mae"], ["accuracy"]]),
    "no_loss_for_one": dict(loss=["mse", None], metrics=[["mae"], ["accuracy"]]),
    "same_loss_twice": dict(loss=["mse", "mse"], loss_weights=[1.0, 0.5]),
}
DICT_COMPILES = {
    "one_loss": dict(loss="mse"),
    "dicts_in_given_order": dict(loss={"reg": "mse", "cls": SCE}, loss_weights={"reg": 2.0, "cls": 0.5},
                                 metrics={"cls": ["accuracy"]}),
    "lists_in_sorted_order": dict(loss=[SCE, "mse"], metrics=[["accuracy"], ["mae"]]),
    "a_loss_for_one_output": dict(loss={"reg": "mse"}, metrics={"cls": ["accuracy"]}),
}


def _run_both(theirs, mine, arguments, y, validation):
    for model, module in ((theirs, keras), (mine, glassnet.keras)):
        model.compile(optimizer=module.optimizers.SGD(0.05), **arguments)
    x = _data()[0]
    return [model.fit(x, y, batch_size=8, epochs=2, shuffle=False, verbose=0, validation_data=validation).history
            for model in (theirs, mine)]


def _assert_same_as_keras(theirs, mine, fits, x, y, what):
    assert list(fits[1]) == list(fits[0]), what
    for key in fits[0]:
        assert_close(fits[1][key], fits[0][key], family="fit", what=f"{what}: history[{key!r}]")
    assert mine.metrics_names == theirs.metrics_names, what
    expected, actual = theirs.evaluate(x, y, verbose=0), mine.evaluate(x, y, verbose=0)
    assert np.shape(actual) == np.shape(expected), what
    assert_close(np.array(actual), np.array(expected), family="fit", what=f"{what}: evaluate")
    expected, actual = (model.evaluate(x, y, verbose=0, return_dict=True) for model in (theirs, mine))
    assert list(actual) == list(expected), what
    for key in expected:
        assert_close(actual[key], expected[key], family="fit", what=f"{what}: evaluate[{key!r}]")


@pytest.mark.parametrize("kind, name", [("list", name) for name in LIST_COMPILES] + [("tuple", "metrics")])
def test_a_list_of_outputs_logs_as_keras(kind, name):
    theirs, mine = _pair(kind)
    x, y_reg, y_cls = _data()
    val = _data(1, 10)
    if name == "same_loss_twice":  # mse on the softmax head wants one-hot targets
        y_cls, val = np.eye(3, dtype="float32")[y_cls], (*val[:2], np.eye(3, dtype="float32")[val[2]])
    fits = _run_both(theirs, mine, LIST_COMPILES[name], [y_reg, y_cls], (val[0], [val[1], val[2]]))
    _assert_same_as_keras(theirs, mine, fits, x, [y_reg, y_cls], f"{kind}/{name}")
    expected, actual = theirs.predict(x, verbose=0), mine.predict(x, verbose=0)
    assert type(actual) is type(expected) and len(actual) == 2
    for a, e in zip(actual, expected):
        assert_close(a, e, family="fit", what=f"{kind}/{name}: predict")


@pytest.mark.parametrize("name", list(DICT_COMPILES))
def test_a_dict_of_outputs_logs_as_keras(name):
    theirs, mine = _pair("dict")
    x, y_reg, y_cls = _data()
    if name == "one_loss":
        y_cls = np.eye(3, dtype="float32")[y_cls]  # mse on the softmax head wants one-hot targets
    y = {"reg": y_reg, "cls": y_cls}
    fits = _run_both(theirs, mine, DICT_COMPILES[name], y, None)
    _assert_same_as_keras(theirs, mine, fits, x, y, f"dict/{name}")
