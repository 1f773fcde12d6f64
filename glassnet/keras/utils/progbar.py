"""The progress bar that `fit`, `evaluate` and `predict` print.

In a terminal it draws Keras 3's bar exactly, redrawing one line in place::

    4/4 ━━━━━━━━━━━━━━━━━━━━ 1s 250ms/step - accuracy: 0.4900 - loss: 0.6706

Anywhere else (a pipe, a CI log, a notebook captured to a file) it prints one
plain line per bar, at the end, in Keras's ``verbose=2`` layout::

    4/4 - 1s - 250ms/step - accuracy: 0.4900 - loss: 0.6706

Keras writes the ``\\b``/``\\r`` redraws and ANSI colours even into files on
Linux and macOS; glassnet deliberately keeps such output readable instead.
"""
import math
import sys
import time

import numpy as np

# Looked up at every call so tests can swap in a fake clock.
_clock = time.perf_counter

_BOLD, _GREEN, _WHITE, _RESET = "\x1b[1m", "\x1b[32m", "\x1b[37m", "\x1b[0m"
_BAR_CHAR = "\u2501"  # ━


class Progbar:
    """Displays a progress bar.

    Args:
        target: total number of steps expected, or None if unknown.
        width: length of the bar, in characters.
        verbose: 0 silent, 1 the bar (one plain line when not in a terminal),
            2 one line at the end.
        interval: minimum seconds between two redraws of the bar.
        stateful_metrics: names whose values are shown as given. Other values
            are averaged over the steps seen, weighted by steps (Keras's rule).
        unit_name: what a step is called in ``ms/step``.
        stream: where to write; None means ``sys.stdout`` at the time of writing.

    Numbers are shown as ``%.4f`` when ``|value| > 1e-3``, else ``%.4e``
    (verbose=2 compares the signed value, as Keras does, so a negative value
    is written ``-5.0000e-01``).

    Example:
        >>> import io
        >>> out = io.StringIO()  # not a terminal: one plain line at the end
        >>> bar = Progbar(3, stateful_metrics=["loss"], stream=out)
        >>> for step in range(1, 4):
        ...     bar.update(step, [("loss", 1.0 / step)])
        >>> line = out.getvalue()
        >>> line.startswith("3/3 - 0s - "), line.rstrip().endswith("loss: 0.3333")
        (True, True)
    """

    def __init__(self, target, width=20, verbose=1, interval=0.05,
                 stateful_metrics=None, unit_name="step", stream=None):
        _check_args(target, width, verbose, interval, unit_name, stream)
        self.target = target
        self.width = width
        self.verbose = verbose
        self.interval = interval
        self.unit_name = unit_name
        self.stream = stream
        self.stateful_metrics = set(stateful_metrics or ())
        self._values = {}  # name -> [weighted sum, weight]; insertion order is display order
        self._seen_so_far = 0
        self._start = _clock()
        self._last_update = None
        self._time_after_first_step = None
        self._prev_total_width = 0

    def update(self, current, values=None, finalize=None):
        """Record step `current` and redraw if it is time to.

        Args:
            current: index of the current step, counted from 1.
            values: list of ``(name, value)`` pairs for this step.
            finalize: whether this is the last update; defaults to
                ``current >= target``.
        """
        if finalize is None:
            finalize = self.target is not None and current >= self.target
        self._record(current, values or (), finalize)
        now = _clock()
        time_per_unit = self._estimate_step_duration(current, now)
        if self.verbose == 1:
            if not finalize and self._too_soon(now):
                return
            self._show_bar(current, now, time_per_unit, finalize)
        elif self.verbose == 2 and finalize and self.target:
            self._write(self._plain_line(current, now, time_per_unit, signed=True))
        self._last_update = now

    def add(self, n, values=None):
        """Advance by `n` steps."""
        self.update(self._seen_so_far + n, values)

    def _record(self, current, values, finalize):
        for name, value in values:
            if name in self.stateful_metrics or finalize:
                self._values[name] = [value, 1]
                continue
            # Weight by the steps since the last update, so skipped updates count.
            steps = max(current - self._seen_so_far, 1)
            total = self._values.setdefault(name, [0.0, 0])
            total[0] += value * steps
            total[1] += steps
        self._seen_so_far = current

    def _estimate_step_duration(self, current, now):
        """Seconds per step: the mean over the steps after the first, which is
        usually slow (first-call overheads); on step 1, that step's time."""
        if not current:
            return 0
        if self._time_after_first_step is not None and current > 1:
            time_per_unit = (now - self._time_after_first_step) / (current - 1)
        else:
            time_per_unit = (now - self._start) / current
        if current == 1:
            self._time_after_first_step = now
        return time_per_unit

    def _too_soon(self, now):
        """Redraws closer than `interval` apart are skipped (the first never is)."""
        return self._last_update is not None and now - self._last_update < self.interval

    def _show_bar(self, current, now, time_per_unit, finalize):
        if self._is_terminal():
            self._write(self._terminal_line(current, now, time_per_unit, finalize))
        elif finalize:
            self._write(self._plain_line(current, now, time_per_unit, signed=False))

    def _terminal_line(self, current, now, time_per_unit, finalize):
        """Keras's redraw: erase the previous line, then bar, time and values."""
        bar, hidden = self._bar_text(current)
        if self.target and not finalize:
            clock = _format_eta(time_per_unit * (self.target - current))
        else:
            clock = f"{now - self._start:.0f}s"
        info = f" {_BOLD}{clock}{_RESET}" + _format_time(time_per_unit, self.unit_name)
        info += self._values_text(signed=False)
        hidden += len(_BOLD) + len(_RESET)
        total_width = len(bar) + len(info) - hidden
        message = "\b" * self._prev_total_width + "\r" + bar + info
        # Blank out the tail of a longer previous line.
        message += " " * max(self._prev_total_width - total_width, 0)
        self._prev_total_width = total_width
        return message + ("\n" if finalize else "")

    def _bar_text(self, current):
        """The ``3/4 ━━━━`` part and how many of its characters are escape codes."""
        if not self.target:
            return "%7d/Unknown" % current, 0
        bar = f"{_BOLD}{self._count_text(current)}{_RESET} "
        hidden = len(_BOLD + _RESET)
        filled = int(self.width * current / self.target)
        if filled > 0:
            bar += f"{_GREEN}{_BAR_CHAR * filled}{_RESET}"
            hidden += len(_GREEN + _RESET)
        bar += f"{_WHITE}{_BAR_CHAR * (self.width - filled)}{_RESET}"
        hidden += len(_WHITE + _RESET)
        return bar, hidden

    def _plain_line(self, current, now, time_per_unit, signed):
        """Keras's verbose=2 line: ``32/32 - 0s - 2ms/step - loss: 0.1234``."""
        line = f"{self._count_text(current)} - {now - self._start:.0f}s"
        line += " -" + _format_time(time_per_unit, self.unit_name)
        return line + self._values_text(signed) + "\n"

    def _count_text(self, current):
        if not self.target:
            return f"{current}/Unknown"
        digits = int(math.log10(self.target)) + 1
        return f"%{digits}d/%d" % (current, self.target)

    def _values_text(self, signed):
        text = ""
        for name, (total, count) in self._values.items():
            text += f" - {name}: {format_value(_mean(total) / max(1, count), signed)}"
        return text

    def _is_terminal(self):
        isatty = getattr(self._stream(), "isatty", None)
        return bool(isatty and isatty())

    def _stream(self):
        return self.stream if self.stream is not None else sys.stdout

    def _write(self, message):
        stream = self._stream()
        stream.write(message)
        stream.flush()


