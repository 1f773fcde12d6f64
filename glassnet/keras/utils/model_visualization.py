"""``keras.utils.plot_model``: the model's layer graph, drawn with matplotlib and written to a file.

Keras draws this graph with pydot and graphviz; glassnet draws the same picture with matplotlib (an
optional extra, imported only when drawing). What is drawn is what Keras draws: a box per layer with
Keras's label (a dark title row, then rows of cells: activation; input and output shapes, output
dtype, trainable), an arrow per distinct (source, destination) pair of layers. A Sequential's layers
are chained (no input box, as in Keras); a functional model's layers, InputLayers included, are
joined along the calls recorded in its nodes; a subclassed model, whose graph is known only inside
``call``, is one box. A nested model is one box, or with ``expand_nested`` its own drawing in a
dashed frame, placed in the outer drawing as one large box.

The layout is graphviz's layered drawing in small:

1. rank: a layer sits one rank past the deepest layer that feeds it. A connection that closes a
   cycle (a layer reused further along its own path) is left out of the ranking and drawn as a loop
   beside the boxes;
2. a connection that spans several ranks gets a waypoint in each rank it crosses, so it keeps a lane
   of its own there and no box is placed on it;
3. each rank is ordered by the mean position of its neighbours, sweeping down and up (fewer crossings);
4. the boxes of a rank stand side by side at least GAP apart, as near as they can to their neighbours.

The layout works in "along" (the rank direction: down for "TB", right for "LR") and "across"
coordinates, turned into x and y (points, y downwards) only by ``_xy`` ("BT" and "RL" are "TB" and "LR"
with the ranks drawn the other way).
"""
import os
import types
from collections import namedtuple

from glassnet.keras import validation as check
from glassnet.plot import _backend

CALLER = "keras.utils.plot_model"
FLAGS = ("show_shapes", "show_dtype", "show_layer_names", "expand_nested", "show_layer_activations",
         "show_trainable")
RANKDIRS = ("TB", "LR", "BT", "RL")  # graphviz's: top to bottom, left to right, and the reverses
REVERSED = ("BT", "RL")
SPLINES = ("ortho", "curved", "polyline", "spline", "line")
TITLE_POINTS, CELL_POINTS = 12, 10  # font sizes (Keras's 16 and 14 are at graphviz's larger scale)
PAD = 6  # points between a cell's text and its border
GAP, RANK_GAP = 24, 36  # points between two boxes of a rank, and between two ranks
FRAME_PAD, LABEL_BAND = 12, 16  # a nested model's frame: its margin, and the band for the model's name
LANE = 8  # the width a connection takes in a rank it crosses
LOOP_REACH = 40  # how far beside the boxes a connection against the ranks swings out
MARGIN = 12
SWEEPS = 4  # down, up, down, up: enough for graphs of a few dozen layers
IMAGE_FORMATS = {"png": "png", "jpg": "jpeg", "jpeg": "jpeg", "gif": "gif", "webp": "webp"}  # IPython shows these

Cell = namedtuple("Cell", "text points background colour bold")


class Box:
    """A layer's box (`rows` of Cells), a frame around a nested model's drawing (`inner`), or a
    waypoint (no layer): a connection's lane through a rank. `size` is (width, height) in points,
    `widths` each cell's natural width (its text's, measured once), `rank` its rank in its graph,
    `along`/`across` its center there, and `center` its (x, y) in the figure."""

    def __init__(self, layer=None, rows=(), inner=None):
        self.layer, self.rows, self.inner = layer, list(rows), inner
        self.size, self.widths, self.rank, self.along, self.across, self.center = None, [], 0, 0.0, 0.0, None


class Graph:
    """The boxes of one model, in its layer order, and its links: ``(source layer, output index,
    destination layer, input index)``, one per input tensor of each call, as Keras walks them."""

    def __init__(self, model, boxes, links):
        self.model, self.boxes, self.links = model, boxes, links
        self.by_layer = {id(box.layer): box for box in boxes}
        self.ranks, self.rows, self.edges, self.size, self.origin = [], [], [], (0.0, 0.0), (0.0, 0.0)


