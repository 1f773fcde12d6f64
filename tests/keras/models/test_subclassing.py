"""User-written layers and models, as Keras's guide "Making new layers and models via
subclassing" writes them: call without `training`, weights in lists and dicts, add_weight,
build, add_loss, activity regularizers and frozen layers."""
import threading

import numpy as np
import pytest

import glassnet as tf
from glassnet.autodiff import ops
from glassnet.keras import layers, regularizers
from glassnet.keras.layers import Dense, Dropout, Layer
from glassnet.keras.models import Model, Sequential


class Linear(Layer):
    """The guide's first layer: weights made in build, a call without `training`."""

    def __init__(self, units=32):
        super().__init__()
        self.units = units

    def build(self, input_shape):
        self.w = self.add_weight(shape=(input_shape[-1], self.units), initializer="random_normal", trainable=True)
        self.b = self.add_weight(shape=(self.units,), initializer="random_normal", trainable=True)

    def call(self, inputs):
        return ops.matmul(inputs, self.w) + self.b


class LinearInInit(Layer):
    """The guide's variant that knows its input size and creates its weights in __init__."""

    def __init__(self, units=4, input_dim=3):
        super().__init__()
        self.w = self.add_weight(shape=(input_dim, units), initializer="random_normal")
        self.b = self.add_weight(shape=(units,), initializer="zeros")

    def call(self, inputs):
        return ops.matmul(inputs, self.w) + self.b


class ListModel(Model):
    def __init__(self):
        super().__init__()
        self.blocks = [Dense(5, activation="relu"), Dense(4, activation="relu")]
        self.head = Dense(1)

    def call(self, x):
        for block in self.blocks:
            x = block(x)
        return self.head(x)


def _data(n=32, features=3, seed=0):
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(n, features)).astype("float32")
    return x, (x @ np.array([[1.0], [-2.0], [0.5]], dtype="float32")[:features] + 0.3).astype("float32")


def test_a_call_without_training_works_inside_sequential_and_trains():
    x, y = _data()
    model = Sequential([Linear(4), Dense(1)])
    model.compile(optimizer="sgd", loss="mse")
    before = model.get_weights()
    history = model.fit(x, y, epochs=3, verbose=0)
    assert len(model.weights) == 4
    assert all(not np.array_equal(a, b) for a, b in zip(before, model.get_weights()))
    assert history.history["loss"][-1] < history.history["loss"][0]


@pytest.mark.parametrize("signature", ["plain", "training_none", "mask", "kwargs"])
def test_training_reaches_only_a_call_that_takes_it(signature):
    seen = []

    class Probe(Layer):
        if signature == "plain":
            def call(self, inputs):
                seen.append("none")
                return inputs
        elif signature == "training_none":
            def call(self, inputs, training=None):
                seen.append(training)
                return inputs
        elif signature == "mask":
            def call(self, inputs, mask=None):
                seen.append("none")
                return inputs
        else:
            def call(self, inputs, **kwargs):
                seen.append(kwargs.get("training"))
                return inputs

    model = Sequential([Probe(), Dense(1)])
    model.compile(optimizer="sgd", loss="mse")
    x, y = _data(8)
    model.fit(x, y, batch_size=8, epochs=1, verbose=0)
    model.predict(x, verbose=0)
    expected_fit = "none" if signature in ("plain", "mask") else True
    expected_predict = "none" if signature in ("plain", "mask") else False
    assert seen[-2:] == [expected_fit, expected_predict]


def test_weights_made_in_init_are_tracked_and_train():
    layer = LinearInInit()
    assert [w.name for w in layer.weights] == ["variable", "variable_1"]  # Keras's names for unnamed weights
    model = Sequential([layer])
    model.compile(optimizer="sgd", loss="mse")
    x, y = _data()
    before = layer.get_weights()
    model.fit(x, np.repeat(y, 4, axis=1), epochs=1, verbose=0)
    assert all(not np.array_equal(a, b) for a, b in zip(before, layer.get_weights()))


