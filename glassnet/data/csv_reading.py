"""CSV files as datasets: ``tf.data.experimental.CsvDataset`` and ``make_csv_dataset``.

Read with Python's csv and gzip modules, a row at a time (a file need not fit in memory).
"""
import collections
import csv
import glob
import gzip
import io
import itertools

import numpy as np

from glassnet.data import arrays, cardinality as counts
from glassnet.data.dataset import Dataset
from glassnet.data.structure import to_array
from glassnet.keras import validation as check
from glassnet.tensor_spec import TensorSpec


class CsvDataset(Dataset):
    """One tuple of scalars per line of CSV files, typed by `record_defaults`.

    Args:
        filenames: a path or a list of paths, read in order.
        record_defaults: one entry per column read: a value (``0.0``: float32 with that default for
            empty fields, ``0``: int32, ``""``: bytes) or a dtype (a required field).
        compression_type: None, ``""`` or ``"GZIP"``.
        header: skip each file's first line.
        field_delim, use_quote_delim, na_value: as TensorFlow: the separator, whether quotes group
            a field, and the text that counts as empty.
        select_cols: the indices of the columns to read (in increasing order); `exclude_cols` the
            ones to leave out.
    """

    def __init__(self, filenames, record_defaults, compression_type=None, buffer_size=None, header=False,
                 field_delim=",", use_quote_delim=True, na_value="", select_cols=None, exclude_cols=None, name=None):
        self.filenames = [filenames] if isinstance(filenames, (str, bytes)) or hasattr(filenames, "__fspath__") \
            else list(filenames)
        self.columns = [_column(default) for default in record_defaults]
        if compression_type not in (None, "", "GZIP", "ZLIB"):
            check.fail("compression_type", compression_type, "None, '' or 'GZIP'", "CsvDataset")
        self.compression = compression_type
        self.header = check.boolean("header", header, "CsvDataset")
        self.delimiter, self.quoting, self.na_value = field_delim, use_quote_delim, na_value
        self.select = _selection(select_cols, exclude_cols)

    def _records(self):
        """(filename, line number, fields) of every row, with the number of fields checked."""
        for filename in self.filenames:
            for line_number, fields in _rows(filename, self.compression, self.delimiter, self.quoting, self.header):
                if self.select is not None:
                    fields = self.select(fields)
                if len(fields) != len(self.columns):
                    raise ValueError(f"{filename}, line {line_number}: expected {len(self.columns)} fields (one per "
                                     f"record default), found {len(fields)}: {fields}")
                yield filename, line_number, fields

    def _elements(self):
        for record in self._records():
            yield self._parsed(record)

    def _parsed(self, record):
        filename, line_number, fields = record
        return tuple(parse(field, line_number, filename, self.na_value) for parse, field in zip(self.columns, fields))

    def _batches(self, size):
        """Rows `size` at a time, each column converted by NumPy in one call (``batch``'s fast path)."""
        records = self._records()
        while chunk := list(itertools.islice(records, size)):
            try:
                yield tuple(column.many([fields[i] for _, _, fields in chunk], self.na_value)
                            for i, column in enumerate(self.columns))
            except ValueError:  # parse row by row to say which line is wrong
                yield arrays.stack([self._parsed(record) for record in chunk])

    def _cardinality(self):
        return counts.UNKNOWN_CARDINALITY

    def _spec(self):
        return tuple(TensorSpec((), column.dtype) for column in self.columns)


class _Field:
    """How one column's text becomes a 0-d array (its dtype, and its default for empty fields)."""

    def __init__(self, dtype, default):
        self.dtype, self.default = dtype, default

    def __call__(self, text, line_number, filename, na_value):
        if text == "" or text == na_value:
            if self.default is None:
                raise ValueError(f"{filename}, line {line_number}: a field is required but missing in the record "
                                 "(its record default is a dtype, which makes it required).")
            return self.default
        if self.dtype.kind == "S":
            return np.array(text.encode("utf-8"))
        try:
            return np.array(float(text) if self.dtype.kind == "f" else int(text), dtype=self.dtype)
        except ValueError as error:
            raise ValueError(f"{filename}, line {line_number}: field {text!r} is not a valid {self.dtype.name}."
                             ) from error


    def many(self, texts, na_value):
        """A column of texts as one array; a ValueError if one cannot be read or is missing without a default."""
        values = np.array(texts, dtype=str)
        missing = (values == "") | (values == na_value)
        if missing.any():
            if self.default is None:
                raise ValueError("a required field is missing")
            default = self.default.item()
            values[missing] = default.decode("utf-8") if isinstance(default, bytes) else str(default)
        if self.dtype.kind == "S":
            return np.char.encode(values, "utf-8")
        return values.astype(self.dtype)


def _column(default):
    if isinstance(default, (type, np.dtype)) and not isinstance(default, str):
        dtype = np.dtype(default)
        return _Field(np.dtype("S") if dtype.kind in "OUS" else dtype, None)
    value = to_array(default)
    if value.ndim == 1 and value.size <= 1:  # TensorFlow takes [0.0] and [] as well as 0.0
        value = value.reshape(())
    return _Field(value.dtype if value.dtype.kind != "S" else np.dtype("S"), value)


