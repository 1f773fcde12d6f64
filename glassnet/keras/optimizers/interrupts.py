"""Ctrl-C waits for the end of an optimizer step, so that a step is all or nothing.

An update writes several arrays one after another: Adam's moments, then the weights,
then the step counter. Python runs a SIGINT handler between two bytecodes (a NumPy
call is never cut in half, but the gap between two calls can be), so a Ctrl-C could
land after the moments moved and before the weights did; training would go on from a
state no number of steps leads to. Inside :func:`deferred`, a SIGINT is only recorded,
and the handler that was in place runs at the end of the block: the KeyboardInterrupt
comes right after the step, with every write done.

Only the main thread runs signal handlers, so other threads pass through untouched.
``fit`` keeps the handler installed for all its steps (:func:`holding`).

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
    """The context manager :func:`deferred` returns; re-entrant, and a no-op off the main thread.

    :func:`holding` keeps the recording handler installed across many steps (a whole ``fit``),
    so that each step only counts itself in and out: swapping the handler twice per step
    cost more than the step's other bookkeeping together.
    """

    def __init__(self):
        self.depth = 0  # deferred blocks (steps) open
        self.holds = 0  # holding blocks (fits) open
        self.previous = None  # the handler to put back and to run with a recorded signal
        self.pending = None  # (signum, frame) of a SIGINT that arrived inside a step
        self.record = self._record  # one bound method, made once: this runs every step

    def __enter__(self):
        if threading.get_ident() != _main_thread:
            return self
        if self.depth == 0 and self.previous is None:
            self._install()
        self.depth += 1
        return self

    def __exit__(self, *exc_info):
        if threading.get_ident() != _main_thread:
            return False
        self.depth -= 1
        if self.depth == 0 and self.previous is not None:
            if self.holds:  # the handler stays for the next step; a recorded Ctrl-C acts now
                pending, self.pending = self.pending, None
                if pending is not None:
                    self.previous(*pending)  # default_int_handler raises KeyboardInterrupt here
            else:
                self._uninstall()
        return False

    def hold(self):
        if threading.get_ident() == _main_thread:
            self.holds += 1
            if self.previous is None and self.depth == 0:
                self._install()

    def release(self):
        if threading.get_ident() == _main_thread:
            self.holds -= 1
            if self.holds == 0 and self.depth == 0 and self.previous is not None:
                self._uninstall()

    def _install(self):
        previous = _handlers.getsignal(_SIGINT)
        if callable(previous):  # SIG_DFL and SIG_IGN have nothing to defer
            self.pending = None
            # signal.signal runs any handler already due before it swaps: a Ctrl-C up to here
            # raises before the step has written anything.
            _handlers.signal(_SIGINT, self.record)
            self.previous = previous

    def _uninstall(self):
        previous = self.previous
        try:
            _handlers.signal(_SIGINT, previous)  # runs _record first if a signal is due
        finally:
            self.previous = None
        pending, self.pending = self.pending, None
        if pending is not None:
            previous(*pending)  # default_int_handler raises KeyboardInterrupt here

    def _record(self, signum, frame):
        if self.depth:  # inside a step: it waits for the step's end
            self.pending = (signum, frame)
        else:  # between steps while a fit holds the handler: at once, as if it were not there
            self.previous(signum, frame)


class _Hold:
    def __enter__(self):
        _DEFERRAL.hold()
        return self

    def __exit__(self, *exc_info):
        _DEFERRAL.release()
        return False


_DEFERRAL = _Deferral()


def deferred():
    """A ``with`` block in which a SIGINT (Ctrl-C) is held until the block ends."""
    return _DEFERRAL


def holding():
    """A ``with`` block (a whole fit) that keeps the recording handler installed, so that the
    :func:`deferred` blocks inside it cost only a count; a Ctrl-C between them acts at once."""
    return _Hold()
