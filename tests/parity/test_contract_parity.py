"""User-written layers and models, glassnet against Keras: the layer/model contract.

Each model is written once, as a function of the library (``keras`` or
``glassnet.keras``) and of its tensor ops (``keras.ops`` or ``glassnet.autodiff.ops``),
with only the API both share. It is built in Keras, its initial weights are copied
into the glassnet model with ``set_weights``, and both train with ``shuffle=False`` on
the same batches. Compared: the History keys (in order) and every per-epoch value,
the ``evaluate`` dict, ``predict``, the final weights; and, on their own, ``metrics_names``
and the names and order of ``model.weights``.

These tests found, and now hold, six places where glassnet used to differ: weights made in a
frozen layer, the order of History's keys with validation, ``metrics_names`` without compiled
metrics, a probe call that ran a layer's state updates, the names of unnamed weights, and the
paths of nested layers' weights.

The custom ``train_step``/``test_step`` case is the one place where the two are
written differently: Keras on JAX needs the stateless step of its JAX guide, and
glassnet takes the ``GradientTape`` step of the TensorFlow guide; both compute the same
thing, so their numbers must agree.
"""
import types

import keras
import numpy as np
import pytest
from parity_tools import TOLERANCE, assert_close, scaled_error

import glassnet as tf
import glassnet.keras as gk
from glassnet.autodiff import ops as glassnet_ops

LIBRARIES = {"keras": (keras, keras.ops), "glassnet": (gk, glassnet_ops)}
FEATURES = 3
BATCH, EPOCHS = 8, 3


def _data(seed, n=32, outputs=1):
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(n, FEATURES)).astype("float32")
    w = rng.normal(size=(FEATURES, outputs)).astype("float32")
    y = (np.tanh(x @ w) + 0.1 * rng.normal(size=(n, outputs))).astype("float32")
    return x, y


# --- the user-written layers and models, once per library -----------------------------------
def _classes(library, ops):
    """The guide's layers and a few models, written against `library` and `ops`."""
    layers = library.layers

    class Linear(layers.Layer):
        """The guide's Linear: weights made in build, a call without `training`."""

        def __init__(self, units=32, **kwargs):
            super().__init__(**kwargs)
            self.units = units

        def build(self, input_shape):
            self.w = self.add_weight(shape=(input_shape[-1], self.units), initializer="random_normal",
                                     trainable=True)
            self.b = self.add_weight(shape=(self.units,), initializer="zeros", trainable=True)

        def call(self, inputs):
            return ops.matmul(inputs, self.w) + self.b

    class Mixed(layers.Layer):
        """Weights made non-trainable first, trainable second, a sub-layer before both: Keras lists
        the layer's trainable ones, then its non-trainable ones, then the sub-layer's."""

        def __init__(self, **kwargs):
            super().__init__(**kwargs)
            self.inner = layers.Dense(2, activation="tanh")

        def build(self, input_shape):
            self.offset = self.add_weight(shape=(input_shape[-1],), initializer="ones", trainable=False,
                                          name="offset")
            self.scale = self.add_weight(shape=(input_shape[-1],), initializer="random_normal", name="scale")

        def call(self, inputs):
            return self.inner(ops.multiply(inputs, self.scale) + self.offset)

    class LinearModel(library.Model):
        def __init__(self):
            super().__init__()
            self.linear_1 = Linear(4)
            self.linear_2 = Linear(1)

        def call(self, inputs):
            return self.linear_2(ops.tanh(self.linear_1(inputs)))

    class ListModel(library.Model):
        def __init__(self):
            super().__init__()
            self.blocks = [layers.Dense(4, activation="tanh"), layers.Dense(3, activation="tanh")]
            self.head = layers.Dense(1)

        def call(self, inputs):
            for block in self.blocks:
                inputs = block(inputs)
            return self.head(inputs)

    class TrackerModel(ListModel):
        """The guide's lower-level step: its own loss function and metric trackers, no compiled loss."""

        def __init__(self):
            super().__init__()
            self.loss_tracker = library.metrics.Mean(name="loss")
            self.mae_metric = library.metrics.MeanAbsoluteError(name="mae")
            self.loss_fn = library.losses.MeanSquaredError()

        @property
        def metrics(self):
            return [self.loss_tracker, self.mae_metric]

    class AbsoluteLossModel(ListModel):
        """compute_loss overridden: fit minimises, and fit and evaluate report, its own loss."""

        def compute_loss(self, x=None, y=None, y_pred=None, sample_weight=None, training=True):
            return ops.mean(ops.abs(y_pred - y)) + 0.5 * ops.mean(ops.square(y_pred))

    class DictModel(library.Model):
        def __init__(self):
            super().__init__()
            # insertion order differs from key order: the weights follow insertion order
            self.parts = {"z_hidden": layers.Dense(4, activation="tanh"), "a_out": layers.Dense(1)}

        def call(self, inputs):
            return self.parts["a_out"](self.parts["z_hidden"](inputs))

    class ActivityPenalty(layers.Layer):
        """The guide's add_loss example: a penalty on the activations that pass through."""

        def __init__(self, rate=1e-2):
            super().__init__()
            self.rate = rate

        def call(self, inputs):
            self.add_loss(self.rate * ops.sum(ops.square(inputs)))
            return inputs

    class FrozenInside(layers.Layer):
        """A custom layer with one frozen sub-layer (frozen here, before it is built, unless the test
        freezes it later) and one free one."""

        def __init__(self, freeze=True):
            super().__init__()
            self.frozen = layers.Dense(4, activation="tanh")
            self.frozen.trainable = not freeze
            self.free = layers.Dense(3, activation="tanh")

        def call(self, inputs):
            return self.free(self.frozen(inputs))

    class ComputeSum(layers.Layer):
        """The guide's non-trainable weight, updated in call (passes its inputs on)."""

        def __init__(self, input_dim):
            super().__init__()
            self.total = self.add_weight(initializer="zeros", shape=(input_dim,), trainable=False)

        def call(self, inputs):
            self.total.assign_add(ops.sum(inputs, axis=0))
            return inputs

    class NoisyBlock(layers.Layer):
        """Dropout inside a custom layer whose call does not take `training`."""

        def __init__(self):
            super().__init__()
            self.dense = layers.Dense(6, activation="tanh")
            self.dropout = layers.Dropout(0.5)

        def call(self, inputs):
            return self.dropout(self.dense(inputs))

    return types.SimpleNamespace(**{name: value for name, value in locals().items() if isinstance(value, type)})


