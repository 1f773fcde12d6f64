"""Tensor functions and operators on KerasTensors become TFOpLambda layers of a functional model."""
import numpy as np
import pytest

import glassnet as tf
from glassnet import keras
from glassnet.autodiff import check_gradients
from glassnet.keras.layers.op_layer import TFOpLambda

RNG = np.random.default_rng(0)
A = RNG.normal(size=(5, 4)).astype("float32")
B = RNG.uniform(0.5, 2.0, size=(5, 4)).astype("float32")


def op_model():
    a, b = keras.Input(shape=(4,), name="a"), keras.Input(shape=(4,), name="b")
    unit = tf.linalg.l2_normalize(a, axis=1)
    mixed = tf.concat([unit * b, tf.nn.relu(a) - 1.0], axis=1) @ tf.ones((8, 3))
    out = tf.reduce_sum(mixed, axis=1, keepdims=True) / b[:, :1] + (-a[:, 1:2]) ** 2 + 2.0 ** keras.ops.mean(
        b, axis=1, keepdims=True)
    return keras.Model([a, b], out)


def eager(a, b):
    """The same computation written with the same functions on tensors."""
    unit = tf.linalg.l2_normalize(a, axis=1)
    mixed = tf.concat([unit * b, tf.nn.relu(a) - 1.0], axis=1) @ tf.ones((8, 3), dtype=a.dtype)
    return tf.reduce_sum(mixed, axis=1, keepdims=True) / b[:, :1] + (-a[:, 1:2]) ** 2 + 2.0 ** keras.ops.mean(
        b, axis=1, keepdims=True)


def test_functions_on_keras_tensors_give_the_eager_results():
    model = op_model()
    assert model.output_shape == (None, 1)
    expected = eager(tf.constant(A), tf.constant(B)).numpy()
    unit = A / np.linalg.norm(A, axis=1, keepdims=True)  # and by hand, in NumPy
    by_hand = (np.concatenate([unit * B, np.maximum(A, 0) - 1], 1).sum(1, keepdims=True) * 3 / B[:, :1]
               + A[:, 1:2] ** 2 + 2.0 ** B.mean(1, keepdims=True))
    assert np.allclose(expected, by_hand, rtol=1e-5)
    assert np.allclose(model.predict([A, B], verbose=0), expected, rtol=1e-6)
    assert np.allclose(model([tf.constant(A), tf.constant(B)]).numpy(), expected, rtol=1e-6)


def test_gradients_flow_through_op_layers():
    model = op_model()
    # The model computes in float32 (its layers cast), so the finite-difference step is large and the
    # difference quotient carries float32 rounding of outputs near 30: about 1e-3 (NumPy 1.23 rounds
    # some sums differently from NumPy 2).
    check_gradients(lambda a, b: model([a, b]), A, B, rtol=1e-2, atol=1e-2, step=1e-3)


def test_training_through_an_op_layer_matches_the_same_model_with_lambda():
    def build(normalize):
        tf.random.set_seed(3)
        x = keras.Input(shape=(4,))
        dense = keras.layers.Dense(3, name="dense")
        return keras.Model(x, keras.layers.Dense(1, name="out")(normalize(dense(x))))
    with_op = build(lambda h: tf.math.l2_normalize(h, axis=1))
    with_lambda = build(keras.layers.Lambda(lambda h: tf.math.l2_normalize(h, axis=1)))
    with_lambda.set_weights(with_op.get_weights())
    grads = []
    for model in (with_op, with_lambda):
        with tf.GradientTape() as tape:
            loss = tf.reduce_mean((model(tf.constant(A)) - 1.0) ** 2)
        grads.append([g.numpy() for g in tape.gradient(loss, model.trainable_variables)])
    assert all(np.allclose(g1, g2) for g1, g2 in zip(*grads)) and np.abs(grads[0][0]).sum() > 0
    with_op.compile(optimizer=keras.optimizers.Adam(0.05), loss="mse")
    history = with_op.fit(A, B[:, :1], epochs=30, verbose=0)
    assert history.history["loss"][-1] < history.history["loss"][0] / 2