def plot_model(model, to_file="model.png", show_shapes=False, show_dtype=False, show_layer_names=False,
               rankdir="TB", expand_nested=False, dpi=200, show_layer_activations=False, show_trainable=False,
               splines="ortho", **kwargs):
    """Draw `model`'s layer graph and write it to `to_file`; Keras's ``keras.utils.plot_model``.

    Args:
        model: a built Sequential, functional or subclassed model (a subclassed one is one box).
        to_file: the file to write; its extension picks the format (``.png``, ``.pdf``, ``.svg``, or any
            other matplotlib writes; none: PNG). Its folder must exist.
        show_shapes: each box shows its layer's input and output shapes, as ``(None, 32)``.
        show_dtype: each box shows its layer's output dtype.
        show_layer_names: the title is ``name (Class)`` rather than the class alone (Keras 3's default: off).
        rankdir: ``"TB"`` draws the graph top to bottom, ``"LR"`` left to right (``"BT"``, ``"RL"``: the reverses).
        expand_nested: a nested Sequential or functional model is drawn whole in a dashed frame.
        dpi: the resolution of a raster file (dots per inch).
        show_layer_activations: boxes of layers with an ``activation`` show it.
        show_trainable: boxes of layers with weights say "Trainable" or "Non-trainable".
        splines: how arrows run: ``"ortho"`` (right angles), ``"curved"``/``"spline"`` (curves),
            ``"polyline"``/``"line"`` (straight).

    Returns an ``IPython.display.Image`` (``SVG`` for an .svg file) that a notebook shows, when IPython
    is installed; otherwise None, as Keras (and None for PDF and the other formats).

    >>> import os, tempfile
    >>> from glassnet import keras
    >>> x = keras.Input(shape=(3,), name="x")
    >>> model = keras.Model(x, keras.layers.Dense(1, name="out")(keras.layers.Dense(4, name="hidden")(x)))
    >>> path = os.path.join(tempfile.mkdtemp(), "model.png")
    >>> image = keras.utils.plot_model(model, path, show_shapes=True, show_layer_names=True)
    >>> os.path.getsize(path) > 1000
    True
    """
    _check_model(model)
    options = _checked_options(kwargs, show_shapes=show_shapes, show_dtype=show_dtype,
                               show_layer_names=show_layer_names, rankdir=rankdir, expand_nested=expand_nested,
                               dpi=dpi, show_layer_activations=show_layer_activations,
                               show_trainable=show_trainable, splines=splines)
    path, extension = _checked_file(to_file)
    figure = _backend.new_figure(CALLER, (1, 1))  # without matplotlib: ImportError saying what to install
    _check_format(figure, path, extension)
    graph = _graph(model, options)
    _place(graph, options.rankdir)
    _draw(figure, graph, options)
    from glassnet.keras.saving import atomic  # imported here: keras.utils loads before keras.saving
    atomic.write_file(path, lambda file: figure.savefig(file, format=extension, dpi=options.dpi))
    return _notebook_image(path, extension)


# --- the arguments, checked before any work -------------------------------------------------------------
def _check_model(model):
    from glassnet.keras.models import Model
    if not isinstance(model, Model):
        raise TypeError("plot_model expects a Keras model (Sequential, functional or subclassed). "
                        f"Received: model={model!r} (of type {type(model).__name__})")
    if not model.built:
        raise ValueError("This model has not yet been built. Build the model first by calling `build()` or by "
                         f"calling the model on a batch of data. Received: the unbuilt model '{model.name}'")


def _checked_options(kwargs, **options):
    if kwargs.pop("layer_range", None) is not None:
        raise ValueError("Argument `layer_range` is no longer supported.")
    if kwargs:
        raise ValueError(f"Unrecognized keyword arguments: {kwargs}")
    for name in FLAGS:
        options[name] = check.boolean(name, options[name], owner="plot_model")
    check.one_of("rankdir", options["rankdir"], RANKDIRS, owner="plot_model")
    check.one_of("splines", options["splines"], SPLINES, owner="plot_model")
    options["dpi"] = check.positive("dpi", options["dpi"], owner="plot_model")
    return types.SimpleNamespace(**options)