def _sequential(library, *middle, outputs=1):
    return library.Sequential([library.Input(shape=(FEATURES,)), *middle, library.layers.Dense(outputs)])


MODELS = {
    "linear_in_sequential": lambda lib, ops, c: _sequential(lib, c.Linear(4), lib.layers.Dense(3, activation="tanh")),
    "linear_in_subclassed_model": lambda lib, ops, c: c.LinearModel(),
    "dense_list_model": lambda lib, ops, c: c.ListModel(),
    "mixed_weights": lambda lib, ops, c: _sequential(lib, c.Mixed()),
    "dense_dict_model": lambda lib, ops, c: c.DictModel(),
    "own_trackers": lambda lib, ops, c: c.TrackerModel(),
    "compute_loss_override": lambda lib, ops, c: c.AbsoluteLossModel(),
    "add_loss": lambda lib, ops, c: _sequential(lib, lib.layers.Dense(4, activation="tanh"), c.ActivityPenalty(0.05)),
    "activity_regularizer": lambda lib, ops, c: lib.Sequential([
        lib.Input(shape=(FEATURES,)), lib.layers.Dense(4, activation="tanh", activity_regularizer="l2"),
        lib.layers.Dense(1, activity_regularizer=lib.regularizers.L1L2(l1=0.01, l2=0.02))]),
    "activity_regularizer_on_custom_layer": lambda lib, ops, c: _sequential(
        lib, c.Linear(4, activity_regularizer=lib.regularizers.L2(0.05))),
    "all_regularizers": lambda lib, ops, c: _sequential(
        lib, lib.layers.Dense(4, activation="tanh", kernel_regularizer="l2",
                              bias_regularizer=lib.regularizers.L1(0.05), activity_regularizer="l1")),
    "frozen_first_layer": lambda lib, ops, c: _sequential(lib, lib.layers.Dense(4, activation="tanh")),
    "frozen_sub_layer": lambda lib, ops, c: _sequential(lib, c.FrozenInside()),
    "frozen_sub_layer_after_build": lambda lib, ops, c: _sequential(lib, c.FrozenInside(freeze=False)),
    "compute_sum": lambda lib, ops, c: _sequential(lib, c.ComputeSum(FEATURES), lib.layers.Dense(4, activation="tanh")),
    "dropout_inside": lambda lib, ops, c: _sequential(lib, c.NoisyBlock()),
    "classifier": lambda lib, ops, c: lib.Sequential([
        lib.Input(shape=(FEATURES,)), lib.layers.Dense(5, activation="tanh"),
        lib.layers.Dense(3, activation="softmax")]),
}


