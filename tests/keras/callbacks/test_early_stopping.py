import numpy as np
import pytest

from glassnet.keras.callbacks import EarlyStopping, LambdaCallback


def losses(*values, key="val_loss"):
    return [{"loss": 1.0, key: v} for v in values]


def test_stops_after_patience_epochs_without_improvement(fit, model):
    stopper = EarlyStopping(patience=2)
    history = fit(model, [stopper], losses(1.0, 0.8, 0.9, 0.85, 0.7, 0.6))
    # best 0.8 at epoch 1; epochs 2 and 3 do not improve -> wait reaches 2 at epoch 3
    assert history.epoch == [0, 1, 2, 3]
    assert stopper.stopped_epoch == 3 and model.stop_training
    assert stopper.best == 0.8 and stopper.best_epoch == 1


def test_patience_zero_stops_at_first_non_improvement_but_never_at_epoch_zero(fit, model):
    stopper = EarlyStopping(monitor="loss", patience=0)
    history = fit(model, [stopper], [{"loss": 1.0}, {"loss": 0.5}, {"loss": 0.5}, {"loss": 0.1}])
    assert history.epoch == [0, 1, 2]


def test_min_delta_needs_a_big_enough_change(fit, model):
    stopper = EarlyStopping(min_delta=0.1, patience=1)
    history = fit(model, [stopper], losses(1.0, 0.95, 0.92, 0.5))
    # 0.95 + 0.1 < 1.0 is false: no improvement at epoch 1 -> stop
    assert history.epoch == [0, 1]
    assert stopper.best == 1.0


def test_negative_min_delta_is_taken_as_its_size(fit, model):
    stopper = EarlyStopping(min_delta=-0.1, patience=1)
    fit(model, [stopper], losses(1.0, 0.95, 0.5))
    assert stopper.stopped_epoch == 1


def test_auto_mode_maximises_accuracy(fit, model):
    stopper = EarlyStopping(monitor="val_accuracy", patience=1)
    history = fit(model, [stopper], losses(0.5, 0.6, 0.55, 0.9, key="val_accuracy"))
    assert history.epoch == [0, 1, 2]
    assert stopper.best == 0.6


def test_explicit_mode_overrides_the_name(fit, model):
    stopper = EarlyStopping(monitor="val_loss", mode="max", patience=1)
    history = fit(model, [stopper], losses(1.0, 2.0, 1.5, 3.0))
    assert history.epoch == [0, 1, 2] and stopper.best == 2.0


def test_auto_mode_reads_a_model_metric_direction(fit, model):
    class Score:
        name, _direction = "score", "up"
    model.metrics = [Score()]
    stopper = EarlyStopping(monitor="val_score", patience=0)
    fit(model, [stopper], losses(1.0, 2.0, 1.0, key="val_score"))
    assert stopper.best == 2.0 and stopper.stopped_epoch == 2


def test_auto_mode_with_unknown_metric_asks_for_mode(fit, model):
    with pytest.raises(ValueError, match="mode='max'"):
        fit(model, [EarlyStopping(monitor="val_custom")], losses(1.0, key="val_custom"))


def test_baseline_must_be_beaten_to_reset_wait(fit, model, make_model):
    with_baseline = EarlyStopping(baseline=0.5, patience=2)
    history = fit(model, [with_baseline], losses(0.9, 0.9, 0.9, 0.9))
    # epoch 0 improves on "no best yet" but not on the baseline, so wait stays 1; epoch 1 -> 2: stop
    assert history.epoch == [0, 1]
    without_baseline = EarlyStopping(patience=2)
    assert fit(make_model(), [without_baseline], losses(0.9, 0.9, 0.9, 0.9)).epoch == [0, 1, 2]


def test_improving_epochs_never_stop_even_above_the_baseline(fit, model):
    stopper = EarlyStopping(baseline=0.5, patience=1)
    history = fit(model, [stopper], losses(0.9, 0.8, 0.7, 0.6))
    # Keras checks patience only on epochs without improvement
    assert history.epoch == [0, 1, 2, 3] and stopper.wait == 4


