"""An optimizer step is all or nothing: after any interruption, the state is that of a whole
number of steps.

``apply`` first does everything that can fail or that reads the step's inputs (gradient
checks, the learning rate and its schedule, clipping, the accumulated mean) and writes
nothing; then it hands the writes of the step to :meth:`AtomicStepMixin._write_step`:

- a Ctrl-C (SIGINT) arriving during the writes is held until they are done, so the
  KeyboardInterrupt comes after the step (interrupts.py);
- an exception raised during the writes puts every variable back as it was. The built-in
  updates are plain arithmetic that does not raise (unless ``np.seterr`` makes floating-point
  warnings errors), so the copy this needs is taken only when the step runs other code: a
  weight constraint, or a custom ``update_step``/``_update``.
"""
from glassnet.keras.optimizers import interrupts

_PACKAGE = __package__ + "."


def _written_here(function):
    """Whether `function` is one of this package's (the built-in updates), not a subclass's."""
    return function.__module__.startswith(_PACKAGE)


class AtomicStepMixin:
    """The one place where :class:`Optimizer` writes a step."""

    def _write_step(self, write):
        """Run `write()`, every write of one step, as one step."""
        with interrupts.deferred():
            saved = self._saved_state() if self._may_raise_midway() else None
            try:
                write()
            except BaseException:
                if saved is not None:
                    for array, copy in saved:
                        array[...] = copy
                raise

    def _may_raise_midway(self):
        cls = type(self)
        if not (_written_here(cls.update_step) and _written_here(cls._update)):
            return True
        for variable in self._trainable_variables:
            if variable.constraint is not None:
                return True
        return False

    def _saved_state(self):
        """A copy of everything a step writes: the weights and the optimizer's own variables."""
        arrays = [v.value for v in self._trainable_variables] + [v.value for v in self._variables]
        return [(array, array.copy()) for array in arrays]
