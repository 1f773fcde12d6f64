"""The text in a layer's box, as Keras labels it, and the room that text takes.

A label is rows of Cells: a dark title row (the layer's class, or ``name (Class)`` with
``show_layer_names``), then an activation row, then one row of the cells asked for: input and output
shapes, output dtype, and whether the layer's weights train. Shapes and dtypes are those of the layer's
first call, as Keras shows them; a layer without a recorded call (a subclassed model's) shows "?".
"""
from collections import namedtuple

TITLE_POINTS, CELL_POINTS = 12, 10  # font sizes (Keras's 16 and 14 are at graphviz's larger scale)
PAD = 6  # points between a cell's text and its border

Cell = namedtuple("Cell", "text points background colour bold")


def label(layer, node, options):
    """Keras's label for `layer`, `node` being its first call (None where none is recorded): the title
    row, the activation row, then one row of the cells `options` ask for."""
    title = f"{layer.name} ({type(layer).__name__})" if options.show_layer_names else type(layer).__name__
    rows = [[Cell(title, TITLE_POINTS, "black", "white", True)]]
    if options.show_layer_activations and getattr(layer, "activation", None) is not None:
        rows.append([_cell(f"Activation: {_activation_name(layer.activation)}")])
    cells = []
    if options.show_shapes:
        if type(layer).__name__ != "InputLayer":
            cells.append(_cell(f"Input shape: {_shapes(node.input_tensors) if node else '?'}"))
        cells.append(_cell(f"Output shape: {_shapes(node.output_tensors) if node else '?'}"))
    if options.show_dtype:
        dtypes = [tensor.dtype for tensor in node.output_tensors] if node else []
        cells.append(_cell(f"Output dtype: {_one_or_list(dtypes) if dtypes else '?'}"))
    if options.show_trainable and layer.weights:
        cells.append(_trainable_cell(layer))
    return rows + [cells] if cells else rows


def _cell(text):
    return Cell(text, CELL_POINTS, "white", "black", False)


def _trainable_cell(layer):
    text, background = ("Trainable", "forestgreen") if layer.trainable else ("Non-trainable", "firebrick")
    return Cell(text, CELL_POINTS, background, "white", True)


def _activation_name(activation):
    return getattr(activation, "name", None) or getattr(activation, "__name__", None) or str(activation)


def _shapes(tensors):
    """Keras's text: ``(None, 3)`` for one tensor, ``[(None, 3), (None, 2)]`` for several."""
    return _one_or_list([tuple(None if d is None else int(d) for d in tensor.shape) for tensor in tensors])


def _one_or_list(values):
    return str(values[0]) if len(values) == 1 else str(values)


def cell_width(cell):
    """The cell's natural width in points: its text as matplotlib sets it, and the padding."""
    from matplotlib.font_manager import FontProperties  # matplotlib is an extra: imported when drawing
    from matplotlib.textpath import text_to_path
    font = FontProperties(size=cell.points, weight="bold" if cell.bold else "normal")
    return text_to_path.get_text_width_height_descent(cell.text, font, ismath=False)[0] + 2 * PAD


def row_height(row):
    """A row's height in points: its largest font's line, and the padding."""
    return 1.4 * max(cell.points for cell in row) + 2 * PAD