def _checked_file(to_file):
    """`to_file` as a str and its format (the extension; Keras writes a PNG for a name without one)."""
    try:
        path = os.fsdecode(os.fspath(to_file))
    except TypeError:
        check.fail("to_file", to_file, "a file name (a str or os.PathLike)", "plot_model", TypeError)
    folder = os.path.dirname(os.path.abspath(path))
    if not os.path.isdir(folder):
        raise FileNotFoundError(f"plot_model cannot write to_file={path!r}: its folder {folder!r} does not exist. "
                                "Create the folder first (os.makedirs).")
    if os.path.isdir(path):
        raise IsADirectoryError(f"plot_model cannot write to_file={path!r}: it is a folder; expected a file name "
                                "such as 'model.png'.")
    return path, os.path.splitext(path)[1][1:].lower() or "png"


def _check_format(figure, path, extension):
    known = figure.canvas.get_supported_filetypes()
    if extension not in known:
        check.fail("to_file", path, f"a file name ending in a format matplotlib writes ({', '.join(sorted(known))})",
                   "plot_model")


# --- what to draw: Keras's boxes, labels and connections ------------------------------------------------
def _kind(layer):
    from glassnet.keras.models import Model, Sequential
    from glassnet.keras.models.functional import Functional
    if isinstance(layer, Sequential):
        return "sequential"
    if isinstance(layer, Functional):
        return "functional"
    return "subclassed" if isinstance(layer, Model) else "layer"


def _graph(model, options):
    kind = _kind(model)
    layers = [model] if kind == "subclassed" else model.layers
    if kind == "sequential":
        links = [(source, 0, destination, 0) for source, destination in zip(layers, layers[1:])]
    else:
        links = _functional_links(model) if kind == "functional" else []
    return Graph(model, [_box(layer, options) for layer in layers], links)


def _calls(layer):
    """The layer's recorded calls (imported here: keras.utils loads before keras.models)."""
    from glassnet.keras.models.node import inbound_nodes
    return inbound_nodes(layer)


def _functional_links(model):
    """Each input tensor of each of the model's calls of each layer, from the layer that made it."""
    own = {id(node) for node in model._all_nodes}  # a layer's calls in other models are not drawn
    links = []
    for layer in model.layers:
        for node in _calls(layer):
            if id(node) in own:
                for input_index, tensor in enumerate(node.input_tensors):
                    source, _, output_index = tensor._keras_history
                    links.append((source, output_index, layer, input_index))
    return links


def _box(layer, options):
    if options.expand_nested and _kind(layer) in ("sequential", "functional"):
        return Box(layer, inner=_graph(layer, options))
    return Box(layer, rows=_label(layer, options))


def _label(layer, options):
    """Keras's label: the title row, the activation row, then one row of the cells asked for."""
    title = f"{layer.name} ({type(layer).__name__})" if options.show_layer_names else type(layer).__name__
    rows = [[Cell(title, TITLE_POINTS, "black", "white", True)]]
    if options.show_layer_activations and getattr(layer, "activation", None) is not None:
        rows.append([_cell(f"Activation: {_activation_name(layer.activation)}")])
    node = _calls(layer)[0] if _calls(layer) else None  # Keras shows the first call
    cells = []
    if options.show_shapes:
        if type(layer).__name__ != "InputLayer":
            cells.append(_cell(f"Input shape: {_shapes(node.input_tensors) if node else '?'}"))
        cells.append(_cell(f"Output shape: {_shapes(node.output_tensors) if node else '?'}"))
    if options.show_dtype:
        dtypes = [tensor.dtype for tensor in node.output_tensors] if node else []
        cells.append(_cell(f"Output dtype: {_one_or_list(dtypes) if dtypes else '?'}"))
    if options.show_trainable and layer.weights:
        trainable = ("Trainable", "forestgreen") if layer.trainable else ("Non-trainable", "firebrick")
        cells.append(Cell(trainable[0], CELL_POINTS, trainable[1], "white", True))
    return rows + [cells] if cells else rows


def _cell(text):
    return Cell(text, CELL_POINTS, "white", "black", False)


