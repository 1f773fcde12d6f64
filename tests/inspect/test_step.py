"""inspect.step: one training step laid open, with the numbers fit really uses.

The truth it is held to: what ``fit`` applies for the same batch (bit for bit, on the compiled
Dense plan and on the tape), hand-computed gradients, and the model left exactly as it was.
"""
import numpy as np
import pytest

import glassnet
from glassnet import inspect
from glassnet.keras import Input, Model, Sequential, layers, optimizers
from glassnet.keras.models import dense_plan
from glassnet.keras.optimizers import flat
from glassnet.keras.optimizers.optimizer import Optimizer


def _data(seed=0, n=16, features=5, classes=3):
    rng = np.random.default_rng(seed)
    return rng.normal(size=(n, features)).astype("float32"), rng.integers(0, classes, size=n)


def _dense_model(seed=1, regularizer=None, optimizer="adam", functional=False):
    glassnet.random.set_seed(seed)
    stack = [layers.Dense(4, activation="sigmoid", kernel_regularizer=regularizer),
             layers.Dense(3, activation="relu"), layers.Dense(3)]
    if functional:  # x = Input(...); x = Dense(...)(x); ...: a chain the compiled plan trains too
        x = inputs = Input((5,))
        for layer in stack:
            x = layer(x)
        model = Model(inputs, x)
    else:
        model = Sequential([Input((5,)), *stack])
    model.compile(optimizer=optimizers.get(optimizer), loss=glassnet.keras.losses.SparseCategoricalCrossentropy(
        from_logits=True))
    return model


def _fit_one_step(model, x, y, monkeypatch):
    """One fit step on the whole batch; returns (grads fit computed, updates it applied, plan steps)."""
    plan_steps, applied = [], []
    call, apply = dense_plan.DensePlan.__call__, Optimizer.apply
    monkeypatch.setattr(dense_plan.DensePlan, "__call__", lambda plan, *a: plan_steps.append(1) or call(plan, *a))
    monkeypatch.setattr(Optimizer, "apply", lambda opt, g, v=None: applied.append([np.array(getattr(a, "value", a))
                                                                                  for a in g]) or apply(opt, g, v))
    before = model.get_weights()
    model.fit(x, y, batch_size=len(x), epochs=1, shuffle=False, verbose=0)
    updates = [after - old for after, old in zip(model.get_weights(), before)]
    if plan_steps and model.optimizer._flat is not None and not applied:  # packed: fit wrote the gradients here
        grads = [np.array(g) for g in flat.views(model.optimizer._flat[2], model.trainable_weights)]
    else:
        grads = applied[0]
    return grads, updates, len(plan_steps)


def _trace_grads_and_updates(trace):
    grads = [g for call in trace.layers for g in call.grads]
    updates = [u for call in trace.layers for u in call.updates]
    return grads, updates


@pytest.mark.parametrize("functional", [False, True])
@pytest.mark.parametrize("optimizer", ["adam", "sgd", "rmsprop"])
def test_step_equals_fit_on_the_compiled_plan_bit_for_bit(optimizer, functional, monkeypatch):
    x, y = _data()
    traced = _dense_model(optimizer=optimizer, functional=functional)
    trained = _dense_model(optimizer=optimizer, functional=functional)
    trace = inspect.step(traced, x, y)
    grads, updates, plan_steps = _fit_one_step(trained, x, y, monkeypatch)
    assert plan_steps == 1  # fit took the compiled Dense plan, not the tape
    trace_grads, trace_updates = _trace_grads_and_updates(trace)
    for mine, fits in zip(trace_grads + trace_updates, grads + updates, strict=True):
        assert mine.dtype == fits.dtype == np.float32
        np.testing.assert_array_equal(mine, fits)
    assert np.any(trace_updates[0] != 0)


