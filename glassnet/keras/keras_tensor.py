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
    """

    def __init__(self, shape, dtype="float32", name=None, history=None):
        self.shape = TensorShape(shape)
        self.dtype = dtype
        self.name = name
        self.history = history

    @property
    def ndim(self):
        return len(self.shape)

    def __repr__(self):
        return f"<KerasTensor shape={tuple(self.shape)}, dtype={self.dtype}, name={self.name}>"
