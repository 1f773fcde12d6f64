"""Reductions over axes: the gradient spreads back over the reduced axes.

Under each op, its backward again on Tensors (``@differentiable_backward``), for second
derivatives: see glassnet/autodiff/higher_order.py.
"""
import builtins

import numpy as np

from glassnet.autodiff.ops.arithmetic import exp, negative
from glassnet.autodiff.ops.shape import broadcast_to, reshape
from glassnet.autodiff.primitive import differentiable_backward, primitive, unwrap


def _expand_back(g, shape, axis, keepdims):
    """Re-insert reduced axes into `g` so it broadcasts against the input shape."""
    if axis is not None and not keepdims:
        g = np.expand_dims(g, axis)
    elif axis is None and not keepdims:
        g = np.reshape(g, (1,) * len(shape))
    return g


def _tensor_expand_back(g, shape, axis, keepdims):
    """`_expand_back` for a Tensor `g`."""
    if keepdims:
        return g
    if axis is None:
        return reshape(g, shape=(1,) * len(shape))
    kept = list(shape)
    for i in np.atleast_1d(axis):
        kept[i] = 1
    return reshape(g, shape=tuple(kept))


@primitive
def sum(a, *, axis=None, keepdims=False):  # noqa: A001 - as tf.reduce_sum / np.sum
    def backward(g):
        return np.broadcast_to(_expand_back(g, a.shape, axis, keepdims), a.shape)

    return np.sum(a, axis=axis, keepdims=keepdims), backward


@differentiable_backward(sum)
def _sum_backward(g, a, *, out, axis=None, keepdims=False):
    return broadcast_to(_tensor_expand_back(g, np.shape(a), axis, keepdims), shape=np.shape(a))


@primitive
def mean(a, *, axis=None, keepdims=False):
    a = np.asarray(a)
    out = np.mean(a, axis=axis, keepdims=keepdims)
    count = a.size // builtins.max(np.size(out), 1)

    def backward(g):
        return np.broadcast_to(_expand_back(g, a.shape, axis, keepdims) / count, a.shape)

    return out, backward


@differentiable_backward(mean)
def _mean_backward(g, a, *, out, axis=None, keepdims=False):
    count = np.size(unwrap(a)) // builtins.max(np.size(unwrap(out)), 1)
    return broadcast_to(_tensor_expand_back(g, np.shape(a), axis, keepdims) / count, shape=np.shape(a))


@primitive
def max(a, *, axis=None, keepdims=False):  # noqa: A001 - as tf.reduce_max
    out = np.max(a, axis=axis, keepdims=True)

    def backward(g):
        # Ties share the gradient equally, as TensorFlow does.
        winners = a == out
        share = winners / np.sum(winners, axis=axis, keepdims=True, dtype=a.dtype)
        return share * _expand_back(g, a.shape, axis, keepdims)

    return (out if keepdims else np.squeeze(out, axis=axis)), backward


@differentiable_backward(max)
def _max_backward(g, a, *, out, axis=None, keepdims=False):
    a = np.asarray(unwrap(a))
    winners = a == np.max(a, axis=axis, keepdims=True)
    share = winners / np.sum(winners, axis=axis, keepdims=True, dtype=a.dtype)
    return share * _tensor_expand_back(g, a.shape, axis, keepdims)


def min(a, *, axis=None, keepdims=False):  # noqa: A001 - as tf.reduce_min
    return negative(max(negative(a), axis=axis, keepdims=keepdims))


@primitive
def logsumexp(a, *, axis=None, keepdims=False):
    """``log(sum(exp(a)))`` over `axis`, shifted by the maximum so exp cannot overflow."""
    a = np.asarray(a)
    top = np.max(a, axis=axis, keepdims=True)
    top = np.where(np.isfinite(top), top, 0)  # all -inf (or an inf): no shift
    out = np.log(np.sum(np.exp(a - top), axis=axis, keepdims=True)) + top

    def backward(g):
        return _expand_back(g, a.shape, axis, keepdims) * np.exp(a - out)  # the softmax

    return (out if keepdims else np.squeeze(out, axis=axis)), backward


@differentiable_backward(logsumexp)
def _logsumexp_backward(g, a, *, out, axis=None, keepdims=False):
    shape = np.shape(a)
    return _tensor_expand_back(g, shape, axis, keepdims) * exp(a - _tensor_expand_back(out, shape, axis, keepdims))
