"""TensorSpec: the shape and dtype a tensor will have (``tf.TensorSpec``), as tf.data describes elements."""
import numpy as np

from glassnet.autodiff.tensor import TensorShape


class TensorSpec:
    """Describes a tensor: its shape (None for an unknown dimension), dtype and an optional name.

    Args:
        shape: a tuple or list of dimensions, None for an unknown one; ``None`` alone for an
            unknown rank (kept as None).
        dtype: a dtype (``tf.float32``, a NumPy dtype or its name); float32 by default, as TensorFlow.
        name: an optional name.

    >>> TensorSpec((None, 3), "float32")
    TensorSpec(shape=(None, 3), dtype=tf.float32, name=None)
    >>> TensorSpec((2, 3)).is_compatible_with(np.zeros((2, 3), "float32"))
    True
    """

    def __init__(self, shape, dtype="float32", name=None):
        self.shape = None if shape is None else TensorShape(None if d is None else int(d) for d in shape)
        self.dtype = np.dtype(dtype)
        self.name = name

    @classmethod
    def from_tensor(cls, tensor, name=None):
        array = np.asarray(tensor)
        return cls(array.shape, array.dtype, name)

    def is_compatible_with(self, value):
        """Whether `value` (an array, a Tensor or another spec) fits this spec's dtype and shape."""
        other = value if isinstance(value, TensorSpec) else TensorSpec.from_tensor(value)
        if other.dtype != self.dtype:
            return False
        return shapes_compatible(self.shape, other.shape)

    def __eq__(self, other):
        return isinstance(other, TensorSpec) and (self.shape, self.dtype, self.name) == (
            other.shape, other.dtype, other.name)

    def __hash__(self):
        return hash((self.shape, self.dtype, self.name))

    def __repr__(self):
        shape = "None" if self.shape is None else str(self.shape)
        dtype = "string" if self.dtype.kind in "SOU" else self.dtype.name  # TensorFlow's name for bytes
        return f"TensorSpec(shape={shape}, dtype=tf.{dtype}, name={self.name!r})"


def shapes_compatible(a, b):
    """TensorFlow's rule: unknown rank or dimensions fit anything; known ones must match."""
    if a is None or b is None:
        return True
    return len(a) == len(b) and all(x is None or y is None or x == y for x, y in zip(a, b))