def test_op_layers_are_named_after_the_function_and_listed_by_summary(capsys):
    x = keras.Input(shape=(3,))
    y = tf.math.l2_normalize(tf.linalg.l2_normalize(x, axis=1), axis=1)
    model = keras.Model(x, keras.ops.sum(y + 1.0, axis=1))
    names = [layer.name for layer in model.layers[1:]]
    assert names == ["tf.math.l2_normalize", "tf.math.l2_normalize_1", "tf.math.add", "keras.ops.sum"]
    assert all(type(layer) is TFOpLambda for layer in model.layers[1:]) and model.output_shape == (None,)
    model.summary(line_length=100)
    assert "tf.math.l2_normalize_1 (TFOpLambda)" in capsys.readouterr().out


def test_symbolic_outputs_have_the_functions_dtypes_and_shapes():
    x = keras.Input(shape=(3, 2))
    assert (x > 0).dtype == "bool" and tf.argmax(x, axis=1).dtype == "int64"
    assert tuple(tf.reduce_sum(x, axis=0).shape) == (3, 2)  # over the batch: no batch axis left
    assert tuple(tf.transpose(x, perm=[0, 2, 1]).shape) == (None, 2, 3)
    assert tuple(tf.reshape(x, (-1, 6)).shape) == (None, 6)
    assert tuple(x[:, 0].shape) == (None, 2) and tuple((1.0 - x).shape) == (None, 3, 2)


def test_shared_functions_stay_the_same_objects():
    assert tf.linalg.l2_normalize is tf.nn.l2_normalize and keras.ops.square is tf.math.square
    assert tf.nn.swish is tf.nn.silu and tf.nn.sigmoid is keras.activations.sigmoid
    assert tf.reduce_sum.__name__ == "reduce_sum" and "axis" in tf.reduce_sum.__doc__


def test_bad_arguments_are_refused_when_the_graph_is_made():
    x = keras.Input(shape=(3,))
    with pytest.raises(ValueError, match="axis"):
        tf.reduce_sum(x, axis=5)
    with pytest.raises(TypeError, match="Python bool"):
        bool(x > 0)
    with pytest.raises(TypeError, match="NumPy cannot use it"):
        np.asarray(x)
    with pytest.raises(TypeError, match="cannot be iterated"):
        first, second, third = x


def test_numpy_operands_on_the_left_give_op_layers():
    x = keras.Input(shape=(2,))
    scale = np.array([2.0, 3.0], dtype="float32")
    model = keras.Model(x, scale * x + np.float32(1.0))
    assert np.allclose(model.predict(np.ones((1, 2), "float32"), verbose=0), [[3.0, 4.0]])


def test_saving_a_model_with_an_op_layer_is_refused_naming_it(tmp_path):
    x = keras.Input(shape=(3,))
    model = keras.Model(x, tf.linalg.l2_normalize(keras.layers.Dense(2)(x), axis=1))
    with pytest.raises(NotImplementedError, match=r"tf\.math\.l2_normalize.*UnitNormalization"):
        model.save(tmp_path / "model.keras")
    assert not (tmp_path / "model.keras").exists()


def test_unit_normalization_is_the_saveable_l2_normalize(tmp_path):
    x = keras.Input(shape=(4,))
    model = keras.Model(x, keras.layers.UnitNormalization()(keras.layers.Dense(3)(x)))
    out = model.predict(A, verbose=0)
    hidden = A @ model.layers[1].get_weights()[0] + model.layers[1].get_weights()[1]
    assert np.allclose(out, hidden / np.linalg.norm(hidden, axis=1, keepdims=True), rtol=1e-5)
    assert np.allclose(keras.layers.UnitNormalization(axis=[0, 1])(np.ones((2, 2), "float32")).numpy(), 0.5)
    assert np.all(keras.layers.UnitNormalization()(np.zeros((1, 3), "float32")).numpy() == 0)
    model.save(tmp_path / "unit.keras")
    loaded = keras.models.load_model(tmp_path / "unit.keras")
    assert np.allclose(loaded.predict(A, verbose=0), out) and loaded.layers[2].axis == -1
    with pytest.raises(TypeError, match="axis"):
        keras.layers.UnitNormalization(axis="last")
    with pytest.raises(ValueError, match="out of bounds"):
        keras.layers.UnitNormalization(axis=2)(keras.Input(shape=(3,)))
