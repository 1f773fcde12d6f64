"""Reading a weights file defensively: its structure first, data only where it was asked for.

A weights file may come from anywhere, damaged or crafted. So:

- only groups and datasets stored in the file are followed: soft and external links, and
  external or virtual datasets (which point at other files), are refused;
- the index records each ``vars`` group's datasets without reading them; a dataset's data is
  read only after its shape and dtype matched the variable it will fill, so a dataset that
  declares a huge shape is refused before anything is allocated;
- whatever h5py raises on a damaged file (OSError, KeyError, RuntimeError, ... from deep in
  HDF5) comes out of :func:`damaged_file_errors` as one OSError that names the file.
"""
import contextlib
import os

import numpy as np

# Deeper than any model's attribute paths; a bound so that hard links forming a cycle end.
MAX_DEPTH = 64


class WeightsFileError(ValueError):
    """A file that was read but cannot be loaded; raised as is by :func:`damaged_file_errors`."""


class StoredGroup:
    """One ``vars`` group: the saved object's ``name`` attribute and its datasets by key."""

    def __init__(self, name, datasets):
        self.name = name
        self.datasets = datasets


def describe(source):
    """How error messages name `source`: the path, or the file object's name."""
    if is_path(source):
        return repr(os.fspath(source))
    return repr(getattr(source, "name", None) or f"<{type(source).__name__} object>")


def is_path(target):
    return isinstance(target, (str, bytes, os.PathLike))


@contextlib.contextmanager
def opened(h5py, source, where):
    """The HDF5 file at `source` (a path or a binary file object), open for reading."""
    if is_path(source) and not os.path.isfile(source):
        raise FileNotFoundError(f"No weights file at {where}.")
    try:
        file = h5py.File(os.fspath(source) if is_path(source) else source, "r")
    except Exception as error:
        raise OSError(f"Cannot read {where}: it is not an HDF5 file, or it is damaged or truncated. "
                      f"(h5py: {type(error).__name__}: {error})") from error
    try:
        yield file
    finally:
        with contextlib.suppress(Exception):
            file.close()


@contextlib.contextmanager
def damaged_file_errors(where):
    """Any failure inside, other than a :class:`WeightsFileError`, as an OSError naming the file."""
    try:
        yield
    except WeightsFileError:
        raise
    except Exception as error:
        raise OSError(f"Cannot read {where}: the file is damaged. "
                      f"(h5py: {type(error).__name__}: {error})") from error


def vars_groups(h5py, file, where):
    """``{object path: StoredGroup}`` for every ``vars`` group (the model's own at ``""``) of the
    file `where` names."""
    found = {}
    pending = [("", file, 0)]
    while pending:
        path, group, depth = pending.pop()
        if depth > MAX_DEPTH:
            raise refusal(where, f"the groups at /{path} nest deeper than {MAX_DEPTH} levels; no Keras file does.")
        for key in group:
            child = _member(h5py, group, key, path, where)
            if not isinstance(child, h5py.Group):
                continue  # a dataset outside a vars group belongs to nothing: Keras ignores it too
            if key == "vars":
                found[path] = StoredGroup(_name_attribute(child), _datasets(h5py, child, _join(path, key), where))
            else:
                pending.append((_join(path, key), child, depth + 1))
    return found


def read_array(dataset, path, where):
    """The values of `dataset` (at `path` in the file `where` names) as an array; its shape and
    dtype were checked already."""
    if dataset.external:
        raise refusal(where, f"dataset /{path} keeps its data in another file ({dataset.external}); not allowed.")
    if dataset.is_virtual:
        raise refusal(where, f"dataset /{path} is a virtual dataset (data from other files); not allowed.")
    return np.asarray(dataset[()])


def refusal(where, problem):
    """The error for a file that cannot be loaded, with the `problem` found in it."""
    return WeightsFileError(f"Cannot load the weights in {where}: {problem}")


def _member(h5py, group, key, path, where):
    link = group.get(key, getlink=True)
    if isinstance(link, (h5py.SoftLink, h5py.ExternalLink)):
        raise refusal(where, f"/{_join(path, key)} is a {type(link).__name__}; a weights file holds its data itself.")
    return group[key]


def _datasets(h5py, group, path, where):
    datasets = {}
    for key in group:
        member = _member(h5py, group, key, path, where)
        if not isinstance(member, h5py.Dataset):
            raise refusal(where, f"/{_join(path, key)} is a group; a vars group holds only datasets.")
        datasets[key] = member
    return datasets


def _name_attribute(group):
    name = group.attrs.get("name")
    if isinstance(name, bytes):
        name = name.decode("utf-8", "replace")
    return name if isinstance(name, str) else None


def _join(path, key):
    return f"{path}/{key}" if path else key
