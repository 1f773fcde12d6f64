"""Fused loss ops: each loss's forward value and its gradients, as one op.

The composed versions (clip, log, multiply, ...) would put a dozen nodes on the tape
for every batch; these put one, with exactly the same arithmetic in the forward pass.
Every one is checked against finite differences in tests/keras/losses. Under each op, its
gradient again on Tensors (``@differentiable_backward``), for second derivatives (a gradient
penalty on a loss): see glassnet/autodiff/higher_order.py.

Gradients with respect to y_true: a loss is a function of both arguments, as in Keras (an
actor-critic passes the critic's output as y_true). But fit's targets are data, so the y_true
gradient is computed only when the caller asks with ``y_true_grad=True``, which the loss
functions do exactly when a tape tracks y_true (:func:`tracks`). One op per loss keeps one
statement of each formula, and the usual batch pays nothing for the rare case; a composed
form for tracked targets would be a second copy of every loss to keep in step.
"""
import numpy as np

from glassnet import backend
from glassnet.autodiff import Tensor, ops, tape
from glassnet.autodiff.ops.shape import expand_dims
from glassnet.autodiff.primitive import differentiable_backward, primitive, sum_to, unwrap


def tracks(y_true):
    """Whether a recording tape tracks `y_true`: then a fused op must give its gradient too."""
    return isinstance(y_true, Tensor) and tape.is_recording() and tape.is_tracked(y_true)


def _log_sigmoid(x):
    return ops.log_sigmoid.forward(x)[0]


def _expand(g, axis):
    """A per-sample gradient with the reduced `axis` put back, to broadcast over it."""
    return g[..., None] if axis == -1 else np.expand_dims(g, axis)


@primitive
def binary_crossentropy_probabilities(y_true, y_pred, *, axis=-1, y_true_grad=False):
    """mean over `axis` of -(t log q + (1 - t) log(1 - q)), q = clip(p, eps, 1 - eps)."""
    eps = backend.epsilon()
    q = np.minimum(np.maximum(y_pred, eps), 1.0 - eps)  # clip's result, without its Python wrapper
    not_true, not_q = 1.0 - y_true, 1.0 - q
    log_q, log_not_q = np.log(q), np.log(not_q)
    terms = -(y_true * log_q + not_true * log_not_q)
    count = y_pred.shape[axis]

    def backward(g):
        inside = q == y_pred  # where the clip changed nothing: the gradient passes only there
        d_terms = (not_true / not_q - y_true / q) * inside
        d_true = _expand(g, axis) * (log_not_q - log_q) / count if y_true_grad else None
        return d_true, _expand(g, axis) * d_terms / count

    return np.add.reduce(terms, axis=axis) / count, backward


@differentiable_backward(binary_crossentropy_probabilities)
def _binary_crossentropy_probabilities_backward(g, y_true, y_pred, *, out, axis=-1, y_true_grad=False):
    eps = backend.epsilon()
    q = ops.clip(y_pred, low=eps, high=1.0 - eps)
    d_terms = ((1.0 - y_true) / (1.0 - q) - y_true / q) * (q.value == unwrap(y_pred))
    g = expand_dims(g, axis) / y_pred.shape[axis]
    d_true = g * (ops.log(1.0 - q) - ops.log(q)) if y_true_grad else None
    return d_true, g * d_terms


@primitive
def binary_crossentropy_logits(y_true, logits, *, axis=-1, y_true_grad=False):
    """mean over `axis` of -t log sigmoid(x) - (1 - t) log sigmoid(-x), computed without overflow.

    Its y_true gradient, -log sigmoid(x) + log sigmoid(-x), is exactly -x.
    """
    terms = -(y_true * _log_sigmoid(logits) + (1.0 - y_true) * _log_sigmoid(-logits))
    count = logits.shape[axis]

    def backward(g):
        probabilities, _ = ops.sigmoid.forward(logits)
        d_true = _expand(g, axis) * -logits / count if y_true_grad else None
        return d_true, _expand(g, axis) * (probabilities - y_true) / count

    return (np.sum(terms, axis=axis) / count).astype(logits.dtype, copy=False), backward


