import numpy as np
import pytest

from glassnet.keras.callbacks import ReduceLROnPlateau


def val_losses(*values):
    return [{"loss": 1.0, "val_loss": v} for v in values]


def test_reduces_after_patience_and_logs_the_rate(fit, model):
    reducer = ReduceLROnPlateau(factor=0.5, patience=2)
    history = fit(model, [reducer], val_losses(1.0, 1.0, 1.0, 1.0))
    # epoch 0 sets best; epochs 1, 2 wait 1, 2 -> reduce at epoch 2; epoch 3 waits 1
    lr0 = float(np.float32(0.1))
    assert model.optimizer.assigned == [lr0 * 0.5]
    # the logged rate is read before any reduction in that epoch
    assert history.history["learning_rate"] == [lr0, lr0, lr0, float(np.float32(lr0 * 0.5))]
    assert list(history.history) == ["loss", "val_loss", "learning_rate"]


def test_improvement_within_min_delta_does_not_count(fit, model):
    reducer = ReduceLROnPlateau(patience=1, min_delta=0.1)
    fit(model, [reducer], val_losses(1.0, 0.95))
    assert len(model.optimizer.assigned) == 1


def test_cooldown_pauses_waiting(fit, model):
    reducer = ReduceLROnPlateau(factor=0.5, patience=1, cooldown=2)
    fit(model, [reducer], val_losses(1.0, 1.0, 1.0, 1.0, 1.0, 1.0))
    # e0 best; e1 wait 1 -> reduce, counter 2; e2 counter 1, skipped;
    # e3 counter 0, so it counts: wait 1 -> reduce, counter 2; e4 skipped; e5 reduces again
    assert len(model.optimizer.assigned) == 3
    assert reducer.cooldown_counter == 2


def test_min_lr_is_a_floor(fit, model):
    reducer = ReduceLROnPlateau(factor=0.1, patience=1, min_lr=0.05)
    fit(model, [reducer], val_losses(1.0, 1.0, 1.0, 1.0))
    assert model.optimizer.assigned == [0.05]  # then 0.05 (as float32) is not above min_lr


def test_max_mode_for_accuracy(fit, model):
    reducer = ReduceLROnPlateau(monitor="accuracy", patience=1)
    fit(model, [reducer], [{"accuracy": 0.5}, {"accuracy": 0.6}, {"accuracy": 0.7}])
    assert model.optimizer.assigned == []


def test_verbose_message(fit, model, capsys):
    fit(model, [ReduceLROnPlateau(patience=0, verbose=1)], val_losses(1.0, 1.0))
    assert capsys.readouterr().out == ("\nEpoch 2: ReduceLROnPlateau reducing learning rate to "
                                       "0.010000000149011612.\n")


def test_missing_monitor_warns(fit, model):
    with pytest.warns(UserWarning, match="`val_loss` which is not available"):
        history = fit(model, [ReduceLROnPlateau()], [{"loss": 1.0}])
    assert "learning_rate" in history.history


@pytest.mark.parametrize("kwargs, match", [
    ({"factor": 1.0}, "factor=1.0"),
    ({"factor": 2}, "factor=2"),
    ({"factor": -0.5}, "factor=-0.5"),
    ({"patience": -1}, "patience=-1"),
    ({"cooldown": 0.5}, "cooldown=0.5"),
    ({"min_lr": -1e-3}, "min_lr=-0.001"),
    ({"mode": "lowest"}, "mode='lowest'"),
])
def test_bad_arguments(kwargs, match):
    with pytest.raises(ValueError, match=match):
        ReduceLROnPlateau(**kwargs)
