"""Bringing y_true and y_pred to one dtype and one rank before a loss compares them.

Keras never broadcasts a (n,) target against a (n, 1) output into an (n, n)
matrix: when two ranks differ by one and the longer shape ends in 1, that axis
is squeezed away, or (when the shorter one is rank 1) the shorter one is
expanded. These helpers do the same for NumPy arrays and Tensors alike.
"""
import numpy as np

from glassnet import backend
from glassnet.autodiff import Tensor, convert_to_tensor, ops


def _reshape(x, shape):
    # Tensors go through the differentiable op; plain arrays stay plain arrays.
    return ops.reshape(x, shape=shape) if isinstance(x, Tensor) else np.reshape(x, shape)


def aligned_shapes(shape1, shape2, expand_rank_1=True):
    """The shapes `squeeze_or_expand_to_same_rank` would give, without touching data.

    >>> aligned_shapes((5,), (5, 1))
    ((5, 1), (5, 1))
    """
    shape1, shape2 = tuple(shape1), tuple(shape2)
    if len(shape1) == len(shape2) + 1 and shape1[-1] == 1:
        if len(shape2) == 1 and expand_rank_1:
            return shape1, shape2 + (1,)
        return shape1[:-1], shape2
    if len(shape2) == len(shape1) + 1 and shape2[-1] == 1:
        if len(shape1) == 1 and expand_rank_1:
            return shape1 + (1,), shape2
        return shape1, shape2[:-1]
    return shape1, shape2


def squeeze_or_expand_to_same_rank(x1, x2, expand_rank_1=True):
    """Squeeze or expand the last axis so `x1` and `x2` have the same rank (Keras's rule).

    Only a trailing axis of size 1 is ever removed, and a rank-1 partner is
    expanded instead of the other being squeezed, so (n,) with (n, 1) gives two
    (n, 1) arrays. Anything else is returned unchanged (and left to broadcasting).

    >>> a, b = squeeze_or_expand_to_same_rank(np.zeros(4), np.zeros((4, 1)))
    >>> a.shape, b.shape
    ((4, 1), (4, 1))
    """
    # Arrays and Tensors carry their shape; np.shape's Python wrapper would cost more than the rest.
    shape1 = tuple(x1.shape) if hasattr(x1, "shape") else np.shape(x1)
    shape2 = tuple(x2.shape) if hasattr(x2, "shape") else np.shape(x2)
    if len(shape1) == len(shape2):  # the common case: nothing to align
        return x1, x2
    aligned1, aligned2 = aligned_shapes(shape1, shape2, expand_rank_1)
    if aligned1 != shape1:
        x1 = _reshape(x1, aligned1)
    if aligned2 != shape2:
        x2 = _reshape(x2, aligned2)
    return x1, x2


def float_tensor(x, dtype=None):
    """`x` (y_pred, or y_true) as a floating Tensor, keeping it on the tape.

    With `dtype` None a float Tensor or array keeps its own precision (so float64
    models compute in float64) and anything else becomes floatx. A Tensor is cast
    with the differentiable cast, so a y_true the tape tracks (an actor-critic's
    value estimate) gets its gradient, as in Keras.
    """
    if dtype is None:
        dtype = _float_dtype(x)
    if isinstance(x, Tensor):
        return x if x.dtype == dtype else ops.cast(x, dtype=dtype)
    return Tensor(np.asarray(x, dtype=dtype))


def _float_dtype(x):
    if isinstance(x, (Tensor, np.ndarray)) and np.issubdtype(x.dtype, np.floating):
        return x.dtype
    converted = convert_to_tensor(x)  # Python floats become floatx, as in Keras
    return converted.dtype if np.issubdtype(converted.dtype, np.floating) else np.dtype(backend.floatx())


def prepare(y_true, y_pred, align=True):
    """The start of every loss function: float y_pred, y_true of its dtype, ranks aligned.
    Both stay differentiable."""
    y_pred = float_tensor(y_pred)
    y_true = float_tensor(y_true, y_pred.dtype)
    if align:
        y_true, y_pred = squeeze_or_expand_to_same_rank(y_true, y_pred)
    return y_true, y_pred
