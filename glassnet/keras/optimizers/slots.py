"""How an optimizer makes its own variables: the step counter, the learning rate and
the per-variable slots (Adam's moments, SGD's momentum, ...).

Every variable is registered in creation order, which is the order of
``optimizer.variables`` and of the saved files.
"""
import numpy as np

from glassnet import backend
from glassnet.autodiff import Variable
from glassnet.keras import validation as check


def initial_value(initializer, shape, dtype):
    """An array from ``"zeros"``, ``"ones"``, a number (filled in), or a callable ``(shape, dtype)``."""
    if isinstance(initializer, str) and initializer in ("zeros", "ones"):
        return (np.zeros if initializer == "zeros" else np.ones)(shape, dtype=dtype)
    if check.is_real(initializer):
        return np.full(shape, initializer, dtype=dtype)
    if callable(initializer):
        return np.asarray(initializer(shape, dtype=dtype), dtype=dtype)
    raise ValueError(
        "Invalid `initializer`: expected 'zeros', 'ones', a number or a callable (shape, dtype). "
        f"Received: initializer={initializer!r}"
    )


class SlotsMixin:
    """Variable-making methods of :class:`Optimizer` (Keras's names and paths)."""

    def add_variable(self, shape, initializer="zeros", dtype=None, name=None):
        """A non-trainable variable at path ``<optimizer name>/<name>``, registered in order."""
        dtype = backend.standardize_dtype(dtype)
        variable = Variable(initial_value(initializer, tuple(shape), dtype), trainable=False,
                            name=name, path=f"{self.name}/{name}")
        self._variables.append(variable)
        return variable

    def add_variable_from_reference(self, reference_variable, name=None, initializer="zeros"):
        """A slot shaped like `reference_variable`, with its dtype.

        Named after the reference's path, e.g. ``adam/sequential_dense_kernel_momentum``.
        """
        slot_name = f"{reference_variable.path.replace('/', '_')}_{name}"
        return self.add_variable(reference_variable.value.shape, initializer,
                                 reference_variable.dtype, slot_name)

    def add_optimizer_variables(self, trainable_variables, name, initializer="zeros"):
        """One slot per variable; with a list of names, the slots are interleaved per variable.

        ``add_optimizer_variables(vs, "momentum")`` returns one list;
        ``add_optimizer_variables(vs, ["momentum", "velocity"])`` creates m0, v0, m1, v1, ...
        and returns the tuple of lists (ms, vs).
        """
        names = [name] if isinstance(name, str) else list(name)
        slots = [[] for _ in names]
        for variable in trainable_variables:
            for slot_list, slot_name in zip(slots, names, strict=True):
                slot_list.append(self.add_variable_from_reference(variable, slot_name, initializer))
        self._slot_groups.update(zip(names, slots))
        return slots[0] if isinstance(name, str) else tuple(slots)
