""".keras files both ways against Keras 3: a glassnet-trained model opens in Keras with the same
predictions and keeps training there; a Keras-trained model opens in glassnet with identical
predictions and optimizer state, and resumes training as Keras resumes it."""
import keras
import numpy as np
import pytest

import glassnet
from glassnet.keras import models as glassnet_models
from parity_tools import TOLERANCE, assert_close, scaled_error

ACTIVATIONS = ["sigmoid", "tanh", "relu", "leaky_relu", "elu", "selu", "gelu", "softplus", "softsign", "silu",
               "hard_sigmoid", "relu6", "linear"]
OPTIMIZERS = [("SGD", {"learning_rate": 0.05, "momentum": 0.9}), ("Adam", {"learning_rate": 0.01}),
              ("AdamW", {"learning_rate": 0.01, "weight_decay": 0.05}), ("RMSprop", {"learning_rate": 0.005}),
              ("Adagrad", {"learning_rate": 0.1})]
CASES = [(activation, OPTIMIZERS[i % len(OPTIMIZERS)]) for i, activation in enumerate(ACTIVATIONS)]
CASES += [("relu", optimizer) for optimizer in OPTIMIZERS]


def _data():
    rng = np.random.default_rng(0)
    x = rng.normal(2.0, 3.0, size=(96, 4)).astype("float32")
    return x, (x[:, :1] - x[:, 1:2] > 0).astype("float32")


def _build(module, activation, optimizer, x):
    normalization = module.layers.Normalization()
    normalization.adapt(x)
    model = module.Sequential([
        module.Input((4,)), normalization,
        module.layers.Dense(6, activation=activation, kernel_regularizer=module.regularizers.L2(0.01)),
        module.layers.Dropout(0.3), module.layers.Dense(1, activation="sigmoid"),
    ])
    name, arguments = optimizer
    model.compile(optimizer=getattr(module.optimizers, name)(**arguments), loss="binary_crossentropy",
                  metrics=["accuracy"])
    return model


def _ids(case):
    return f"{case[0]}-{case[1][0]}"


@pytest.mark.parametrize("case", CASES, ids=[_ids(c) for c in CASES])
def test_a_glassnet_model_opens_in_keras_and_keeps_training(tmp_path, case):
    activation, optimizer = case
    x, y = _data()
    glassnet.random.set_seed(0)
    mine = _build(glassnet.keras, activation, optimizer, x)
    mine.fit(x, y, epochs=2, batch_size=16, verbose=0)
    mine.save(tmp_path / "glassnet.keras")
    theirs = keras.models.load_model(tmp_path / "glassnet.keras")
    assert_close(theirs.predict(x, verbose=0), mine.predict(x, verbose=0), family="forward",
                 what=f"Keras predicting from glassnet's file ({_ids(case)})")
    for variable, expected in zip(theirs.optimizer.variables, mine.optimizer.variables, strict=True):
        np.testing.assert_array_equal(np.asarray(variable), expected.numpy())
    history = theirs.fit(x, y, epochs=2, batch_size=16, verbose=0, shuffle=False)
    assert np.all(np.isfinite(history.history["loss"]))
    assert int(theirs.optimizer.iterations) == int(mine.optimizer.iterations.numpy()) + 12


@pytest.mark.parametrize("case", CASES, ids=[_ids(c) for c in CASES])
def test_a_keras_model_opens_in_glassnet_and_resumes_as_keras_does(tmp_path, case):
    activation, optimizer = case
    x, y = _data()
    keras.utils.set_random_seed(0)
    theirs = _build(keras, activation, optimizer, x)
    theirs.fit(x, y, epochs=2, batch_size=16, verbose=0)
    theirs.save(tmp_path / "keras.keras")
    mine = glassnet_models.load_model(tmp_path / "keras.keras")
    np.testing.assert_array_equal(mine.predict(x, verbose=0)[:0], np.zeros((0, 1), "float32"))
    assert_close(mine.predict(x, verbose=0), theirs.predict(x, verbose=0), family="forward",
                 what=f"glassnet predicting from Keras's file ({_ids(case)})")
    for mine_variable, theirs_variable in zip(mine.weights, theirs.weights, strict=True):
        np.testing.assert_array_equal(mine_variable.numpy(), np.asarray(theirs_variable))
    for mine_variable, theirs_variable in zip(mine.optimizer.variables, theirs.optimizer.variables, strict=True):
        np.testing.assert_array_equal(mine_variable.numpy(), np.asarray(theirs_variable))
    # Resume both from the file, without dropout noise or shuffling: the same updates from the same state.
    theirs = keras.models.load_model(tmp_path / "keras.keras")  # a fresh train function sees the new rate
    for model in (mine, theirs):
        model.layers[2].rate = 0.0
    mine.fit(x, y, epochs=2, batch_size=16, verbose=0, shuffle=False)
    theirs.fit(x, y, epochs=2, batch_size=16, verbose=0, shuffle=False)
    for mine_variable, theirs_variable in zip(mine.weights, theirs.weights, strict=True):
        error, _ = scaled_error(mine_variable.numpy(), np.asarray(theirs_variable))
        assert error <= TOLERANCE["fit"], (mine_variable.path, error)
