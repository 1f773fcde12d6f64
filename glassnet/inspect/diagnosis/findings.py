"""What Diagnostics found: a :class:`Finding` per problem seen, and the warning a learner reads.

Each kind of problem (a check id such as ``'saturated'``) is warned once per ``fit``, with
the numbers seen, where (epoch, batch, layer) and a fix; every occurrence is kept in
``Diagnostics.findings`` so that nothing is lost by warning only once.
"""
import os
import sys
import warnings

_PACKAGE = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))  # glassnet/


class TrainingWarning(UserWarning):
    """A warning about how training is going (raised by :class:`glassnet.inspect.Diagnostics`).

    Turn these into errors while debugging with
    ``warnings.simplefilter('error', glassnet.inspect.TrainingWarning)``."""


class Finding:
    """One problem seen during training.

    Attributes:
        check: the check's id, e.g. ``'saturated'`` (see docs/diagnostics.md).
        epoch: the epoch it was seen in, counted from 1 as the progress bar counts (None:
            before training, as ``check_model``'s findings).
        batch: the batch within that epoch, counted from 0 as Keras's callbacks count (or None).
        layer: the layer's name (None for the model as a whole).
        problem: what is wrong, with the numbers seen.
        fix: what to do about it.
    """

    def __init__(self, check, problem, fix, layer=None, epoch=None, batch=None):
        self.check, self.problem, self.fix = check, problem, fix
        self.layer, self.epoch, self.batch = layer, epoch, batch

    @property
    def message(self):
        """The whole finding in words: where, what, and the fix."""
        return f"{self._where()}{self.problem}\n  Fix: {self.fix} [{self.check}]"

    def _where(self):
        parts = ["before training"] if self.epoch is None else [
            f"epoch {self.epoch}" + ("" if self.batch is None else f", batch {self.batch}")]
        if self.layer is not None:
            parts.append(f"layer '{self.layer}'")
        where = ", ".join(parts)
        return where[0].upper() + where[1:] + ": "  # not capitalize(): names keep their case

    def __repr__(self):
        return f"Finding(check={self.check!r}, epoch={self.epoch}, layer={self.layer!r}, problem={self.problem!r})"


class Reporter:
    """Keeps every finding and warns the first of each check id (per ``fit``)."""

    def __init__(self):
        self.findings = []
        self._warned = set()

    def reset(self):
        """A new fit: a fresh list, and every kind may warn again (as History starts afresh)."""
        self.findings = []
        self._warned = set()

    def add(self, finding):
        self.findings.append(finding)
        if finding.check not in self._warned:
            self._warned.add(finding.check)
            warnings.warn(finding.message, TrainingWarning, stacklevel=_user_level())


def _user_level():
    """The stack level of the first caller outside glassnet (the line that called fit), so the
    warning points at the user's code rather than at this file."""
    level, frame = 2, sys._getframe(2)
    while frame is not None and frame.f_code.co_filename.startswith(_PACKAGE):
        frame, level = frame.f_back, level + 1
    return level
