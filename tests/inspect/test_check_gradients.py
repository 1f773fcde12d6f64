"""inspect.check_gradients: backprop against finite differences for every weight of a model."""
import numpy as np

import glassnet as tf
from glassnet.autodiff.primitive import primitive
from glassnet.inspect import check_gradients
from glassnet.keras import layers, regularizers
from glassnet.keras.models import Sequential

RNG = np.random.default_rng(0)
X = RNG.normal(size=(6, 3)).astype("float32")
Y = (RNG.random((6, 1)) > 0.5).astype("float32")


@primitive
def wrong_square(x):
    """x², with the gradient off by a factor of 3 (2x is right): the bug the tool must find."""
    return x * x, lambda g: g * 6 * x


class Squared(layers.Layer):
    def build(self, input_shape):
        self.scale = self.add_weight(shape=(input_shape[-1],), initializer="ones", name="scale")

    def call(self, x):
        return wrong_square(x * self.scale)


def _model(extra=None):
    tf.keras.utils.set_random_seed(1)
    stack = [tf.keras.Input(shape=(3,)), layers.Dense(4, activation="tanh", kernel_regularizer=regularizers.L2(0.1))]
    stack += [extra] if extra is not None else []
    model = Sequential(stack + [layers.Dense(1, activation="sigmoid")])
    model.compile(optimizer="adam", loss="binary_crossentropy")
    return model


def test_a_correct_model_agrees_to_float64_precision_and_is_left_as_it_was():
    model = _model()
    model.fit(X, Y, epochs=1, verbose=0)  # packs the weights into the optimizer's flat buffer
    arrays = [v.value for v in model.weights]
    before = [a.copy() for a in arrays]
    report = check_gradients(model, X, Y)
    assert report.ok and report.max_error < 1e-6
    assert [row[0] for row in report.rows] == [v.path for v in model.trainable_weights]
    assert all(v.value is a for v, a in zip(model.weights, arrays))  # the same arrays, in float32
    assert all(np.array_equal(a, b) and a.dtype == np.float32 for a, b in zip(arrays, before))
    assert all(layer.dtype == "float32" for layer in model.layers)
    model.fit(X, Y, epochs=1, verbose=0)  # training goes on as before
    assert "ok: backprop agrees" in str(report)


def test_a_wrong_gradient_in_a_users_layer_is_named():
    model = _model(Squared(name="squared"))
    report = check_gradients(model, X, Y)
    assert not report.ok
    worst = max(report.rows, key=lambda row: row[2])
    assert worst[2] > 0.3
    errors = dict((path, error) for path, _, error in report.rows)
    assert errors["sequential/squared/scale"] > 0.3  # the layer's own weight is off
    assert "WRONG" in str(report) and "| weight | shape |" in report._repr_markdown_()


def test_dropout_does_not_make_the_two_sides_disagree():
    """Both sides run with training=False: one deterministic function, even with Dropout(0.5)."""
    report = check_gradients(_model(layers.Dropout(0.5)), X, Y)
    assert report.ok and len(report.rows) == 4
