"""``glassnet.plot.diagnostics``: the per-layer curves that a ``Diagnostics`` callback records.

Six panels, one line per layer in each (the layer's name in the legend), epochs counted from 1:
the loss; each layer's weight norm; its gradient norm; its update/weight ratio with the healthy
band 1e-5..1e-1 shaded (DeepDiagnosis); the share of saturated sigmoid/tanh units (alarm above 0.5,
DeepDiagnosis); the share of dead ReLUs (alarm at 0.7, AUTOTRAINER and DeepDiagnosis).
A value that does not apply (None or NaN: no saturation for a ReLU layer) is left out; a panel
where nothing applies says so instead of staying blank.
"""
import math
import reprlib
from collections.abc import Mapping

from glassnet.plot import _backend
from glassnet.plot._history import integer_epochs

HEALTHY_UPDATE_RATIO = (1e-5, 1e-1)
SATURATED_ALARM, DEAD_ALARM = 0.5, 0.7
QUANTITIES = ("weight_norm", "grad_norm", "update_ratio", "saturated", "dead")
PANELS = (  # (quantity, title, y label, log y)
    ("weight_norm", "weight norm ‖W‖", "norm", False),
    ("grad_norm", "gradient norm ‖dJ/dW‖", "norm (log)", True),
    ("update_ratio", "update / weight  lr·‖dW‖/‖W‖", "ratio (log)", True),
    ("saturated", "saturated sigmoid/tanh units", "share of units", False),
    ("dead", "dead ReLU units", "share of units", False),
)


def diagnostics(record, path=None):
    """The curves of a training-diagnostics record, per epoch, in a 2x3 grid.

    Args:
        record: ``{"epochs": [0, 1, ...], "loss": [...], "val_loss": [...] (optional),
            "layers": {name: {"weight_norm": [...], "grad_norm": [...], "update_ratio": [...],
            "saturated": [...], "dead": [...]}}}``, one value per epoch in every series, None or
            NaN where a quantity does not apply.
        path: where to write the picture as a PNG (the folder must exist); None draws only.

    Returns the matplotlib ``Figure``.
    """
    epochs = _check(record)
    path = _backend.checked_path(path, "diagnostics")
    figure = _backend.new_figure("glassnet.plot.diagnostics", (16, 9))
    axes = figure.subplots(2, 3).ravel()
    _loss_panel(axes[0], epochs, record)
    for axis, (quantity, title, ylabel, log) in zip(axes[1:], PANELS):
        _layer_panel(axis, epochs, record["layers"], quantity, log)
        axis.set(title=title, xlabel="epoch", ylabel=ylabel)
    _mark_update_band(axes[3])
    _mark_share_alarm(axes[4], SATURATED_ALARM, "alarm: > 50% saturated")
    _mark_share_alarm(axes[5], DEAD_ALARM, "alarm: ≥ 70% dead")
    span = (epochs[0] - 0.5, epochs[-1] + 0.5) if epochs else (0.5, 1.5)
    for axis in axes:
        axis.set_xlim(*span)  # every panel on the same epochs, drawn or not
        integer_epochs(axis, epochs)
        axis.grid(alpha=0.3)
        if axis.get_legend_handles_labels()[0]:
            axis.legend(fontsize=8)
    return _backend.finish(figure, path)


def _check(record):
    """The epoch numbers (from 1), once every series is known to have one value per epoch."""
    if not isinstance(record, Mapping) or "epochs" not in record or not isinstance(record.get("layers"), Mapping):
        raise TypeError("glassnet.plot.diagnostics: expected a record {'epochs': [...], 'loss': [...], "
                        f"'layers': {{name: {{...}}}}}}. Received: record={reprlib.repr(record)}")
    count = len(record["epochs"])
    series = [(f"record[{key!r}]", record[key]) for key in ("loss", "val_loss") if key in record]
    series += [(f"record['layers'][{name!r}][{quantity!r}]", values)
               for name, layer in record["layers"].items() for quantity, values in layer.items()]
    for where, values in series:
        if len(values) != count:
            raise ValueError("glassnet.plot.diagnostics: expected one value per epoch in every series "
                             f"({count} epochs). Received: {len(values)} values in {where}")
    return [int(epoch) + 1 for epoch in record["epochs"]]


def _points(epochs, values):
    """The (epochs, values) where a value applies: None and NaN left out (a NaN loss is marked apart)."""
    kept = [(e, float(v)) for e, v in zip(epochs, values) if v is not None and not math.isnan(float(v))]
    return [e for e, _ in kept], [v for _, v in kept]


def _loss_panel(axis, epochs, record):
    values = []
    for key, label in (("loss", "training"), ("val_loss", "validation")):
        if key in record:
            x, y = _points(epochs, record[key])
            values += y
            axis.plot(x, y, marker="o", markersize=3, label=label)
    if values and all(math.isfinite(v) and v > 0 for v in values):
        axis.set_yscale("log")
    axis.set(title="loss", xlabel="epoch", ylabel="loss (log)" if axis.get_yscale() == "log" else "loss")
    if not values:
        _nothing(axis, "no loss recorded")
    broken = [e for e, v in zip(epochs, record.get("loss", [])) if v is not None and not math.isfinite(float(v))]
    if broken:
        axis.axvline(broken[0], color="tab:red", linestyle=":", label=f"loss NaN/inf from epoch {broken[0]}")


def _layer_panel(axis, epochs, layers, quantity, log):
    drawn = 0
    for name, series in layers.items():
        x, y = _points(epochs, series.get(quantity, [None] * len(epochs)))
        if log:
            x, y = [e for e, v in zip(x, y) if v > 0], [v for v in y if v > 0]  # a log axis cannot show 0
        if y:
            axis.plot(x, y, marker="o", markersize=3, label=name)
            drawn += 1
    if log and drawn:
        axis.set_yscale("log")
    if not drawn:
        _nothing(axis, {"saturated": "does not apply: no sigmoid or tanh layer",
                        "dead": "does not apply: no ReLU layer"}.get(quantity, "nothing recorded"))


def _mark_update_band(axis):
    low, high = HEALTHY_UPDATE_RATIO
    axis.axhspan(low, high, color="tab:green", alpha=0.12, zorder=0, label="healthy: 1e-5 to 1e-1")
    axis.set_yscale("log")


def _mark_share_alarm(axis, level, label):
    axis.axhline(level, color="tab:red", linestyle="--", linewidth=1, label=label)
    axis.set_ylim(-0.03, 1.03)


def _nothing(axis, message):
    axis.text(0.5, 0.25, message, ha="center", va="center", transform=axis.transAxes, color="#606060")
