"""Atomic file writes: a save interrupted at any point leaves the previous file as it was.

The new content goes to a temporary file in the target's folder (same file system, so the
final rename is atomic), is flushed to disk, and only then takes the target's name with
``os.replace``. A failure or a kill before the rename leaves the old file untouched; a
failure removes the temporary file.
"""
import contextlib
import os
import secrets


@contextlib.contextmanager
def replacing(path):
    """A binary file to write; on leaving the block without an error it replaces `path`.

    >>> import tempfile
    >>> target = os.path.join(tempfile.mkdtemp(), "w.bin")
    >>> with replacing(target) as file:
    ...     _ = file.write(b"new")
    >>> open(target, "rb").read()
    b'new'
    """
    path = os.fspath(path)
    folder = os.path.dirname(os.path.abspath(path))
    if not os.path.isdir(folder):
        raise FileNotFoundError(f"Cannot save to {path!r}: the folder {folder!r} does not exist. Create it first.")
    if os.path.isdir(path):
        raise IsADirectoryError(f"Cannot save to {path!r}: it is a folder. Give a file name, e.g. "
                                f"{os.path.join(path, 'model.weights.h5')!r}.")
    temporary = os.path.join(folder, f".{os.path.basename(path)}.{secrets.token_hex(6)}.tmp")
    # os.open with mode 0o666 lets the umask decide the permissions, as a plain open() would.
    descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0), 0o666)
    try:
        with os.fdopen(descriptor, "wb") as file:
            yield file
            file.flush()
            os.fsync(file.fileno())
        with contextlib.suppress(OSError):  # a replaced file keeps its permissions
            os.chmod(temporary, os.stat(path).st_mode & 0o777)
        os.replace(temporary, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        raise
    _sync_folder(folder)


def write_bytes(path, data):
    """Write `data` to `path` atomically."""
    with replacing(path) as file:
        file.write(data)


def _sync_folder(folder):
    """Make the rename itself durable (POSIX; a no-op where folders cannot be opened)."""
    with contextlib.suppress(OSError):
        descriptor = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(descriptor)
        finally:
            os.close(descriptor)


def write_file(path, write):
    """Call ``write(file)`` to produce the new content of `path`, then put it in place atomically."""
    with replacing(path) as file:
        write(file)
