import re
from contextlib import redirect_stdout

import pytest

from glassnet.keras.callbacks import CallbackList, ProgbarLogger
from glassnet.keras.utils import progbar as progbar_module

BAR = "\u2501"


@pytest.fixture(autouse=True)
def frozen_clock(monkeypatch):
    # Every reading is the same instant: elapsed 0s, 0s/step; all redraws but the first are too soon.
    monkeypatch.setattr(progbar_module, "_clock", lambda: 100.0)


def run_fit(model, verbose, epochs=2, steps=2, validation=True):
    callbacks = CallbackList([], add_history=True, add_progbar=verbose != 0, model=model,
                             verbose=verbose, epochs=epochs, steps=steps)
    callbacks.on_train_begin()
    for epoch in range(epochs):
        callbacks.on_epoch_begin(epoch)
        for step in range(steps):
            callbacks.on_train_batch_begin(step)
            callbacks.on_train_batch_end(step, {"accuracy": 0.75, "loss": 0.25 / (epoch + 1)})
        logs = {"accuracy": 0.75, "loss": 0.25 / (epoch + 1)}
        if validation:  # the validation pass must print nothing inside fit
            callbacks.on_test_begin()
            callbacks.on_test_batch_end(0, {"loss": 9.0})
            callbacks.on_test_end({"loss": 9.0})
            logs["val_loss"] = 0.0001
        callbacks.on_epoch_end(epoch, logs)
    callbacks.on_train_end(logs)


def test_terminal_output_is_the_keras_bar(model, tty):
    with redirect_stdout(tty):
        run_fit(model, verbose=1)
    out = tty.getvalue()
    assert out.startswith("Epoch 1/2\n\r\x1b[1m1/2\x1b[0m ")
    final = (f"\r\x1b[1m2/2\x1b[0m \x1b[32m{BAR * 20}\x1b[0m\x1b[37m\x1b[0m \x1b[1m0s\x1b[0m 0s/step"
             " - accuracy: 0.7500 - loss: 0.2500 - val_loss: 1.0000e-04\n")
    assert final in out
    assert "Epoch 2/2\n" in out and "loss: 0.1250 - val_loss: 1.0000e-04\n" in out
    assert "9.0000" not in out  # validation batches are not shown
    assert "\b" in out  # the final update erases the first one


def test_pipe_output_is_one_clean_line_per_epoch(model, capsys):
    run_fit(model, verbose=1)
    out = capsys.readouterr().out
    assert out == ("Epoch 1/2\n"
                   "2/2 - 0s - 0s/step - accuracy: 0.7500 - loss: 0.2500 - val_loss: 1.0000e-04\n"
                   "Epoch 2/2\n"
                   "2/2 - 0s - 0s/step - accuracy: 0.7500 - loss: 0.1250 - val_loss: 1.0000e-04\n")
    assert not re.search("[\r\b\x1b]", out)


def test_verbose_2_prints_one_plain_line_per_epoch_even_in_a_terminal(model, tty):
    with redirect_stdout(tty):
        run_fit(model, verbose=2, steps=12)
    lines = tty.getvalue().splitlines()
    assert lines == ["Epoch 1/2",
                     "12/12 - 0s - 0s/step - accuracy: 0.7500 - loss: 0.2500 - val_loss: 1.0000e-04",
                     "Epoch 2/2",
                     "12/12 - 0s - 0s/step - accuracy: 0.7500 - loss: 0.1250 - val_loss: 1.0000e-04"]


def test_one_epoch_has_no_epoch_header(model, capsys):
    run_fit(model, verbose=1, epochs=1, validation=False)
    assert capsys.readouterr().out == "2/2 - 0s - 0s/step - accuracy: 0.7500 - loss: 0.2500\n"


def test_verbose_0_prints_nothing(model, capsys):
    callbacks = CallbackList([ProgbarLogger()], model=model, verbose=0, epochs=3, steps=2)
    callbacks.on_train_begin()
    callbacks.on_epoch_begin(0)
    callbacks.on_train_batch_end(0, {"loss": 1.0})
    callbacks.on_epoch_end(0, {"loss": 1.0})
    assert capsys.readouterr().out == ""


def test_evaluate_shows_test_progress(model, capsys):
    callbacks = CallbackList(add_progbar=True, model=model, verbose=1, epochs=1, steps=3)
    callbacks.on_test_begin()
    for step in range(3):
        callbacks.on_test_batch_end(step, {"loss": 0.5})
    callbacks.on_test_end({"loss": 0.5})
    assert capsys.readouterr().out == "3/3 - 0s - 0s/step - loss: 0.5000\n"


def test_predict_shows_no_values_and_learns_unknown_length(model, tty):
    callbacks = CallbackList(add_progbar=True, model=model, verbose=1, steps=None)
    with redirect_stdout(tty):
        callbacks.on_predict_begin()
        for step in range(2):
            callbacks.on_predict_batch_end(step, {"outputs": [1.0, 2.0]})
        callbacks.on_predict_end()
    out = tty.getvalue()
    assert out.startswith("\r      1/Unknown \x1b[1m0s\x1b[0m 0s/step")
    assert out.endswith(f"\r\x1b[1m2/2\x1b[0m \x1b[32m{BAR * 20}\x1b[0m\x1b[37m\x1b[0m \x1b[1m0s\x1b[0m 0s/step\n")
    assert "outputs" not in out


def test_stopped_epoch_shows_full_target(model, capsys):
    callbacks = CallbackList(add_progbar=True, model=model, verbose=1, epochs=1, steps=4)
    callbacks.on_train_begin()
    callbacks.on_epoch_begin(0)
    callbacks.on_train_batch_end(0, {"loss": float("inf")})
    callbacks.on_epoch_end(0, {"loss": float("inf")})
    assert capsys.readouterr().out == "4/4 - 0s - 0s/step - loss: inf\n"


def test_auto_verbose_is_1_and_bad_verbose_is_refused(model):
    logger = ProgbarLogger()
    logger.set_params({"verbose": "auto", "epochs": 2, "steps": 1})
    assert logger.verbose == 1
    with pytest.raises(ValueError, match="verbose=3"):
        logger.set_params({"verbose": 3, "epochs": 1, "steps": 1})
