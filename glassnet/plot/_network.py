"""``glassnet.plot.model``: a picture of the network, one column of units per layer.

The input, then each layer, left to right. A column shows the layer's units as circles (a wide
layer as its first and last few around an ellipsis) and, beneath, its name, class, units and
activation. A layer with trainable weights is drawn fully connected to the column before it; one
without that keeps the width (dropout, an activation, flatten, normalization) unit to unit.
"""
import math

from glassnet.plot import _backend

MAX_DRAWN = 8  # circles per column; a wider layer shows its first TOP and last BOTTOM units
TOP, BOTTOM = 5, 2
COLUMN_WIDTH, HEIGHT = 1.9, 6.0  # inches
LABEL_CHARACTERS = 22
COLOURS = {"input": "#d9d9d9", "hidden": "#9ecae1", "output": "#fdae6b"}


class Column:
    """One column of the picture: a layer (or the input) and the shape of what it outputs."""

    def __init__(self, name, kind, shape, lines, connected):
        self.name, self.kind, self.shape, self.lines, self.connected = name, kind, shape, lines, connected

    @property
    def units(self):
        """The number of units (a multi-dimensional output counts all its values), or None if unknown."""
        if self.shape is None or any(d is None for d in self.shape):
            return None
        return math.prod(self.shape)

    def slots(self):
        """The y position of each drawn circle, top down, and the y of the ellipsis (None if all drawn)."""
        count = MAX_DRAWN if self.units is None or self.units > MAX_DRAWN else self.units
        ys = [(count - 1) / 2 - i for i in range(count)]
        if count < MAX_DRAWN or self.units == MAX_DRAWN:
            return ys, None
        return ys[:TOP] + ys[-BOTTOM:], (ys[TOP] + ys[-BOTTOM - 1]) / 2


def model(model, path=None):
    """A picture of `model`: one column per layer with its units, name, class and activation.

    Args:
        model: a built ``Sequential`` or subclassed ``Model`` (called on data, or ``build`` called).
        path: where to write the picture as a PNG (the folder must exist); None draws only.

    Returns the matplotlib ``Figure``.
    """
    _check_built(model)
    path = _backend.checked_path(path, "model")
    columns = _columns(model)
    figure = _backend.new_figure("glassnet.plot.model", (max(5.0, COLUMN_WIDTH * len(columns)), HEIGHT))
    axis = figure.subplots()
    for i, column in enumerate(columns):
        if i:
            _edges(axis, i, columns[i - 1], column)
        _column(axis, i, column, _role(i, len(columns)))
    axis.set_xlim(-0.5, len(columns) - 0.5)
    axis.set_ylim(-MAX_DRAWN / 2 - 2.8, MAX_DRAWN / 2 + 0.3)
    axis.axis("off")
    params = sum(math.prod(weight.shape) for weight in model.weights)  # an unused layer has none yet
    axis.set_title(f'Model "{model.name}": {len(columns) - 1} layers, {params:,} parameters')
    if getattr(model, "input", None) is None:  # a subclassed model: no graph to read the order from
        figure.text(0.5, 0.02, "layers in the order they were assigned; call() decides how they connect",
                    ha="center", fontsize=8, color="#606060")
    return _backend.finish(figure, path)


def _check_built(model):
    if not hasattr(model, "layers") or not hasattr(model, "built"):
        raise TypeError("glassnet.plot.model: expected a glassnet Model (Sequential or subclassed). "
                        f"Received: model={model!r} (of type {type(model).__name__})")
    if isinstance(getattr(model, "input", None), (list, tuple, dict)):
        raise NotImplementedError(
            f'glassnet.plot.model draws a stack of layers, one column each; the model "{model.name}" is a graph '
            "with several inputs. Its summary() shows how the layers connect (the 'Connected to' column), and "
            'keras.utils.plot_model(model, "model.png") draws that graph, a box per layer.')
    if not model.built:
        raise ValueError(f'glassnet.plot.model: the model "{model.name}" is not built, so its layers have no '
                         "sizes yet: call the model on data or build it first (model.build((None, features)), "
                         "or start a Sequential with an Input).")


