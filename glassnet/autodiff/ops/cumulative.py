"""Running sums and products along an axis.

Under each op, its backward again on Tensors (``@differentiable_backward``), for second
derivatives: see glassnet/autodiff/higher_order.py.
"""
import numpy as np

from glassnet.autodiff.ops.arithmetic import where
from glassnet.autodiff.ops.shape import expand_dims, reshape, transpose
from glassnet.autodiff.primitive import differentiable_backward, primitive


def _cumsum(a, axis, exclusive, reverse):
    if reverse:
        a = np.flip(a, axis)
    out = np.cumsum(a, axis=axis)
    if exclusive:  # shift by one: each position sums the elements strictly before it
        out = out - a
    return np.flip(out, axis) if reverse else out


@primitive
def cumsum(a, *, axis=0, exclusive=False, reverse=False):
    """TF's cumsum; its gradient is the cumulative sum of the gradient in the other direction."""
    a = np.asarray(a)
    return _cumsum(a, axis, exclusive, reverse), lambda g: _cumsum(g, axis, exclusive, not reverse)


@differentiable_backward(cumsum)
def _cumsum_backward(g, a, *, out, axis=0, exclusive=False, reverse=False):
    return cumsum(g, axis=axis, exclusive=exclusive, reverse=not reverse)


@primitive
def prod(a, *, axis=None, keepdims=False):
    """Product over `axis`; the gradient is the product of the other elements (exact with zeros)."""
    a = np.asarray(a)
    axes = tuple(range(a.ndim)) if axis is None else tuple(np.atleast_1d(axis) % max(a.ndim, 1))
    out = np.prod(a, axis=axes, keepdims=keepdims)

    def backward(g):
        kept = [i for i in range(a.ndim) if i not in axes]
        lanes = np.transpose(a, kept + list(axes)).reshape([a.shape[i] for i in kept] + [-1])
        # Product of everything before and everything after each element, without dividing.
        ones = np.ones(lanes.shape[:-1] + (1,), dtype=a.dtype)
        before = np.cumprod(np.concatenate([ones, lanes[..., :-1]], axis=-1), axis=-1)
        after = np.flip(np.cumprod(np.concatenate([ones, np.flip(lanes, -1)[..., :-1]], axis=-1), axis=-1), -1)
        others = (before * after).reshape([a.shape[i] for i in kept] + [a.shape[i] for i in axes])
        others = np.transpose(others, np.argsort(kept + list(axes)))
        g = g if keepdims else np.expand_dims(g, axes)
        return g * others

    return out, backward


@differentiable_backward(prod)
def _prod_backward(g, a, *, out, axis=None, keepdims=False):
    shape = np.shape(a)
    axes = tuple(range(len(shape))) if axis is None else tuple(np.atleast_1d(axis) % max(len(shape), 1))
    kept = [i for i in range(len(shape)) if i not in axes]
    lanes = reshape(transpose(a, axes=kept + list(axes)), shape=[shape[i] for i in kept] + [-1])
    # The product of the other elements of each lane: the lane n times, a 1 in place i of copy i
    # (n^2 numbers, but exact with zeros, and a prod again, so it differentiates once more).
    n = lanes.shape[-1]
    others = prod(where(np.eye(n, dtype=bool), 1.0, expand_dims(lanes, -2)), axis=-1)
    others = reshape(others, shape=[shape[i] for i in kept] + [shape[i] for i in axes])
    others = transpose(others, axes=tuple(np.argsort(kept + list(axes))))
    return (g if keepdims else reshape(g, shape=[1 if i in axes else size for i, size in enumerate(shape)])) * others