@pytest.mark.parametrize("functional", [False, True])
def test_step_equals_fit_on_the_tape_bit_for_bit(functional, monkeypatch):
    x, y = _data()
    traced = _dense_model(regularizer="l2", functional=functional)
    trained = _dense_model(regularizer="l2", functional=functional)
    trace = inspect.step(traced, x, y)
    grads, updates, plan_steps = _fit_one_step(trained, x, y, monkeypatch)
    assert plan_steps == 0  # the penalty keeps fit on the tape
    trace_grads, trace_updates = _trace_grads_and_updates(trace)
    for mine, fits in zip(trace_grads + trace_updates, grads + updates, strict=True):
        np.testing.assert_array_equal(mine, fits)


def test_the_loss_is_the_batch_loss_with_its_penalties():
    x, y = _data()
    model = _dense_model(regularizer=glassnet.keras.regularizers.L2(0.1))
    trace = inspect.step(model, x, y)
    logits = model(x).numpy()
    shifted = logits - logits.max(axis=1, keepdims=True)
    cross_entropy = np.mean(np.log(np.exp(shifted).sum(axis=1)) - shifted[np.arange(len(y)), y])
    penalty = 0.1 * np.sum(model.layers[0].kernel.numpy() ** 2)
    assert trace.loss == pytest.approx(cross_entropy + penalty, rel=1e-5)


def test_the_model_is_left_exactly_as_it_was():
    x, y = _data()
    glassnet.random.set_seed(3)
    model = Sequential([Input((5,)), layers.Dense(4, activation="relu"), layers.Dropout(0.5), layers.Dense(3)])
    model.compile(optimizer="adam", loss=glassnet.keras.losses.SparseCategoricalCrossentropy(from_logits=True),
                  metrics=["accuracy"])
    model.fit(x, y, epochs=1, verbose=0)
    weights, slots = model.get_weights(), [v.numpy() for v in model.optimizer.variables]
    inspect.step(model, x, y)
    for before, after in zip(weights + slots, model.get_weights() + [v.numpy() for v in model.optimizer.variables]):
        np.testing.assert_array_equal(before, after)


def test_training_after_a_look_is_bit_identical_to_training_without_it():
    x, y = _data()

    def train(look):
        glassnet.random.set_seed(3)
        model = Sequential([Input((5,)), layers.Dense(4, activation="relu"), layers.Dropout(0.5), layers.Dense(3)])
        model.compile(optimizer="adam", loss=glassnet.keras.losses.SparseCategoricalCrossentropy(from_logits=True))
        if look:
            inspect.step(model, x, y)
        model.fit(x, y, epochs=2, batch_size=4, verbose=0)
        return model.get_weights()

    for with_look, without in zip(train(True), train(False), strict=True):
        np.testing.assert_array_equal(with_look, without)


def test_apply_keeps_the_step_as_train_on_batch_takes_it():
    x, y = _data()
    traced, trained = _dense_model(), _dense_model()
    trace = inspect.step(traced, x, y, apply=True)
    trained.train_on_batch(x, y)
    for mine, theirs in zip(traced.get_weights(), trained.get_weights()):
        np.testing.assert_array_equal(mine, theirs)
    assert int(traced.optimizer.iterations.numpy()) == 1
    np.testing.assert_array_equal(trace.layers[0].weights[0] + trace.layers[0].updates[0],
                                  traced.layers[0].kernel.numpy())


