"""Variable: a named, mutable tensor holding a model's state (weights, optimizer slots)."""
import numpy as np

from glassnet.autodiff.convert import convert_to_tensor
from glassnet.autodiff.tensor import Tensor


class Variable(Tensor):
    """A tensor whose value can be changed in place with :meth:`assign`.

    Trainable variables are watched by every :class:`GradientTape` automatically.

    ``numpy()`` and ``np.asarray(variable)`` give a copy, a snapshot as in TF and Keras: later
    updates do not change it, and writing into it does not change the variable. (``fit`` moves
    the weights into one flat buffer, so a view taken before it would silently go stale.) The
    live array is ``variable.value``, for code that means to share it.

    Args:
        initial_value: array-like value (or a callable returning one).
        trainable: whether gradients are taken with respect to it.
        name: short name such as ``'kernel'``.
        dtype: defaults to an array's own dtype, or floatx for Python numbers.
        constraint: a function applied to the value after each optimizer update (or None).
    """

    def __init__(self, initial_value, trainable=True, name=None, dtype=None, path=None, constraint=None):
        if callable(initial_value):
            initial_value = initial_value()
        super().__init__(np.array(convert_to_tensor(initial_value, dtype).value, copy=True))
        self.trainable = trainable
        self.name = name or "Variable"
        self.path = path or self.name
        self.constraint = constraint

    def numpy(self):
        """A copy of the value: later updates of the variable do not change it (as in TF and Keras); a 0-d
        value as a NumPy scalar, as TensorFlow."""
        return self._value[()] if self._value.ndim == 0 else self._value.copy()

    def __array__(self, dtype=None, copy=None):
        if copy is False:  # NumPy's "never copy": the live array, which fit may replace
            return super().__array__(dtype, copy)
        return np.array(self._value, dtype=dtype, copy=True)

    def assign(self, value):
        """Set the value in place (same shape), casting to this variable's dtype."""
        new = np.asarray(getattr(value, "value", value))
        if new.shape != self._value.shape:
            raise ValueError(
                f"Cannot assign a value of shape {new.shape} to variable '{self.path}' "
                f"of shape {self._value.shape}."
            )
        self._value[...] = new
        return self

    def assign_add(self, delta):
        self._value += np.asarray(getattr(delta, "value", delta), dtype=self.dtype)
        return self

    def assign_sub(self, delta):
        self._value -= np.asarray(getattr(delta, "value", delta), dtype=self.dtype)
        return self

    def __repr__(self):
        return (
            f"<tf.Variable '{self.path}:0' shape={tuple(self.shape)} dtype={self.dtype}, "
            f"numpy=\n{np.array2string(self._value)}>"
        )
