"""glassnet.plot.diagnostics: six panels of per-epoch curves, one line per layer, None left out."""
import math

import numpy as np
import pytest

import glassnet as tf

pytest.importorskip("matplotlib")

NONE3 = [None, None, None]
RECORD = {
    "epochs": [0, 1, 2],
    "loss": [0.7, 0.5, 0.4], "val_loss": [0.8, 0.6, None],
    "layers": {
        "hidden": {"weight_norm": [3.0, 3.5, 4.0], "grad_norm": [0.1, 0.05, 0.02],
                   "update_ratio": [1e-3, 5e-4, 2e-4], "saturated": [0.1, 0.6, 0.8], "dead": NONE3},
        "relu": {"weight_norm": [1.0, 1.2, 1.3], "grad_norm": [0.2, math.nan, 0.1],
                 "update_ratio": [2e-3, 1e-3, 5e-4], "saturated": NONE3, "dead": [0.0, 0.5, 0.75]},
    },
}
TITLES = ["loss", "weight norm ‖W‖", "gradient norm ‖dJ/dW‖", "update / weight  lr·‖dW‖/‖W‖",
          "saturated sigmoid/tanh units", "dead ReLU units"]


def _series(axis):
    """{label: (epochs, values)} of the data lines (not the alarm or band markers)."""
    return {line.get_label(): (list(line.get_xdata()), list(line.get_ydata())) for line in axis.get_lines()
            if line.get_marker() == "o"}


def test_six_panels_one_line_per_layer_none_and_nan_left_out(tmp_path, png_size):
    figure = tf.plot.diagnostics(RECORD, tmp_path / "diagnostics.png")
    loss, weight, grad, ratio, saturated, dead = figure.axes
    assert [axis.get_title() for axis in figure.axes] == TITLES
    assert _series(loss) == {"training": ([1, 2, 3], [0.7, 0.5, 0.4]), "validation": ([1, 2], [0.8, 0.6])}
    assert _series(weight) == {"hidden": ([1, 2, 3], [3.0, 3.5, 4.0]), "relu": ([1, 2, 3], [1.0, 1.2, 1.3])}
    assert _series(grad) == {"hidden": ([1, 2, 3], [0.1, 0.05, 0.02]), "relu": ([1, 3], [0.2, 0.1])}
    assert _series(ratio) == {"hidden": ([1, 2, 3], [1e-3, 5e-4, 2e-4]), "relu": ([1, 2, 3], [2e-3, 1e-3, 5e-4])}
    assert _series(saturated) == {"hidden": ([1, 2, 3], [0.1, 0.6, 0.8])}  # the ReLU layer has no saturation
    assert _series(dead) == {"relu": ([1, 2, 3], [0.0, 0.5, 0.75])}
    assert [axis.get_yscale() for axis in figure.axes] == ["log", "linear", "log", "log", "linear", "linear"]
    assert png_size(tmp_path / "diagnostics.png") == (1600, 900)


def test_the_healthy_band_and_the_alarm_lines_are_labelled():
    figure = tf.plot.diagnostics(RECORD)
    ratio, saturated, dead = figure.axes[3:]
    band = [patch for patch in ratio.patches if patch.get_label() == "healthy: 1e-5 to 1e-1"]
    assert len(band) == 1
    ys = band[0].get_path().transformed(band[0].get_patch_transform()).vertices[:, 1]
    assert np.isclose(min(ys), 1e-5) and np.isclose(max(ys), 1e-1)
    for axis, level, label in ((saturated, 0.5, "alarm: > 50% saturated"), (dead, 0.7, "alarm: ≥ 70% dead")):
        alarm, = [line for line in axis.get_lines() if line.get_label() == label]
        assert list(alarm.get_ydata()) == [level, level] and axis.get_ylim() == (-0.03, 1.03)


def test_a_panel_where_nothing_applies_says_so_and_a_nan_loss_is_marked():
    record = {"epochs": [0, 1], "loss": [0.7, math.nan],
              "layers": {"dense": {"weight_norm": [1.0, 2.0], "grad_norm": [1.0, 1e4], "update_ratio": [1e-3, 1.0],
                                   "saturated": [None, None], "dead": [None, None]}}}
    figure = tf.plot.diagnostics(record)
    loss, saturated, dead = figure.axes[0], figure.axes[4], figure.axes[5]
    assert _series(saturated) == {} and [t.get_text() for t in saturated.texts] == [
        "does not apply: no sigmoid or tanh layer"]
    assert [t.get_text() for t in dead.texts] == ["does not apply: no ReLU layer"]
    marker, = [line for line in loss.get_lines() if line.get_label() == "loss NaN/inf from epoch 2"]
    assert list(marker.get_xdata()) == [2, 2]
    assert all(axis.get_xlim() == (0.5, 2.5) for axis in figure.axes)  # every panel on the same epochs


def test_a_series_of_the_wrong_length_is_named():
    record = {**RECORD, "layers": {"relu": {**RECORD["layers"]["relu"], "dead": [0.1]}}}
    with pytest.raises(ValueError, match=r"one value per epoch .*\(3 epochs\). Received: 1 values in "
                                         r"record\['layers'\]\['relu'\]\['dead'\]"):
        tf.plot.diagnostics(record)
    with pytest.raises(TypeError, match="expected a record"):
        tf.plot.diagnostics({"loss": [1.0]})