def _activation_name(activation):
    return getattr(activation, "name", None) or getattr(activation, "__name__", None) or str(activation)


def _shapes(tensors):
    """Keras's text: ``(None, 3)`` for one tensor, ``[(None, 3), (None, 2)]`` for several."""
    return _one_or_list([tuple(None if d is None else int(d) for d in tensor.shape) for tensor in tensors])


def _one_or_list(values):
    return str(values[0]) if len(values) == 1 else str(values)


# --- the layout ---------------------------------------------------------------------------------------
def _along(pair, rankdir):
    """The rank-direction part of a point or a size (y for "TB", x for "LR")."""
    return pair[1] if rankdir in ("TB", "BT") else pair[0]


def _across(pair, rankdir):
    return pair[0] if rankdir in ("TB", "BT") else pair[1]


def _xy(along, across, rankdir):
    return (across, along) if rankdir in ("TB", "BT") else (along, across)


def _drawn_along(graph, along, rankdir):
    """`along` within the graph as drawn: "BT" and "RL" lay the ranks out the other way."""
    return graph.rows[-1][1] - along if rankdir in REVERSED else along


def _place(graph, rankdir):
    """Size every box (frames after their insides), then rank, order and place them: sets each box's
    `along`/`across` within its graph and the graph's `size`, `ranks`, `rows` and `edges`."""
    for box in graph.boxes:
        _size(box, rankdir)
    forward = _forward(graph.boxes, _pairs(graph))
    graph.ranks = _ranks(graph.boxes, forward)
    lanes, before, after = _lanes(graph.ranks, forward)
    _order(graph.ranks, before, after)
    graph.rows = _rows(graph.ranks, rankdir)
    _spread(graph.ranks, before, after, rankdir)
    graph.edges = _edges(graph, lanes)
    graph.size = _extent(graph, rankdir)


def _size(box, rankdir):
    if box.inner:
        box.size = _frame_size(box.inner, rankdir)
    else:
        box.widths = [[_cell_width(cell) for cell in row] for row in box.rows]
        box.size = max(sum(row) for row in box.widths), sum(_row_height(row) for row in box.rows)


def _pairs(graph):
    """The distinct (source box, destination box) pairs of the graph's links, in their order."""
    pairs = {}
    for source, _, destination, _ in graph.links:
        pair = (graph.by_layer[id(source)], graph.by_layer[id(destination)])
        pairs.setdefault((id(pair[0]), id(pair[1])), pair)
    return list(pairs.values())


def _cell_width(cell):
    from matplotlib.font_manager import FontProperties
    from matplotlib.textpath import text_to_path
    font = FontProperties(size=cell.points, weight="bold" if cell.bold else "normal")
    return text_to_path.get_text_width_height_descent(cell.text, font, ismath=False)[0] + 2 * PAD


def _row_height(row):
    return 1.4 * max(cell.points for cell in row) + 2 * PAD


def _frame_size(inner, rankdir):
    _place(inner, rankdir)
    name = _cell_width(Cell(inner.model.name, CELL_POINTS, "", "", False))
    return max(inner.size[0], name) + 2 * FRAME_PAD, inner.size[1] + 2 * FRAME_PAD + LABEL_BAND


def _forward(boxes, pairs):
    """The pairs less those that close a cycle (found by an iterative depth-first walk in layer order)."""
    after = {id(box): [] for box in boxes}
    for source, destination in pairs:
        after[id(source)].append(destination)
    state, backward = {}, set()  # state: 1 while on the walk's path, 2 once finished
    for root in boxes:
        if id(root) in state:
            continue
        state[id(root)], stack = 1, [(root, iter(after[id(root)]))]
        while stack:
            box, successors = stack[-1]
            nxt = next(successors, None)
            if nxt is None:
                state[id(box)] = 2
                stack.pop()
            elif state.get(id(nxt)) == 1:
                backward.add((id(box), id(nxt)))
            elif id(nxt) not in state:
                state[id(nxt)] = 1
                stack.append((nxt, iter(after[id(nxt)])))
    return [(s, d) for s, d in pairs if (id(s), id(d)) not in backward]