def test_a_layer_list_in_a_subclassed_model_reports_and_trains_every_weight():
    model = ListModel()
    model.compile(optimizer="adam", loss="mse")
    x, y = _data()
    model(x)
    assert len(model.weights) == 6
    assert len(model.trainable_weights) == 6
    assert [layer.name for layer in model.layers] == [model.blocks[0].name, model.blocks[1].name, model.head.name]
    before = model.get_weights()
    model.fit(x, y, epochs=2, verbose=0)
    assert all(not np.array_equal(a, b) for a, b in zip(before, model.get_weights()))


def test_layers_in_dicts_tuples_nested_layers_and_appends_after_assignment_are_tracked():
    class Block(Layer):
        def __init__(self):
            super().__init__()
            self.inner = {"a": Dense(3), "b": (Dense(3), Dense(2))}

        def call(self, x):
            return self.inner["b"][1](self.inner["b"][0](self.inner["a"](x)))

    class Net(Model):
        def __init__(self):
            super().__init__()
            self.stack = []
            self.stack.append(Block())   # appended after the list was assigned
            self.stack.append(Dense(1))

        def call(self, x):
            for layer in self.stack:
                x = layer(x)
            return x

    model = Net()
    model(np.ones((2, 4), dtype="float32"))
    assert len(model.weights) == 8
    assert model.count_params() == (4 * 3 + 3) + (3 * 3 + 3) + (3 * 2 + 2) + (2 + 1)
    model.stack.pop()
    assert len(model.weights) == 6


def test_variables_assigned_directly_are_tracked():
    class Scale(Layer):
        def __init__(self):
            super().__init__()
            self.scale = tf.Variable(np.float32(2.0))
            self.offsets = [tf.Variable(np.zeros(3, dtype="float32"))]

        def call(self, x):
            return x * self.scale + self.offsets[0]

    layer = Scale()
    assert len(layer.trainable_weights) == 2
    model = Sequential([layer])
    model.compile(optimizer="sgd", loss="mse")
    model.fit(np.ones((4, 3), "float32"), np.zeros((4, 3), "float32"), verbose=0)
    assert layer.scale.numpy() < 2.0


def test_add_weight_takes_keras_arguments():
    class Custom(Layer):
        def build(self, input_shape):
            self.kernel = self.add_weight(shape=(input_shape[-1], 2), initializer="ones", name="kernel",
                                          regularizer=regularizers.L2(0.5), dtype="float64")
            self.count = self.add_weight(shape=(), dtype="int32", trainable=False, name="count")
            self.frozen = self.add_weight(shape=(2,), initializer="ones", trainable=False, name="frozen")

        def call(self, x):
            self.count.assign_add(1)
            return ops.matmul(ops.cast(x, dtype="float64"), self.kernel)

    layer = Custom()
    layer(np.ones((1, 3), "float32"))
    assert layer.kernel.dtype == np.float64 and layer.kernel.path.endswith("/kernel")
    assert layer.count.dtype == np.int32 and int(layer.count.numpy()) == 1
    assert [w.name for w in layer.weights] == ["kernel", "count", "frozen"]
    assert [w.name for w in layer.trainable_weights] == ["kernel"]
    assert float(layer.losses[0].numpy()) == pytest.approx(0.5 * 6.0)


def test_weights_are_listed_trainable_first_as_keras_does():
    class Mixed(Layer):
        def build(self, input_shape):
            self.moving = self.add_weight(shape=(2,), trainable=False, name="moving")
            self.gamma = self.add_weight(shape=(2,), name="gamma")

    layer = Mixed()
    layer.build((None, 2))
    assert [w.name for w in layer.weights] == ["gamma", "moving"]


def test_build_gets_the_input_shape_and_runs_once():
    shapes = []

    class Recorder(Layer):
        def build(self, input_shape):
            shapes.append(tuple(input_shape))
            self.w = self.add_weight(shape=(input_shape[-1],), initializer="ones")

        def call(self, x):
            return x * self.w

    layer = Recorder()
    layer(np.ones((5, 7), "float32"))
    layer(np.ones((2, 7), "float32"))
    assert shapes == [(None, 7)]


