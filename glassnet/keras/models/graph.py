"""The graph of a functional model: its nodes in running order and its layers in Keras's order.

A port of Keras 3's ``ops.function.map_graph``: a depth-first walk from the outputs back along
``_keras_history`` sorts the nodes; a node's depth is its distance from the outputs, and the
layers are listed deepest first (the inputs), ties in the order the walk first met them.
"""
from glassnet.keras.models.node import node_of


def map_graph(inputs, outputs):
    """``(nodes, layers, depths)`` for the flat lists `inputs` and `outputs` of KerasTensors: the nodes in
    an order that runs (every node after those making its inputs), the layers in Keras's order, and
    ``{node: depth}``.
    Raises Keras's errors for a graph that does not connect the outputs to the inputs."""
    ordered, first_seen = _walk(inputs, outputs)
    in_graph = set(ordered)
    node_depth, layer_depth = {}, {}
    for node in reversed(ordered):
        depth = max(node_depth.setdefault(node, 0), layer_depth.get(node.layer, 0))
        layer_depth[node.layer] = node_depth[node] = depth
        for parent in node.parent_nodes:
            if parent in in_graph:
                node_depth[parent] = max(depth + 1, node_depth.get(parent, 0))
    for tensor in inputs:  # an input no output uses still belongs to the model
        node = node_of(tensor)
        if node.layer not in layer_depth and node.is_input:
            layer_depth[node.layer], first_seen[node.layer], node_depth[node] = 0, -1, 0
    layers = sorted(layer_depth, key=lambda layer: (-layer_depth[layer], first_seen[layer]))
    nodes = sorted(node_depth, key=lambda node: -node_depth[node])
    _check_connected(inputs, outputs, nodes)
    names = [layer.name for layer in layers]
    for name in names:
        if names.count(name) != 1:
            raise ValueError(f'The name "{name}" is used {names.count(name)} times in the model. '
                             "All operation names should be unique.")
    return nodes, layers, node_depth


def chain(inputs, outputs, nodes):
    """The layers of `nodes` (in running order) when they take the one input through one layer after
    another, each called on the previous one's output alone, to the one output; else None."""
    if len(inputs) != 1 or len(outputs) != 1:
        return None
    tensor, layers = inputs[0], []
    for node in nodes:
        # the tensor alone, bare (a list of one is a merge layer's input); other keywords change the call
        if (node.arguments is not tensor or len(node.input_tensors) != 1 or len(node.output_tensors) != 1
                or set(node.kwargs) - {"training"}):
            return None
        layers.append(node.layer)
        tensor = node.output_tensors[0]
    return layers if tensor is outputs[0] else None


def _walk(inputs, outputs):
    finished, in_progress, ordered, first_seen = set(), set(), [], {}
    input_ids = {id(x) for x in inputs}

    def visit(tensor):
        if tensor._keras_history is None:
            raise ValueError(f"Output tensors of a Functional model must be the output of a Keras layer "
                             f"(thus holding past layer metadata). Found: {tensor}")
        node = node_of(tensor)
        if node in finished:
            return
        if not node.is_input and id(tensor) in input_ids:
            finished.add(node)
            return
        if node in in_progress:
            raise ValueError(f"Tensor {tensor} from operation '{node.layer.name}' is part of a cycle.")
        first_seen.setdefault(node.layer, len(first_seen))
        in_progress.add(node)
        for parent in node.input_tensors:
            visit(parent)
        finished.add(node)
        in_progress.remove(node)
        ordered.append(node)

    for output in outputs:
        visit(output)
    return ordered, first_seen


def _check_connected(inputs, outputs, nodes):
    """Keras's error for an output that the inputs do not lead to (an Input not among `inputs`)."""
    computable = {id(x) for x in inputs}
    for node in nodes:
        if not node.is_input and all(id(tensor) in computable for tensor in node.input_tensors):
            computable.update(id(x) for x in node.output_tensors)
    for position, tensor in enumerate(outputs):
        if id(tensor) not in computable:
            path = str(position) if len(outputs) > 1 else ""
            raise ValueError(f"Output with path `{path}` is not connected to `inputs`: {tensor} needs an Input that "
                             f"is not among the model's inputs {[x.name for x in inputs]}.")
