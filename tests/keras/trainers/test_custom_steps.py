"""Overriding train_step, test_step, predict_step and compute_loss, as Keras's guide
"Customizing what happens in fit()" does; and the compile arguments that go with them."""
import numpy as np
import pytest

import glassnet as tf
from glassnet.keras import callbacks, metrics
from glassnet.keras.layers import Dense
from glassnet.keras.models import Model, Sequential


def _data(n=64, seed=0):
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(n, 3)).astype("float32")
    y = (x @ np.array([[1.0], [-2.0], [0.5]], dtype="float32") + 0.3).astype("float32")
    return x, y


class GuideModel(Sequential):
    """The guide's first example (Keras 3, TensorFlow edition), with a call counter."""

    steps = 0

    def train_step(self, data):
        type(self).steps += 1
        x, y = data
        with tf.GradientTape() as tape:
            y_pred = self(x, training=True)
            loss = self.compute_loss(y=y, y_pred=y_pred)
        trainable_vars = self.trainable_variables
        gradients = tape.gradient(loss, trainable_vars)
        self.optimizer.apply(gradients, trainable_vars)
        for metric in self.metrics:
            if metric.name == "loss":
                metric.update_state(loss)
            else:
                metric.update_state(y, y_pred)
        return {m.name: m.result() for m in self.metrics}


class Tf2GuideModel(Sequential):
    """The same step as tf.keras 2's guide wrote it: compiled_loss and compiled_metrics."""

    def train_step(self, data):
        x, y = data
        with tf.GradientTape() as tape:
            y_pred = self(x, training=True)
            loss = self.compiled_loss(y, y_pred, regularization_losses=self.losses)
        trainable_vars = self.trainable_variables
        gradients = tape.gradient(loss, trainable_vars)
        self.optimizer.apply_gradients(zip(gradients, trainable_vars))
        self.compiled_metrics.update_state(y, y_pred)
        return {m.name: m.result() for m in self.metrics}


def _trained(cls, seed=3, **compile_args):
    x, y = _data()
    tf.keras.utils.set_random_seed(seed)
    model = cls([Dense(4, activation="relu"), Dense(1)])
    model.compile(optimizer="sgd", loss="mse", metrics=["mae"], **compile_args)
    history = model.fit(x, y, batch_size=16, epochs=3, shuffle=False, verbose=0)
    return model, history


@pytest.mark.parametrize("cls", [GuideModel, Tf2GuideModel])
def test_a_guide_train_step_is_called_once_per_batch_and_trains_like_the_default(cls):
    GuideModel.steps = 0
    custom, custom_history = _trained(cls)
    default, default_history = _trained(Sequential)
    if cls is GuideModel:
        assert GuideModel.steps == 3 * 4
    assert sorted(custom_history.history) == ["loss", "mae"]
    np.testing.assert_allclose(custom_history.history["mae"], default_history.history["mae"], rtol=1e-6)
    np.testing.assert_allclose(custom_history.history["loss"], default_history.history["loss"], rtol=1e-6)
    for mine, reference in zip(custom.get_weights(), default.get_weights()):
        np.testing.assert_allclose(mine, reference, rtol=1e-6, atol=1e-7)


def test_metrics_lists_the_loss_tracker_and_the_compiled_metrics():
    model = Sequential([Dense(1)])
    model.compile(optimizer="sgd", loss="mse", metrics=["mae"])
    assert model.metrics_names == ["loss", "compile_metrics"]


def test_a_train_step_with_its_own_trackers_and_no_compiled_loss():
    loss_tracker = metrics.Mean(name="loss")
    mae_metric = metrics.MeanAbsoluteError(name="mae")

    class Lower(Model):
        def __init__(self):
            super().__init__()
            self.dense = Dense(1)

        def call(self, x):
            return self.dense(x)

        def train_step(self, data):
            x, y = data
            with tf.GradientTape() as tape:
                y_pred = self(x, training=True)
                loss = tf.keras.losses.mean_squared_error(y, y_pred)
            gradients = tape.gradient(loss, self.trainable_variables)
            self.optimizer.apply_gradients(zip(gradients, self.trainable_variables))
            loss_tracker.update_state(loss)
            mae_metric.update_state(y, y_pred)
            return {"loss": loss_tracker.result(), "mae": mae_metric.result()}

        @property
        def metrics(self):
            return [loss_tracker, mae_metric]

    model = Lower()
    model.compile(optimizer="adam")
    x, y = _data()
    history = model.fit(x, y, epochs=3, verbose=0)
    assert sorted(history.history) == ["loss", "mae"]
    assert history.history["loss"][2] < history.history["loss"][0]
    # reset_metrics at each epoch: the first epoch's mean is not carried into the second
    assert loss_tracker.count.numpy() <= len(x)


