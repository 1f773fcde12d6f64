"""Files written whole or not at all: a save that fails, or a process killed mid-save, leaves
the earlier file as it was."""
import os
import tempfile


def write_file(filepath, write):
    """Call ``write(stream)`` on a temporary file beside `filepath`, then rename it into place."""
    folder = os.path.dirname(os.path.abspath(filepath))
    if not os.path.isdir(folder):
        raise FileNotFoundError(f"Cannot save to {filepath}: the folder {folder} does not exist.")
    descriptor, temporary = tempfile.mkstemp(dir=folder, prefix=f".{os.path.basename(filepath)}.", suffix=".tmp")
    try:
        with os.fdopen(descriptor, "wb") as stream:
            write(stream)
            stream.flush()
            os.fsync(stream.fileno())
        os.replace(temporary, filepath)
    except BaseException:
        if os.path.exists(temporary):
            os.remove(temporary)
        raise