def format_value(value, signed=False):
    """``%.4f`` for values above 1e-3 in size, ``%.4e`` below.

    With ``signed=True`` the test is ``value > 1e-3`` (Keras's verbose=2 line),
    so negative numbers get the e-format.

    Example:
        >>> format_value(0.5), format_value(1e-5), format_value(-0.5, signed=True)
        ('0.5000', '1.0000e-05', '-5.0000e-01')
    """
    size = value if signed else abs(value)
    return f"{value:.4f}" if size > 1e-3 else f"{value:.4e}"


def _mean(total):
    # A value may be a list or array (Keras averages it for display).
    return total if isinstance(total, float) else np.mean(total)


def _format_time(seconds, unit_name):
    """`` 250ms/step``: seconds, milliseconds or microseconds, no decimals."""
    if seconds >= 1 or seconds == 0:
        return f" {seconds:.0f}s/{unit_name}"
    if seconds >= 1e-3:
        return f" {seconds * 1e3:.0f}ms/{unit_name}"
    return f" {seconds * 1e6:.0f}us/{unit_name}"


def _format_eta(seconds):
    """``45s``, ``2:05`` or ``1:02:05``."""
    if seconds > 3600:
        return "%d:%02d:%02d" % (seconds // 3600, (seconds % 3600) // 60, seconds % 60)
    if seconds > 60:
        return "%d:%02d" % (seconds // 60, seconds % 60)
    return "%ds" % seconds


def _check_args(target, width, verbose, interval, unit_name, stream):
    if target is not None and (isinstance(target, bool) or not isinstance(target, (int, np.integer))
                               or target < 0):
        raise ValueError(f"Progbar expects `target` to be None or an integer >= 0. Received: target={target!r}")
    if isinstance(width, bool) or not isinstance(width, (int, np.integer)) or width < 1:
        raise ValueError(f"Progbar expects `width` to be an integer >= 1. Received: width={width!r}")
    if verbose not in (0, 1, 2) or isinstance(verbose, bool):
        raise ValueError(f"Progbar expects `verbose` to be 0, 1 or 2. Received: verbose={verbose!r}")
    if isinstance(interval, bool) or not isinstance(interval, (int, float)) or interval < 0:
        raise ValueError(f"Progbar expects `interval` to be a number >= 0. Received: interval={interval!r}")
    if not isinstance(unit_name, str):
        raise TypeError(f"Progbar expects `unit_name` to be a string. Received: unit_name={unit_name!r}")
    if stream is not None and not callable(getattr(stream, "write", None)):
        raise TypeError(f"Progbar expects `stream` to have a write() method. Received: stream={stream!r}")