def test_custom_test_step_and_predict_step_are_used():
    class Custom(Sequential):
        def test_step(self, data):
            x, y = data
            y_pred = self(x, training=False)
            self.compiled_loss(y, y_pred)
            return {"loss": self.metrics[0].result(), "custom": 7.0}

        def predict_step(self, data):
            return self(data, training=False) * 2.0

    model = Custom([Dense(1, kernel_initializer="ones")])
    model.compile(optimizer="sgd", loss="mse")
    x, y = _data()
    assert model.evaluate(x, y, verbose=0, return_dict=True)["custom"] == 7.0
    np.testing.assert_allclose(model.predict(x, verbose=0), 2.0 * model(x).numpy(), rtol=1e-6)
    history = model.fit(x, y, validation_data=(x, y), verbose=0)
    assert history.history["val_custom"] == [7.0]


def test_compute_loss_override_is_what_fit_minimises():
    class Absolute(Sequential):
        def compute_loss(self, x, y, y_pred, sample_weight, training=True):
            return tf.reduce_mean(tf.math.abs(y_pred - y))

    x, y = _data()
    model = Absolute([Dense(1, kernel_initializer="zeros")])
    model.compile(optimizer="sgd", loss="mse")
    model.fit(x, y, epochs=1, batch_size=64, shuffle=False, verbose=0)
    # one SGD step on mean |y_pred - y| from zero weights: d/dw = mean(-sign(y) * x)
    expected = 0.01 * np.mean(np.sign(y) * x, axis=0)
    np.testing.assert_allclose(model.layers[0].kernel.numpy()[:, 0], expected, rtol=1e-5)


def test_loss_weights_scale_the_loss_as_keras():
    x, y = _data()
    model = Sequential([Dense(1, kernel_initializer="ones")])
    model.compile(optimizer="sgd", loss="mse")
    plain = model.evaluate(x, y, verbose=0)
    for weights in (0.5, [0.5], {"output": 0.5}):
        model.compile(optimizer="sgd", loss="mse", loss_weights=weights)
        assert model.evaluate(x, y, verbose=0) == pytest.approx(0.5 * plain, rel=1e-6)
    with pytest.raises(ValueError, match="loss_weights"):
        model.compile(optimizer="sgd", loss="mse", loss_weights="a")
    with pytest.raises(ValueError, match="2 weights"):
        model.compile(optimizer="sgd", loss="mse", loss_weights=[1.0, 2.0])


def test_weighted_metrics_use_the_sample_weights():
    x, y = _data()
    weights = np.arange(len(x), dtype="float32")
    model = Sequential([Dense(1, kernel_initializer="ones")])
    model.compile(optimizer="sgd", loss="mse", metrics=["mae"], weighted_metrics=["mae"])
    logs = model.evaluate(x, y, sample_weight=weights, verbose=0, return_dict=True)
    errors = np.abs(model.predict(x, verbose=0) - y)[:, 0]
    assert logs["mae"] == pytest.approx(errors.mean(), rel=1e-5)
    assert logs["weighted_mae"] == pytest.approx(np.sum(errors * weights) / weights.sum(), rel=1e-5)


def test_steps_per_execution_groups_the_batch_callbacks():
    ends = []
    model = Sequential([Dense(1)])
    model.compile(optimizer="sgd", loss="mse", steps_per_execution=2)
    x, y = _data()
    model.fit(x, y, batch_size=16, verbose=0,
              callbacks=[callbacks.LambdaCallback(on_train_batch_end=lambda batch, logs: ends.append(batch))])
    assert ends == [1, 3]


@pytest.mark.parametrize("argument, value", [("run_eagerly", "yes"), ("jit_compile", "always"),
                                             ("steps_per_execution", 0), ("auto_scale_loss", 2)])
def test_compile_refuses_bad_values_of_the_arguments_it_accepts(argument, value):
    with pytest.raises((ValueError, TypeError), match=argument):
        Sequential([Dense(1)]).compile(loss="mse", **{argument: value})


def test_a_model_without_any_loss_says_so():
    model = Sequential([Dense(1)])
    model.compile(optimizer="sgd")
    with pytest.raises(ValueError, match="No loss to compute"):
        model.fit(*_data(), verbose=0)


def test_compiled_without_an_optimizer_the_model_evaluates_but_says_it_cannot_train():
    x, y = _data()
    model = Sequential([Dense(1)])
    model.compile(optimizer=None, loss="mse")
    assert np.isfinite(model.evaluate(x, y, verbose=0))
    for train in (lambda: model.fit(x, y, verbose=0), lambda: model.train_on_batch(x, y)):
        with pytest.raises(ValueError, match="optimizer=None"):
            train()
