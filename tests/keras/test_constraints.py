"""keras.constraints: the projections' values (Keras's formulas, epsilon included), lookup,
serialization, Dense's kernel_constraint / bias_constraint, and the optimizer applying them
after every update, in fit too."""
import numpy as np
import pytest

import glassnet as tf
from glassnet.autodiff import Variable
from glassnet.keras import constraints, layers, optimizers

EPS = 1e-7
# Columns with norms 5 (3-4-5), 0 and sqrt(5) (1, 2).
W = np.array([[3.0, 0.0, -1.0], [4.0, 0.0, 2.0]], dtype="float32")
ROOT5 = np.sqrt(5.0)


def _by_columns(factors):
    """W with each column multiplied by its factor (as float32)."""
    return (W * np.asarray(factors)).astype("float32")


@pytest.mark.parametrize(
    "constraint, expected",
    [
        # clip(norm, 0, 2) / (eps + norm): 2/5, 0 (0 * 0/eps), 2/sqrt(5)
        (constraints.MaxNorm(2.0), _by_columns([2 / (EPS + 5), 0.0, 2 / (EPS + ROOT5)])),
        # Inside the bound a column still shrinks by norm / (norm + eps), as in Keras.
        (constraints.MaxNorm(10.0), _by_columns([5 / (EPS + 5), 0.0, ROOT5 / (EPS + ROOT5)])),
        (constraints.UnitNorm(), _by_columns([1 / (EPS + 5), 0.0, 1 / (EPS + ROOT5)])),
        # rate 0.5 between [1, 2]: desired = 0.5 * clip(norm, 1, 2) + 0.5 * norm
        (constraints.MinMaxNorm(1.0, 2.0, rate=0.5),
         _by_columns([(1 + 2.5) / (EPS + 5), 0.0, (1 + ROOT5 / 2) / (EPS + ROOT5)])),
        # the minimum lifts a short column: norm sqrt(5) -> 3; a zero column stays 0
        (constraints.MinMaxNorm(3.0, 4.0), _by_columns([4 / (EPS + 5), 0.0, 3 / (EPS + ROOT5)])),
        (constraints.NonNeg(), np.maximum(W, 0)),
    ],
    ids=repr,
)
def test_values_by_hand(constraint, expected):
    out = constraint(W).numpy()
    assert out.dtype == np.float32
    np.testing.assert_allclose(out, expected, rtol=1e-6, atol=0)


def test_axis_one_and_a_list_of_axes():
    # axis=1: row norms 3.1623 (3, 0, -1) and 4.4721 (4, 0, 2)
    rows = np.sqrt((W.astype("float64") ** 2).sum(axis=1, keepdims=True))
    np.testing.assert_allclose(constraints.UnitNorm(axis=1)(W).numpy(), W / (EPS + rows), rtol=1e-6)
    # axis=[0, 1]: one norm for the whole matrix, sqrt(9 + 16 + 1 + 4) = sqrt(30) > 1
    whole = np.sqrt(30.0)
    np.testing.assert_allclose(constraints.MaxNorm(1.0, axis=[0, 1])(W).numpy(), W / (EPS + whole), rtol=1e-6)


def test_lowercase_names_are_the_same_classes():
    assert constraints.max_norm is constraints.MaxNorm
    assert constraints.min_max_norm is constraints.MinMaxNorm
    assert constraints.non_neg is constraints.NonNeg
    assert constraints.unit_norm is constraints.UnitNorm
    assert tf.keras.constraints is constraints


@pytest.mark.parametrize("name, cls", [
    ("max_norm", constraints.MaxNorm), ("MaxNorm", constraints.MaxNorm),
    ("min_max_norm", constraints.MinMaxNorm), ("MinMaxNorm", constraints.MinMaxNorm),
    ("non_neg", constraints.NonNeg), ("NonNeg", constraints.NonNeg),
    ("unit_norm", constraints.UnitNorm), ("UnitNorm", constraints.UnitNorm),
    ("constraint", constraints.Constraint),
])
def test_get_by_name(name, cls):
    assert type(constraints.get(name)) is cls


def test_get_other_identifiers():
    instance = constraints.MaxNorm(3.0)
    assert constraints.get(instance) is instance
    assert constraints.get(None) is None
    assert isinstance(constraints.get(constraints.NonNeg), constraints.NonNeg)
    got = constraints.get({"class_name": "MaxNorm", "config": {"max_value": 1.5, "axis": 1}})
    assert (got.max_value, got.axis) == (1.5, 1)

    def clip(w):
        return w

    assert constraints.get(clip) is clip


@pytest.mark.parametrize("identifier", ["maxnorm", "l2", 3, {"config": {}}])
def test_get_rejects_what_keras_rejects(identifier):
    with pytest.raises(ValueError, match="constraint|class_name"):
        constraints.get(identifier)


def test_serialize_round_trip_in_keras_format():
    config = constraints.serialize(constraints.MinMaxNorm(0.5, 2.0, rate=0.25, axis=[0, 1]))
    assert config == {"module": "keras.constraints", "class_name": "MinMaxNorm",
                      "config": {"min_value": 0.5, "max_value": 2.0, "rate": 0.25, "axis": [0, 1]},
                      "registered_name": None}
    back = constraints.deserialize(config)
    assert type(back) is constraints.MinMaxNorm and back.get_config() == config["config"]
    assert constraints.serialize(None) is None
    # Keras keeps the default max_value as the int 2 in configs.
    assert constraints.MaxNorm().get_config() == {"max_value": 2, "axis": 0}


