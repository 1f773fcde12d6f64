import numpy as np

from glassnet.keras.callbacks import History


def test_history_holds_python_floats_per_epoch(fit, model):
    logs = [{"accuracy": np.float32(0.5), "loss": np.float32(0.25), "val_loss": 0.75},
            {"accuracy": 0.75, "loss": 0.125, "val_loss": np.array(0.5, dtype="float32")}]
    history = fit(model, [], logs, steps=3)
    assert history.history == {"accuracy": [0.5, 0.75], "loss": [0.25, 0.125], "val_loss": [0.75, 0.5]}
    assert all(type(v) is float for values in history.history.values() for v in values)
    assert list(history.history) == ["accuracy", "loss", "val_loss"]
    assert history.epoch == [0, 1]
    assert history.params == {"verbose": 0, "epochs": 2, "steps": 3}
    assert history.model is model and model.history is history


def test_epoch_lists_the_epochs_actually_run(fit, model):
    history = fit(model, [], [{"loss": 3.0}, {"loss": 2.0}, {"loss": 1.0}], initial_epoch=1)
    assert history.epoch == [1, 2]
    assert history.history["loss"] == [2.0, 1.0]


def test_float32_values_keep_their_exact_value():
    history = History()
    history.on_train_begin()
    history.on_epoch_end(0, {"loss": np.float32(0.4)})
    assert history.history["loss"] == [0.4000000059604645]


def test_reuse_restarts_epoch_but_keeps_history():
    history = History()
    for _ in range(2):
        history.on_train_begin()
        history.on_epoch_end(0, {"loss": 1.0})
    assert history.epoch == [0]
    assert history.history == {"loss": [1.0, 1.0]}
