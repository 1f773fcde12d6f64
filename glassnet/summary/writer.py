"""`SummaryWriter` and the default-writer state that ``tf.summary.scalar`` and friends write to.

As in TensorFlow 2, a summary function writes to the writer made default by
``with writer.as_default():`` (or ``writer.set_as_default()``), at the `step` given or else the
default step (``as_default(step=...)`` or ``experimental.set_step``), and only while
``record_if`` allows. Without a default writer it does nothing and returns False. The state is
per thread, as TensorFlow's.
"""
import contextlib
import os
import threading
import time
import weakref

import numpy as np

from glassnet.summary.event_file import EventFile
from glassnet.summary.messages import summary_event, summary_value


class _State(threading.local):
    writer = None
    step = None
    recording = True


_state = _State()


class SummaryWriter:
    """Writes summaries to an event file in `logdir`; see `create_file_writer`."""

    def __init__(self, logdir, max_queue=10, flush_millis=120000, filename_suffix=".v2"):
        self._file = EventFile(logdir, max_queue=max_queue, flush_secs=flush_millis / 1000,
                               filename_suffix=filename_suffix)
        # What is still queued reaches the file when the writer is dropped or Python exits,
        # as TensorFlow's writers flush when they are deleted.
        weakref.finalize(self, self._file.flush)

    @property
    def path(self):
        """The event file's path (glassnet's addition: TensorFlow's writers do not say)."""
        return self._file.path

    def init(self):
        """Nothing to do: the file is created with the writer (kept for TensorFlow's API)."""

    def set_as_default(self, step=None):
        """Make this the default writer from now on (and `step` the default step, if given)."""
        self._check_open()
        _state.writer = self
        if step is not None:
            _state.step = step

    @contextlib.contextmanager
    def as_default(self, step=None):
        """Within the block, summaries go to this writer (at `step`, if given); flushes on exit."""
        self._check_open()
        previous = _state.writer, _state.step
        try:
            _state.writer = self
            if step is not None:
                _state.step = step
            yield self
            self.flush()
        finally:
            _state.writer, _state.step = previous

    def write(self, tag, tensor, metadata, step):
        """Add one summary value (encoded `tensor` and `metadata`) at `step` (None: the default)."""
        self._check_open()
        value = summary_value(tag, tensor, metadata)
        self._file.add(summary_event(_wall_time(), _resolve_step(step), [value]))

    def flush(self):
        """Write what is queued to disk."""
        if not self._file.closed:
            self._file.flush()

    def close(self):
        """Flush and close; the writer cannot be used afterwards."""
        self._file.close()

    def _check_open(self):
        if self._file.closed:
            raise RuntimeError("SummaryWriter is already closed")


class _NoopWriter(SummaryWriter):
    """A writer that writes nothing (``create_noop_writer``)."""

    def __init__(self):  # no file
        pass

    def write(self, tag, tensor, metadata, step):
        pass

    def flush(self):
        pass

    def close(self):
        pass

    def _check_open(self):
        pass


def create_file_writer(logdir, max_queue=None, flush_millis=None, filename_suffix=None, name=None,
                       experimental_trackable=False, experimental_mesh=None):
    """A `SummaryWriter` for an event file in `logdir` (created if needed), as TensorFlow's.

    Args:
        logdir: the folder to write to; TensorBoard is pointed at it or at a folder above.
        max_queue: how many summaries wait in memory before a write (default 10).
        flush_millis: the longest time, in milliseconds, between writes (default 120000).
        filename_suffix: the end of the file name (default ``.v2``).
        name, experimental_trackable, experimental_mesh: accepted and unused.

    Example:
        >>> import tempfile
        >>> writer = create_file_writer(tempfile.mkdtemp())
        >>> with writer.as_default(step=3):
        ...     from glassnet.summary import scalar
        ...     scalar("loss", 0.25)
        True
        >>> writer.close()
    """
    if not isinstance(logdir, (str, os.PathLike)):
        raise TypeError(f"create_file_writer expects `logdir` to be a path. Received: logdir={logdir!r}")
    return SummaryWriter(os.fspath(logdir), max_queue=10 if max_queue is None else max_queue,
                         flush_millis=120000 if flush_millis is None else flush_millis,
                         filename_suffix=".v2" if filename_suffix is None else filename_suffix)


def create_noop_writer():
    """A writer whose summaries go nowhere: under it, summary functions return False."""
    return _NoopWriter()


def flush(writer=None, name=None):
    """Flush `writer`, or the default writer if None."""
    writer = writer if writer is not None else _state.writer
    if writer is not None:
        writer.flush()


@contextlib.contextmanager
def record_if(condition):
    """Within the block, summaries are written only if `condition` (a bool or a function
    returning one, asked at each summary) holds."""
    previous = _state.recording
    try:
        _state.recording = condition
        yield
    finally:
        _state.recording = previous


def should_record_summaries():
    """Whether a summary written now would be recorded: a default writer, and record_if allows."""
    if _state.writer is None or isinstance(_state.writer, _NoopWriter):
        return False
    condition = _state.recording
    return bool(condition() if callable(condition) else condition)


def default_writer():
    """The current default writer, or None."""
    return _state.writer


def get_step():
    """The default step (``tf.summary.experimental.get_step``), or None."""
    return _state.step


def set_step(step):
    """Set the default step (``tf.summary.experimental.set_step``)."""
    _state.step = step


def _wall_time():
    return time.time()


def _resolve_step(step):
    step = _state.step if step is None else step
    if step is None:
        raise ValueError("No step set. Please specify one either through the `step` argument or through "
                         "tf.summary.experimental.set_step()")
    return int(np.asarray(step))  # a Python int, a NumPy integer, or a Variable such as optimizer.iterations