def test_each_layer_shows_inputs_z_a_and_da_as_computed_by_hand():
    glassnet.random.set_seed(0)
    model = Sequential([Input((3,)), layers.Dense(2, activation="sigmoid"), layers.Dense(1)])
    model.compile(optimizer="sgd", loss="mse")
    x = np.array([[0.5, -1.0, 2.0], [1.0, 0.0, -0.5]], dtype="float32")
    y = np.array([[1.0], [-1.0]], dtype="float32")
    trace = inspect.step(model, x, y)
    first, second = trace.layers
    kernel, bias = first.weights
    np.testing.assert_array_equal(first.inputs, x)
    np.testing.assert_allclose(first.z, x @ kernel + bias, rtol=1e-6)
    np.testing.assert_allclose(first.a, 1 / (1 + np.exp(-first.z)), rtol=1e-6)
    np.testing.assert_array_equal(second.inputs, first.a)
    np.testing.assert_array_equal(second.z, second.a)  # a linear layer: a = z
    # MSE: J = mean((a - y)^2), so dJ/da = 2 (a - y) / m; back through the second layer's kernel.
    np.testing.assert_allclose(second.da, 2 * (second.a - y) / 2, rtol=1e-6)
    np.testing.assert_allclose(first.da, second.da @ second.weights[0].T, rtol=1e-6)
    sigmoid_grad = first.da * first.a * (1 - first.a)
    np.testing.assert_allclose(first.grads[0], x.T @ sigmoid_grad, rtol=1e-5)
    np.testing.assert_allclose(first.grads[1], sigmoid_grad.sum(axis=0), rtol=1e-5)
    lr = float(model.optimizer.learning_rate.numpy())
    # new - old in float32 rounds to the weights' last bit (about 6e-8 here)
    np.testing.assert_allclose(first.updates[0], -lr * first.grads[0], rtol=1e-4, atol=2e-7)
    assert first.activation == "sigmoid" and second.activation == "linear"


def test_an_activation_without_a_fused_form_still_shows_z():
    def cube(t):
        return t * t * t

    glassnet.random.set_seed(0)
    model = Sequential([Input((3,)), layers.Dense(2, activation=cube)])
    model.compile(optimizer="sgd", loss="mse")
    x = np.ones((4, 3), "float32")
    trace = inspect.step(model, x, np.zeros((4, 2), "float32"))
    np.testing.assert_allclose(trace.layers[0].a, trace.layers[0].z ** 3, rtol=1e-6)


class Block(layers.Layer):
    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.inner = layers.Dense(4, activation="tanh")
        self.scale = None

    def build(self, input_shape):
        self.scale = self.add_weight(shape=(4,), initializer="ones", name="scale")

    def call(self, inputs):
        return self.inner(inputs) * self.scale


class TwoStage(Model):
    def __init__(self):
        super().__init__()
        self.head = layers.Dense(1)  # assigned first, called last
        self.block = Block(name="block")

    def call(self, inputs):
        return self.head(self.block(inputs))


def test_a_subclassed_model_is_traced_per_call_in_call_order():
    glassnet.random.set_seed(0)
    model = TwoStage()
    model.compile(optimizer="adam", loss="mse")
    x, y = np.ones((6, 5), "float32"), np.zeros((6, 1), "float32")
    trace = inspect.step(model, x, y)
    assert [call.name for call in trace.layers] == ["block", trace.layers[1].layer.name]
    assert trace.layers[1].layer is model.head
    inner = trace.layer(model.block.inner)
    assert inner.depth == 2 and inner.z is not None
    np.testing.assert_array_equal(trace.layers[0].inputs, x)
    np.testing.assert_array_equal(trace.layers[1].inputs, trace.layers[0].a)
    # The block's weights: its own scale, then its Dense's kernel and bias, gradients aligned.
    block = trace.layers[0]
    assert [w.shape for w in block.weights] == [(4,), (5, 4), (4,)]
    assert [g.shape for g in block.grads] == [(4,), (5, 4), (4,)]
    np.testing.assert_array_equal(block.grads[1], inner.grads[0])


class CustomStep(Model):
    def __init__(self):
        super().__init__()
        self.dense = layers.Dense(2)

    def call(self, inputs):
        return self.dense(inputs)

    def train_step(self, data):
        x, y = data
        with glassnet.GradientTape() as tape:
            error = self(x, training=True) - y
            loss = glassnet.reduce_mean(error * error)
        grads = tape.gradient(loss, self.trainable_variables)
        self.optimizer.apply_gradients(zip(grads, self.trainable_variables))
        return {"loss": loss}


