"""In a notebook, explain()'s result and a gradient-check report render as HTML tables with the
same rows as their Markdown, every value escaped."""
import re

import numpy as np

import glassnet as tf
from glassnet.inspect import check_gradients
from glassnet.inspect.gradients import GradientReport


def _cells(html_text):
    return re.findall(r"<td>(.*?)</td>", html_text)


def _model():
    model = tf.keras.Sequential([tf.keras.Input(shape=(3,)), tf.keras.layers.Dense(2, activation="relu"),
                                 tf.keras.layers.Dense(1, activation="sigmoid")], name="net<1>")
    model.compile(optimizer="sgd", loss="binary_crossentropy")
    return model


def test_explanation_html_has_the_markdown_rows_escaped():
    explanation = _model().explain()
    html_text = explanation._repr_html_()
    assert html_text.startswith("<p><b>Model &quot;net&lt;1&gt;&quot;</b></p>")
    assert html_text.count("<table>") == 3  # forward pass, cost, update
    assert html_text.count("<th>formula</th><th>where</th>") == 3
    markdown_rows = [line for line in explanation.markdown().splitlines() if line.startswith("| `")]
    cells = _cells(html_text)
    assert len(cells) == 2 * len(markdown_rows)
    assert cells[0] == "<code>a1 = relu(x @ W1 + b1)</code>"
    assert cells[1] == "x:(m, 3)  W1:(3, 2)  b1:(2,)  -&gt;  a1:(m, 2)"
    assert "<" not in "".join(cell.replace("<code>", "").replace("</code>", "") for cell in cells)


def test_latex_explanations_leave_the_notebook_to_the_formulas():
    assert _model().explain(format="latex")._repr_html_() is None


def test_gradient_report_html_has_one_row_per_weight_and_the_verdict():
    rng = np.random.default_rng(0)
    model = _model()
    report = check_gradients(model, rng.normal(size=(4, 3)), (rng.random((4, 1)) > 0.5).astype("float32"))
    html_text = report._repr_html_()
    assert html_text.count("<tr><td>") == len(model.trainable_weights) == 4
    assert _cells(html_text)[:2] == ["<code>net&lt;1&gt;/dense/kernel</code>", "(3, 2)"]
    assert html_text.endswith("<p><b>ok</b></p>")
    wrong = GradientReport([("a<b>/kernel", (2,), 0.5)], tolerance=1e-5)._repr_html_()
    assert _cells(wrong) == ["<code>a&lt;b&gt;/kernel</code>", "(2,)", "5.00e-01"] and "<b>WRONG</b>" in wrong
