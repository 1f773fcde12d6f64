"""``glassnet.plot.history``: the loss and metric curves of ``fit``, as Keras users draw them."""
import math
from collections.abc import Mapping

from glassnet.plot import _backend

PANEL_SIZE = (5, 4)  # inches per panel
MAX_COLUMNS = 3
MARKERS_UP_TO = 30  # epochs: with few points, dots show where each epoch is (one epoch is one dot)


def history(history, path=None, metrics=None):
    """Loss and metrics per epoch, training and validation, one panel each.

    The first panel is the loss (``loss`` and ``val_loss``), then one panel per metric, each with
    its training curve and, when recorded, its ``val_`` curve. Epochs count from 1, as fit prints them.

    Args:
        history: the ``History`` that ``fit`` returns, or its ``.history`` dict.
        path: where to write the picture as a PNG (the folder must exist); None draws only.
        metrics: the metric names to draw (e.g. ``["accuracy"]``); None draws every one recorded.

    Returns the matplotlib ``Figure``.

    >>> history = model.fit(x, y, validation_split=0.2, epochs=20)   # doctest: +SKIP
    >>> glassnet.plot.history(history, "history.png")                # doctest: +SKIP
    """
    logs = _logs(history)
    names = _panel_names(logs, metrics)
    path = _backend.checked_path(path, "history")
    epochs = _epoch_numbers(history, logs)
    columns = min(MAX_COLUMNS, len(names))
    rows = math.ceil(len(names) / columns)
    figure = _backend.new_figure("glassnet.plot.history", (PANEL_SIZE[0] * columns, PANEL_SIZE[1] * rows))
    axes = figure.subplots(rows, columns, squeeze=False).ravel()
    for axis, name in zip(axes, names):
        _panel(axis, name, logs, epochs)
    for axis in axes[len(names):]:
        axis.set_visible(False)
    return _backend.finish(figure, path)


def _logs(history):
    logs = getattr(history, "history", history)
    if not isinstance(logs, Mapping):
        raise TypeError("glassnet.plot.history: expected the History that fit returns, or its .history dict. "
                        f"Received: history={history!r} (of type {type(history).__name__})")
    if not any(len(values) for values in logs.values()):
        raise ValueError("glassnet.plot.history: the history has no epochs to draw (fit ran for 0 epochs?). "
                         f"Received: {dict(logs)!r}")
    return logs


def _panel_names(logs, metrics):
    """'loss' first, then the metrics in the order fit logged them (a ``val_`` key names its metric)."""
    recorded = list(dict.fromkeys(key[4:] if key.startswith("val_") else key for key in logs))
    if metrics is None:
        chosen = [name for name in recorded if name != "loss"]
    else:
        if isinstance(metrics, str) or not all(isinstance(name, str) for name in metrics):
            raise TypeError(f"glassnet.plot.history: `metrics` must be a list of metric names. "
                            f"Received: metrics={metrics!r}")
        unknown = [name for name in metrics if name not in recorded]
        if unknown:
            raise ValueError(f"glassnet.plot.history: no metric {unknown[0]!r} in this history. "
                             f"Received: metrics={list(metrics)!r}; recorded: {recorded}")
        chosen = [name for name in metrics if name != "loss"]
    return (["loss"] if "loss" in recorded else []) + chosen


def _epoch_numbers(history, logs):
    """1, 2, ...; or, for a History of ``fit(initial_epoch=k)``, the epochs fit printed."""
    longest = max(len(values) for values in logs.values())
    recorded = getattr(history, "epoch", None)
    if isinstance(recorded, list) and len(recorded) == longest:
        return [epoch + 1 for epoch in recorded]
    return list(range(1, longest + 1))


def _panel(axis, name, logs, epochs):
    for key, label in ((name, "training"), ("val_" + name, "validation")):
        values = logs.get(key)
        if values is not None and len(values):  # a list, or a NumPy array (whose truth is ambiguous)
            marker = "o" if len(values) <= MARKERS_UP_TO else None
            axis.plot(epochs[:len(values)], [float(v) for v in values], marker=marker, markersize=3, label=label)
    if name in ("learning_rate", "lr"):
        axis.set_yscale("log")  # schedules change the rate by factors
    axis.set(title=name, xlabel="epoch", ylabel=name)
    integer_epochs(axis, epochs)
    axis.grid(alpha=0.3)
    axis.legend()


def integer_epochs(axis, epochs):
    """Whole-number epoch ticks; a single epoch sits in the middle instead of on a 0.96..1.04 axis."""
    axis.xaxis.get_major_locator().set_params(integer=True)
    if epochs and min(epochs) == max(epochs):
        axis.set_xlim(epochs[0] - 0.5, epochs[0] + 0.5)