def _selection(select_cols, exclude_cols):
    if select_cols is not None and exclude_cols is not None:
        raise ValueError("CsvDataset takes `select_cols` or `exclude_cols`, not both.")
    if select_cols is not None:
        return lambda fields: [fields[i] for i in select_cols]
    if exclude_cols is not None:
        left_out = set(exclude_cols)
        return lambda fields: [field for i, field in enumerate(fields) if i not in left_out]
    return None


def _open(filename, compression):
    if compression == "GZIP":
        return io.TextIOWrapper(gzip.open(filename, "rb"), encoding="utf-8", newline="")
    if compression == "ZLIB":
        raise NotImplementedError("compression_type='ZLIB' is not supported; use 'GZIP' or none.")
    return open(filename, newline="", encoding="utf-8")


def _rows(filename, compression, delimiter, quoting, header):
    """(line number, fields) of each non-empty line."""
    with _open(filename, compression) as file:
        reader = csv.reader(file, delimiter=delimiter, quoting=csv.QUOTE_MINIMAL if quoting else csv.QUOTE_NONE)
        for number, fields in enumerate(reader, start=1):
            if (header and number == 1) or not fields:
                continue
            yield number, fields


def make_csv_dataset(file_pattern, batch_size, column_names=None, column_defaults=None, label_name=None,
                     select_columns=None, field_delim=",", use_quote_delim=True, na_value="", header=True,
                     num_epochs=None, shuffle=True, shuffle_buffer_size=10000, shuffle_seed=None,
                     prefetch_buffer_size=None, num_parallel_reads=None, sloppy=False, num_rows_for_inference=100,
                     compression_type=None, ignore_errors=False, encoding="utf-8"):
    """Batches of CSV rows as ``(features, label)``: an OrderedDict of columns and the label column
    (or the OrderedDict alone without `label_name`), as TensorFlow makes them.

    Column names come from `column_names` or the first line; column types are inferred from the
    first `num_rows_for_inference` rows (int32, float32, else bytes) unless `column_defaults`
    gives them. Rows are shuffled (a buffer of `shuffle_buffer_size`), repeated `num_epochs`
    times (forever when None) and batched.
    """
    filenames = _matching_files(file_pattern)
    batch_size = check.integer("batch_size", batch_size, minimum=1, owner="make_csv_dataset")
    names = list(column_names) if column_names is not None else _header(filenames[0], field_delim, compression_type)
    if label_name is not None and label_name not in names:
        raise ValueError(f"`label_name` {label_name!r} is not a column: the columns are {names}.")
    selected = names if select_columns is None else [names[c] if isinstance(c, int) else c for c in select_columns]
    indices = [names.index(name) for name in selected]
    defaults = column_defaults if column_defaults is not None else _inferred_defaults(
        filenames, indices, field_delim, header, na_value, num_rows_for_inference, compression_type)
    rows = CsvDataset(filenames, defaults, compression_type, header=header, field_delim=field_delim,
                      use_quote_delim=use_quote_delim, na_value=na_value, select_cols=indices)
    if shuffle:
        rows = rows.shuffle(shuffle_buffer_size, seed=shuffle_seed)
    if num_epochs != 1:
        rows = rows.repeat(num_epochs)
    return rows.batch(batch_size).map(_Features(selected, label_name))


class _Features:
    """A batch of columns as TensorFlow's make_csv_dataset gives it: (OrderedDict of features, label)."""

    def __init__(self, names, label_name):
        self.names, self.label_name = names, label_name

    def __call__(self, *columns):
        features = collections.OrderedDict(zip(self.names, columns))
        if self.label_name is None:
            return features
        label = features.pop(self.label_name)
        return features, label


def _matching_files(file_pattern):
    patterns = [file_pattern] if isinstance(file_pattern, (str, bytes)) or hasattr(file_pattern, "__fspath__") \
        else list(file_pattern)
    files = [name for pattern in patterns for name in sorted(glob.glob(str(pattern)))]
    if not files:
        raise ValueError(f"No files match `file_pattern` {file_pattern!r}.")
    return files


def _header(filename, delimiter, compression):
    with _open(filename, compression) as file:
        return next(csv.reader(file, delimiter=delimiter))


def _inferred_defaults(filenames, indices, delimiter, header, na_value, limit, compression):
    """TensorFlow's inference: int32 if every value seen is an integer, else float32, else bytes."""
    kinds = ["i"] * len(indices)
    seen = 0
    for _, fields in _rows(filenames[0], compression, delimiter, True, header):
        for position, index in enumerate(indices):
            kinds[position] = _widest(kinds[position], fields[index], na_value)
        seen += 1
        if seen >= limit:
            break
    return [{"i": np.int32(0), "f": np.float32(0.0), "S": ""}[kind] for kind in kinds]


def _widest(kind, text, na_value):
    """The column's kind after seeing `text`: integers widen to floats, anything else to bytes."""
    if text in ("", na_value) or kind == "S":
        return kind
    if kind == "i" and _parses(int, text):
        return "i"
    return "f" if _parses(float, text) else "S"


def _parses(parse, text):
    try:
        parse(text)
        return True
    except ValueError:
        return False