def _build(name, library, ops, x):
    """The model `name`, built (a subclassed model by one call on two rows)."""
    library.backend.clear_session()  # unnamed weights are numbered from a global counter, in Keras too
    model = MODELS[name](library, ops, _classes(library, ops))
    if not model.built:
        model(x[:2])
    if name == "frozen_first_layer":
        model.layers[0].trainable = False
    if name == "frozen_sub_layer_after_build":
        model.layers[0].frozen.trainable = False
    return model


# --- training both and comparing ---------------------------------------------------------------
def _train(name, library, ops, x, y, *, initial=None, compile_args=None, fit_args=None, evaluate_args=None,
           train_steps=None):
    model = _build(name, library, ops, x)
    if train_steps is not None:
        model = train_steps(model)
    if initial is not None:
        model.set_weights(initial)
    start = model.get_weights()
    model.compile(optimizer=library.optimizers.Adam(learning_rate=0.05), **(compile_args or {}))
    history = model.fit(x, y, batch_size=BATCH, epochs=EPOCHS, shuffle=False, verbose=0, **(fit_args or {}))
    return {
        "model": model,
        "initial": start,
        "history": history.history,
        "evaluate": model.evaluate(x, y, batch_size=BATCH, verbose=0, return_dict=True, **(evaluate_args or {})),
        "predict": model.predict(x, batch_size=BATCH, verbose=0),
        "weights": model.get_weights(),
        "weight_names": [w.name for w in model.weights],
    }


def _run_both(name, x, y, **kwargs):
    """(glassnet's results, Keras's results), glassnet starting from Keras's initial weights."""
    theirs = _train(name, *LIBRARIES["keras"], x, y, **kwargs)
    mine = _train(name, *LIBRARIES["glassnet"], x, y, initial=theirs["initial"], **kwargs)
    return mine, theirs


def _compare(what, mine, theirs, *, skip_weights=(), key_order=True):
    """History, evaluate, predict and final weights; `key_order=False` compares History's keys as a set
    (their order is checked on its own where glassnet gets it wrong)."""
    keys = (list if key_order else sorted)
    assert keys(mine["history"]) == keys(theirs["history"]), (
        f"{what}: History keys differ\n  glassnet: {list(mine['history'])}\n  keras:    {list(theirs['history'])}")
    for key, values in theirs["history"].items():
        assert len(mine["history"][key]) == len(values), f"{what}: History[{key!r}] has {len(values)} epochs in Keras"
        for epoch, (a, b) in enumerate(zip(mine["history"][key], values)):
            assert_close(a, b, family="fit", what=f"{what}: History[{key!r}] epoch {epoch}")
    assert sorted(mine["evaluate"]) == sorted(theirs["evaluate"]), (
        f"{what}: evaluate keys differ: glassnet {sorted(mine['evaluate'])}, keras {sorted(theirs['evaluate'])}")
    for key, value in theirs["evaluate"].items():
        assert_close(mine["evaluate"][key], value, family="fit", what=f"{what}: evaluate()[{key!r}]")
    assert_close(mine["predict"], theirs["predict"], family="fit", what=f"{what}: predict()")
    assert len(mine["weights"]) == len(theirs["weights"]), f"{what}: number of weights"
    for index, (a, b) in enumerate(zip(mine["weights"], theirs["weights"])):
        if index not in skip_weights:
            assert_close(a, b, family="fit", what=f"{what}: final weight {index} ({theirs['weight_names'][index]})")


# --- the cases ------------------------------------------------------------------------------------
@pytest.mark.parametrize("name", ["linear_in_sequential", "linear_in_subclassed_model", "dense_list_model",
                                  "dense_dict_model", "mixed_weights"])
