"""A subclassed model's call gets fit's, evaluate's and predict's x in the structure the user gave:
a dict of arrays as a dict of batches, a list of several arrays as a list (Keras passes any structure
through), sliced together into batches; Sequential still takes one array. Layers take their first
argument by the name of call's first parameter, as Keras's do."""
import numpy as np
import pytest

import glassnet as tf
from glassnet import keras


class TwoTower(keras.Model):
    """Sums a Dense of each named input: call(inputs) reads inputs["a"] and inputs["b"]."""

    def __init__(self):
        super().__init__()
        self.da, self.db = keras.layers.Dense(1, name="da"), keras.layers.Dense(1, name="db")

    def call(self, inputs):
        return self.da(inputs["a"]) + self.db(inputs["b"])


class ListTower(TwoTower):
    def call(self, inputs):
        a, b = inputs
        return self.da(a) + self.db(b)


def _data(n=96, seed=0):
    rng = np.random.default_rng(seed)
    a, b = rng.normal(size=(n, 3)).astype("float32"), rng.normal(size=(n, 2)).astype("float32")
    y = (a @ np.array([[1.0], [-2.0], [0.5]]) + b @ np.array([[3.0], [1.0]]) + 0.25).astype("float32")
    return a, b, y


@pytest.mark.parametrize("model_class, structure", [(TwoTower, dict), (ListTower, list)])
def test_fit_evaluate_and_predict_pass_the_structure_to_call(model_class, structure):
    a, b, y = _data()
    x = {"a": a, "b": b} if structure is dict else [a, b]
    tf.random.set_seed(1)
    model = model_class()
    model.compile(optimizer=keras.optimizers.SGD(0.1), loss="mse")
    history = model.fit(x, y, batch_size=16, epochs=40, verbose=0, shuffle=True)
    assert history.history["loss"][-1] < 1e-3 < history.history["loss"][0]
    np.testing.assert_allclose(model.da.get_weights()[0][:, 0], [1.0, -2.0, 0.5], atol=0.02)
    np.testing.assert_allclose(model.db.get_weights()[0][:, 0], [3.0, 1.0], atol=0.02)
    expected = a @ model.da.get_weights()[0] + model.da.get_weights()[1] + b @ model.db.get_weights()[0] + \
        model.db.get_weights()[1]
    np.testing.assert_allclose(model.predict(x, batch_size=7, verbose=0), expected, rtol=1e-5, atol=1e-6)
    assert model.evaluate(x, y, verbose=0) == pytest.approx(float(np.mean((expected - y) ** 2)), rel=1e-4, abs=1e-7)


def test_batches_keep_the_inputs_rows_together_and_validation_split_works():
    seen = []

    class Recorder(TwoTower):
        def call(self, inputs):
            seen.append((np.asarray(inputs["a"])[:, 0].copy(), np.asarray(inputs["b"])[:, 0].copy()))
            return super().call(inputs)

    a, b, y = _data(40)
    b[:, 0] = a[:, 0] * 10  # a row's two inputs can be recognised together
    model = Recorder()
    model.compile(optimizer="sgd", loss="mse")
    history = model.fit({"a": a, "b": b}, y, batch_size=8, epochs=1, validation_split=0.25, verbose=0)
    assert "val_loss" in history.history
    batches = [batch for batch in seen if len(batch[0]) > 1]
    assert batches and all(np.allclose(bb, ba * 10) for ba, bb in batches)


def test_a_dict_with_arrays_of_different_lengths_is_refused_before_training():
    a, b, y = _data()
    model = TwoTower()
    model.compile(optimizer="sgd", loss="mse")
    with pytest.raises(ValueError, match=r"x\['b'\]"):
        model.fit({"a": a, "b": b[:10]}, y, verbose=0)
    assert not model.built


def test_sequential_still_takes_one_array():
    model = keras.Sequential([keras.layers.Dense(1)])
    model.compile(optimizer="sgd", loss="mse")
    a, b, y = _data()
    with pytest.raises(ValueError, match="1 input"):
        model.fit([a, a], y, verbose=0)


def test_a_layer_takes_its_first_argument_by_keyword():
    class Scale(keras.layers.Layer):
        def call(self, logits, factor=2.0):
            return logits * factor

    layer = Scale()
    np.testing.assert_allclose(layer(logits=np.ones((2, 3), "float32"), factor=3.0).numpy(), np.full((2, 3), 3.0))
    symbolic = layer(logits=keras.Input((3,)))
    assert tuple(symbolic.shape) == (None, 3)
    with pytest.raises(TypeError, match="`logits`"):
        layer(factor=3.0)


def test_a_list_of_one_array_is_that_array_for_every_kind_of_model():
    a, _, y = _data()
    x = keras.Input((3,))
    functional = keras.Model(x, keras.layers.Dense(1)(x))

    class One(keras.Model):
        def __init__(self):
            super().__init__()
            self.dense = keras.layers.Dense(1)

        def call(self, inputs):
            return self.dense(inputs)

    for model in (functional, One(), keras.Sequential([keras.layers.Dense(1)])):
        model.compile(optimizer="sgd", loss="mse")
        model.fit([a], y, epochs=1, verbose=0)
        np.testing.assert_allclose(model.predict([a], verbose=0), model.predict(a, verbose=0))