def test_a_variable_with_trainable_false_inside_fit_does_not_crash_and_does_not_move():
    model = Sequential([Dense(3), Dense(1)])
    model.compile(optimizer="adam", loss="mse")
    x, y = _data()
    model.build((None, 3))
    model.layers[0].kernel.trainable = False
    frozen = model.layers[0].kernel.numpy()
    model.fit(x, y, epochs=2, verbose=0)
    np.testing.assert_array_equal(model.layers[0].kernel.numpy(), frozen)
    assert len(model.trainable_weights) == 3


def test_freezing_a_layer_freezes_its_sublayers_and_variables():
    class Outer(Layer):
        def __init__(self):
            super().__init__()
            self.inner = Dense(3)
            self.extra = Dense(2)

        def call(self, x):
            return self.extra(self.inner(x))

    outer = Outer()
    model = Sequential([outer, Dense(1)])
    model.build((None, 3))
    outer.inner.trainable = False
    assert len(model.trainable_weights) == 4
    model.compile(optimizer="sgd", loss="mse")
    frozen = outer.inner.get_weights()
    x, y = _data()
    model.fit(x, y, epochs=1, verbose=0)
    for before, after in zip(frozen, outer.inner.get_weights()):
        np.testing.assert_array_equal(before, after)
    outer.trainable = False
    assert len(model.trainable_weights) == 2 and not outer.extra.trainable
    outer.trainable = True
    assert len(model.trainable_weights) == 6


def test_add_loss_is_minimised_by_fit_and_reported_by_evaluate():
    class ActivityPenalty(Layer):
        def __init__(self, rate):
            super().__init__()
            self.rate = rate

        def call(self, inputs):
            self.add_loss(self.rate * ops.sum(inputs * inputs))
            return inputs

    model = Sequential([Dense(2, kernel_initializer="ones"), ActivityPenalty(0.1), Dense(1)])
    model.compile(optimizer="sgd", loss="mse")
    x, y = _data()
    model(x)
    hidden = x @ model.layers[0].kernel.numpy() + model.layers[0].bias.numpy()
    prediction = model.predict(x, batch_size=32, verbose=0)
    expected = np.mean((prediction - y) ** 2) + 0.1 * np.sum(hidden ** 2)
    assert model.evaluate(x, y, batch_size=32, verbose=0) == pytest.approx(expected, rel=1e-5)
    assert len(model.losses) == 1  # the last call's, not every call's

    # A model whose only loss is add_loss trains towards it (compile without a loss).
    only = Sequential([Dense(2), ActivityPenalty(1.0)])
    only.compile(optimizer="sgd")
    history = only.fit(x, epochs=5, batch_size=32, verbose=0)
    assert history.history["loss"][-1] < history.history["loss"][0]


def test_activity_regularizer_adds_its_penalty_divided_by_the_batch_size():
    layer = Dense(2, kernel_initializer="ones", activity_regularizer=regularizers.L2(0.01))
    x = np.arange(6, dtype="float32").reshape(3, 2)
    out = layer(x).numpy()
    assert len(layer.losses) == 1
    assert float(layer.losses[0].numpy()) == pytest.approx(0.01 * np.sum(out ** 2) / 3, rel=1e-6)
    assert layer.get_config()["activity_regularizer"]["class_name"] == "L2"


def test_training_comes_from_the_outer_call():
    class Noisy(Layer):
        def __init__(self):
            super().__init__()
            self.dropout = Dropout(0.5)

        def call(self, x):
            return self.dropout(x)   # no training passed: it comes from the outer call

    layer = Noisy()
    x = np.ones((100, 10), "float32")
    assert np.array_equal(layer(x).numpy(), x)
    assert not np.array_equal(layer(x, training=True).numpy(), x)


