"""`EventFile`: one ``events.out.tfevents.*`` file, written whole records at a time.

The name is TensorFlow 2's: ``events.out.tfevents.<seconds>.<host>.<pid>.<n>.v2``, `n` counting
the files this process has opened. The first record is the file-version event. Records wait in
memory until `flush`, which appends them with one write to a file opened and closed for it: the
file on disk only ever holds complete records, and no handle stays open between flushes (a crash
in training loses at most the events since the last flush, never the file's consistency).
"""
import itertools
import os
import time

from glassnet.summary.messages import file_version_event
from glassnet.summary.records import frame

_FILE_NUMBERS = itertools.count()


class EventFile:
    """An event file in `logdir` (created with its parents if needed).

    Args:
        logdir: the folder of the file.
        max_queue: flush when this many records wait.
        flush_secs: flush at the next record once this many seconds have passed since the last.
        filename_suffix: the end of the file name.
    """

    def __init__(self, logdir, max_queue=10, flush_secs=120.0, filename_suffix=".v2"):
        os.makedirs(logdir, exist_ok=True)
        now = time.time()
        import socket  # here, not at the top: 2.5 ms of `import glassnet` otherwise

        name = (f"events.out.tfevents.{int(now):010d}.{socket.gethostname()}.{os.getpid()}."
                f"{next(_FILE_NUMBERS)}{filename_suffix}")
        self.path = os.path.join(logdir, name)
        self.max_queue = max_queue
        self.flush_secs = flush_secs
        self.closed = False
        self._pending = [frame(file_version_event(float(int(now))))]  # TF stamps it in whole seconds
        self._last_flush = now
        self.flush()

    def add(self, event):
        """Queue one encoded Event; flushes when the queue is full or the last flush is old."""
        if self.closed:
            raise RuntimeError(f"The event file {self.path} is closed: create a new writer to write more.")
        self._pending.append(frame(event))
        if len(self._pending) >= self.max_queue or time.time() - self._last_flush >= self.flush_secs:
            self.flush()

    def flush(self):
        """Append the queued records to the file, in one write."""
        self._last_flush = time.time()
        if not self._pending:
            return
        data = b"".join(self._pending)
        with open(self.path, "ab") as file:
            file.write(data)
        self._pending = []

    def close(self):
        """Flush; later `add` calls raise. Closing twice is harmless."""
        if not self.closed:
            self.flush()
            self.closed = True
