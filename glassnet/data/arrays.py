"""The NumPy work of the pipeline on structures of arrays: rows, batches, index orders."""
import numpy as np

from glassnet.data.structure import flatten, map_structure


def rows(columns, index):
    """Rows `index` (a range, taken as a slice, or an index array) of every array of `columns`."""
    if isinstance(index, range) and index.step == 1:
        index = slice(index.start, index.stop)
    return map_structure(lambda column: column[index], columns)


def row(columns, i):
    """Row `i` of every array, a 0-d array where the arrays are 1-D."""
    return map_structure(lambda column: column[i, ...], columns)


def length(columns):
    """The common length of the arrays (their first axis)."""
    return len(flatten(columns)[0])


def stack(elements):
    """Elements of one structure stacked along a new first axis (one batch)."""
    try:
        return map_structure(lambda *leaves: np.stack(leaves), *elements)
    except ValueError as error:
        shapes = sorted({str(np.shape(leaf)) for element in elements for leaf in flatten(element)})
        raise ValueError(f"Cannot batch elements of different shapes ({', '.join(shapes)}): every element of a "
                         "batch must have the same shape. Use padded_batch to pad them to one shape.") from error


def padded_stack(elements, padding_values=None):
    """Elements stacked after padding each leaf with zeros (or `padding_values`) to the largest shape."""
    def pad(*leaves):
        shape = np.max([np.shape(leaf) for leaf in leaves], axis=0) if leaves[0].ndim else ()
        value = 0 if padding_values is None else padding_values
        out = np.full((len(leaves), *shape), value, dtype=leaves[0].dtype)
        for i, leaf in enumerate(leaves):
            out[(i, *(slice(0, n) for n in leaf.shape))] = leaf
        return out
    return map_structure(pad, *elements)


def split(element):
    """A batched element split back into its rows (unbatch)."""
    count = len(flatten(element)[0])
    return [row(element, i) for i in range(count)]


def concatenate(chunks):
    """Index chunks (ranges or arrays) as one index array."""
    parts = [np.arange(c.start, c.stop, c.step) if isinstance(c, range) else c for c in chunks]
    return np.concatenate(parts) if parts else np.empty(0, dtype=np.int64)

