"""Node: one call of a layer on KerasTensors (Keras 3's ``ops.node.Node``).

A layer called three times in a graph has three nodes; each output KerasTensor points back at
its node with ``_keras_history = (layer, node_index, tensor_index)``, which is how a functional
model finds its graph from its outputs, and how its config names the tensors.
"""
from glassnet.keras.keras_tensor import KerasTensor, flatten


class Node:
    """The call ``layer(arguments, **kwargs)`` that produced `outputs`.

    Args:
        layer: the layer called.
        arguments: the inputs as given (a KerasTensor, or a list/tuple/dict of them); None
            for an InputLayer's node.
        kwargs: the other keyword arguments of the call (``training=...``, or KerasTensors such
            as ``targets=``), replayed when the graph runs.
        args: the positional arguments after the first (``endpoint(logits, targets)``).
        outputs: the output KerasTensor(s).
        register: whether the outputs are marked as made by this node (False for the node a
            functional model keeps linking its own inputs to its outputs, as Keras's does).
    """

    def __init__(self, layer, arguments, outputs, kwargs=None, register=True, args=()):
        self.layer = layer
        self.arguments = arguments
        self.args = tuple(args)
        self.kwargs = dict(kwargs or {})
        self.outputs = outputs
        called_with = [] if arguments is None else [arguments, *self.args, *self.kwargs.values()]
        self.input_tensors = [x for x in flatten(called_with) if isinstance(x, KerasTensor)]
        self.output_tensors = flatten(outputs)
        nodes = inbound_nodes(layer)
        self.index = len(nodes)
        nodes.append(self)
        if register:
            for position, tensor in enumerate(self.output_tensors):
                tensor._keras_history = (layer, self.index, position)

    @property
    def parent_nodes(self):
        """The nodes that made this node's input tensors."""
        return [node_of(tensor) for tensor in self.input_tensors]

    @property
    def is_input(self):
        return self.arguments is None


def inbound_nodes(layer):
    """The layer's nodes, in the order of its calls (kept outside tracking: not a sub-layer list)."""
    return layer.__dict__.setdefault("_inbound_nodes", [])


def node_of(tensor):
    """The node that made `tensor`."""
    layer, index, _ = tensor._keras_history
    return inbound_nodes(layer)[index]