def _ranks(boxes, forward):
    """Longest-path ranks (in topological order, Kahn's), as lists of boxes in layer order."""
    waiting, successors = {id(box): 0 for box in boxes}, {id(box): [] for box in boxes}
    for source, destination in forward:
        waiting[id(destination)] += 1
        successors[id(source)].append(destination)
    ready = [box for box in boxes if waiting[id(box)] == 0]
    while ready:
        box = ready.pop()
        for destination in successors[id(box)]:
            destination.rank = max(destination.rank, box.rank + 1)
            waiting[id(destination)] -= 1
            if waiting[id(destination)] == 0:
                ready.append(destination)
    ranks = [[] for _ in range(max((box.rank for box in boxes), default=-1) + 1)]
    for box in boxes:
        ranks[box.rank].append(box)
    return ranks


def _lanes(ranks, forward):
    """A waypoint in each rank a pair crosses: ``{pair ids: [source, waypoints..., destination]}``, and
    each box's neighbours in the rank before and the rank after."""
    lanes, before, after = {}, {}, {}
    for source, destination in forward:
        stops = [source]
        for rank in range(source.rank + 1, destination.rank):
            stops.append(Box())
            stops[-1].rank = rank
            ranks[rank].append(stops[-1])
        stops.append(destination)
        lanes[(id(source), id(destination))] = stops
        for upper, lower in zip(stops, stops[1:]):
            after.setdefault(id(upper), []).append(lower)
            before.setdefault(id(lower), []).append(upper)
    return lanes, before, after


def _order(ranks, before, after):
    """Sort each rank by its boxes' mean neighbour position, sweeping down then up."""
    index = {id(box): i for rank in ranks for i, box in enumerate(rank)}
    for sweep in range(SWEEPS):
        neighbours, sequence = (before, ranks[1:]) if sweep % 2 == 0 else (after, ranks[-2::-1])
        for rank in sequence:
            rank.sort(key=lambda box: _mean([index[id(n)] for n in neighbours.get(id(box), [])], index[id(box)]))
            index.update({id(box): i for i, box in enumerate(rank)})


def _rows(ranks, rankdir):
    """Each rank's (start, end) along the rank direction; a waypoint spans its whole rank."""
    rows, start = [], 0.0
    for rank in ranks:
        depth = max([_along(box.size, rankdir) for box in rank if box.layer is not None], default=0.0)
        for box in rank:
            if box.layer is None:
                box.size = _xy(depth, LANE, rankdir)
            box.along = start + depth / 2
        rows.append((start, start + depth))
        start += depth + RANK_GAP
    return rows


def _spread(ranks, before, after, rankdir):
    """Across positions: each rank packed, then pulled towards its neighbours in a few sweeps."""
    for rank in ranks:
        _pack(rank, [0.0] * len(rank), rankdir)
    for sweep in range(SWEEPS - 1):  # ending on a downward sweep: a layer sits under what feeds it
        neighbours, sequence = (before, ranks[1:]) if sweep % 2 == 0 else (after, ranks[-2::-1])
        for rank in sequence:
            _pack(rank, [_mean([n.across for n in neighbours.get(id(box), [])], box.across) for box in rank],
                  rankdir)


def _pack(rank, wanted, rankdir):
    """Place the boxes in their order, each at least GAP past the one before, then shift them all
    together so that on average they sit where `wanted`."""
    placed = []
    for i, (box, position) in enumerate(zip(rank, wanted)):
        if i:
            room = (_across(rank[i - 1].size, rankdir) + _across(box.size, rankdir)) / 2 + GAP
            position = max(position, placed[-1] + room)
        placed.append(position)
    shift = _mean([w - p for w, p in zip(wanted, placed)], 0.0)
    for box, position in zip(rank, placed):
        box.across = position + shift


def _mean(values, default):
    return sum(values) / len(values) if values else default


