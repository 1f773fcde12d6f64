"""KerasTensor: a symbolic placeholder with a shape and a dtype but no values.

``Input(shape=(400,))`` returns one, and every layer built inside a model gets one
as its ``output``, so ``layer.output.shape.as_list() == [None, 25]`` works
before any data has been seen.
"""
from glassnet.autodiff import TensorShape


class KerasTensor:
    """A symbolic tensor: ``shape`` has ``None`` for the batch axis.

    Args:
        shape: full shape including the batch axis, e.g. ``(None, 400)``.
        dtype: dtype name.
        name: a readable name.
        history: ``(layer, inputs)`` that produced it (``None`` for an Input).

    A tensor made by a layer's call on other KerasTensors also has ``_keras_history``:
    ``(layer, node_index, tensor_index)``, Keras's address of the call (the layer's node)
    and of this tensor among that call's outputs; the functional API walks these.
    """

    def __init__(self, shape, dtype="float32", name=None, history=None):
        self.shape = TensorShape(shape)
        self.dtype = dtype
        self.name = name
        self.history = history
        self._keras_history = None

    @property
    def ndim(self):
        return len(self.shape)

    def __repr__(self):
        return f"<KerasTensor shape={tuple(self.shape)}, dtype={self.dtype}, name={self.name}>"


def flatten(structure):
    """The leaves of a nested list, tuple or dict (a dict's in sorted key order, as Keras's
    ``tree.flatten``), as a list."""
    if isinstance(structure, dict):
        return [leaf for key in sorted(structure) for leaf in flatten(structure[key])]
    if isinstance(structure, (list, tuple)):
        return [leaf for item in structure for leaf in flatten(item)]
    return [structure]


def map_structure(function, structure):
    """`structure` with every leaf replaced by ``function(leaf)``."""
    if isinstance(structure, dict):
        return {key: map_structure(function, value) for key, value in structure.items()}
    if isinstance(structure, (list, tuple)):
        return type(structure)(map_structure(function, item) for item in structure)
    return function(structure)


def holds_keras_tensor(structure):
    """Whether `structure` is a KerasTensor or a list, tuple or dict holding one."""
    if isinstance(structure, KerasTensor):
        return True
    if isinstance(structure, (list, tuple, dict)):
        return any(isinstance(leaf, KerasTensor) for leaf in flatten(structure))
    return False
