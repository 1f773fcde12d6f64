"""The embedding lookup: rows of a table picked by integer indices, and its scatter-add gradient.

``take(table, indices, axis=0)`` computes the same value; this op exists for its gradient. A
batch of 32 sequences of 200 words touches at most 6,400 of a 20,000-row table, and a word that
appears twice must get both of its gradients: the rows are sorted by index so that repeats sit
side by side, summed per index with one ``reduceat``, and written into the table-sized gradient
once. That is faster than ``np.add.at`` (which adds one row at a time) and gives the same sums.
"""
import numpy as np

from glassnet.autodiff.ops.shape import scatter_add
from glassnet.autodiff.primitive import differentiable_backward, primitive


@primitive
def embedding_lookup(table, indices):
    """``table[indices]`` for integer `indices` of any shape: shape ``indices.shape + table.shape[1:]``.

    The indices must already be checked to lie in ``[0, len(table))`` (the Embedding layer does so,
    naming itself); they carry no gradient.
    """
    indices = np.asarray(indices)

    def backward(g):
        return summed_rows(g, indices, np.shape(table)), None

    return np.take(table, indices, axis=0), backward


@differentiable_backward(embedding_lookup)
def _embedding_lookup_backward(g, table, indices, *, out):
    return scatter_add(g, key=np.asarray(indices), shape=np.shape(table)), None


def summed_rows(g, indices, shape):
    """Zeros of `shape` with each row ``g[..., :]`` added at row ``indices[...]``: repeated indices sum."""
    grad = np.zeros(shape, dtype=g.dtype)
    flat = indices.reshape(-1)
    if flat.size == 0:
        return grad
    rows = g.reshape(flat.size, -1)
    order = np.argsort(flat, kind="stable")
    sorted_indices = flat[order]
    starts = np.flatnonzero(np.r_[True, sorted_indices[1:] != sorted_indices[:-1]])
    # reduceat along the last axis of a contiguous array is several times faster than along the first
    sums = np.add.reduceat(rows[order].T, starts, axis=1).T
    grad.reshape(shape[0], -1)[sorted_indices[starts]] = sums
    return grad

