"""A functional model that is a chain of Dense layers trains on the compiled plan, as a Sequential does,
bit for bit as on the tape; any other graph takes the tape and trains as its gradients say."""
import numpy as np
import pytest

from glassnet.keras import Input, Model, Sequential, layers, losses, optimizers
from glassnet.keras.models import dense_plan, graph
from glassnet.keras.utils import set_random_seed

CASES = [
    ("sigmoid", 1, losses.BinaryCrossentropy(), "adam"),
    ("softmax", 3, losses.CategoricalCrossentropy(), "rmsprop"),
    ("linear", 3, losses.SparseCategoricalCrossentropy(from_logits=True), "sgd"),
    ("relu", 2, "mse", "adamw"),
]


def _targets(units, loss, rng, n):
    name = getattr(loss, "name", loss)
    if "sparse" in name:
        return rng.integers(0, units, n)
    if "categorical" in name:
        return np.eye(units, dtype=np.float32)[rng.integers(0, units, n)]
    if "binary" in name:
        return rng.integers(0, 2, (n, 1)).astype(np.float32)
    return rng.normal(size=(n, units)).astype(np.float32)


def _dense_layers(units, activation):
    return [layers.Dense(5, activation="tanh"), layers.Dense(4, activation="sigmoid"),
            layers.Dense(units, activation=activation)]


def _sequential(units, activation):
    return Sequential([Input((6,)), *_dense_layers(units, activation)])


def _functional(units, activation):
    inputs = x = Input((6,))
    for layer in _dense_layers(units, activation):
        x = layer(x)
    return Model(inputs, x)


def _nested(units, activation):
    """The chain as the only layer of a functional model, itself the only layer of a Sequential."""
    inputs = Input((6,))
    return Sequential([Model(inputs, _sequential(units, activation)(inputs))])


def _count_plan_steps(monkeypatch):
    """A list that gets one entry per step the compiled plan trains."""
    steps, call = [], dense_plan.DensePlan.__call__
    monkeypatch.setattr(dense_plan.DensePlan, "__call__", lambda plan, *a: steps.append(1) or call(plan, *a))
    return steps


def _fit(make, case, use_plan, monkeypatch):
    """Train the model `make` builds on the case's data; returns (history, weights, plan steps)."""
    activation, units, loss, optimizer = case
    rng = np.random.default_rng(0)
    x = rng.normal(size=(45, 6)).astype(np.float32)  # batch 16 leaves a last batch of 13
    y = _targets(units, loss, rng, 45)
    sample_weight = rng.uniform(0, 2, 45).astype(np.float32)
    steps = _count_plan_steps(monkeypatch)
    with monkeypatch.context() as patch:
        if not use_plan:
            patch.setattr(Model, "_compiled_train_step", lambda self: None)
        model = make(units, activation)
        model.set_weights([rng.normal(0, 0.5, w.shape) for w in model.get_weights()])
        model.compile(optimizer=optimizers.get(optimizer), loss=loss, metrics=["accuracy"])
        set_random_seed(7)  # the same shuffles every time
        history = model.fit(x, y, batch_size=16, epochs=3, sample_weight=sample_weight, verbose=0).history
    return history, model.get_weights(), len(steps)


def _assert_same_training(a, b):
    assert a[0] == b[0]
    assert len(a[1]) == len(b[1])
    for x, y in zip(a[1], b[1]):
        np.testing.assert_array_equal(x, y)


@pytest.mark.parametrize("case", CASES)
def test_functional_chain_trains_as_the_same_sequential_bit_for_bit(case, monkeypatch):
    functional = _fit(_functional, case, True, monkeypatch)
    sequential = _fit(_sequential, case, True, monkeypatch)
    assert functional[2] == sequential[2] == 9  # 3 epochs of 3 batches, all on the plan
    _assert_same_training(functional, sequential)


@pytest.mark.parametrize("make", [_functional, _nested])
@pytest.mark.parametrize("case", CASES)
def test_functional_chain_on_the_plan_trains_as_on_the_tape_bit_for_bit(make, case, monkeypatch):
    planned = _fit(make, case, True, monkeypatch)
    taped = _fit(make, case, False, monkeypatch)
    assert planned[2] == 9 and taped[2] == 0
    _assert_same_training(planned, taped)


def test_dense_chain_lists_the_layers_in_order():
    model = _functional(2, "linear")
    assert model._dense_chain() == model.layers[1:]  # the InputLayer is not part of the chain
    inner = _sequential(2, "linear")
    outer = Sequential([inner])
    assert outer._dense_chain() == inner.layers
    later = Model(model.layers[1].output, model.layers[3].output)  # a graph cut from the middle
    assert later._dense_chain() == model.layers[2:]
    inputs = Input((6,))
    assert Model(inputs, {"out": layers.Dense(2)(inputs)})._dense_chain() is None  # the model returns a dict
    other_dtype = Sequential([Input((6,)), layers.Dense(2)], dtype="float64")
    assert Sequential([other_dtype])._dense_chain() is None  # its call would cast its input