@pytest.mark.parametrize("make, argument", [
    (lambda: constraints.MaxNorm(-1.0), "max_value"),
    (lambda: constraints.MaxNorm(axis="0"), "axis"),
    (lambda: constraints.MinMaxNorm(min_value=2.0, max_value=1.0), "max_value"),
    (lambda: constraints.MinMaxNorm(rate=float("nan")), "rate"),
    (lambda: constraints.UnitNorm(axis=[0, 1.5]), "axis"),
])
def test_bad_arguments_fail_at_construction(make, argument):
    with pytest.raises(ValueError, match=f"`{argument}`"):
        make()


# --- Dense ----------------------------------------------------------------------------------
def test_dense_resolves_names_and_passes_constraints_to_its_weights():
    layer = layers.Dense(3, kernel_constraint="non_neg", bias_constraint=constraints.MaxNorm(1.0))
    layer.build((None, 2))
    assert isinstance(layer.kernel_constraint, constraints.NonNeg)
    assert layer.kernel.constraint is layer.kernel_constraint
    assert layer.bias.constraint is layer.bias_constraint
    config = layer.get_config()
    assert config["kernel_constraint"] == {"module": "keras.constraints", "class_name": "NonNeg",
                                           "config": {}, "registered_name": None}
    assert config["bias_constraint"]["config"] == {"max_value": 1.0, "axis": 0}
    again = layers.Dense(**config)
    assert isinstance(again.kernel_constraint, constraints.NonNeg) and again.bias_constraint.max_value == 1.0


def test_dense_without_constraints_has_none():
    layer = layers.Dense(2)
    layer.build((None, 2))
    assert layer.kernel.constraint is None and layer.bias.constraint is None
    assert layer.get_config()["kernel_constraint"] is None


# --- applied by the optimizer ------------------------------------------------------------------
def _data():
    rng = np.random.default_rng(0)
    x = rng.normal(size=(64, 5)).astype("float32")
    # Large targets pull the kernel far from the origin, and negative ones drive weights below 0.
    y = (x @ rng.normal(scale=4.0, size=(5, 3)) - 3.0).astype("float32")
    return x, y


def _fit(optimizer, **dense_arguments):
    tf.random.set_seed(1)
    model = tf.keras.Sequential([tf.keras.Input((5,)), layers.Dense(3, **dense_arguments)])
    model.compile(optimizer=optimizer, loss="mse")
    model.fit(*_data(), batch_size=16, epochs=5, verbose=0, shuffle=False)
    return model.layers[0]


# The plain optimizer trains through the tape-free step; clipnorm sends fit through the tape.
OPTIMIZERS = [pytest.param(lambda: optimizers.Adam(0.1), id="adam"),
              pytest.param(lambda: optimizers.Adam(0.1, clipnorm=100.0), id="adam-clipnorm"),
              pytest.param(lambda: optimizers.SGD(0.05, momentum=0.9), id="sgd-momentum")]


@pytest.mark.parametrize("make_optimizer", OPTIMIZERS)
def test_max_norm_holds_after_fit(make_optimizer):
    unconstrained = _fit(make_optimizer())
    assert np.linalg.norm(unconstrained.kernel.numpy(), axis=0).max() > 1.0  # the bound matters here
    layer = _fit(make_optimizer(), kernel_constraint=constraints.MaxNorm(1.0))
    assert np.linalg.norm(layer.kernel.numpy().astype("float64"), axis=0).max() <= 1.0 + 1e-6


@pytest.mark.parametrize("make_optimizer", OPTIMIZERS)
def test_non_neg_by_name_holds_after_fit(make_optimizer):
    unconstrained = _fit(make_optimizer())
    assert unconstrained.kernel.numpy().min() < 0 and unconstrained.bias.numpy().min() < 0
    layer = _fit(make_optimizer(), kernel_constraint="non_neg", bias_constraint="non_neg")
    assert layer.kernel.numpy().min() >= 0 and layer.bias.numpy().min() >= 0
    assert layer.kernel.numpy().max() > 0  # trained, not just zeroed


def test_applied_after_the_update_on_every_apply_even_accumulating():
    w = Variable(np.array([-1.0, 2.0], dtype="float32"), constraint=constraints.NonNeg())
    opt = optimizers.SGD(1.0, gradient_accumulation_steps=2)
    opt.apply([np.array([-5.0, 0.0], "float32")], [w])  # only accumulates: no update, but the constraint
    np.testing.assert_array_equal(w.numpy(), [0.0, 2.0])
    opt.apply([np.array([-5.0, 0.0], "float32")], [w])  # w - mean(g) = [5, 2]
    np.testing.assert_array_equal(w.numpy(), [5.0, 2.0])


def test_only_variables_with_a_gradient_are_constrained():
    a = Variable(np.array([-1.0], dtype="float32"), constraint=constraints.NonNeg())
    b = Variable(np.array([-1.0], dtype="float32"), constraint=constraints.NonNeg())
    with pytest.warns(UserWarning, match="Gradients do not exist"):
        optimizers.SGD(0.1).apply([np.array([1.0], "float32"), None], [a, b])
    assert a.numpy()[0] == 0.0 and b.numpy()[0] == -1.0  # as Keras: b had no gradient


def test_a_plain_function_works_as_a_constraint():
    w = Variable(np.array([-3.0, 3.0], dtype="float32"), constraint=lambda v: np.clip(v.numpy(), -1, 1))
    optimizers.SGD(0.0).apply([np.zeros(2, "float32")], [w])
    np.testing.assert_array_equal(w.numpy(), [-1.0, 1.0])
