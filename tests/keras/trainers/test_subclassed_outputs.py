"""Subclassed models whose call returns a list, tuple or dict of outputs: compile per output,
Keras 3's log names, hand-computed losses, a custom train_step over several outputs, and the
errors for targets of the wrong structure (tests/parity checks the numbers against Keras)."""
import numpy as np
import pytest

import glassnet as tf
from glassnet.keras import layers
from glassnet.keras.models import Model


class TwoHeads(Model):
    def __init__(self, kind="list"):
        super().__init__()
        self.kind = kind
        self.a, self.b = layers.Dense(1), layers.Dense(2)

    def call(self, x):
        a, b = self.a(x), self.b(x)
        if self.kind == "dict":
            return {"b": b, "a": a}
        return (a, b) if self.kind == "tuple" else [a, b]


class SteppedHeads(TwoHeads):
    """The same model with the train_step Keras's guide writes."""

    def train_step(self, data):
        x, y = data
        with tf.GradientTape() as tape:
            y_pred = self(x, training=True)
            loss = self.compute_loss(y=y, y_pred=y_pred)
        self.optimizer.apply(tape.gradient(loss, self.trainable_variables), self.trainable_variables)
        for metric in self.metrics:
            if metric.name == "loss":
                metric.update_state(loss)
        return self.compute_metrics(x, y, y_pred)


def _data(n=16):
    rng = np.random.default_rng(0)
    return (rng.normal(size=(n, 3)).astype("float32"), rng.normal(size=(n, 1)).astype("float32"),
            rng.normal(size=(n, 2)).astype("float32"))


@pytest.mark.parametrize("kind", ["list", "tuple"])
def test_a_list_of_outputs_is_weighted_and_logged_under_its_losses_names(kind):
    model = TwoHeads(kind)
    model.compile(optimizer="sgd", loss=["mse", "mae"], loss_weights=[1.0, 0.5], metrics=[["mae"], ["mae"]])
    x, y_a, y_b = _data()
    logs = model.evaluate(x, [y_a, y_b], verbose=0, return_dict=True)
    a, b = model.predict(x, verbose=0)
    mse, mae_b = ((a - y_a) ** 2).mean(), np.abs(b - y_b).mean()
    # Keras 3: the outputs of a list have no names: `<loss>_loss`, and metrics without a prefix
    assert list(logs) == ["loss", "mae", "mae_1", "mae_loss", "mse_loss"]
    np.testing.assert_allclose(logs["loss"], mse + 0.5 * mae_b, rtol=1e-5)
    np.testing.assert_allclose([logs["mse_loss"], logs["mae_loss"]], [mse, mae_b], rtol=1e-5)
    np.testing.assert_allclose([logs["mae"], logs["mae_1"]], [np.abs(a - y_a).mean(), mae_b], rtol=1e-5)
    assert type(model.predict(x, verbose=0)) is (tuple if kind == "tuple" else list)


def test_one_loss_for_every_output_of_a_list_and_fit_trains_both():
    model = TwoHeads()
    model.compile(optimizer="sgd", loss="mse")
    x, y_a, y_b = _data()
    model(x)
    before = [model.a.kernel.numpy().copy(), model.b.kernel.numpy().copy()]
    history = model.fit(x, [y_a, y_b], epochs=3, verbose=0)
    # two losses both named mse: one `mse_loss` key, the second output's (as Keras's dict keeps the last)
    assert sorted(history.history) == ["loss", "mse_loss"]
    a, b = model.predict(x, verbose=0)
    logs = model.evaluate(x, [y_a, y_b], verbose=0, return_dict=True)
    np.testing.assert_allclose(logs["mse_loss"], ((b - y_b) ** 2).mean(), rtol=1e-5)
    assert not np.allclose(before[0], model.a.kernel.numpy()) and not np.allclose(before[1], model.b.kernel.numpy())


def test_a_dict_of_outputs_is_named_by_its_keys_in_sorted_order():
    model = TwoHeads("dict")
    model.compile(optimizer="sgd", loss=["mse", "mae"], metrics={"b": ["mae"]})  # a list: in sorted key order
    x, y_a, y_b = _data()
    logs = model.evaluate(x, {"a": y_a, "b": y_b}, verbose=0, return_dict=True)
    out = model.predict(x, verbose=0)
    assert list(logs) == ["a_loss", "b_loss", "b_mae", "loss"]
    np.testing.assert_allclose(logs["a_loss"], ((out["a"] - y_a) ** 2).mean(), rtol=1e-5)
    np.testing.assert_allclose(logs["b_loss"], np.abs(out["b"] - y_b).mean(), rtol=1e-5)


def test_a_dict_of_losses_may_leave_an_output_of_a_dict_without_a_loss():
    model = TwoHeads("dict")
    model.compile(optimizer="sgd", loss={"a": "mse"}, metrics={"b": ["mae"]})
    x, y_a, y_b = _data()
    logs = model.evaluate(x, {"a": y_a, "b": y_b}, verbose=0, return_dict=True)
    out = model.predict(x, verbose=0)
    assert list(logs) == ["b_mae", "loss"]  # one loss: no `a_loss` (Keras)
    np.testing.assert_allclose(logs["loss"], ((out["a"] - y_a) ** 2).mean(), rtol=1e-5)


@pytest.mark.parametrize("loss", [{"out": "mse"}, ["mse"]], ids=["dict", "list"])
def test_the_loss_of_one_output_may_come_in_a_dict_or_list_of_one(loss):
    inputs = tf.keras.Input((3,))
    model = Model(inputs, layers.Dense(1, name="out")(inputs))
    model.compile(optimizer="sgd", loss=loss, metrics={"out": ["mae"]})
    x, y_a, _ = _data()
    logs = model.evaluate(x, y_a, verbose=0, return_dict=True)
    assert list(logs) == ["loss", "mae"]
    np.testing.assert_allclose(logs["loss"], ((model.predict(x, verbose=0) - y_a) ** 2).mean(), rtol=1e-5)