# --- what to draw ----------------------------------------------------------------------------------
def _columns(model):
    layers = model.layers
    outputs = [_known_output(layer) for layer in layers]
    inputs = [_recorded_input(layer) for layer in layers]
    given = getattr(model, "input", None)
    shape = tuple(given.shape)[1:] if given is not None else inputs[0] if layers else None
    columns = [Column("input", "Input", shape, ["Input", _shape_text(shape)], connected=False)]
    for i, layer in enumerate(layers):
        if outputs[i] is None and i + 1 < len(layers):
            outputs[i] = inputs[i + 1]  # what the next layer was built on
        if outputs[i] is None and not layer.weights:
            outputs[i] = shape  # a weightless layer of a subclassed model: taken as keeping the shape
        previous, shape = shape, outputs[i]
        connected = bool(layer.trainable_weights) or _size(previous) != _size(shape)  # not Normalization
        columns.append(Column(layer.name, type(layer).__name__, shape, _layer_lines(layer, shape), connected))
    return columns


def _known_output(layer):
    """The output shape (without the batch) from a symbolic build, or from the shape it was built on."""
    if getattr(layer, "output", None) is not None:
        return tuple(layer.output.shape)[1:]
    units = getattr(layer, "units", None)
    if isinstance(units, int):
        return (units,)
    return None


def _recorded_input(layer):
    shape = getattr(layer, "_batch_input_shape", None)
    return tuple(shape)[1:] if shape is not None else None


def _size(shape):
    return None if shape is None or any(d is None for d in shape) else math.prod(shape)


def _layer_lines(layer, shape):
    lines = [type(layer).__name__, _shape_text(shape)]
    activation = getattr(layer, "activation", None)
    if activation is not None:
        from glassnet.keras import activations  # the plot package imports Keras only when drawing
        lines.append(f"activation: {activations.serialize(activation)}")
    if type(layer).__name__ == "Dropout":
        lines.append(f"rate: {layer.rate:g}")
    if not layer.built:
        lines.append("(not built)")
    return lines


def _shape_text(shape):
    size = _size(shape)
    if size is None:
        return "? units"
    units = f"{size:,} unit" + ("" if size == 1 else "s")
    return units if len(shape) == 1 else f"{'×'.join(str(d) for d in shape)} = {units}"


def _role(index, count):
    return "input" if index == 0 else "output" if index == count - 1 else "hidden"


# --- drawing -------------------------------------------------------------------------------------------
def _column(axis, x, column, role):
    ys, ellipsis = column.slots()
    axis.scatter([x] * len(ys), ys, s=260, color=COLOURS[role], edgecolors="#404040", linewidths=0.8,
                 zorder=3, gid=f"units:{column.name}")
    if ellipsis is not None:
        axis.text(x, ellipsis, "⋮", ha="center", va="center", fontsize=16, zorder=3)
    top = -MAX_DRAWN / 2 - 0.4
    axis.text(x, top, _fit(column.name), ha="center", va="top", fontsize=9, fontweight="bold")
    axis.text(x, top - 0.6, "\n".join(_fit(line) for line in column.lines), ha="center", va="top",
              fontsize=8, linespacing=1.4)


def _edges(axis, x, before, after):
    """Light lines from the previous column's circles: all pairs, or unit to unit."""
    from matplotlib.collections import LineCollection

    left, _ = before.slots()
    right, _ = after.slots()
    if after.connected:
        segments = [((x - 1, a), (x, b)) for a in left for b in right]
    else:
        segments = [((x - 1, a), (x, b)) for a, b in zip(left, right)]
    axis.add_collection(LineCollection(segments, colors="#808080", linewidths=0.5, alpha=0.35, zorder=1,
                                       gid=f"edges:{after.name}"))


def _fit(text):
    return text if len(text) <= LABEL_CHARACTERS else text[:LABEL_CHARACTERS - 1] + "…"
