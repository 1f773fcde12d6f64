"""Ctrl-C waits for the end of an optimizer step, so that a step is all or nothing.

An update writes several arrays one after another: Adam's moments, then the weights,
then the step counter. Python runs a SIGINT handler between two bytecodes (a NumPy
call is never cut in half, but the gap between two calls can be), so a Ctrl-C could
land after the moments moved and before the weights did; training would go on from a
state no number of steps leads to. Inside :func:`deferred`, a SIGINT is only recorded,
and the handler that was in place runs at the end of the block: the KeyboardInterrupt
comes right after the step, with every write done.

Only the main thread runs signal handlers, so other threads pass through untouched.
Installing the handler and putting the old one back costs about 1 µs a step.

>>> with deferred():
...     pass                   # writes here finish before a Ctrl-C is raised
"""
import os
import signal
import threading

try:  # The C module under `signal`: signal.signal's enum conversions cost ~10 µs a call.
    import _signal as _handlers
except ImportError:  # pragma: no cover - Python implementations without it
    _handlers = signal

_SIGINT = int(signal.SIGINT)
_main_thread = threading.main_thread().ident


def _remember_main_thread():
    global _main_thread
    _main_thread = threading.main_thread().ident  # a forked child's main thread is the forking one


if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_remember_main_thread)


class _Deferral:
    """The context manager :func:`deferred` returns; re-entrant, and a no-op off the main thread."""

    def __init__(self):
        self.depth = 0
        self.previous = None  # the handler to put back and to run with a recorded signal
        self.pending = None  # (signum, frame) of a SIGINT that arrived inside the block
        self.record = self._record  # one bound method, made once: this runs every step

    def __enter__(self):
        if threading.get_ident() != _main_thread:
            return self
        if self.depth == 0:
            previous = _handlers.getsignal(_SIGINT)
            if callable(previous):  # SIG_DFL and SIG_IGN have nothing to defer
                self.pending = None
                # signal.signal runs any handler already due before it swaps: a Ctrl-C up to here
                # raises before the step has written anything.
                _handlers.signal(_SIGINT, self.record)
                self.previous = previous
        self.depth += 1
        return self

    def __exit__(self, *exc_info):
        if threading.get_ident() != _main_thread:
            return False
        self.depth -= 1
        previous = self.previous
        if self.depth or previous is None:
            return False
        self.previous = None
        _handlers.signal(_SIGINT, previous)  # runs _record first if a signal is due
        pending, self.pending = self.pending, None
        if pending is not None:
            previous(*pending)  # default_int_handler raises KeyboardInterrupt here
        return False

    def _record(self, signum, frame):
        self.pending = (signum, frame)


_DEFERRAL = _Deferral()


def deferred():
    """A ``with`` block in which a SIGINT (Ctrl-C) is held until the block ends."""
    return _DEFERRAL
