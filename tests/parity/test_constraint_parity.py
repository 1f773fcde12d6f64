"""Weight constraints, glassnet against Keras: each constraint's values, the optimizer applying
them (with gradient accumulation and moving averages, where the order matters), and whole
fits of Dense layers with kernel and bias constraints."""
import keras
import numpy as np
import pytest
from parity_tools import assert_close

import glassnet
from glassnet.autodiff import Variable
from glassnet.keras import constraints, optimizers

VALUES = [
    ("MaxNorm", {}, (5, 4)),
    ("MaxNorm", {"max_value": 0.5}, (5, 4)),
    ("MaxNorm", {"max_value": 3, "axis": 1}, (5, 4)),
    ("MaxNorm", {"max_value": 1.0, "axis": [0, 1, 2]}, (3, 3, 2, 4)),  # a Conv2D kernel's filters
    ("MinMaxNorm", {}, (5, 4)),
    ("MinMaxNorm", {"min_value": 1.0, "max_value": 2.0, "rate": 0.3}, (5, 4)),
    ("MinMaxNorm", {"min_value": 2.5, "max_value": 4.0, "axis": 1}, (6, 3)),
    ("NonNeg", {}, (5, 4)),
    ("NonNeg", {}, (7,)),
    ("UnitNorm", {}, (5, 4)),
    ("UnitNorm", {"axis": [0, 1]}, (4, 3)),
    ("UnitNorm", {"axis": -1}, (2, 3, 5)),
]


@pytest.mark.parametrize("name, arguments, shape", VALUES, ids=[f"{n}-{a}-{s}" for n, a, s in VALUES])
def test_constraint_values(name, arguments, shape):
    rng = np.random.default_rng(len(shape) + sum(shape))
    w = rng.normal(scale=1.5, size=shape).astype("float32")
    if len(shape) == 2:
        w[:, 0] = 0.0  # a zero column: 0 / (eps + 0)
        w[:, 1] *= 0.01  # a short one, inside the bounds
    theirs = getattr(keras.constraints, name)(**arguments)(keras.ops.convert_to_tensor(w))
    mine = getattr(constraints, name)(**arguments)(w)
    assert mine.dtype == np.float32
    assert_close(mine.numpy(), np.asarray(theirs), family="forward", what=f"{name}({arguments}) on {shape}")


# (optimizer, its arguments): the update path, accumulation and EMA around the constraint.
STEPS = [
    ("SGD", {"momentum": 0.9}),
    ("Adam", {}),
    ("Adam", {"clipnorm": 1.0}),
    ("Adam", {"gradient_accumulation_steps": 2}),
    ("Adam", {"use_ema": True, "ema_momentum": 0.5}),
    ("Adam", {"use_ema": True, "ema_momentum": 0.5, "ema_overwrite_frequency": 2}),
    ("AdamW", {"weight_decay": 0.1}),
]


@pytest.mark.parametrize("name, arguments", STEPS, ids=[f"{n}-{a}" for n, a in STEPS])
def test_optimizer_applies_constraints_as_keras(name, arguments):
    rng = np.random.default_rng(5)
    start = [rng.normal(size=(3, 4)).astype("float32"), rng.normal(size=4).astype("float32")]
    gradients = [[rng.normal(scale=2.0, size=w.shape).astype("float32") for w in start] for _ in range(4)]
    keras_vars = [keras.Variable(w) for w in start]
    # keras.Variable takes no `constraint` argument (it drops it): the attribute is set instead.
    keras_vars[0].constraint, keras_vars[1].constraint = keras.constraints.MaxNorm(0.8), keras.constraints.NonNeg()
    glassnet_vars = [Variable(start[0].copy(), constraint=constraints.MaxNorm(0.8)),
                     Variable(start[1].copy(), constraint=constraints.NonNeg())]
    keras_opt = getattr(keras.optimizers, name)(learning_rate=0.3, **arguments)
    glassnet_opt = getattr(optimizers, name)(learning_rate=0.3, **arguments)
    for step, grads in enumerate(gradients, start=1):
        keras_opt.apply_gradients(list(zip(grads, keras_vars)))
        glassnet_opt.apply_gradients(list(zip([g.copy() for g in grads], glassnet_vars)))
        for which, (mine, theirs) in enumerate(zip(glassnet_vars, keras_vars)):
            assert_close(mine.numpy(), np.asarray(theirs.value), family="optimizer",
                         what=f"{name}({arguments}) variable {which} after step {step}")
    for i, (mine, theirs) in enumerate(zip(glassnet_opt.variables, keras_opt.variables)):
        assert_close(mine.numpy(), np.asarray(theirs.value), family="optimizer",
                     what=f"{name}({arguments}) optimizer variable {i} ({mine.name})")


def _model(library, optimizer):
    layers = library.layers
    model = library.Sequential([
        library.Input(shape=(6,)),
        layers.Dense(8, activation="relu", kernel_constraint=library.constraints.MaxNorm(1.0),
                     bias_constraint="non_neg"),
        layers.Dense(5, activation="tanh", kernel_constraint="unit_norm"),
        layers.Dense(2, kernel_constraint=library.constraints.NonNeg(),
                     bias_constraint=library.constraints.MinMaxNorm(0.1, 0.5, rate=0.5)),
    ])
    name, arguments = optimizer
    extra = {"run_eagerly": True} if library is keras else {}
    model.compile(optimizer=getattr(library.optimizers, name)(**arguments), loss="mse", **extra)
    return model


# Adam and SGD train through glassnet's tape-free step; clipnorm sends fit through the tape.
FITS = [("Adam", {"learning_rate": 0.05}), ("Adam", {"learning_rate": 0.05, "clipnorm": 1.0}),
        ("SGD", {"learning_rate": 0.1, "momentum": 0.9})]


@pytest.mark.parametrize("optimizer", FITS, ids=[f"{n}-{a}" for n, a in FITS])
def test_fit_with_constraints_matches_keras(optimizer):
    rng = np.random.default_rng(11)
    x = rng.normal(size=(96, 6)).astype("float32")
    y = (np.tanh(x @ rng.normal(size=(6, 2))) * 3 - 1).astype("float32")
    keras.utils.set_random_seed(11)
    theirs = _model(keras, optimizer)
    mine = _model(glassnet.keras, optimizer)
    mine.set_weights([np.asarray(w) for w in theirs.get_weights()])
    keras_history = theirs.fit(x, y, batch_size=16, epochs=3, shuffle=False, verbose=0).history
    history = mine.fit(x, y, batch_size=16, epochs=3, shuffle=False, verbose=0).history
    what = f"fit with constraints, {optimizer}"
    assert_close(history["loss"], keras_history["loss"], family="fit", what=f"{what}: loss per epoch")
    for i, (w, k) in enumerate(zip(mine.get_weights(), theirs.get_weights())):
        assert_close(w, np.asarray(k), family="fit", what=f"{what}: weight {i}")
    kernel = mine.get_weights()[0]
    assert np.linalg.norm(kernel.astype("float64"), axis=0).max() <= 1.0 + 1e-6
