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

    # Operators record the tensor function they stand for (keras/op_dispatch.py), as tf.keras does.
    def __add__(self, other):
        return _function("add")(self, other)

    def __radd__(self, other):
        return _function("add")(other, self)

    def __sub__(self, other):
        return _function("subtract")(self, other)

    def __rsub__(self, other):
        return _function("subtract")(other, self)

    def __mul__(self, other):
        return _function("multiply")(self, other)

    def __rmul__(self, other):
        return _function("multiply")(other, self)

    def __truediv__(self, other):
        return _function("divide")(self, other)

    def __rtruediv__(self, other):
        return _function("divide")(other, self)

    def __pow__(self, other):
        return _function("pow")(self, other)

    def __rpow__(self, other):
        return _function("pow")(other, self)

    def __matmul__(self, other):
        return _function("matmul")(self, other)

    def __rmatmul__(self, other):
        return _function("matmul")(other, self)

    def __neg__(self):
        return _function("negative")(self)

    def __abs__(self):
        return _function("abs")(self)

    def __lt__(self, other):
        return _function("less")(self, other)

    def __le__(self, other):
        return _function("less_equal")(self, other)

    def __gt__(self, other):
        return _function("greater")(self, other)

    def __ge__(self, other):
        return _function("greater_equal")(self, other)

    def __getitem__(self, key):
        return _function("getitem")(self, key)

    def __bool__(self):
        raise TypeError(f"A symbolic KerasTensor has no value, so it cannot be used as a Python bool "
                        f"(in `if`, `and`, `or`...). Received: {self!r}. Use tf.where or a layer instead.")

    def __array__(self, dtype=None, copy=None):
        raise TypeError(f"A symbolic KerasTensor has no values, so NumPy cannot use it. Received: {self!r}. "
                        "Call tf.* / keras.ops functions on it inside a model, or NumPy on the model's outputs.")

    def __iter__(self):  # without it Python would iterate by indexing, making a layer per index
        raise TypeError(f"A symbolic KerasTensor cannot be iterated or unpacked. Received: {self!r}. "
                        "Use tf.unstack or slicing (x[:, 0]) instead.")

    __array_ufunc__ = None  # NumPy arrays and scalars hand their operators to the KerasTensor's reflected ones
    __hash__ = object.__hash__  # `==` keeps identity: the graph keys tensors by themselves


def _function(name):
    """The tensor function behind an operator: tf.math's, tf.linalg.matmul, or slicing."""
    from glassnet import linalg, math
    from glassnet.keras import op_dispatch
    if name == "matmul":
        return linalg.matmul
    if name == "getitem":
        return op_dispatch.getitem
    return getattr(math, name, None) or getattr(__import__("glassnet").comparison_ops, name)


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