def _edges(graph, lanes):
    """The arrows, one per distinct pair of drawn boxes (Keras's rule), each with its lane (None for a
    loop against the ranks). With expand_nested, an arrow to or from a frame ends at the box inside."""
    boxes, edges, seen = _all_boxes(graph), [], set()
    for source, output_index, destination, input_index in graph.links:
        start = boxes[id(_drawn_source(source, output_index, graph))]
        end = boxes[id(_drawn_destination(destination, input_index, graph))]
        if (id(start), id(end)) not in seen:
            seen.add((id(start), id(end)))
            lane = lanes.get((id(graph.by_layer[id(source)]), id(graph.by_layer[id(destination)])))
            edges.append((start, end, lane))
    return edges


def _all_boxes(graph):
    boxes = dict(graph.by_layer)
    for box in graph.boxes:
        if box.inner:
            boxes.update(_all_boxes(box.inner))
    return boxes


def _frame(layer, graph):
    """The drawing inside `layer`'s frame, or None where it is a plain box."""
    box = graph.by_layer.get(id(layer))
    return None if box is None else box.inner


def _drawn_source(layer, output_index, graph):
    """The layer inside expanded models that makes this output (Keras follows the model's outputs)."""
    inner = _frame(layer, graph)
    while inner is not None:
        layer, _, output_index = layer.outputs[output_index]._keras_history
        inner = _frame(layer, inner)
    return layer


def _drawn_destination(layer, input_index, graph):
    """The layer inside expanded models that takes this input: a functional model's InputLayer, a
    Sequential's first layer."""
    inner = _frame(layer, graph)
    while inner is not None:
        layer = layer.inputs[input_index]._keras_history[0] if _kind(layer) == "functional" else layer.layers[0]
        inner = _frame(layer, inner)
    return layer


def _extent(graph, rankdir):
    """Shift the boxes to start at across 0; the graph's (width, height), loops' swing included."""
    boxes = [box for rank in graph.ranks for box in rank]
    low = min([box.across - _across(box.size, rankdir) / 2 for box in boxes], default=0.0)
    for box in boxes:
        box.across -= low
    across = max([box.across + _across(box.size, rankdir) / 2 for box in boxes], default=0.0)
    if any(lane is None for _, _, lane in graph.edges):
        across += LOOP_REACH
    return _xy(graph.rows[-1][1] if graph.rows else 0.0, across, rankdir)


# --- drawing ------------------------------------------------------------------------------------------
def _draw(figure, graph, options):
    width, height = graph.size[0] + 2 * MARGIN, graph.size[1] + 2 * MARGIN
    figure.set_size_inches(max(width, 36) / 72, max(height, 36) / 72)  # points: 72 to the inch
    axis = figure.add_axes((0, 0, 1, 1))
    axis.set_xlim(-MARGIN, max(width, 36) - MARGIN)
    axis.set_ylim(max(height, 36) - MARGIN, -MARGIN)  # y downwards, as the layout
    axis.axis("off")
    _position(graph, (0.0, 0.0), options.rankdir)
    _draw_graph(axis, graph, options)


def _position(graph, origin, rankdir):
    """Each box's center in the figure, the graph's block starting at `origin` (its top left)."""
    graph.origin = origin
    for rank in graph.ranks:
        for box in rank:
            offset = _xy(_drawn_along(graph, box.along, rankdir), box.across, rankdir)
            box.center = (origin[0] + offset[0], origin[1] + offset[1])
            if box.inner:
                left = box.center[0] - box.inner.size[0] / 2
                top = box.center[1] - box.size[1] / 2 + FRAME_PAD + LABEL_BAND
                _position(box.inner, (left, top), rankdir)


def _draw_graph(axis, graph, options):
    for box in graph.boxes:
        if box.inner:
            _draw_frame(axis, box)
            _draw_graph(axis, box.inner, options)
        else:
            _draw_label(axis, box)
    for start, end, lane in graph.edges:
        path = _loop(start, end, options.rankdir) if lane is None else _route(graph, start, end, lane, options)
        _arrow(axis, path, f"edge:{start.layer.name}->{end.layer.name}")