def test_a_custom_train_step_runs_as_written_and_is_traced(monkeypatch):
    x, y = np.ones((4, 3), "float32"), np.zeros((4, 2), "float32")
    models = []
    for _ in range(2):
        glassnet.random.set_seed(0)
        models.append(CustomStep())
        models[-1].compile(optimizer="sgd")
        models[-1](x)
    trace = inspect.step(models[0], x, y)
    grads, updates, _ = _fit_one_step(models[1], x, y, monkeypatch)
    np.testing.assert_array_equal(trace.layers[0].grads[0], grads[0])
    np.testing.assert_array_equal(trace.layers[0].updates[1], updates[1])
    assert trace.loss == pytest.approx(float(np.mean((trace.layers[0].a - y) ** 2)))
    np.testing.assert_array_equal(trace.y_pred, trace.layers[0].a)


def test_a_frozen_layer_has_gradients_none_and_no_update():
    x, y = _data()
    model = _dense_model()
    model.layers[0].trainable = False
    model.compile(optimizer="adam", loss=glassnet.keras.losses.SparseCategoricalCrossentropy(from_logits=True))
    trace = inspect.step(model, x, y)
    assert trace.layers[0].grads == [None, None] and trace.layers[0].updates == [None, None]
    # fit computes no gradient where none is needed: not at a frozen first layer's output
    assert trace.layers[0].da is None and trace.layers[1].da is not None
    assert all(g is not None for g in trace.layers[1].grads)


def test_it_prints_as_a_table_and_renders_in_a_notebook():
    x, y = _data()
    trace = inspect.step(_dense_model(), x, y)
    text = str(trace)
    assert text.splitlines()[0].startswith('One training step of "sequential') and "batch of 16" in text
    assert "dense (Dense)" in text and "kernel" in text and "|dJ/dW|" in text
    assert f"{trace.loss:.6g}" in text
    assert trace._repr_markdown_().count("\n| dense") == 3
    assert "<table>" in trace._repr_html_() and "dense_2 (Dense)" in trace._repr_html_()


def test_bad_arguments_are_refused_before_any_work():
    x, y = _data()
    model = _dense_model()
    with pytest.raises(TypeError, match="apply"):
        inspect.step(model, x, y, apply="yes")
    uncompiled = Sequential([Input((5,)), layers.Dense(1)])
    with pytest.raises(ValueError, match="compile"):
        inspect.step(uncompiled, x, y)
    with pytest.raises(ValueError, match="x"):
        inspect.step(model, x[:, :2], y)
    assert model.optimizer.built is False or int(model.optimizer.iterations.numpy()) == 0


def test_a_functional_model_with_two_inputs_is_traced_checked_and_diagnosed():
    a, b = Input((4,), name="a"), Input((3,), name="b")
    merged = layers.concatenate([layers.Dense(5, activation="relu", name="ha")(a),
                                 layers.Dense(5, activation="tanh", name="hb")(b)])
    model = Model([a, b], layers.Dense(1, activation="sigmoid", name="out")(merged))
    model.compile(optimizer="adam", loss="binary_crossentropy")
    rng = np.random.default_rng(0)
    xa, xb, y = rng.random((16, 4)), rng.random((16, 3)), (rng.random((16, 1)) > 0.5).astype("float32")
    trace = inspect.step(model, [xa, xb], y)
    assert [call.name for call in trace.layers] == ["ha", "hb", "concatenate", "out"]
    np.testing.assert_array_equal(trace.layer("concatenate").a, np.concatenate(
        [trace.layer("ha").a, trace.layer("hb").a], axis=1))
    assert inspect.check_gradients(model, [xa, xb], y).ok
    assert inspect.check_model(model, [xa * 100, xb], y)[0].check == "unscaled_inputs"
    diagnostics = inspect.Diagnostics()
    model.fit([xa, xb], y, epochs=2, verbose=0, callbacks=[diagnostics])
    assert list(diagnostics.record["layers"]) == ["ha", "hb", "concatenate", "out"]
    assert inspect.lr_find(model, [xa, xb], y, num_steps=10).learning_rates[0] == pytest.approx(1e-7)