def test_custom_layers_and_subclassed_models_train_as_in_keras(name):
    x, y = _data(1)
    mine, theirs = _run_both(name, x, y, compile_args={"loss": "mse", "metrics": ["mae"]},
                             fit_args={"validation_data": _data(2, n=16)})
    _compare(name, mine, theirs)


@pytest.mark.parametrize("loss", ["mse", None])
def test_add_loss_in_call_trains_and_evaluates_as_in_keras(loss):
    x, y = _data(3)
    mine, theirs = _run_both("add_loss", x, y, compile_args={"loss": loss})
    _compare(f"add_loss with compile(loss={loss!r})", mine, theirs)


@pytest.mark.parametrize("name", ["activity_regularizer", "activity_regularizer_on_custom_layer",
                                  "all_regularizers"])
def test_activity_regularizers_train_and_evaluate_as_in_keras(name):
    x, y = _data(4)
    mine, theirs = _run_both(name, x, y, compile_args={"loss": "mse", "metrics": ["mse"]})
    _compare(name, mine, theirs)


@pytest.mark.parametrize("name, frozen", [
    ("frozen_first_layer", (0, 1)),
    ("frozen_sub_layer_after_build", (0, 1)),
    ("frozen_sub_layer", (0, 1)),
])
def test_frozen_weights_stay_and_the_others_train_as_in_keras(name, frozen):
    x, y = _data(5)
    mine, theirs = _run_both(name, x, y, compile_args={"loss": "mse"})
    for index in frozen:
        what = f"{name}: frozen weight {index} ({theirs['weight_names'][index]})"
        np.testing.assert_array_equal(theirs["weights"][index], theirs["initial"][index], err_msg=f"keras {what}")
        np.testing.assert_array_equal(mine["weights"][index], mine["initial"][index], err_msg=f"glassnet {what}")
    assert len(mine["model"].trainable_weights) == len(theirs["model"].trainable_weights), name
    _compare(name, mine, theirs, skip_weights=frozen)


def _step_loss(model, y, y_pred):
    """The guide's loss: the model's own loss function in its lower-level example, else compute_loss."""
    if hasattr(model, "loss_fn"):
        return model.loss_fn(y, y_pred)
    return model.compute_loss(y=y, y_pred=y_pred)


def _glassnet_train_step(self, data):
    """The guide's step, TensorFlow edition (glassnet's GradientTape)."""
    x, y = data
    with tf.GradientTape() as tape:
        y_pred = self(x, training=True)
        loss = _step_loss(self, y, y_pred)
    trainable_vars = self.trainable_variables
    gradients = tape.gradient(loss, trainable_vars)
    self.optimizer.apply(gradients, trainable_vars)
    for metric in self.metrics:
        if metric.name == "loss":
            metric.update_state(loss)
        else:
            metric.update_state(y, y_pred)
    return {m.name: m.result() for m in self.metrics}


def _glassnet_test_step(self, data):
    x, y = data
    y_pred = self(x, training=False)
    loss = self.compute_loss(y=y, y_pred=y_pred)
    for metric in self.metrics:
        if metric.name == "loss":
            metric.update_state(loss)
        else:
            metric.update_state(y, y_pred)
    return {m.name: m.result() for m in self.metrics}


def _keras_metric_updates(model, metrics_variables, loss, y, y_pred):
    """The guide's loop over `model.metrics`, stateless (Keras's JAX edition)."""
    logs, new_variables = {}, []
    for metric in model.metrics:
        variables = metrics_variables[len(new_variables):len(new_variables) + len(metric.variables)]
        if metric.name == "loss":
            variables = metric.stateless_update_state(variables, loss)
        else:
            variables = metric.stateless_update_state(variables, y, y_pred)
        logs[metric.name] = metric.stateless_result(variables)
        new_variables += variables
    return logs, new_variables


