import numpy as np
import pytest

from glassnet.keras.callbacks import CallbackList, TerminateOnNaN


@pytest.mark.parametrize("bad", [float("nan"), float("inf"), -np.inf, np.float32("nan")])
def test_invalid_loss_stops_mid_epoch_and_epoch_still_ends(fit, model, capsys, bad):
    history = fit(model, [TerminateOnNaN()], [{"loss": bad}, {"loss": 1.0}], steps=4,
                  batch_logs={"loss": bad})
    assert model.stop_training
    assert capsys.readouterr().out == "Batch 0: Invalid loss, terminating training\n"
    assert history.epoch == [0]  # on_epoch_end ran once, then training stopped
    assert len(history.history["loss"]) == 1


def test_finite_or_missing_loss_changes_nothing(model, capsys):
    guard = TerminateOnNaN()
    callbacks = CallbackList([guard], model=model)
    callbacks.on_train_batch_end(0, {"loss": 1e30})
    callbacks.on_train_batch_end(1, {"accuracy": float("nan")})
    assert not model.stop_training and capsys.readouterr().out == ""


def test_raise_error_raises_runtime_error(model):
    callbacks = CallbackList([TerminateOnNaN(raise_error=True)], model=model)
    with pytest.raises(RuntimeError, match="NaN or Inf loss encountered at batch 2"):
        callbacks.on_train_batch_end(2, {"loss": float("nan")})
    assert not model.stop_training


def test_raise_error_must_be_bool():
    with pytest.raises(TypeError, match="raise_error='yes'"):
        TerminateOnNaN(raise_error="yes")
