"""What ``plot_model`` draws: a model's boxes, the links between its layers, and the arrows Keras keeps.

Keras walks a model this way, and so does this module:

- a Sequential's layers are chained, with no input box;
- a functional model's layers, InputLayers included, are joined along the calls recorded in its nodes:
  one link per input tensor of each call;
- a subclassed model, whose graph is known only inside ``call``, is one box;
- a nested model is one box, or with ``expand_nested`` a frame holding its own Graph;
- one arrow per distinct (source, destination) pair of drawn boxes; an arrow into or out of an expanded
  model ends at the layer inside that takes or makes the tensor.

The layer classes are imported inside the functions: ``keras.utils`` loads before ``keras.models``.
"""
from glassnet.keras.utils.model_visualization.labels import label


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
    destination layer, input index)``, one per input tensor of each call, as Keras walks them. The
    layout fills in `ranks`, `rows`, `edges`, `size` and `origin`."""

    def __init__(self, model, boxes, links):
        self.model, self.boxes, self.links = model, boxes, links
        self.by_layer = {id(box.layer): box for box in boxes}
        self.ranks, self.rows, self.edges, self.size, self.origin = [], [], [], (0.0, 0.0), (0.0, 0.0)


def model_graph(model, options):
    """`model`'s Graph, each box labelled as `options` ask (and expanded where they say)."""
    kind = _kind(model)
    layers = [model] if kind == "subclassed" else model.layers
    if kind == "sequential":
        links = [(source, 0, destination, 0) for source, destination in zip(layers, layers[1:])]
    else:
        links = _functional_links(model) if kind == "functional" else []
    return Graph(model, [_box(layer, options) for layer in layers], links)


def _kind(layer):
    from glassnet.keras.models import Model, Sequential
    from glassnet.keras.models.functional import Functional
    if isinstance(layer, Sequential):
        return "sequential"
    if isinstance(layer, Functional):
        return "functional"
    return "subclassed" if isinstance(layer, Model) else "layer"


def _calls(layer):
    """The layer's recorded calls (its nodes), in the order they were made."""
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
        return Box(layer, inner=model_graph(layer, options))
    calls = _calls(layer)
    return Box(layer, rows=label(layer, calls[0] if calls else None, options))  # Keras shows the first call


def arrows(graph):
    """The arrows Keras draws, one per distinct pair of drawn boxes, as ``(start, end, source,
    destination)``: `start` and `end` the boxes the arrow joins, `source` and `destination` the boxes
    of `graph` its link joins (the frames, where `start` or `end` is inside an expanded model)."""
    boxes, drawn, seen = _all_boxes(graph), [], set()
    for source, output_index, destination, input_index in graph.links:
        start = boxes[id(_drawn_source(source, output_index, graph))]
        end = boxes[id(_drawn_destination(destination, input_index, graph))]
        if (id(start), id(end)) not in seen:
            seen.add((id(start), id(end)))
            drawn.append((start, end, graph.by_layer[id(source)], graph.by_layer[id(destination)]))
    return drawn


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
