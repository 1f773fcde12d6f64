import numpy as np
import pytest

import glassnet as tf
from glassnet.keras import Sequential
from glassnet.keras.layers import Dense, Dropout, Input


def test_graded_structure_checks_of_the_course():
    model = Sequential([
        tf.keras.Input(shape=(400,)),
        Dense(25, activation="sigmoid"), Dense(15, activation="sigmoid"), Dense(1, activation="sigmoid"),
    ], name="my_model")
    assert model.name == "my_model" and len(model.layers) == 3
    assert model.input.shape.as_list() == [None, 400]
    for layer, units in zip(model.layers, [25, 15, 1]):
        assert type(layer) == Dense  # noqa: E721 - the course's test compares types this way
        assert layer.output.shape.as_list() == [None, units]
        assert layer.activation == tf.keras.activations.sigmoid
    assert [w.shape for w in model.get_weights()] == [(400, 25), (25,), (25, 15), (15,), (15, 1), (1,)]
    assert model.count_params() == 10431
    assert model.layers[2].weights[0].path == "my_model/dense_2/kernel"


def test_unbuilt_model_builds_from_build_call_and_data():
    model = Sequential([Dense(120, activation="relu"), Dense(6)])
    assert model.get_weights() == [] and not model.built
    model.build(input_shape=(None, 2))
    model.build(input_shape=(None, 2))  # the course's tests call build on built models too
    assert model.input.shape.as_list() == [None, 2]
    assert model.count_params() == 2 * 120 + 120 + 120 * 6 + 6
    lazy = Sequential([Dense(3)])
    out = lazy(np.ones((4, 5)))
    assert out.shape.as_list() == [4, 3] and lazy.layers[0].output.shape.as_list() == [None, 3]


def test_input_dim_builds_and_warns():
    with pytest.warns(UserWarning, match="input_shape"):
        model = Sequential([Dense(1, input_dim=1, activation="sigmoid", name="L1")])
    assert model.built and model.count_params() == 2
    model.get_layer("L1").set_weights([[[2]], [-4.5]])
    assert model.predict(np.array([[0.0]]), verbose=0)[0, 0] == pytest.approx(0.01098694, rel=1e-5)


def test_add_pop_get_layer():
    model = Sequential()
    model.add(Input(shape=(3,)))
    model.add(Dense(4, name="hidden"))
    model.add(Dense(2))
    assert model.output.shape.as_list() == [None, 2]
    popped = model.pop()
    assert popped.name == "dense" and model.output.shape.as_list() == [None, 4]
    assert model.get_layer("hidden") is model.layers[0] and model.get_layer(index=0) is model.layers[0]
    with pytest.raises(ValueError, match="No such layer: nope"):
        model.get_layer("nope")
    with pytest.raises(TypeError, match="Only instances of `keras.Layer`"):
        model.add("dense")
    with pytest.raises(ValueError, match="unique names"):
        model.add(Dense(1, name="hidden"))


def test_weights_order_and_set_weights():
    model = Sequential([Input((2,)), Dense(3), Dense(1)])
    new = [np.full(w.shape, i, dtype=np.float64) for i, w in enumerate(model.get_weights())]
    model.set_weights(new)
    assert [float(w.ravel()[0]) for w in model.get_weights()] == [0.0, 1.0, 2.0, 3.0]
    assert all(w.dtype == np.float32 for w in model.get_weights())
    assert len(model.trainable_weights) == 4 and model.non_trainable_weights == []
    with pytest.raises(ValueError, match="length 3, but it was expecting 4"):
        model.set_weights(new[:3])


def test_direct_call_returns_tensor_usable_by_numpy():
    model = Sequential([Input((2,)), Dense(4, activation="softmax")])
    out = model(np.ones((3, 2)))
    assert isinstance(out, tf.Tensor)
    assert np.argmax(out, axis=1).shape == (3,)
    np.testing.assert_allclose(np.sum(out.numpy(), axis=1), 1, rtol=1e-6)
    np.testing.assert_array_equal(model.predict(np.ones((3, 2)), verbose=0), out.numpy())


def test_direct_call_wrong_features_names_the_layer():
    model = Sequential([Input((4,)), Dense(2)])
    with pytest.raises(ValueError, match=r"'dense'.*value 4.*\(10, 3\)"):
        model(np.zeros((10, 3)))
    with pytest.raises(ValueError, match=r"one value per sample; this model takes 3.*\(samples, 3\)"):
        Sequential([Input((3,)), Dense(1)])(np.zeros(10))  # (None, 1) would take it, as in Keras


def test_summary_matches_keras_layout():
    model = Sequential([Input((4,)), Dense(16), Dense(1)])
    lines = []
    model.summary(print_fn=lines.append)
    text = lines[0]
    assert text.splitlines()[0] == 'Model: "sequential"'
    assert "│ dense (Dense)                   │ (None, 16)             │            80 │" in text
    assert "│ dense_1 (Dense)                 │ (None, 1)              │            17 │" in text
    assert " Total params: 97 (388.00 B)" in text and " Non-trainable params: 0 (0.00 B)" in text
    assert "Optimizer params" not in text
    model.compile(optimizer="adam", loss="mse")
    model.fit(np.zeros((4, 4)), np.zeros((4, 1)), verbose=0)
    model.summary(print_fn=lines.append)
    # Adam: iteration + learning_rate + 2 slots per weight = 2 + 194 = 196; total 97 + 196 = 293
    assert " Optimizer params: 196 (784.00 B)" in lines[1] and " Total params: 293 (1.14 KB)" in lines[1]


def test_summary_of_unbuilt_model():
    lines = []
    Sequential([Dense(3), Dropout(0.1)]).summary(print_fn=lines.append)
    assert "0 (unbuilt)" in lines[0] and " Total params: 0 (0.00 B)" in lines[0]


def test_subclassed_model_tracks_layers():
    class TwoLayer(tf.keras.Model):
        def __init__(self):
            super().__init__()
            self.hidden = Dense(4, activation="relu")
            self.out = Dense(1)

        def call(self, x, training=False):
            return self.out(self.hidden(x))

    model = TwoLayer()
    model.compile(optimizer="sgd", loss="mse")
    history = model.fit(np.ones((8, 3)), np.ones((8, 1)), epochs=2, verbose=0)
    assert len(model.layers) == 2 and len(model.trainable_weights) == 4
    assert history.history["loss"][1] < history.history["loss"][0]
