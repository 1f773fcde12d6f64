"""Tensor: an immutable NumPy array that remembers how it was made.

A Tensor wraps an ``ndarray``. When a :class:`~glassnet.autodiff.tape.GradientTape`
is recording and one of an op's inputs is tracked, the op's result also keeps a
:class:`Node`: the backward function of that op and the input tensors, which is
all the tape needs to walk the graph in reverse.
"""
import numpy as np


class TensorShape(tuple):
    """A tuple of dimensions (``None`` for an unknown batch size), as in TF."""

    def as_list(self):
        return list(self)

    @property
    def rank(self):
        return len(self)

    def __repr__(self):
        return f"TensorShape({list(self)})"

    def __str__(self):  # TF prints a shape as a tuple: (None, 784)
        return tuple.__repr__(self)


class Node:
    """How a tensor was computed: the op's backward function, and the inputs that want
    gradients as ``(position, tensor)`` pairs (constants are left out once, at creation).

    The op, all its inputs and its settings are kept too: a gradient taken under an outer
    tape runs the op's backward again on Tensors (glassnet/autodiff/higher_order.py)."""

    __slots__ = ("backward", "edges", "op", "inputs", "settings")

    def __init__(self, backward, edges, op=None, inputs=(), settings=None):
        self.backward = backward
        self.edges = edges
        self.op = op
        self.inputs = inputs
        self.settings = settings


class Tensor:
    """An n-dimensional array that can take part in automatic differentiation.

    Tensors support NumPy-style arithmetic, slicing and comparisons, convert to
    NumPy with ``.numpy()`` or ``np.asarray``, and format like numbers.

    >>> t = Tensor(np.array([[1.0, 2.0]], dtype="float32"))
    >>> (t * 2 + 1).numpy()
    array([[3., 5.]], dtype=float32)
    """

    # Makes `ndarray + Tensor` call Tensor.__radd__, so the result stays differentiable.
    __array_priority__ = 100
    # Keras's mask of the steps to skip (a bool Tensor), set on a layer's output by
    # keras.layers.Layer (an Embedding with mask_zero=True); None on every other tensor.
    _keras_mask = None

    def __init__(self, value, node=None):
        self._value = value
        self._node = node
        self._watched = 0  # how many active tapes watch this tensor

    # --- conversion -------------------------------------------------------
    @property
    def value(self):
        return self._value

    def numpy(self):
        """The value as a NumPy array; a 0-d value as a NumPy scalar (``np.float32(0.5)``), as TensorFlow."""
        return self._value[()] if self._value.ndim == 0 else self._value

    def __array__(self, dtype=None, copy=None):
        if copy:
            return np.array(self._value, dtype=dtype, copy=True)
        return self._value if dtype is None else self._value.astype(dtype, copy=False)

    @property
    def shape(self):
        return TensorShape(self._value.shape)

    @property
    def dtype(self):
        return self._value.dtype

    @property
    def ndim(self):
        return self._value.ndim

    @property
    def size(self):
        return self._value.size

    def __len__(self):
        return len(self._value)

    def __iter__(self):
        return (self[i] for i in range(len(self)))

    def __bool__(self):
        return bool(self._value)

    def __float__(self):
        return float(self._value)

    def __int__(self):
        return int(self._value)

    def __index__(self):
        return int(self._value)

    def __format__(self, spec):
        if self._value.ndim == 0:
            return format(self._value.item(), spec)
        return format(str(self), spec)

    def __repr__(self):
        # TensorFlow's print(tensor) form: NumPy's str of the values, on a new line if they take several.
        body = str(self._value)
        body = "\n" + body if "\n" in body else body
        return f"tf.Tensor({body}, shape={tuple(self.shape)}, dtype={self.dtype.name})"

    __hash__ = object.__hash__

    # --- arithmetic: each operator is an op of glassnet.autodiff.ops, so a tape records it ------------
    def __add__(self, other):
        return ops.add(self, other)

    def __radd__(self, other):
        return ops.add(other, self)

    def __sub__(self, other):
        return ops.subtract(self, other)

    def __rsub__(self, other):
        return ops.subtract(other, self)

    def __mul__(self, other):
        return ops.multiply(self, other)

    def __rmul__(self, other):
        return ops.multiply(other, self)

    def __truediv__(self, other):
        return ops.divide(self, other)

    def __rtruediv__(self, other):
        return ops.divide(other, self)

    def __matmul__(self, other):
        return ops.matmul(self, other)

    def __rmatmul__(self, other):
        return ops.matmul(other, self)

    def __pow__(self, exponent):
        if isinstance(exponent, Tensor):  # an exponent that wants its gradient: x ** y = exp(y log x)
            return ops.exp(ops.multiply(exponent, ops.log(self)))
        return ops.power(self, exponent=exponent)

    def __rpow__(self, base):
        return Tensor(np.asarray(base, self.dtype)) ** self

    def __neg__(self):
        return ops.negative(self)

    def __pos__(self):
        return self

    def __abs__(self):
        return ops.abs(self)

    def __getitem__(self, key):
        return ops.getitem(self, key=_numpy_index(key))

    @property
    def T(self):  # noqa: N802 (NumPy's and TensorFlow's name)
        return ops.transpose(self)

    # --- comparisons and integer operators: plain values, no gradient -----------------------------------
    def __lt__(self, other):
        return Tensor(self._value < _value_of(other))

    def __le__(self, other):
        return Tensor(self._value <= _value_of(other))

    def __gt__(self, other):
        return Tensor(self._value > _value_of(other))

    def __ge__(self, other):
        return Tensor(self._value >= _value_of(other))

    def __eq__(self, other):
        return Tensor(self._value == _value_of(other))

    def __ne__(self, other):
        return Tensor(self._value != _value_of(other))

    def __floordiv__(self, other):
        return Tensor(self._value // _value_of(other))

    def __mod__(self, other):
        return Tensor(self._value % _value_of(other))

    def __invert__(self):
        return Tensor(~self._value)

    def __and__(self, other):
        return Tensor(self._value & _value_of(other))

    def __or__(self, other):
        return Tensor(self._value | _value_of(other))


def _value_of(x):
    return x.value if isinstance(x, Tensor) else x


def _numpy_index(key):
    """A NumPy index from one that may hold Tensors."""
    if isinstance(key, tuple):
        return tuple(_numpy_index(k) for k in key)
    return _value_of(key)


# The ops take and return Tensors, so they import this module: imported last, once Tensor exists.
from glassnet.autodiff import ops  # noqa: E402