def _keras_train_step(self, state, data):
    """The guide's step, JAX edition."""
    import jax
    trainable, non_trainable, optimizer_variables, metrics_variables = state
    x, y = data

    kwargs = {"training": True} if self._call_has_training_arg else {}  # the guide's call takes it

    def compute_loss_and_updates(trainable, non_trainable):
        y_pred, non_trainable = self.stateless_call(trainable, non_trainable, x, **kwargs)
        return _step_loss(self, y, y_pred), (y_pred, non_trainable)

    (loss, (y_pred, non_trainable)), grads = jax.value_and_grad(compute_loss_and_updates, has_aux=True)(
        trainable, non_trainable)
    trainable, optimizer_variables = self.optimizer.stateless_apply(optimizer_variables, grads, trainable)
    logs, metrics_variables = _keras_metric_updates(self, metrics_variables, loss, y, y_pred)
    return logs, (trainable, non_trainable, optimizer_variables, metrics_variables)


def _keras_test_step(self, state, data):
    trainable, non_trainable, metrics_variables = state
    x, y = data
    kwargs = {"training": False} if self._call_has_training_arg else {}
    y_pred, non_trainable = self.stateless_call(trainable, non_trainable, x, **kwargs)
    loss = self.compute_loss(y=y, y_pred=y_pred)
    logs, metrics_variables = _keras_metric_updates(self, metrics_variables, loss, y, y_pred)
    return logs, (trainable, non_trainable, metrics_variables)


def _with_custom_steps(model):
    """The same model as an instance of a subclass overriding train_step and test_step."""
    keras_model = isinstance(model, keras.Model)
    steps = {"train_step": _keras_train_step if keras_model else _glassnet_train_step,
             "test_step": _keras_test_step if keras_model else _glassnet_test_step}
    model.__class__ = type("CustomSteps" + type(model).__name__, (type(model),), steps)
    return model


@pytest.mark.parametrize("name", ["dense_list_model"])
def test_a_custom_train_step_and_test_step_give_keras_numbers(name):
    x, y = _data(6)
    mine, theirs = _run_both(name, x, y, compile_args={"loss": "mse", "metrics": ["mae"]},
                             fit_args={"validation_data": _data(7, n=16)}, train_steps=_with_custom_steps)
    assert type(mine["model"]).__name__.startswith("CustomSteps")
    # the order of the History keys is checked by the test after the next
    _compare(f"{name} with the guide's train_step and test_step", mine, theirs, key_order=False)


@pytest.mark.parametrize("options", [
    {"compile": {"loss_weights": 0.5, "metrics": ["mae"], "steps_per_execution": 2}},
    {"compile": {"weighted_metrics": ["mae"]}, "sample_weight": True},
    {"compile": {"metrics": ["mae"], "weighted_metrics": ["mae", "mse"]}, "sample_weight": True},
], ids=lambda options: ",".join(sorted(options["compile"])) + (",sample_weight" if "sample_weight" in options else ""))
def test_loss_weights_and_weighted_metrics_follow_keras(options):
    x, y = _data(8)
    val_x, val_y = _data(9, n=16)
    fit_args, evaluate_args = {}, {}
    if options.get("sample_weight"):
        weights = np.random.default_rng(10).uniform(0.0, 2.0, size=len(x)).astype("float32")
        val_weights = np.random.default_rng(11).uniform(0.0, 2.0, size=len(val_x)).astype("float32")
        fit_args = {"sample_weight": weights, "validation_data": (val_x, val_y, val_weights)}
        evaluate_args = {"sample_weight": weights}
    else:
        fit_args = {"validation_data": (val_x, val_y)}
    mine, theirs = _run_both("dense_list_model", x, y, compile_args={"loss": "mse", **options["compile"]},
                             fit_args=fit_args, evaluate_args=evaluate_args)
    # with validation, 'weighted_mae' sorts after the 'val_' keys: see the next test
    _compare(f"compile({options['compile']})", mine, theirs, key_order=False)


def test_an_overridden_compute_loss_trains_and_evaluates_as_in_keras():
    x, y = _data(19)
    mine, theirs = _run_both("compute_loss_override", x, y, compile_args={"loss": "mse", "metrics": ["mae"]},
                             fit_args={"validation_data": _data(20, n=16)})
    _compare("compute_loss override", mine, theirs)