def test_threads_calling_an_unbuilt_model_build_it_once():
    model = Sequential([Dense(5), Dense(1)])
    x = np.ones((4, 3), "float32")
    barrier = threading.Barrier(8)
    results = []

    def run():
        barrier.wait()
        results.append(model.predict(x, verbose=0))

    threads = [threading.Thread(target=run) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(model.weights) == 4
    assert all(np.array_equal(r, results[0]) for r in results)


def test_a_refused_predict_leaves_the_model_unbuilt():
    model = Sequential([Dense(2), Dense(1)])
    with pytest.raises(ValueError):
        model.predict(np.ones((4,), "float32"), verbose=0)
    assert not model.built and model.weights == []
    model.add(Dense(3))
    assert model.predict(np.ones((4, 2), "float32"), verbose=0).shape == (4, 3)
    assert len(model.weights) == 6


def test_count_params_on_an_unbuilt_model_raises():
    with pytest.raises(ValueError, match="isn't built"):
        Sequential([Dense(2)]).count_params()


def test_sequential_refuses_a_bare_layer():
    with pytest.raises(TypeError, match="list of layers"):
        Sequential(Dense(2))


def test_custom_layers_get_their_output_shape_by_running_call():
    class Doubler(Layer):
        def call(self, x):
            return ops.concat([x, x], axis=-1) if hasattr(ops, "concat") else ops.matmul(x, np.ones((3, 6), "float32"))

    model = Sequential([layers.Input(shape=(3,)), Doubler(), Dense(2)])
    assert model.layers[0].output.shape.as_list() == [None, 6]
    assert model.layers[1].kernel.shape == (6, 2)


def test_add_weight_keeps_aggregation_and_refuses_what_it_cannot_do():
    layer = Layer()
    variable = layer.add_weight(shape=(2,), aggregation="mean", name="v")
    assert variable.aggregation == "mean"
    with pytest.raises(ValueError, match="aggregation"):
        layer.add_weight(shape=(2,), aggregation="max")
    with pytest.raises(ValueError, match="overwrite_with_gradient"):
        layer.add_weight(shape=(2,), overwrite_with_gradient=True)
    assert len(layer.weights) == 1


def test_summary_takes_keras_arguments():
    inner = Sequential([Dense(3, name="inner_dense")], name="inner")
    model = Sequential([layers.Input(shape=(4,)), inner, Dense(2, name="d2"), Dense(1, name="d3")])
    lines = []
    model.summary(print_fn=lines.append, expand_nested=True)
    assert "└ inner_dense (Dense)" in lines[0]
    lines.clear()
    model.summary(print_fn=lines.append, layer_range=["d2", "d3"])
    assert "d2 (Dense)" in lines[0] and "inner (Sequential)" not in lines[0]
    lines.clear()
    model.summary(print_fn=lines.append, line_length=60, positions=[0.5, 0.75, 1.0])
    header = lines[0].splitlines()[2]
    assert header.index("Output Shape") == 32 and len(header) == 60
    with pytest.raises(ValueError, match="layer_range"):
        model.summary(layer_range=["d2"])


def test_add_weight_resolves_constraints_by_name_and_fit_applies_them():
    class Positive(Layer):
        def build(self, input_shape):
            self.w = self.add_weight(shape=(input_shape[-1], 1), initializer="ones", constraint="non_neg")

        def call(self, x):
            return ops.matmul(x, self.w)

    model = Sequential([Positive()])
    model.compile(optimizer=tf.keras.optimizers.SGD(learning_rate=1.0), loss="mse")
    x = np.ones((8, 2), "float32")
    model.fit(x, -10 * np.ones((8, 1), "float32"), epochs=1, batch_size=8, verbose=0)  # w: 1 - 24 < 0
    assert np.all(model.layers[0].w.numpy() >= 0) and np.any(model.layers[0].w.numpy() == 0)


def test_a_user_schedule_comes_back_through_custom_objects_and_metric_state_keeps_its_aggregation():
    from glassnet.keras.optimizers import SGD, schedules

    class Halving(schedules.LearningRateSchedule):
        def __init__(self, start):
            self.start = start

        def __call__(self, step):
            return self.start * 0.5 ** np.asarray(step, "float32")

        def get_config(self):
            return {"start": self.start}

    config = SGD(learning_rate=Halving(0.4)).get_config()
    restored = SGD.from_config(config, custom_objects={"Halving": Halving})
    assert float(restored.learning_rate) == pytest.approx(0.4)  # the schedule at step 0
    assert restored._learning_rate.start == 0.4
    metric = tf.keras.metrics.Mean()
    assert metric.add_variable(shape=(), initializer="zeros", aggregation="mean", name="s").aggregation == "mean"
    with pytest.raises(ValueError, match="aggregation"):
        metric.add_variable(shape=(), initializer="zeros", aggregation="max", name="t")
