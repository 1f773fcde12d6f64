"""glassnet.plot.lr_find: loss against learning rate on a log axis, the suggested rate marked."""
import math
from types import SimpleNamespace

import numpy as np
import pytest

import glassnet as tf

pytest.importorskip("matplotlib")

RATES = [1e-5, 1e-4, 1e-3, 1e-2, 1e-1, 1.0]
LOSSES = [0.70, 0.69, 0.50, 0.30, 0.9, math.inf]  # dips, then diverges


def test_the_curve_the_log_axis_and_the_suggestion(tmp_path, png_size):
    result = SimpleNamespace(learning_rates=RATES, losses=LOSSES, suggestion=2e-3)
    figure = tf.plot.lr_find(result, tmp_path / "lr.png")
    axis = figure.axes[0]
    curve, dot = axis.get_lines()[0], axis.get_lines()[-1]
    assert list(curve.get_xdata()) == RATES and list(curve.get_ydata()) == LOSSES
    assert axis.get_xscale() == "log"
    assert list(dot.get_xdata()) == [1e-3] and list(dot.get_ydata()) == [0.50]  # the point nearest 2e-3
    assert any(list(line.get_xdata()) == [2e-3, 2e-3] for line in axis.get_lines())  # the dashed marker
    assert "suggested: 0.002" in [text.get_text() for text in axis.get_legend().get_texts()]
    low, high = axis.get_ylim()
    assert low < 0.30 and 0.9 < high < 1.5  # the diverging end does not flatten the dip: 0.7 + 1.5 * 0.4 = 1.3
    assert png_size(tmp_path / "lr.png") == (700, 450)


def test_without_a_suggestion_only_the_curve():
    figure = tf.plot.lr_find(SimpleNamespace(learning_rates=np.array(RATES), losses=LOSSES, suggestion=None))
    assert len(figure.axes[0].get_lines()) == 1


@pytest.mark.parametrize("result, error, message", [
    (SimpleNamespace(learning_rates=RATES, losses=LOSSES[:2], suggestion=None), ValueError,
     "one loss per learning rate.*Received: 6 learning_rates and 2 losses"),
    (SimpleNamespace(learning_rates=[0.0, 1.0], losses=[1, 2], suggestion=None), ValueError, "must be positive"),
    (SimpleNamespace(losses=[1.0]), TypeError, "expected the result of glassnet.inspect.lr_find"),
])
def test_malformed_results_are_refused(result, error, message):
    with pytest.raises(error, match=message):
        tf.plot.lr_find(result)
