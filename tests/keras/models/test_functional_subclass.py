"""A subclass of Model whose __init__ calls ``super().__init__(inputs=..., outputs=...)``: Keras's
"functional subclass", a functional model with the subclass's own attributes and methods."""
import numpy as np
import pytest

from glassnet.keras import layers
from glassnet.keras.layers import Dense, Input
from glassnet.keras.models import Model
from glassnet.keras.models.functional import Functional
from glassnet.keras.optimizers import SGD
from glassnet.keras.saving import load_model


class Head(Model):
    def __init__(self, units, **kwargs):
        inputs = Input((4,), name="features")
        outputs = Dense(units, name="dense_out")(inputs)
        super().__init__(inputs=inputs, outputs=outputs, **kwargs)
        self.units = units

    def describe(self):
        return f"{self.units} units"


class Doubled(Model):
    """Overrides call: the graph runs through super().call."""

    def __init__(self, **kwargs):
        inputs = Input((4,))
        super().__init__(inputs, Dense(2, name="inner")(inputs), **kwargs)

    def call(self, inputs, training=None):
        return super().call(inputs, training=training) * 2.0


class PassThrough(Model):
    """A constructor Keras calls functional-like: it is saved as its graph."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)


def _data(n=32):
    rng = np.random.default_rng(0)
    x = rng.normal(size=(n, 4)).astype("float32")
    return x, (x @ rng.normal(size=(4, 3))).astype("float32")


def test_it_is_a_functional_model_of_its_own_class_with_its_attributes():
    model = Head(3, name="head")
    assert type(model) is Head and isinstance(model, Functional)
    assert model.name == "head" and model.units == 3 and model.describe() == "3 units"
    assert [layer.name for layer in model.layers] == ["features", "dense_out"]
    assert model.get_layer("dense_out") is model.layers[1]
    assert model.input_shape == (None, 4) and model.output_shape == (None, 3)
    x, _ = _data(2)
    dense = model.get_layer("dense_out")
    np.testing.assert_allclose(model(x).numpy(), x @ dense.kernel.numpy() + dense.bias.numpy(), rtol=1e-6)


def test_layers_assigned_as_attributes_are_not_listed_but_their_weights_count():
    class WithExtra(Head):
        def __init__(self):
            super().__init__(2)
            self.extra = Dense(3, name="extra")

    model = WithExtra()
    model.extra(np.ones((1, 4), "float32"))
    # Keras 3 lists the graph's layers only; the extra layer's weights are the model's all the same
    assert [layer.name for layer in model.layers] == ["features", "dense_out"]
    assert len(model.weights) == len(model.trainable_weights) == 4


def test_fit_predict_and_summary_work():
    model = Head(3)
    model.compile(optimizer="sgd", loss="mse")
    x, y = _data()
    history = model.fit(x, y, epochs=5, verbose=0)
    assert history.history["loss"][-1] < history.history["loss"][0]
    assert model.predict(x, verbose=0).shape == (32, 3)
    lines = []
    model.summary(print_fn=lines.append)
    assert "dense_out (Dense)" in lines[0] and "Trainable params: 15 (60.00 B)" in lines[0]


def test_an_overridden_call_runs_the_graph_through_super():
    model = Doubled()
    x, _ = _data(2)
    np.testing.assert_allclose(model(x).numpy(), 2.0 * model.get_layer("inner")(x).numpy(), rtol=1e-6)


def test_functional_takes_models_place_among_the_bases_once():
    Head(2)
    Head(3)
    assert Head.__bases__ == (Functional,)
    # Model(inputs, outputs) itself still makes a Functional, and Model's own class is untouched
    inputs = Input((4,))
    assert type(Model(inputs, Dense(1)(inputs))) is Functional
    assert Functional not in Model.__mro__


def test_get_config_holds_the_constructor_arguments_and_from_config_rebuilds():
    # Keras saves only name, trainable and dtype here (its own from_config then fails: units is
    # missing); glassnet adds the constructor's plain arguments, which Keras's from_config accepts.
    model = Head(3, name="head")
    assert model.get_config() == {"name": "head", "trainable": True, "dtype": "float32", "units": 3}
    copy = Head.from_config(model.get_config())
    assert type(copy) is Head and copy.units == 3 and copy.name == "head"


def test_an_own_get_config_calling_super_gets_the_base_config():
    class WithConfig(Model):
        def __init__(self, block, **kwargs):  # a layer argument: not a plain value
            inputs = Input((4,))
            super().__init__(inputs=inputs, outputs=block(inputs), **kwargs)
            self.block = block

        def get_config(self):
            return {**super().get_config(), "units": self.block.units}

    assert WithConfig(Dense(2), name="w").get_config() == {"name": "w", "trainable": True, "dtype": "float32",
                                                             "units": 2}


def test_a_functional_like_constructor_is_saved_as_its_graph():
    inputs = Input((4,), name="x")
    model = PassThrough(inputs, Dense(2, name="d")(inputs), name="pass")
    config = model.get_config()
    assert {"layers", "input_layers", "output_layers"} <= set(config)
    copy = PassThrough.from_config(config)
    assert type(copy) is PassThrough and [layer.name for layer in copy.layers] == ["x", "d"]


def test_save_and_load_a_keras_file(tmp_path):
    pytest.importorskip("h5py")
    model = Head(3, name="head")
    model.compile(optimizer="adam", loss="mse")
    x, y = _data()
    model.fit(x, y, epochs=1, verbose=0)
    model.save(tmp_path / "head.keras")
    loaded = load_model(tmp_path / "head.keras", custom_objects={"Head": Head})
    assert type(loaded) is Head and loaded.units == 3
    np.testing.assert_allclose(loaded.predict(x, verbose=0), model.predict(x, verbose=0), rtol=1e-6)


def test_a_subclass_that_passes_inputs_without_outputs_is_refused():
    class Half(Model):
        def __init__(self):
            super().__init__(inputs=Input((4,)))

    with pytest.raises(TypeError, match=r"Model.__init__ of Half takes both `inputs` and `outputs` .* Received: 0 "
                                        r"positional argument\(s\) and the keyword arguments \['inputs'\]"):
        Half()


def test_a_multi_input_functional_subclass_trains():
    class Pair(Model):
        def __init__(self):
            a, b = Input((2,), name="a"), Input((3,), name="b")
            super().__init__([a, b], Dense(1, name="out")(layers.Concatenate()([a, b])))

    model = Pair()
    model.compile(optimizer="sgd", loss="mse")
    rng = np.random.default_rng(1)
    a, b = rng.normal(size=(16, 2)), rng.normal(size=(16, 3))
    history = model.fit({"a": a, "b": b}, a[:, :1] + b[:, :1], epochs=3, verbose=0)
    assert np.isfinite(history.history["loss"]).all()
    assert model.predict([a, b], verbose=0).shape == (16, 1)


def test_fit_trains_an_overridden_call_not_the_bare_graph():
    # One SGD step on the full batch, by hand: p = 2 (x W + b), L = mean((p - y)^2),
    # dL/dW = x^T (4 (p - y)) / (n * units), dL/db = sum_rows(4 (p - y)) / (n * units).
    model = Doubled()
    x, _ = _data(8)
    y = np.random.default_rng(2).normal(size=(8, 2)).astype("float32")
    dense = model.get_layer("inner")
    w, b = dense.kernel.numpy().astype("float64"), dense.bias.numpy().astype("float64")
    error = 4.0 * (2.0 * (x @ w + b) - y) / y.size
    model.compile(optimizer=SGD(learning_rate=0.1), loss="mse")
    history = model.fit(x, y, batch_size=8, epochs=1, shuffle=False, verbose=0)
    np.testing.assert_allclose(history.history["loss"][0], ((2.0 * (x @ w + b) - y) ** 2).mean(), rtol=1e-5)
    np.testing.assert_allclose(dense.kernel.numpy(), w - 0.1 * x.T @ error, rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(dense.bias.numpy(), b - 0.1 * error.sum(axis=0), rtol=1e-5, atol=1e-6)
