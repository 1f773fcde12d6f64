"""A window on a running training step, open only while ``glassnet.inspect.step`` looks.

The places that compute a step tell the innermost watcher what they computed: a layer call
its inputs and outputs, the fused dense op its pre-activation ``z``, the tape the gradients
of the loss, the optimizer the variables it is about to change. So a trace shows the very
arrays training uses, never a second computation of them. With no watcher (always, inside
``fit``) each of those places pays one test of an empty list.
"""
import contextlib

# Watchers currently looking, innermost last (see glassnet/inspect/trace.py for the one there is).
watchers = []


@contextlib.contextmanager
def watching(watcher):
    """Show `watcher` everything computed inside the ``with`` block."""
    watchers.append(watcher)
    try:
        yield watcher
    finally:
        watchers.remove(watcher)


def note(name, value):
    """Tell the watcher an intermediate value of the running layer call (e.g. ``"z"``).
    Callers test ``if observe.watchers:`` first, so that no one looking costs no call."""
    watchers[-1].note(name, value)
