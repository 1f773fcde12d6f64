"""model.summary(): Keras 3's table of layers, output shapes and parameter counts."""
import re
import shutil

import numpy as np

_HEADER = ("Layer (type)", "Output Shape", "Param #")


def format_bytes(count):
    """``1172`` -> ``'1.14 KB'`` (base 1024, two decimals, as Keras)."""
    size = float(count)
    for unit in ("B", "KB", "MB", "GB", "TB"):
        if size < 1024 or unit == "TB":
            return f"{size:.2f} {unit}"
        size /= 1024


def _column_widths(line_length, columns, positions=None):
    """Inner widths of the columns: the first ends near 45% of the line, the last takes 20%;
    or, with Keras's `positions`, each column ends at its position (a fraction of the line,
    or an absolute column)."""
    if positions is not None:
        return _widths_at(line_length, columns, positions)
    first = round(0.45 * line_length) - 1
    last = round(0.20 * line_length)
    if columns == 4:
        last = max(9, round(0.12 * line_length))
        return [first, line_length - first - 2 * last - 5, last, last]
    return [first, line_length - first - last - 4, last]


def _rich_widths(line_length, positions):
    """Keras's functional layout: columns ending at `positions` of the line, then shrunk to fit the
    borders as its table renderer (rich) does, the excess taken from each column in turn."""
    ends = [int(p * line_length) if p <= 1 else int(p) for p in positions]
    widths = [end - start for start, end in zip([0] + ends[:-1], ends)]
    if any(width < 4 for width in widths):
        raise ValueError(f"Insufficient console width to print summary. Received: positions={positions!r}")
    excess = sum(widths) + len(widths) + 1 - line_length
    remaining, shares = excess, len(widths)
    for i, width in enumerate(widths):
        taken = min(width, round(remaining / shares)) if excess > 0 else 0
        widths[i] = width - taken
        remaining -= taken
        shares -= 1
    return widths


def _wrap(text, width):
    """`text` broken into lines of at most `width` characters at spaces (long words folded), as rich does."""
    if len(text) <= width:
        return [text]  # as it is, leading spaces (a nested layer's indent) included
    lines, line = [], ""
    for word in text.split(" "):
        while len(word) > width:
            if line:
                lines.append(line)
                line = ""
            lines.append(word[:width])
            word = word[width:]
        candidate = f"{line} {word}" if line else word
        if len(candidate) <= width:
            line = candidate
        else:
            lines.append(line)
            line = word
    lines.append(line)
    return lines


def _wrapped_rows(cells, widths, alignments, bar, header=False):
    """A table row, cells wrapped onto as many lines as the longest needs; header cells are cut
    with an ellipsis instead (rich's header style). `alignments`: "left", "right" or "center"."""
    if header:
        columns = [[cell if len(cell) <= width - 2 else cell[:width - 3] + "…"] for cell, width in zip(cells, widths)]
    else:
        columns = [_wrap(cell, width - 2) for cell, width in zip(cells, widths)]
    height = max(len(column) for column in columns)
    rows = []
    for index in range(height):
        parts = [(column[index] if index < len(column) else "") for column in columns]
        rows.append(bar + bar.join(" " + _aligned(text, width - 2, alignment) + " "
                                   for text, width, alignment in zip(parts, widths, alignments)) + bar)
    return rows


def _aligned(text, width, alignment):
    if alignment == "right":
        return text.rjust(width)
    if alignment == "center":
        return text.center(width)
    return text.ljust(width)


def _connections(model, layer):
    """Keras's "Connected to": each input of each of the layer's calls in `model`, as
    ``name[node index][tensor index]``; ``-`` for an input layer."""
    own = {id(node) for node in model._all_nodes}
    names = []
    for node in layer.__dict__.get("_inbound_nodes", []):
        if id(node) in own:
            for tensor in node.input_tensors:
                source, index, position = tensor._keras_history
                names.append(f"{source.name}[{index}][{position}]")
    return ", ".join(names) or "-"


def _nested(layer, expand_nested, level=0):
    """``(level, layer)`` for `layer` and, with `expand_nested`, every layer inside it, indented."""
    yield level, layer
    if expand_nested and getattr(layer, "layers", None):
        for inner in layer.layers:
            yield from _nested(inner, expand_nested, level + 1)


def connected_summary_text(model, line_length=None, show_trainable=False, positions=None, layer_range=None,
                           expand_nested=False):
    """Keras 3's summary of a functional model that is not a plain chain: a "Connected to" column."""
    default = 108 + (12 if show_trainable else 0)
    line_length = line_length or min(default, shutil.get_terminal_size((80, 24)).columns - 4)
    header = [*_HEADER, "Connected to"]
    positions = positions or [0.3, 0.56, 0.74, 1.0]
    if show_trainable:
        positions = [p * 0.90 for p in positions] + [1.0]
        header.append("Trainable")
    widths = _rich_widths(line_length, positions)
    alignments = ["left", "left", "right", "left", "center"]
    lines = [f'Model: "{model.name}"', _rule(widths, "┏", "━", "┳", "┓"),
             *_wrapped_rows(header, widths, alignments, "┃", header=True), _rule(widths, "┡", "━", "╇", "┩")]
    first, last = layer_bounds(model.layers, layer_range)
    rows = []
    for layer in model.layers[first:last]:
        for level, inner in _nested(layer, expand_nested):
            row = next(_layer_rows([inner], False, False, level))
            row.append(_connections(model, inner) if level == 0 else "-")  # Keras: inner calls are not the model's
            if show_trainable:
                row.append(("Y" if inner.trainable else "N") if inner.weights else "-")
            rows.append(row)
    for i, row in enumerate(rows):
        lines.extend(_wrapped_rows(row, widths, alignments, "│"))
        if i < len(rows) - 1:
            lines.append(_rule(widths, "├", "─", "┼", "┤"))
    lines.append(_rule(widths, "└", "─", "┴", "┘"))
    lines.extend(_totals(model))
    return "\n".join(lines)


