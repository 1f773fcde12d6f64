"""The picture, drawn with matplotlib from a laid-out graph: boxes, frames and arrows.

A layer's box is its label's cells, row by row, each row stretched to the box's width; a nested model's
frame is a dashed rectangle with the model's name in its top band. An arrow leaves the middle of its
source's side that faces the next rank and enters the middle of its destination's facing side; between
two ranks it turns (``splines="ortho"``), bends (``"curved"``, ``"spline"``) or runs straight
(``"polyline"``, ``"line"``), through the waypoint that keeps its lane in each rank it crosses. A
connection against the ranks swings out beside the boxes as a loop.

Each patch carries a gid naming what it draws (``box:NAME``, ``frame:NAME``, ``edge:SOURCE->DEST``):
SVG output keeps them as element ids, and the tests find the boxes and arrows by them.
"""
from glassnet.keras.utils.model_visualization.labels import CELL_POINTS, row_height
from glassnet.keras.utils.model_visualization.layout import (
    FRAME_PAD, LABEL_BAND, LOOP_REACH, RANK_GAP, REVERSED, across, along, drawn_along, xy,
)

MARGIN = 12  # points around the drawing
SMALLEST = 36  # points: the figure's least width and height


def draw(figure, graph, options):
    """Draw the laid-out `graph` on `figure`, sized to it: 72 points to the inch, y downwards."""
    width, height = graph.size[0] + 2 * MARGIN, graph.size[1] + 2 * MARGIN
    figure.set_size_inches(max(width, SMALLEST) / 72, max(height, SMALLEST) / 72)
    axis = figure.add_axes((0, 0, 1, 1))
    axis.set_xlim(-MARGIN, max(width, SMALLEST) - MARGIN)
    axis.set_ylim(max(height, SMALLEST) - MARGIN, -MARGIN)  # y downwards, as the layout
    axis.axis("off")
    _draw_graph(axis, graph, options)


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
    from matplotlib.patches import Rectangle  # matplotlib is an extra: imported when drawing
    left, top = box.center[0] - box.size[0] / 2, box.center[1] - box.size[1] / 2
    for row, natural in zip(box.rows, box.widths):
        height = row_height(row)
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
    position = along(box.center, rankdir) + side * along(box.size, rankdir) / 2
    return xy(position, across(box.center, rankdir), rankdir)


def _route(graph, start, end, lane, options):
    """From the source's leaving side through each waypoint to the destination's arriving side, each hop
    turning (ortho) or bending (curved) in the middle of the gap between the two ranks."""
    from matplotlib.path import Path
    rankdir, stops = options.rankdir, [start, *lane[1:-1], end]
    vertices, codes = [], []
    for hop, (upper, lower) in enumerate(zip(stops, stops[1:])):
        a, b = _port(upper, 1, rankdir), _port(lower, -1, rankdir)
        gap = graph.rows[lane[hop].rank][1] + RANK_GAP / 2
        middle = along(graph.origin, rankdir) + drawn_along(graph, gap, rankdir)
        turns = [xy(middle, across(a, rankdir), rankdir), xy(middle, across(b, rankdir), rankdir)]
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
        return (along(box.center, rankdir) + shift * along(box.size, rankdir) / 4,
                across(box.center, rankdir) + across(box.size, rankdir) / 2)

    (a0, c0), (a1, c1) = side(start, 1), side(end, -1)
    reach = max(c0, c1) + LOOP_REACH
    points = [(a0, c0), (a0, reach), (a1, reach), (a1, c1)]
    return Path([xy(a, c, rankdir) for a, c in points], [Path.MOVETO, Path.CURVE4, Path.CURVE4, Path.CURVE4])


def _arrow(axis, path, gid):
    from matplotlib.patches import FancyArrowPatch
    axis.add_patch(FancyArrowPatch(path=path, arrowstyle="-|>", mutation_scale=12, linewidth=1.5, color="black",
                                   zorder=4, gid=gid))
