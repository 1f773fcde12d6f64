"""Tensors made from a shape or a range, and facts about a tensor's shape: nothing to differentiate."""
import numpy as np

from glassnet.autodiff.tensor import Tensor


def full(shape, value, dtype):
    return Tensor(np.full(tuple(shape), value, dtype=dtype))


def full_like(a, value, dtype=None):
    a = np.asarray(getattr(a, "value", a))
    return Tensor(np.full(a.shape, value, dtype=a.dtype if dtype is None else dtype))


def arange(start, limit, delta, dtype):
    return Tensor(np.arange(start, limit, delta).astype(dtype))


def linspace(start, stop, num, axis, dtype):
    return Tensor(np.linspace(start, stop, num, axis=axis).astype(dtype))


def shape_of(a, dtype):
    return Tensor(np.asarray(np.shape(getattr(a, "value", a)), dtype=dtype))


def nonzero(condition):
    """The coordinates of the true (non-zero) elements, as NumPy's ``nonzero`` gives them."""
    return np.nonzero(np.asarray(getattr(condition, "value", condition)))


def true_coordinates(condition):
    """TF's ``where(condition)``: one int64 row of coordinates per true element."""
    return Tensor(np.argwhere(np.asarray(getattr(condition, "value", condition))).astype(np.int64))


def broadcast_shape(*shapes):
    """The shape `shapes` broadcast to, or None where they do not broadcast."""
    try:
        return np.broadcast_shapes(*shapes)
    except ValueError:
        return None


def result_type(*values):
    """The dtype NumPy gives an expression of `values` (Python numbers defer to arrays)."""
    return np.result_type(*[getattr(v, "value", v) for v in values])


def to_numpy(a):
    return np.asarray(getattr(a, "value", a))
