"""Sorting and arg-extremes. Only ``sort`` carries a gradient (through the permutation it applies)."""
import numpy as np

from glassnet.autodiff.ops.indexing import take_along_axis
from glassnet.autodiff.tensor import Tensor


def _ascending_keys(a, descending):
    a = np.asarray(a)
    if not descending:
        return a
    # Negating keeps a stable sort stable: equal values stay in their original order, as TF's
    # top_k-based descending argsort leaves them. Unsigned and bool values negate as int64.
    return -(a if a.dtype.kind in "fi" else a.astype(np.int64))


def argsort_values(a, *, axis=-1, descending=False):
    """The stable argsort as a NumPy int32 array."""
    return np.argsort(_ascending_keys(a, descending), axis=axis, kind="stable").astype(np.int32)


def argsort(a, *, axis=-1, descending=False):
    """Indices that sort `a` along `axis`; ties keep their original order. Not differentiable."""
    return Tensor(argsort_values(getattr(a, "value", a), axis=axis, descending=descending))


def sort(a, *, axis=-1, descending=False):
    """`a` sorted along `axis`; the gradient goes back to each value's original place."""
    order = argsort_values(getattr(a, "value", a), axis=axis, descending=descending)
    return take_along_axis(a, order, axis=axis)


def argmax(a, *, axis=None, keepdims=False, dtype="int64"):
    """First index of the maximum along `axis` (None: of the flattened array). Not differentiable."""
    a = np.asarray(getattr(a, "value", a))
    return Tensor(np.asarray(np.argmax(a, axis=axis, keepdims=keepdims), dtype=dtype))


def argmin(a, *, axis=None, keepdims=False, dtype="int64"):
    """First index of the minimum along `axis` (None: of the flattened array). Not differentiable."""
    a = np.asarray(getattr(a, "value", a))
    return Tensor(np.asarray(np.argmin(a, axis=axis, keepdims=keepdims), dtype=dtype))
