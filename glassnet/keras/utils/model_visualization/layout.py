"""Where each box goes: its size, its place in its rank, and its center in the figure.

After ranking.py has ranked and ordered a graph's boxes, the boxes of a rank stand side by side at
least GAP apart, as near as they can to their neighbours, and the ranks follow one another RANK_GAP
apart. A nested model's frame is sized by laying out its drawing first, and its drawing is then placed
inside it.

The layout works in "along" (the rank direction: down for "TB", right for "LR") and "across"
coordinates, turned into x and y (points, y downwards) only by ``xy``; "BT" and "RL" are "TB" and "LR"
with the ranks drawn the other way (``drawn_along``). The arrows (drawing.py) use the same coordinates.
"""
from glassnet.keras.utils.model_visualization.graph import arrows
from glassnet.keras.utils.model_visualization.labels import CELL_POINTS, Cell, cell_width, row_height
from glassnet.keras.utils.model_visualization.ranking import SWEEPS, mean, rank, sweeps

REVERSED = ("BT", "RL")  # the rank directions that run up or left
GAP, RANK_GAP = 24, 36  # points between two boxes of a rank, and between two ranks
FRAME_PAD, LABEL_BAND = 12, 16  # a nested model's frame: its margin, and the band for the model's name
LANE = 8  # the width a connection takes in a rank it crosses
LOOP_REACH = 40  # how far beside the boxes a connection against the ranks swings out


def lay_out(graph, rankdir):
    """Size, rank, order and place every box of `graph` (and of the frames in it): sets each box's
    `along`/`across` within its graph and its `center` in the figure, and each graph's `ranks`,
    `rows`, `edges`, `size` and `origin`."""
    _place(graph, rankdir)
    _position(graph, (0.0, 0.0), rankdir)


# --- the coordinates ----------------------------------------------------------------------------------
def along(pair, rankdir):
    """The rank-direction part of a point or a size (y for "TB", x for "LR")."""
    return pair[1] if rankdir in ("TB", "BT") else pair[0]


def across(pair, rankdir):
    return pair[0] if rankdir in ("TB", "BT") else pair[1]


def xy(along_part, across_part, rankdir):
    return (across_part, along_part) if rankdir in ("TB", "BT") else (along_part, across_part)


def drawn_along(graph, position, rankdir):
    """`position` along the ranks of the graph as drawn: "BT" and "RL" lay the ranks out the other way."""
    return graph.rows[-1][1] - position if rankdir in REVERSED else position


# --- within a graph -----------------------------------------------------------------------------------
def _place(graph, rankdir):
    """Size every box (frames after their insides), then rank, order and place them."""
    for box in graph.boxes:
        _size(box, rankdir)
    lanes, before, after = rank(graph)
    graph.rows = _rows(graph.ranks, rankdir)
    _spread(graph.ranks, before, after, rankdir)
    graph.edges = [(start, end, lanes.get((id(source), id(destination))))  # no lane: a loop against the ranks
                   for start, end, source, destination in arrows(graph)]
    graph.size = _extent(graph, rankdir)


def _size(box, rankdir):
    if box.inner:
        box.size = _frame_size(box.inner, rankdir)
    else:
        box.widths = [[cell_width(cell) for cell in row] for row in box.rows]
        box.size = max(sum(row) for row in box.widths), sum(row_height(row) for row in box.rows)


def _frame_size(inner, rankdir):
    _place(inner, rankdir)
    name = cell_width(Cell(inner.model.name, CELL_POINTS, "", "", False))
    return max(inner.size[0], name) + 2 * FRAME_PAD, inner.size[1] + 2 * FRAME_PAD + LABEL_BAND


def _rows(ranks, rankdir):
    """Each rank's (start, end) along the rank direction; a waypoint spans its whole rank."""
    rows, start = [], 0.0
    for boxes in ranks:
        depth = max([along(box.size, rankdir) for box in boxes if box.layer is not None], default=0.0)
        for box in boxes:
            if box.layer is None:
                box.size = xy(depth, LANE, rankdir)
            box.along = start + depth / 2
        rows.append((start, start + depth))
        start += depth + RANK_GAP
    return rows


def _spread(ranks, before, after, rankdir):
    """Across positions: each rank packed, then pulled towards its neighbours in a few sweeps."""
    for boxes in ranks:
        _pack(boxes, [0.0] * len(boxes), rankdir)
    # SWEEPS - 1: ending on a downward sweep, so that a layer sits under what feeds it
    for boxes, neighbours in sweeps(ranks, before, after, SWEEPS - 1):
        _pack(boxes, [mean([n.across for n in neighbours.get(id(box), [])], box.across) for box in boxes], rankdir)


def _pack(boxes, wanted, rankdir):
    """Place the boxes in their order, each at least GAP past the one before, then shift them all
    together so that on average they sit where `wanted`."""
    placed = []
    for i, (box, position) in enumerate(zip(boxes, wanted)):
        if i:
            room = (across(boxes[i - 1].size, rankdir) + across(box.size, rankdir)) / 2 + GAP
            position = max(position, placed[-1] + room)
        placed.append(position)
    shift = mean([w - p for w, p in zip(wanted, placed)], 0.0)
    for box, position in zip(boxes, placed):
        box.across = position + shift


def _extent(graph, rankdir):
    """Shift the boxes to start at across 0; the graph's (width, height), loops' swing included."""
    boxes = [box for row in graph.ranks for box in row]
    low = min([box.across - across(box.size, rankdir) / 2 for box in boxes], default=0.0)
    for box in boxes:
        box.across -= low
    high = max([box.across + across(box.size, rankdir) / 2 for box in boxes], default=0.0)
    if any(lane is None for _, _, lane in graph.edges):
        high += LOOP_REACH
    return xy(graph.rows[-1][1] if graph.rows else 0.0, high, rankdir)


# --- in the figure ------------------------------------------------------------------------------------
def _position(graph, origin, rankdir):
    """Each box's center in the figure, the graph's block starting at `origin` (its top left)."""
    graph.origin = origin
    for boxes in graph.ranks:
        for box in boxes:
            offset = xy(drawn_along(graph, box.along, rankdir), box.across, rankdir)
            box.center = (origin[0] + offset[0], origin[1] + offset[1])
            if box.inner:
                left = box.center[0] - box.inner.size[0] / 2
                top = box.center[1] - box.size[1] / 2 + FRAME_PAD + LABEL_BAND
                _position(box.inner, (left, top), rankdir)