def _widths_at(line_length, columns, positions):
    if not isinstance(positions, (list, tuple)) or len(positions) != columns:
        raise ValueError(f"`positions` must be a list of {columns} column positions. Received: positions={positions!r}")
    ends = [int(p * line_length) if p <= 1 else int(p) for p in positions]
    widths = [end - start for start, end in zip([0] + ends[:-1], ends)]
    if any(width < 4 for width in widths):
        raise ValueError(f"Insufficient console width to print summary. Received: positions={positions!r}")
    inner = [width - 1 for width in widths]
    inner[-1] -= 1  # the closing bar
    return inner


def layer_bounds(layers, layer_range):
    """The [first, last + 1) indices of `layer_range` (two name patterns), as Keras matches them."""
    if layer_range is None:
        return 0, len(layers)
    if not isinstance(layer_range, (list, tuple)) or len(layer_range) != 2 \
            or not all(isinstance(name, str) for name in layer_range):
        raise ValueError(
            f"layer_range must be a list or tuple of two layer names. Received: layer_range={layer_range!r}")
    lower = [i for i, layer in enumerate(layers) if re.match(layer_range[0], layer.name)]
    upper = [i for i, layer in enumerate(layers) if re.match(layer_range[1], layer.name)]
    if not lower or not upper:
        raise ValueError(f"Passed layer_names do not match the layer names in the model. Received: {layer_range}")
    if min(lower) > max(upper):
        return min(upper), max(lower) + 1
    return min(lower), max(upper) + 1


def _rule(widths, left, fill, middle, right):
    return left + middle.join(fill * w for w in widths) + right


def _row(cells, widths, align_right, bar):
    parts = []
    for cell, width, right in zip(cells, widths, align_right):
        text = cell if len(cell) <= width - 2 else cell[: width - 3] + "…"
        parts.append(" " + (text.rjust(width - 2) if right else text.ljust(width - 2)) + " ")
    return bar + bar.join(parts) + bar


def _layer_rows(layers, show_trainable, expand_nested, level=0):
    prefix = "   " * level + "└ " if level else ""
    for layer in layers:
        shape = "?" if not layer.built or layer.output is None else str(tuple(layer.output.shape))
        params = f"{layer.count_params():,}" if layer.built else "0 (unbuilt)"
        row = [f"{prefix}{layer.name} ({type(layer).__name__})", shape, params]
        if show_trainable:
            row.append(("Y" if layer.trainable else "N") if layer.weights else "-")
        yield row
        if expand_nested and getattr(layer, "layers", None):
            yield from _layer_rows(layer.layers, show_trainable, expand_nested, level + 1)


def _count(variables):
    return sum(int(np.size(v.value)) for v in variables), sum(int(v.value.nbytes) for v in variables)


def summary_text(model, line_length=None, show_trainable=False, positions=None, expand_nested=False,
                 layer_range=None):
    """The summary table as one string (Keras's arguments, see Model.summary)."""
    if hasattr(model, "_is_sequential_like") and not model._is_sequential_like():
        return connected_summary_text(model, line_length, show_trainable, positions, layer_range, expand_nested)
    line_length = line_length or min(88, shutil.get_terminal_size((80, 24)).columns - 4)
    header = list(_HEADER) + (["Trainable"] if show_trainable else [])
    widths = _column_widths(line_length, len(header), positions)
    first, last = layer_bounds(model.layers, layer_range)
    right = [False, False, True, False]
    lines = [f'Model: "{model.name}"', _rule(widths, "┏", "━", "┳", "┓"),
             _row(header, widths, right, "┃"), _rule(widths, "┡", "━", "╇", "┩")]
    rows = list(_layer_rows(model.layers[first:last], show_trainable, expand_nested))
    for i, row in enumerate(rows):
        lines.append(_row(row, widths, right, "│"))
        if i < len(rows) - 1:
            lines.append(_rule(widths, "├", "─", "┼", "┤"))
    lines.append(_rule(widths, "└", "─", "┴", "┘"))
    lines.extend(_totals(model))
    return "\n".join(lines)


def _totals(model):
    trainable = _count(model.trainable_weights)
    frozen = _count(model.non_trainable_weights)
    optimizer_vars = getattr(getattr(model, "optimizer", None), "variables", None)
    optimizer = _count(optimizer_vars) if optimizer_vars and getattr(model.optimizer, "built", False) else None
    total = [a + b + (optimizer[i] if optimizer else 0) for i, (a, b) in enumerate(zip(trainable, frozen))]
    lines = [f" Total params: {total[0]:,} ({format_bytes(total[1])})",
             f" Trainable params: {trainable[0]:,} ({format_bytes(trainable[1])})",
             f" Non-trainable params: {frozen[0]:,} ({format_bytes(frozen[1])})"]
    if optimizer:
        lines.append(f" Optimizer params: {optimizer[0]:,} ({format_bytes(optimizer[1])})")
    return lines
