"""The Metric base class: state that accumulates over batches.

A metric is updated once per batch with `update_state`, read with `result`
and cleared with `reset_state` (fit does that at the start of every epoch).
Its state lives in non-trainable float32 Variables, as in Keras, so its
rounding matches Keras's.
"""
import numpy as np

from glassnet import backend
from glassnet.autodiff import Tensor, Variable
from glassnet.keras import initializers, naming


_AGGREGATIONS = ("none", "sum", "mean", "only_first_replica")


def scalar(value, dtype):
    """A result as Keras gives it: a scalar Tensor (``float(...)``, ``.numpy()`` and formatting work)."""
    return Tensor(np.asarray(value, dtype=dtype))


class Metric:
    """Base class of metrics.

    Args:
        name: the key shown in logs; defaults to the snake-cased class name.
        dtype: the accumulation dtype (floatx, float32 by default).

    Subclasses create their state with `add_variable` in `__init__`, and
    implement `update_state(...)` and `result()`.
    """

    def __init__(self, name=None, dtype=None):
        self.name = name or naming.unique_name(naming.snake_case(type(self).__name__))
        self._dtype = backend.standardize_dtype(dtype)
        self._variables = []

    @property
    def dtype(self):
        return self._dtype.name

    @property
    def variables(self):
        """The state Variables, in creation order."""
        return list(self._variables)

    def add_variable(self, shape, initializer, dtype=None, aggregation="sum", name=None):
        """A non-trainable state Variable of `shape` filled by `initializer` (Keras's signature).

        `aggregation` (how replicas would combine it) is kept on the variable; there is one
        replica. `reset_state` sets every state Variable back to zero whatever its initializer,
        as Keras does.
        """
        if aggregation not in _AGGREGATIONS:
            raise ValueError(f"Invalid `aggregation`: expected one of {_AGGREGATIONS}. Received: "
                             f"aggregation={aggregation!r}")
        dtype = self._dtype if dtype is None else np.dtype(dtype)
        shape = tuple(shape)
        value = initializers.get("zeros" if initializer is None else initializer)(shape, dtype=dtype)
        variable = Variable(np.asarray(value, dtype=dtype), trainable=False, name=name,
                            path=f"{self.name}/{name}")
        variable.aggregation = aggregation
        self._variables.append(variable)
        return variable

    def add_weight(self, shape=(), initializer=None, dtype=None, name=None):
        """Keras's older name for :meth:`add_variable` (zeros unless told otherwise)."""
        return self.add_variable(shape=shape, initializer=initializer, dtype=dtype, name=name)

    def update_state(self, *args, **kwargs):
        raise NotImplementedError(f"{type(self).__name__} must implement update_state().")

    def result(self):
        raise NotImplementedError(f"{type(self).__name__} must implement result().")

    def reset_state(self):
        """Set every state Variable back to zero."""
        for variable in self._variables:
            variable.value[...] = 0

    def __call__(self, *args, **kwargs):
        """Update with one batch and return the running result."""
        self.update_state(*args, **kwargs)
        return self.result()

    def get_config(self):
        return {"name": self.name, "dtype": self.dtype}

    @classmethod
    def from_config(cls, config):
        return cls(**config)

    def __repr__(self):
        return f"<{type(self).__name__} name={self.name!r}>"