def test_a_custom_train_step_over_a_list_of_outputs_trains_as_the_default_step():
    custom, default = SteppedHeads(), TwoHeads()
    x, y_a, y_b = _data()
    custom(x), default(x)
    default.set_weights(custom.get_weights())
    for model in (custom, default):
        model.compile(optimizer="sgd", loss=["mse", "mae"], loss_weights=[1.0, 0.5], metrics=[["mae"], []])
    fits = [model.fit(x, [y_a, y_b], batch_size=4, epochs=2, shuffle=False, verbose=0).history
            for model in (custom, default)]
    assert list(fits[0]) == list(fits[1]) == ["loss", "mae", "mae_loss", "mse_loss"]
    for key in fits[0]:
        np.testing.assert_allclose(fits[0][key], fits[1][key], rtol=1e-5, err_msg=key)
    for mine, theirs in zip(custom.get_weights(), default.get_weights()):
        np.testing.assert_allclose(mine, theirs, rtol=1e-5)


@pytest.mark.parametrize("kind, compile_arguments, y, match", [
    ("list", {"loss": "mse"}, lambda a, b: {"output_1": a, "output_2": b},
     r"The model's call returns a list of 2 outputs, which have no names, so `y` must be a list of 2 arrays in "
     r"that order. Received: a dict with keys \['output_1', 'output_2'\]"),
    ("list", {"loss": "mse"}, lambda a, b: a,
     r"The model's call returns a list of 2 outputs, so `y` must hold one array per output: a list of them in "
     r"that order. Received: one array"),
    ("list", {"loss": "mse"}, lambda a, b: [a, b, b],
     r"The model has 2 outputs \(output_1, output_2\), so `y` must be a list of 2 arrays in that order. "
     r"Received 3 array\(s\) \(list\)."),
    ("list", {"loss": {"a": "mse", "b": "mae"}}, lambda a, b: [a, b],
     r"`loss` is a dict, but the model's call returns a list of 2 outputs, which have no names: pass a list "
     r"with one entry per output. Received: loss=\{'a': 'mse', 'b': 'mae'\}"),
    ("list", {"loss": "mse", "metrics": ["mae"]}, lambda a, b: [a, b],
     r"`metrics` must have one entry per output: the model has 2 outputs \(output_1, output_2\), and metrics "
     r"has 1. Received: metrics=\['mae'\]"),
    ("dict", {"loss": "mse"}, lambda a, b: [a, b],
     r"The model's call returns a dict of 2 outputs, so `y` must be a dict keyed by the names of the outputs"),
    ("dict", {"loss": "mse"}, lambda a, b: a,
     r"The model's call returns a dict of 2 outputs, so `y` must hold one array per output: a dict keyed by "
     r"\['a', 'b'\]. Received: one array"),
])
def test_targets_and_arguments_of_the_wrong_structure_are_refused_before_training(kind, compile_arguments, y,
                                                                                  match):
    model = TwoHeads(kind)
    model.compile(optimizer="sgd", **compile_arguments)
    x, y_a, y_b = _data()
    model(x)
    before = model.get_weights()
    with pytest.raises(ValueError, match=match):
        model.fit(x, y(y_a, y_b), verbose=0)
    assert all(np.array_equal(w, v) for w, v in zip(before, model.get_weights()))


def test_a_generator_of_list_targets_trains_as_the_arrays_do():
    x, y_a, y_b = _data()

    def batches():
        for start in range(0, 16, 4):
            yield x[start:start + 4], [y_a[start:start + 4], y_b[start:start + 4]]

    from_stream, from_arrays = TwoHeads(), TwoHeads()
    from_stream(x), from_arrays(x)
    from_arrays.set_weights(from_stream.get_weights())
    for model in (from_stream, from_arrays):
        model.compile(optimizer="sgd", loss=["mse", "mae"])
    streamed = from_stream.fit(batches(), epochs=1, verbose=0).history
    arrays = from_arrays.fit(x, [y_a, y_b], batch_size=4, shuffle=False, epochs=1, verbose=0).history
    assert list(streamed) == list(arrays) == ["loss", "mae_loss", "mse_loss"]
    for key in arrays:  # the first batch finds the outputs: its loss is tracked too
        np.testing.assert_allclose(streamed[key], arrays[key], rtol=1e-6, err_msg=key)


def test_the_single_batch_calls_and_a_validation_split_take_a_list_of_targets():
    model = TwoHeads()
    model.compile(optimizer="sgd", loss=["mse", "mae"], metrics=[["mae"], []])
    x, y_a, y_b = _data()
    history = model.fit(x, [y_a, y_b], validation_split=0.25, verbose=0).history
    assert list(history) == ["loss", "mae", "mae_loss", "mse_loss", "val_loss", "val_mae", "val_mae_loss",
                             "val_mse_loss"]
    logs = model.train_on_batch(x, [y_a, y_b], return_dict=True)
    assert sorted(logs) == ["loss", "mae", "mae_loss", "mse_loss"]
    a, b = model.predict_on_batch(x)
    assert isinstance(a, np.ndarray) and a.shape == (16, 1) and b.shape == (16, 2)
    np.testing.assert_allclose(model.test_on_batch(x, [y_a, y_b])[0],
                               ((a - y_a) ** 2).mean() + np.abs(b - y_b).mean(), rtol=1e-5)
