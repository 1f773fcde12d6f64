"""Fused loss ops: each loss's forward value and its gradient with respect to y_pred, as one op.

The composed versions (clip, log, multiply, ...) would put a dozen nodes on the tape
for every batch; these put one, with exactly the same arithmetic in the forward pass.
Every one is checked against finite differences in tests/keras/losses. Under each op, its
gradient again on Tensors (``@differentiable_backward``), for second derivatives (a gradient
penalty on a loss): see glassnet/autodiff/higher_order.py.
"""
import numpy as np

from glassnet import backend
from glassnet.autodiff import ops
from glassnet.autodiff.ops.shape import expand_dims
from glassnet.autodiff.primitive import differentiable_backward, primitive, unwrap


def _log_sigmoid(x):
    return ops.log_sigmoid.forward(x)[0]


def _expand(g, axis):
    """A per-sample gradient with the reduced `axis` put back, to broadcast over it."""
    return g[..., None] if axis == -1 else np.expand_dims(g, axis)


@primitive
def binary_crossentropy_probabilities(y_true, y_pred, *, axis=-1):
    """mean over `axis` of -(t log q + (1 - t) log(1 - q)), q = clip(p, eps, 1 - eps)."""
    eps = backend.epsilon()
    q = np.minimum(np.maximum(y_pred, eps), 1.0 - eps)  # clip's result, without its Python wrapper
    not_true, not_q = 1.0 - y_true, 1.0 - q
    terms = -(y_true * np.log(q) + not_true * np.log(not_q))
    count = y_pred.shape[axis]

    def backward(g):
        inside = q == y_pred  # where the clip changed nothing: the gradient passes only there
        d_terms = (not_true / not_q - y_true / q) * inside
        return None, _expand(g, axis) * d_terms / count

    return np.add.reduce(terms, axis=axis) / count, backward


@differentiable_backward(binary_crossentropy_probabilities)
def _binary_crossentropy_probabilities_backward(g, y_true, y_pred, *, out, axis=-1):
    eps = backend.epsilon()
    q = ops.clip(y_pred, low=eps, high=1.0 - eps)
    d_terms = ((1.0 - y_true) / (1.0 - q) - y_true / q) * (q.value == unwrap(y_pred))
    return None, expand_dims(g, axis) * d_terms / y_pred.shape[axis]


@primitive
def binary_crossentropy_logits(y_true, logits, *, axis=-1):
    """mean over `axis` of -t log sigmoid(x) - (1 - t) log sigmoid(-x), computed without overflow."""
    terms = -(y_true * _log_sigmoid(logits) + (1.0 - y_true) * _log_sigmoid(-logits))
    count = logits.shape[axis]

    def backward(g):
        probabilities, _ = ops.sigmoid.forward(logits)
        return None, _expand(g, axis) * (probabilities - y_true) / count

    return (np.sum(terms, axis=axis) / count).astype(logits.dtype, copy=False), backward


@differentiable_backward(binary_crossentropy_logits)
def _binary_crossentropy_logits_backward(g, y_true, logits, *, out, axis=-1):
    return None, expand_dims(g, axis) * (ops.sigmoid(logits) - y_true) / logits.shape[axis]


@primitive
def softmax_crossentropy(y_true, logits, *, axis=-1):
    """-sum over `axis` of t log softmax(x); the gradient is softmax(x) sum(t) - t."""
    log_softmax, _ = ops.log_softmax.forward(logits, axis=axis)

    def backward(g):
        total = np.sum(y_true, axis=axis, keepdims=True)
        return None, _expand(g, axis) * (np.exp(log_softmax) * total - y_true)

    return -np.sum(y_true * log_softmax, axis=axis), backward


@differentiable_backward(softmax_crossentropy)
def _softmax_crossentropy_backward(g, y_true, logits, *, out, axis=-1):
    total = np.sum(y_true, axis=axis, keepdims=True)
    return None, expand_dims(g, axis) * (ops.softmax(logits, axis=axis) * total - y_true)


@primitive
def categorical_crossentropy_probabilities(y_true, y_pred, *, axis=-1):
    """-sum over `axis` of t log clip(p / sum(p), eps, 1 - eps) (Keras renormalises p)."""
    eps = backend.epsilon()
    total = np.sum(y_pred, axis=axis, keepdims=True)
    q = y_pred / total
    clipped = np.clip(q, eps, 1.0 - eps)

    def backward(g):
        inside = (q >= eps) & (q <= 1.0 - eps)
        d_q = _expand(g, axis) * (-y_true / clipped) * inside
        # Through the renormalisation q = p / sum(p).
        return None, (d_q - np.sum(d_q * q, axis=axis, keepdims=True)) / total

    return -np.sum(y_true * np.log(clipped), axis=axis), backward


@differentiable_backward(categorical_crossentropy_probabilities)
def _categorical_crossentropy_probabilities_backward(g, y_true, y_pred, *, out, axis=-1):
    eps = backend.epsilon()
    total = ops.sum(y_pred, axis=axis, keepdims=True)
    q = y_pred / total
    inside = (unwrap(q) >= eps) & (unwrap(q) <= 1.0 - eps)
    d_q = expand_dims(g, axis) * (-y_true / ops.clip(q, low=eps, high=1.0 - eps)) * inside
    return None, (d_q - ops.sum(d_q * q, axis=axis, keepdims=True)) / total


@primitive
def mean_squared_error(y_true, y_pred, *, axis=-1):
    """mean over `axis` of (t - p)^2."""
    error = y_true - y_pred
    count = y_pred.shape[axis]

    def backward(g):
        return None, _expand(g, axis) * (-2.0 / count) * error

    return np.sum(np.square(error), axis=axis) / count, backward


@differentiable_backward(mean_squared_error)
def _mean_squared_error_backward(g, y_true, y_pred, *, out, axis=-1):
    return None, expand_dims(g, axis) * (-2.0 / y_pred.shape[axis]) * (y_true - y_pred)