def test_a_train_step_with_its_own_trackers_and_no_compiled_loss_gives_keras_numbers():
    x, y = _data(18)
    results = {}
    for name, (library, ops) in LIBRARIES.items():
        model = _with_custom_steps(_build("own_trackers", library, ops, x))
        if name == "glassnet":
            model.set_weights(results["keras"]["initial"])
        initial = model.get_weights()
        model.compile(optimizer=library.optimizers.Adam(learning_rate=0.05))
        history = model.fit(x, y, batch_size=BATCH, epochs=EPOCHS, shuffle=False, verbose=0)
        results[name] = {"initial": initial, "history": history.history, "metrics_names": model.metrics_names,
                         "predict": model.predict(x, batch_size=BATCH, verbose=0), "weights": model.get_weights()}
    mine, theirs = results["glassnet"], results["keras"]
    what = "the guide's lower-level train_step"
    assert mine["metrics_names"] == theirs["metrics_names"] == ["loss", "mae"], what
    assert list(mine["history"]) == list(theirs["history"]), f"{what}: {list(mine['history'])}"
    for key, values in theirs["history"].items():
        assert_close(mine["history"][key], values, family="fit", what=f"{what}: History[{key!r}]")
    assert_close(mine["predict"], theirs["predict"], family="fit", what=f"{what}: predict()")
    for index, (a, b) in enumerate(zip(mine["weights"], theirs["weights"])):
        assert_close(a, b, family="fit", what=f"{what}: final weight {index}")


@pytest.mark.parametrize("custom_steps", [False, True], ids=["weighted_metrics", "guide_train_step"])
def test_history_keys_sort_over_training_and_validation_together_as_in_keras(custom_steps):
    x, y = _data(8, n=16)
    keys = {}
    for name, (library, ops) in LIBRARIES.items():
        model = _build("dense_list_model", library, ops, x)
        if custom_steps:
            model = _with_custom_steps(model)
            model.compile(optimizer="sgd", loss="mse", metrics=["mae"])
        else:
            model.compile(optimizer="sgd", loss="mse", metrics=["mae"], weighted_metrics=["mae"])
        history = model.fit(x, y, batch_size=BATCH, epochs=1, validation_data=(x, y), verbose=0)
        keys[name] = list(history.history)
    assert keys["glassnet"] == keys["keras"], (
        f"History keys:\n  glassnet: {keys['glassnet']}\n  keras:    {keys['keras']}")


@pytest.mark.parametrize("compile_args", [
    {"loss": "mse"},
    {"loss": "mse", "metrics": ["mae"]},
    {"loss": "mse", "weighted_metrics": ["mae"]},
    {"loss": "mse", "metrics": ["mae"], "weighted_metrics": ["mae"], "loss_weights": 0.5},
], ids=lambda args: ",".join(sorted(args)))
def test_metrics_names_follow_keras(compile_args):
    x, y = _data(17, n=16)
    names = {}
    for name, (library, ops) in LIBRARIES.items():
        model = _build("dense_list_model", library, ops, x)
        model.compile(optimizer="sgd", **compile_args)
        model.evaluate(x, y, batch_size=BATCH, verbose=0)
        names[name] = model.metrics_names
    assert names["glassnet"] == names["keras"], f"metrics_names: glassnet {names['glassnet']}, keras {names['keras']}"


def test_class_weight_reaches_the_loss_and_the_weighted_metrics_as_in_keras():
    x, _ = _data(12)
    labels = np.random.default_rng(13).integers(0, 3, size=len(x)).astype("int32")
    mine, theirs = _run_both("classifier", x, labels,
                             compile_args={"loss": "sparse_categorical_crossentropy", "metrics": ["accuracy"],
                                           "weighted_metrics": ["accuracy", "sparse_categorical_crossentropy"]},
                             fit_args={"class_weight": {0: 0.5, 1: 2.0, 2: 1.0}})
    _compare("class_weight with weighted_metrics", mine, theirs)


