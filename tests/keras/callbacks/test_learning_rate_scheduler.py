import numpy as np
import pytest

from glassnet.keras.callbacks import LearningRateScheduler


def test_two_argument_schedule_gets_epoch_and_current_rate(fit, model):
    calls = []

    def schedule(epoch, lr):
        calls.append((epoch, lr))
        return lr * 0.5

    history = fit(model, [LearningRateScheduler(schedule)], [{"loss": 1.0}] * 3)
    # the rate is read back as float32 each epoch, as from a Keras variable
    assert calls == [(0, float(np.float32(0.1))), (1, float(np.float32(0.05000000074505806))),
                     (2, float(np.float32(0.025)))]
    assert model.optimizer.assigned == [0.05000000074505806, 0.02500000037252903, 0.012500000186264515]
    assert history.history["learning_rate"] == [float(np.float32(v)) for v in model.optimizer.assigned]
    assert list(history.history) == ["loss", "learning_rate"]


def test_one_argument_schedule_gets_epoch(fit, model):
    history = fit(model, [LearningRateScheduler(lambda epoch: 0.01 * (epoch + 1))], [{"loss": 1.0}] * 2)
    assert model.optimizer.assigned == [0.01, 0.02]
    assert history.history["learning_rate"] == [float(np.float32(0.01)), float(np.float32(0.02))]


def test_type_error_inside_schedule_is_not_hidden(fit, model):
    def schedule(epoch, lr):
        return lr + "x"
    with pytest.raises(TypeError, match="unsupported operand"):
        fit(model, [LearningRateScheduler(schedule)], [{"loss": 1.0}])


def test_verbose_message(fit, model, capsys):
    fit(model, [LearningRateScheduler(lambda epoch: 0.5, verbose=1)], [{"loss": 1.0}])
    assert capsys.readouterr().out == "\nEpoch 1: LearningRateScheduler setting learning rate to 0.5.\n"


def test_non_float_result_is_refused(fit, model):
    with pytest.raises(ValueError, match="should be a float. Got: 1 "):
        fit(model, [LearningRateScheduler(lambda epoch: 1)], [{"loss": 1.0}])


def test_schedule_optimizer_refuses_assignment(fit, model):
    model.optimizer.is_schedule = True
    with pytest.raises(TypeError, match="schedule"):
        fit(model, [LearningRateScheduler(lambda epoch: 0.1)], [{"loss": 1.0}])


def test_schedule_must_be_callable():
    with pytest.raises(TypeError, match="schedule=0.1"):
        LearningRateScheduler(0.1)