def _draw_label(axis, box):
    from matplotlib.patches import Rectangle
    left, top = box.center[0] - box.size[0] / 2, box.center[1] - box.size[1] / 2
    for row, natural in zip(box.rows, box.widths):
        height = _row_height(row)
        for cell, width in zip(row, natural):
            width *= box.size[0] / sum(natural)  # a row narrower than the box is stretched to fill it
            axis.add_patch(Rectangle((left, top), width, height, facecolor=cell.background, edgecolor="black",
                                     linewidth=1, zorder=2, gid=f"box:{box.layer.name}"))
            axis.text(left + width / 2, top + height / 2, cell.text, ha="center", va="center", fontsize=cell.points,
                      color=cell.colour, fontweight="bold" if cell.bold else "normal", zorder=3, parse_math=False)
            left += width
        left, top = box.center[0] - box.size[0] / 2, top + height


def _draw_frame(axis, box):
    from matplotlib.patches import Rectangle
    left, top = box.center[0] - box.size[0] / 2, box.center[1] - box.size[1] / 2
    axis.add_patch(Rectangle((left, top), box.size[0], box.size[1], fill=False, linestyle="--", edgecolor="#505050",
                             linewidth=1, zorder=1, gid=f"frame:{box.layer.name}"))
    axis.text(left + FRAME_PAD, top + FRAME_PAD / 2 + LABEL_BAND / 2, box.layer.name, ha="left", va="center",
              fontsize=CELL_POINTS, zorder=3, parse_math=False)


def _port(box, side, rankdir):
    """The middle of the box's side where arrows arrive (`side` -1) or leave (+1)."""
    side = -side if rankdir in REVERSED else side
    along = _along(box.center, rankdir) + side * _along(box.size, rankdir) / 2
    return _xy(along, _across(box.center, rankdir), rankdir)


def _route(graph, start, end, lane, options):
    """From the source's leaving side through each waypoint to the destination's arriving side, each hop
    turning (ortho) or bending (curved) in the middle of the gap between the two ranks."""
    from matplotlib.path import Path
    rankdir, stops = options.rankdir, [start, *lane[1:-1], end]
    vertices, codes = [], []
    for hop, (upper, lower) in enumerate(zip(stops, stops[1:])):
        a, b = _port(upper, 1, rankdir), _port(lower, -1, rankdir)
        middle = _along(graph.origin, rankdir) + _drawn_along(graph, graph.rows[lane[hop].rank][1] + RANK_GAP / 2,
                                                              rankdir)
        turns = [_xy(middle, _across(a, rankdir), rankdir), _xy(middle, _across(b, rankdir), rankdir)]
        if options.splines in ("polyline", "line"):
            turns = []
        step = Path.CURVE4 if options.splines in ("curved", "spline") else Path.LINETO
        vertices += [a, *turns, b]
        codes += [Path.MOVETO if hop == 0 else Path.LINETO] + [step] * (len(turns) + 1)
    return Path(vertices, codes)


def _loop(start, end, rankdir):
    """A connection against the ranks (a layer reused along its own path): out of the source's far
    side, swinging out beside the boxes, into the destination's far side."""
    from matplotlib.path import Path

    def side(box, shift):
        return (_along(box.center, rankdir) + shift * _along(box.size, rankdir) / 4,
                _across(box.center, rankdir) + _across(box.size, rankdir) / 2)

    (a0, c0), (a1, c1) = side(start, 1), side(end, -1)
    reach = max(c0, c1) + LOOP_REACH
    points = [(a0, c0), (a0, reach), (a1, reach), (a1, c1)]
    return Path([_xy(a, c, rankdir) for a, c in points], [Path.MOVETO, Path.CURVE4, Path.CURVE4, Path.CURVE4])


def _arrow(axis, path, gid):
    from matplotlib.patches import FancyArrowPatch
    axis.add_patch(FancyArrowPatch(path=path, arrowstyle="-|>", mutation_scale=12, linewidth=1.5, color="black",
                                   zorder=4, gid=gid))


def _notebook_image(path, extension):
    """What Keras returns for a notebook: IPython's Image of the file when IPython is installed."""
    try:
        from IPython import display
    except ImportError:
        return None
    if extension == "svg":
        return display.SVG(filename=path)
    if extension in IMAGE_FORMATS:
        return display.Image(filename=path, format=IMAGE_FORMATS[extension])
    return None