def test_a_non_trainable_weight_updated_in_call_follows_keras():
    """The guide's ComputeSum: predict adds the inputs once, fit once per epoch, evaluate once."""
    x, y = _data(14)
    totals = {}
    for name, (library, ops) in LIBRARIES.items():
        model = _build("compute_sum", library, ops, x)
        if name == "glassnet":
            model.set_weights(totals["keras"][0])
        start = [np.array(w) for w in model.get_weights()]
        model.predict(x, batch_size=BATCH, verbose=0)
        after_predict = np.array(model.layers[0].total.numpy())
        model.compile(optimizer=library.optimizers.SGD(learning_rate=0.1), loss="mse")
        model.fit(x, y, batch_size=BATCH, epochs=2, shuffle=False, verbose=0)
        after_fit = np.array(model.layers[0].total.numpy())
        model.evaluate(x, y, batch_size=BATCH, verbose=0)
        totals[name] = (start, after_predict, after_fit, np.array(model.layers[0].total.numpy()), model.get_weights())
    column_sums = x.astype("float64").sum(axis=0)
    stages = ("after predict", "after 2 epochs of fit", "after evaluate")
    for index, (stage, passes) in enumerate(zip(stages, (1, 3, 4)), start=1):
        assert_close(totals["keras"][index], passes * column_sums, family="fit",
                     what=f"keras: ComputeSum.total {stage} is {passes} x the column sums")
    # compared without recording in the summary of worst errors while this test is expected to fail
    for index, stage in enumerate(stages, start=1):
        _assert_close_unrecorded(totals["glassnet"][index], totals["keras"][index], f"ComputeSum.total {stage}")
    for index, (a, b) in enumerate(zip(totals["glassnet"][4], totals["keras"][4])):
        _assert_close_unrecorded(a, b, f"ComputeSum model: final weight {index}")


def _assert_close_unrecorded(actual, expected, what):
    error, _ = scaled_error(actual, expected)
    assert error <= TOLERANCE["fit"], f"{what}: error {error:.3g}\n  glassnet: {actual}\n  keras:    {expected}"


def test_dropout_inside_a_custom_layer_follows_the_outer_call():
    """predict and evaluate run without dropout (equal to Keras); fit with it (its loss, on
    weights that a zero learning rate keeps, differs from evaluate's)."""
    x, y = _data(15)
    results = {}
    for name, (library, ops) in LIBRARIES.items():
        model = _build("dropout_inside", library, ops, x)
        if name == "glassnet":
            model.set_weights(results["keras"]["initial"])
        initial = model.get_weights()
        model.compile(optimizer=library.optimizers.SGD(learning_rate=0.0), loss="mse")
        predicted = model.predict(x, batch_size=BATCH, verbose=0)
        evaluated = model.evaluate(x, y, batch_size=BATCH, verbose=0)
        library.utils.set_random_seed(0)
        fit_loss = model.fit(x, y, batch_size=BATCH, epochs=1, shuffle=False, verbose=0).history["loss"][0]
        results[name] = {"model": model, "initial": initial, "predict": predicted, "evaluate": evaluated,
                         "fit": fit_loss, "weights": model.get_weights()}
    assert_close(results["glassnet"]["predict"], results["keras"]["predict"], family="forward",
                 what="predict() through a custom layer holding Dropout")
    assert_close(results["glassnet"]["evaluate"], results["keras"]["evaluate"], family="forward",
                 what="evaluate() through a custom layer holding Dropout")
    for name, result in results.items():
        assert abs(result["fit"] - result["evaluate"]) > 1e-3, (
            f"{name}: fit's loss {result['fit']} equals evaluate's {result['evaluate']}: no dropout in fit")
        for a, b in zip(result["weights"], result["initial"]):
            np.testing.assert_array_equal(a, b, err_msg=f"{name}: a zero learning rate moved a weight")
    # and it trains (the masks are drawn differently from Keras's, so only glassnet's own run counts)
    model = results["glassnet"]["model"]
    model.compile(optimizer=gk.optimizers.Adam(learning_rate=0.05), loss="mse")
    losses = model.fit(x, y, batch_size=BATCH, epochs=4, verbose=0).history["loss"]
    assert np.all(np.isfinite(losses)) and losses[-1] < losses[0], f"fit through Dropout does not train: {losses}"
    assert model.evaluate(x, y, verbose=0) < results["glassnet"]["evaluate"], "evaluate did not improve"


