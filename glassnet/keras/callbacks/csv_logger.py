"""`CSVLogger`: one CSV row per epoch."""
import collections.abc
import csv
import io
import os

import numpy as np

from glassnet.keras import validation as check
from glassnet.keras.callbacks.callback import Callback


class CSVLogger(Callback):
    """Writes each epoch's logs to a CSV file, Keras's way.

    Args:
        filename: path of the CSV file.
        separator: the one-character column separator.
        append: True keeps an existing file and adds rows (the header only if
            the file is empty); False starts the file afresh at train begin.

    Keras's format, quirks included: the columns are ``epoch`` (0-based) and
    the first epoch's log keys, **sorted**; with no ``val_`` key among them,
    a ``val_<key>`` column is added for every key and filled with ``NA``.
    Floats are written in full (``0.4000000059604645``) and lines end in
    ``\\r\\n`` (the csv module's default dialect).

    Each row is written with one write to a file opened and closed for it, so
    the file never holds half a row and no handle is left open if training fails.

    Example:
        >>> import os, tempfile
        >>> path = os.path.join(tempfile.mkdtemp(), "log.csv")
        >>> logger = CSVLogger(path)
        >>> logger.on_train_begin(); logger.on_epoch_end(0, {"loss": 0.5, "mae": 0.25})
        >>> open(path, newline="").read()
        'epoch,loss,mae,val_loss,val_mae\\r\\n0,0.5,0.25,NA,NA\\r\\n'
    """

    def __init__(self, filename, separator=",", append=False):
        super().__init__()
        if not isinstance(filename, (str, os.PathLike)):
            raise TypeError(f"CSVLogger expects `filename` to be a path. Received: filename={filename!r}")
        if not isinstance(separator, str) or len(separator) != 1:
            raise ValueError("CSVLogger expects `separator` to be a one-character string. "
                             f"Received: separator={separator!r}")
        self.filename = os.fspath(filename)
        self.sep = separator
        self.append = check.boolean("append", append, owner="CSVLogger")
        self.keys = None
        self.append_header = True

    def on_train_begin(self, logs=None):
        self.keys = None
        if self.append:
            self.append_header = not _has_content(self.filename)
        else:
            self.append_header = True
            open(self.filename, "w").close()  # start afresh, as Keras does at train begin

    def on_epoch_end(self, epoch, logs=None):
        logs = logs or {}
        if self.keys is None:
            self.keys = _columns(logs)
        text = io.StringIO()
        writer = csv.DictWriter(text, fieldnames=["epoch"] + self.keys, delimiter=self.sep)
        if self.append_header:
            writer.writeheader()
            self.append_header = False
        row = {key: _cell(logs.get(key, "NA")) for key in self.keys}
        writer.writerow({"epoch": epoch, **row})
        with open(self.filename, "a", newline="") as file:
            file.write(text.getvalue())


def _columns(logs):
    """Sorted keys, plus ``val_`` twins when the logs have no validation keys."""
    keys = sorted(logs)
    if keys and not any(key.startswith("val_") for key in keys):
        keys += ["val_" + key for key in keys]
    return keys


def _cell(value):
    if isinstance(value, str):
        return value
    if (isinstance(value, np.ndarray) and value.ndim == 0) or isinstance(value, np.floating):
        return float(value)  # full Python repr, as for Keras's Python-float logs
    if isinstance(value, collections.abc.Iterable):
        return f'"[{", ".join(map(str, value))}]"'
    return value


def _has_content(filename):
    if not os.path.exists(filename):
        return False
    with open(filename) as file:
        return bool(file.readline())