def test_graph_chain_follows_one_tensor_from_the_input_to_the_output():
    inputs = Input((6,))
    dense, dropout = layers.Dense(4), layers.Dropout(0.5)
    model = Model(inputs, dropout(dense(inputs)))
    assert graph.chain(model.inputs, model.outputs, model._graph_nodes) == [dense, dropout]
    assert model._dense_chain() is None  # a chain, but not of Dense layers
    listed = Model(inputs, layers.Concatenate()([dense(inputs)]))
    assert graph.chain(listed.inputs, listed.outputs, listed._graph_nodes) is None  # a list argument
    assert graph.chain(model.inputs, [inputs], model._graph_nodes) is None  # it does not end at the output


# --- graphs that are not a chain ----------------------------------------------------------
def _branch():
    inputs = Input((3,))
    hidden = layers.Dense(4, activation="tanh")(inputs)
    return Model(inputs, layers.Add()([layers.Dense(2)(hidden), layers.Dense(2)(inputs)]))


def _shared_layer():
    inputs = Input((3,))
    shared = layers.Dense(3, activation="tanh")
    return Model(inputs, layers.Dense(2)(shared(shared(inputs))))


def _shared_nested_model():
    inputs = Input((3,))
    block = Sequential([Input((3,)), layers.Dense(3, activation="tanh")])
    return Model(inputs, layers.Dense(2)(block(block(inputs))))


def _two_inputs():
    a, b = Input((3,)), Input((3,))
    return Model([a, b], layers.Dense(2)(layers.Concatenate()([layers.Dense(2)(a), b])))


def _two_outputs():
    inputs = Input((3,))
    hidden = layers.Dense(4, activation="tanh")(inputs)
    return Model(inputs, [layers.Dense(2, name="first")(hidden), layers.Dense(2, name="second")(hidden)])


def _intermediate_also_output():
    inputs = Input((3,))
    hidden = layers.Dense(2, activation="tanh", name="hidden")(inputs)
    return Model(inputs, {"hidden": hidden, "out": layers.Dense(2, name="out")(hidden)})


def _list_argument():
    inputs = Input((3,))
    return Model(inputs, layers.Dense(2)(layers.Concatenate()([layers.Dense(4)(inputs)])))


def _finite_difference_gradients(model, x, y, step=1e-6):
    """d(mean squared error over every output)/d(weight), by central differences in float64."""
    def cost():
        outputs = model(x)
        outputs = outputs if isinstance(outputs, (list, tuple)) else \
            [outputs[k] for k in sorted(outputs)] if isinstance(outputs, dict) else [outputs]
        return sum(float(np.mean((o.numpy() - y) ** 2)) for o in outputs)

    gradients = []
    for variable in model.trainable_weights:
        value, gradient = variable.numpy(), np.zeros(variable.shape)
        for index in np.ndindex(value.shape):
            shifted = value.copy()
            shifted[index] += step
            variable.assign(shifted)
            plus = cost()
            shifted[index] -= 2 * step
            variable.assign(shifted)
            gradient[index] = (plus - cost()) / (2 * step)
            variable.assign(value)
        gradients.append(gradient)
    return gradients


@pytest.mark.parametrize("make", [_branch, _shared_layer, _shared_nested_model, _two_inputs, _two_outputs,
                                  _intermediate_also_output, _list_argument])
def test_other_graphs_take_the_tape_and_step_along_their_gradients(make, monkeypatch):
    from glassnet.keras import backend
    backend.set_floatx("float64")  # finite differences need the precision
    try:
        model = make()
    finally:
        backend.set_floatx("float32")
    rng = np.random.default_rng(1)
    model.set_weights([rng.normal(0, 0.5, w.shape) for w in model.get_weights()])
    inputs = [rng.normal(size=(8, 3)) for _ in model.inputs]
    x = inputs if len(inputs) > 1 else inputs[0]
    y = rng.normal(size=(8, 2))
    expected = [w - 0.1 * g for w, g in zip(model.get_weights(), _finite_difference_gradients(model, x, y))]
    model.compile(optimizer=optimizers.SGD(learning_rate=0.1), loss="mse")
    steps = _count_plan_steps(monkeypatch)
    targets = {name: y for name in model.output_names} if len(model.outputs) > 1 else y
    model.fit(x, targets, batch_size=8, epochs=1, verbose=0)
    assert model._dense_chain() is None and not steps
    for trained, want in zip(model.get_weights(), expected, strict=True):
        np.testing.assert_allclose(trained, want, rtol=1e-7, atol=1e-9)