@pytest.mark.parametrize("name", sorted(MODELS))
def test_weights_are_listed_and_named_as_in_keras(name):
    """Keras lists a layer's trainable variables, then its non-trainable ones, then its sub-layers'."""
    x, _ = _data(16)
    listings = {}
    for library_name, (library, ops) in LIBRARIES.items():
        model = _build(name, library, ops, x)
        listings[library_name] = {
            "weights": [(w.name, tuple(w.shape)) for w in model.weights],
            "trainable": [w.name for w in model.trainable_weights],
            "non_trainable": [w.name for w in model.non_trainable_weights],
            "layers": [type(layer).__name__ for layer in model.layers],
            "count": model.count_params(),
        }
    for key, expected in listings["keras"].items():
        assert listings["glassnet"][key] == expected, (
            f"{name}: {key}\n  glassnet: {listings['glassnet'][key]}\n  keras:    {expected}")


@pytest.mark.parametrize("name", sorted(MODELS))
def test_weight_paths_follow_keras(name):
    x, _ = _data(16)
    paths = {library_name: [w.path for w in _build(name, library, ops, x).weights]
             for library_name, (library, ops) in LIBRARIES.items()}
    assert paths["glassnet"] == paths["keras"], (
        f"{name}: weight paths\n  glassnet: {paths['glassnet']}\n  keras:    {paths['keras']}")



def _batches_class(library, x, y, weights):
    class Batches(library.utils.PyDataset):
        def __init__(self):
            super().__init__()
            self.ended = 0

        def __len__(self):
            return len(x) // BATCH

        def __getitem__(self, index):
            rows = slice(index * BATCH, (index + 1) * BATCH)
            return x[rows], y[rows], weights[rows]

        def on_epoch_end(self):
            self.ended += 1

    return Batches()


def test_evaluate_and_predict_on_a_pydataset_follow_keras_and_fit_calls_on_epoch_end():
    """Keras's own fit on a PyDataset does not train exactly as its fit on the same arrays (its
    loss differs by about 1e-4 after an epoch here); glassnet's does, bit for bit
    (tests/keras/trainers/test_batch_sources.py), so fit's numbers are compared there, and these
    the ones Keras computes alike both ways."""
    x, y = _data(21)
    weights = np.linspace(0.5, 1.5, len(x)).astype("float32")
    results, ended = {}, {}
    for name, (library, _) in LIBRARIES.items():
        keras.utils.set_random_seed(4)
        model = library.Sequential([library.Input(shape=(FEATURES,)), library.layers.Dense(4, activation="tanh"),
                                    library.layers.Dense(1)])
        if name == "glassnet":
            model.set_weights(results["keras"]["initial"])
        model.compile(optimizer="sgd", loss="mse", metrics=["mae"])
        evaluated = model.evaluate(_batches_class(library, x, y, weights), verbose=0, return_dict=True)
        results[name] = {"initial": [np.asarray(w) for w in model.get_weights()], "evaluate": evaluated,
                         "predict": model.predict(_batches_class(library, x, y, weights), verbose=0)}
        batches = _batches_class(library, x, y, weights)
        model.fit(batches, epochs=EPOCHS, verbose=0)
        ended[name] = batches.ended
    mine, theirs = results["glassnet"], results["keras"]
    # Keras also calls on_epoch_end once when its first fit builds the model from one batch
    # (docs/differences-from-keras.md); glassnet calls it once per epoch.
    assert ended["glassnet"] == EPOCHS and ended["keras"] == EPOCHS + 1
    assert sorted(mine["evaluate"]) == sorted(theirs["evaluate"])
    for key in theirs["evaluate"]:
        assert_close(mine["evaluate"][key], theirs["evaluate"][key], family="forward",
                     what=f"PyDataset evaluate: {key}")
    assert_close(mine["predict"], theirs["predict"], family="forward", what="PyDataset predict")


@pytest.mark.parametrize("layer_range", [["d2", "d3"], ["d3", "d1"], ["d1", "d1"]])
def test_summary_layer_range_lists_the_layers_keras_lists(layer_range):
    listed = {}
    for name, (library, _) in LIBRARIES.items():
        model = library.Sequential([library.Input(shape=(FEATURES,))] + [
            library.layers.Dense(2, name=f"d{i}") for i in (1, 2, 3)])
        lines = []
        model.summary(print_fn=lambda text, *args, into=lines, **kwargs: into.append(text), layer_range=layer_range)
        listed[name] = [f"d{i}" for i in (1, 2, 3) if f"d{i} (Dense)" in "\n".join(lines)]
    assert listed["keras"] and listed["glassnet"] == listed["keras"]