def test_baseline_beaten_keeps_training(fit, model):
    stopper = EarlyStopping(baseline=0.5, patience=1)
    history = fit(model, [stopper], losses(0.4, 0.3, 0.2))
    assert history.epoch == [0, 1, 2] and not model.stop_training


def test_restore_best_weights_after_stopping(fit, model, capsys):
    stopper = EarlyStopping(patience=1, restore_best_weights=True, verbose=1)
    weights_by_epoch = []

    def train(epoch, logs):  # a stand-in for the optimizer changing the weights in place
        model.weights[0] += 1.0
        weights_by_epoch.append(model.get_weights())

    fit(model, [LambdaCallback(on_epoch_end=train), stopper], losses(1.0, 0.5, 0.7, 0.6))
    np.testing.assert_array_equal(model.weights[0], weights_by_epoch[1][0])
    assert capsys.readouterr().out == ("Epoch 3: early stopping\n"
                                       "Restoring model weights from the end of the best epoch: 2.\n")


def test_restore_best_weights_at_train_end_even_without_stopping(fit, model, capsys):
    stopper = EarlyStopping(monitor="loss", patience=5, restore_best_weights=True, verbose=1)

    def train(epoch, logs):
        model.weights[1][:] = epoch  # changed in place: the saved copy must not follow
    fit(model, [LambdaCallback(on_epoch_end=train), stopper],
        [{"loss": 3.0}, {"loss": 1.0}, {"loss": 2.0}])
    assert not model.stop_training and stopper.stopped_epoch == 0
    np.testing.assert_array_equal(model.weights[1], [1.0])
    assert capsys.readouterr().out == "Restoring model weights from the end of the best epoch: 2.\n"


def test_start_from_epoch_ignores_warm_up(fit, model):
    stopper = EarlyStopping(monitor="loss", patience=0, start_from_epoch=2)
    history = fit(model, [stopper], [{"loss": 1.0}, {"loss": 2.0}, {"loss": 3.0}, {"loss": 4.0}])
    # epochs 0 and 1 are ignored; epoch 2 sets the best; epoch 3 is worse -> stop
    assert history.epoch == [0, 1, 2, 3]
    assert stopper.best == 3.0 and stopper.stopped_epoch == 3


def test_missing_monitor_warns_and_continues(fit, model):
    stopper = EarlyStopping(monitor="val_loss", patience=0)
    with pytest.warns(UserWarning, match="Available metrics are: loss"):
        history = fit(model, [stopper], [{"loss": 1.0}, {"loss": 2.0}])
    assert history.epoch == [0, 1]


def test_instance_can_be_reused(fit, model, make_model):
    stopper = EarlyStopping(monitor="loss", patience=0)
    fit(model, [stopper], [{"loss": 1.0}, {"loss": 2.0}])
    second = make_model()
    history = fit(second, [stopper], [{"loss": 5.0}, {"loss": 4.0}])
    assert history.epoch == [0, 1] and stopper.best == 4.0


@pytest.mark.parametrize("kwargs, match", [
    ({"patience": -1}, "patience=-1"),
    ({"patience": 1.5}, "patience=1.5"),
    ({"mode": "up"}, "mode='up'"),
    ({"min_delta": "0.1"}, "min_delta='0.1'"),
    ({"baseline": "low"}, "baseline='low'"),
    ({"start_from_epoch": -2}, "start_from_epoch=-2"),
])
def test_bad_arguments_raise_value_error(kwargs, match):
    with pytest.raises(ValueError, match=match):
        EarlyStopping(**kwargs)


def test_bad_types_raise_type_error():
    with pytest.raises(TypeError, match="restore_best_weights=1"):
        EarlyStopping(restore_best_weights=1)
    with pytest.raises(TypeError, match="monitor=3"):
        EarlyStopping(monitor=3)
