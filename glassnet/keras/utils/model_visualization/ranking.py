"""Ranks, lanes and order: the first three steps of graphviz's layered drawing, in small.

1. rank: a box sits one rank past the deepest box that feeds it. A connection that closes a cycle (a
   layer reused further along its own path) is left out of the ranking; it is drawn as a loop beside
   the boxes;
2. lanes: a connection that spans several ranks gets a waypoint (a Box without a layer) in each rank it
   crosses, so it keeps a lane of its own there and no box is placed on it;
3. order: each rank is sorted by the mean position of its boxes' neighbours, sweeping down and up, so
   that fewer connections cross.

Nothing here has a size or a position: the layout (layout.py) places the ranks this module orders.
"""
from glassnet.keras.utils.model_visualization.graph import Box

SWEEPS = 4  # down, up, down, up: enough for graphs of a few dozen layers


def rank(graph):
    """Rank and order the graph's boxes into `graph.ranks` (lists of boxes, waypoints included).

    Returns the lanes, ``{(id(source), id(destination)): [source, waypoints..., destination]}`` for each
    connection along the ranks, and each box's neighbours in the rank before and in the rank after."""
    forward = _forward(graph.boxes, _pairs(graph))
    graph.ranks = _ranks(graph.boxes, forward)
    lanes, before, after = _lanes(graph.ranks, forward)
    _order(graph.ranks, before, after)
    return lanes, before, after


def sweeps(ranks, before, after, count):
    """`count` sweeps over the ranks, down then up, alternately: each rank after the first of the sweep,
    with the neighbours to look at (those in the rank the sweep comes from)."""
    for sweep in range(count):
        neighbours, sequence = (before, ranks[1:]) if sweep % 2 == 0 else (after, ranks[-2::-1])
        for boxes in sequence:
            yield boxes, neighbours


def mean(values, default):
    return sum(values) / len(values) if values else default


def _pairs(graph):
    """The distinct (source box, destination box) pairs of the graph's links, in their order."""
    pairs = {}
    for source, _, destination, _ in graph.links:
        pair = (graph.by_layer[id(source)], graph.by_layer[id(destination)])
        pairs.setdefault((id(pair[0]), id(pair[1])), pair)
    return list(pairs.values())


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
        for crossed in range(source.rank + 1, destination.rank):
            stops.append(Box())
            stops[-1].rank = crossed
            ranks[crossed].append(stops[-1])
        stops.append(destination)
        lanes[(id(source), id(destination))] = stops
        for upper, lower in zip(stops, stops[1:]):
            after.setdefault(id(upper), []).append(lower)
            before.setdefault(id(lower), []).append(upper)
    return lanes, before, after


def _order(ranks, before, after):
    """Sort each rank by its boxes' mean neighbour position, sweeping down then up."""
    index = {id(box): i for boxes in ranks for i, box in enumerate(boxes)}
    for boxes, neighbours in sweeps(ranks, before, after, SWEEPS):
        boxes.sort(key=lambda box: mean([index[id(n)] for n in neighbours.get(id(box), [])], index[id(box)]))
        index.update({id(box): i for i, box in enumerate(boxes)})