@differentiable_backward(binary_crossentropy_logits)
def _binary_crossentropy_logits_backward(g, y_true, logits, *, out, axis=-1, y_true_grad=False):
    g = expand_dims(g, axis) / logits.shape[axis]
    d_true = -g * logits if y_true_grad else None
    return d_true, g * (ops.sigmoid(logits) - y_true)


@primitive
def softmax_crossentropy(y_true, logits, *, axis=-1, y_true_grad=False):
    """-sum over `axis` of t log softmax(x); the gradients are softmax(x) sum(t) - t and -log softmax(x)."""
    log_softmax, _ = ops.log_softmax.forward(logits, axis=axis)

    def backward(g):
        total = np.sum(y_true, axis=axis, keepdims=True)
        d_true = _expand(g, axis) * -log_softmax if y_true_grad else None
        return d_true, _expand(g, axis) * (np.exp(log_softmax) * total - y_true)

    return -np.sum(y_true * log_softmax, axis=axis), backward


@differentiable_backward(softmax_crossentropy)
def _softmax_crossentropy_backward(g, y_true, logits, *, out, axis=-1, y_true_grad=False):
    total = ops.sum(y_true, axis=axis, keepdims=True)
    g = expand_dims(g, axis)
    d_true = -g * ops.log_softmax(logits, axis=axis) if y_true_grad else None
    return d_true, g * (ops.softmax(logits, axis=axis) * total - y_true)


@primitive
def categorical_crossentropy_probabilities(y_true, y_pred, *, axis=-1, y_true_grad=False):
    """-sum over `axis` of t log clip(p / sum(p), eps, 1 - eps) (Keras renormalises p)."""
    eps = backend.epsilon()
    total = np.sum(y_pred, axis=axis, keepdims=True)
    q = y_pred / total
    clipped = np.clip(q, eps, 1.0 - eps)
    log_clipped = np.log(clipped)

    def backward(g):
        inside = (q >= eps) & (q <= 1.0 - eps)
        d_q = _expand(g, axis) * (-y_true / clipped) * inside
        d_true = _expand(g, axis) * -log_clipped if y_true_grad else None
        # Through the renormalisation q = p / sum(p).
        return d_true, (d_q - np.sum(d_q * q, axis=axis, keepdims=True)) / total

    return -np.sum(y_true * log_clipped, axis=axis), backward


@differentiable_backward(categorical_crossentropy_probabilities)
def _categorical_crossentropy_probabilities_backward(g, y_true, y_pred, *, out, axis=-1, y_true_grad=False):
    eps = backend.epsilon()
    total = ops.sum(y_pred, axis=axis, keepdims=True)
    q = y_pred / total
    inside = (unwrap(q) >= eps) & (unwrap(q) <= 1.0 - eps)
    clipped = ops.clip(q, low=eps, high=1.0 - eps)
    g = expand_dims(g, axis)
    d_q = g * (-y_true / clipped) * inside
    d_true = -g * ops.log(clipped) if y_true_grad else None
    return d_true, (d_q - ops.sum(d_q * q, axis=axis, keepdims=True)) / total


@primitive
def mean_squared_error(y_true, y_pred, *, axis=-1, y_true_grad=False):
    """mean over `axis` of (t - p)^2; a size-1 axis of either broadcasts against the other."""
    error = y_true - y_pred
    count = error.shape[axis]  # the broadcast length: a (n, 1) y_pred against (n, 3) targets averages 3

    def backward(g):
        d_pred = _expand(g, axis) * (-2.0 / count) * error
        d_true = sum_to(-d_pred, np.shape(y_true)) if y_true_grad else None
        return d_true, sum_to(d_pred, np.shape(y_pred))

    return np.sum(np.square(error), axis=axis) / count, backward


@differentiable_backward(mean_squared_error)
def _mean_squared_error_backward(g, y_true, y_pred, *, out, axis=-1, y_true_grad=False):
    error = y_true - y_pred
    d_pred = expand_dims(g, axis) * (-2.0 / error.shape[axis]) * error
    d_true = sum_to(-d_pred, np.shape(y_true)) if y_true_grad else None
    return d_true, sum_to(d_pred, np.shape(y_pred))
