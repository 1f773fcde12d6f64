"""glassnet.plot.history: one panel for the loss, one per metric, holding exactly the logged values."""
import numpy as np
import pytest

import glassnet as tf

pytest.importorskip("matplotlib")

LOGS = {"loss": [0.7, 0.4, 0.2], "accuracy": [0.5, 0.8, 0.95], "auc": [0.6, 0.7, 0.9],
        "val_loss": [0.72, 0.5, 0.3], "val_accuracy": [0.45, 0.75, 0.9]}


def _curves(axis):
    return {line.get_label(): (list(line.get_xdata()), list(line.get_ydata())) for line in axis.get_lines()}


def test_each_panel_holds_the_training_and_validation_values_from_epoch_1():
    figure = tf.plot.history(LOGS)
    axes = [axis for axis in figure.axes if axis.get_visible()]
    assert [axis.get_title() for axis in axes] == ["loss", "accuracy", "auc"]
    loss, accuracy, auc = (_curves(axis) for axis in axes)
    assert loss == {"training": ([1, 2, 3], LOGS["loss"]), "validation": ([1, 2, 3], LOGS["val_loss"])}
    assert accuracy == {"training": ([1, 2, 3], LOGS["accuracy"]), "validation": ([1, 2, 3], LOGS["val_accuracy"])}
    assert auc == {"training": ([1, 2, 3], LOGS["auc"])}  # no val_auc logged: no validation curve
    assert all(axis.get_xlabel() == "epoch" for axis in axes)


def test_a_fit_history_and_its_png(tmp_path, png_size):
    rng = np.random.default_rng(0)
    x = rng.normal(size=(40, 3)).astype("float32")
    y = (x[:, :1] > 0).astype("float32")
    model = tf.keras.Sequential([tf.keras.layers.Dense(1, activation="sigmoid")])
    model.compile(optimizer="sgd", loss="binary_crossentropy", metrics=["accuracy"])
    history = model.fit(x, y, epochs=4, validation_split=0.25, verbose=0)
    figure = tf.plot.history(history, tmp_path / "history.png")
    assert png_size(tmp_path / "history.png") == (1000, 400)  # two 5x4-inch panels at 100 dpi
    loss = _curves(figure.axes[0])
    np.testing.assert_array_equal(loss["training"][1], history.history["loss"])
    np.testing.assert_array_equal(loss["validation"][1], history.history["val_loss"])


def test_epochs_follow_initial_epoch_and_metrics_selects_panels():
    history = tf.keras.callbacks.History()
    history.on_train_begin()
    for epoch in (2, 3):  # fit(..., initial_epoch=2, epochs=4)
        history.on_epoch_end(epoch, {"loss": 1.0 / epoch, "accuracy": 0.1 * epoch, "mse": 0.5})
    figure = tf.plot.history(history, metrics=["accuracy"])
    assert [axis.get_title() for axis in figure.axes if axis.get_visible()] == ["loss", "accuracy"]
    assert _curves(figure.axes[1]) == {"training": ([3, 4], [0.1 * 2, 0.1 * 3])}


def test_more_than_three_panels_wrap_and_the_spare_axis_is_hidden():
    logs = {name: [1.0, 2.0] for name in ("loss", "a", "b", "c", "d")}
    figure = tf.plot.history(logs)
    assert len(figure.axes) == 6 and [axis.get_visible() for axis in figure.axes] == [True] * 5 + [False]
    assert tuple(figure.get_size_inches()) == (15, 8)


def test_numpy_arrays_are_drawn_as_lists_are():
    figure = tf.plot.history({key: np.asarray(values) for key, values in LOGS.items()})
    assert _curves(figure.axes[1])["validation"] == ([1, 2, 3], LOGS["val_accuracy"])


def test_one_epoch_is_a_visible_dot_on_a_whole_epoch_axis():
    figure = tf.plot.history({"loss": [0.5]})
    line, = figure.axes[0].get_lines()
    assert line.get_marker() == "o" and figure.axes[0].get_xlim() == (0.5, 1.5)


@pytest.mark.parametrize("bad, error, message", [
    ([0.1, 0.2], TypeError, "expected the History that fit returns"),
    ({"loss": []}, ValueError, "no epochs"),
])
def test_bad_histories_are_refused(bad, error, message):
    with pytest.raises(error, match=message):
        tf.plot.history(bad)


def test_an_unknown_metric_names_what_was_recorded():
    with pytest.raises(ValueError, match=r"no metric 'acc'.*recorded: \['loss', 'accuracy', 'auc'\]"):
        tf.plot.history(LOGS, metrics=["acc"])
    with pytest.raises(TypeError, match="list of metric names"):
        tf.plot.history(LOGS, metrics="accuracy")
