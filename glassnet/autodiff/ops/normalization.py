"""Batch and layer normalization as one fused op: the forward and the standard backward side by side.

Composed from mean, subtract, square, sqrt, multiply and add, one normalization is about ten tape
nodes, each a pass over the whole input in the forward and again in the backward. Fused, it is
one node: the forward is Keras's ``x * inv + (beta - mean * inv)`` with
``inv = gamma / sqrt(variance + epsilon)``, and the backward is the textbook formula

    x_hat = (x - mean) * r,   r = 1 / sqrt(variance + epsilon),   dx_hat = g * gamma
    dx    = r * (dx_hat - mean(dx_hat) - x_hat * mean(dx_hat * x_hat))     (means over `axes`)
    dgamma = sum(g * x_hat),   dbeta = sum(g)                   (over gamma's broadcast axes)

which accounts for the mean and variance being functions of x. Batch normalization reduces over
every axis but the channels; layer normalization over the feature axes: only `axes` differ.
"""
import numpy as np

from glassnet.autodiff.ops.arithmetic import add, divide, multiply, sqrt, subtract
from glassnet.autodiff.ops.reduction import mean as reduce_mean
from glassnet.autodiff.primitive import differentiable_backward, primitive, sum_to
from glassnet.autodiff.tensor import Tensor


def moments(x, *, axes):
    """The mean and the biased variance of `x` over `axes` (kept as axes of length 1), as Tensors
    off the tape: what a batch normalization folds into its moving statistics. The variance is
    ``mean((x - mean)^2)``, the two-pass form ``jnp.var`` uses."""
    x = np.asarray(x.value if isinstance(x, Tensor) else x)
    mean = np.mean(x, axis=axes, keepdims=True)
    centered = x - mean
    return Tensor(mean), Tensor(np.mean(np.square(centered, out=centered), axis=axes, keepdims=True))


@primitive
def normalize(x, gamma, beta, *, axes, epsilon, mean=None, variance=None):
    """``(x - mean) / sqrt(variance + epsilon) * gamma + beta``, the statistics `x`'s own over `axes`.

    Args:
        x: the input.
        gamma, beta: arrays that broadcast against `x`, or None for no scale (offset).
        axes: the axes the statistics are taken over.
        epsilon: added to the variance.
        mean, variance: `x`'s statistics from :func:`moments`, when the caller has them already
            (a batch normalization needs them for its moving averages); computed here otherwise.
            They must be `x`'s own: the backward differentiates through them.
    """
    if mean is None or variance is None:
        mean, variance = (m.value for m in moments(x, axes=axes))
    mean, variance = np.asarray(mean), np.asarray(variance)
    rstd = 1 / np.sqrt(variance + epsilon)
    scale = rstd if gamma is None else rstd * gamma
    shift = -mean * scale if beta is None else beta - mean * scale
    out = x * scale
    out += shift

    def backward(g):
        x_hat = (x - mean) * rstd
        dx_hat = g if gamma is None else g * gamma
        dx = dx_hat - np.mean(dx_hat, axis=axes, keepdims=True)
        dx -= x_hat * np.mean(dx_hat * x_hat, axis=axes, keepdims=True)
        dx *= rstd
        dgamma = None if gamma is None else sum_to(g * x_hat, np.shape(gamma))
        dbeta = None if beta is None else sum_to(g, np.shape(beta))
        return dx, dgamma, dbeta

    return out, backward


@differentiable_backward(normalize)
def _normalize_backward(g, x, gamma, beta, *, out, axes, epsilon, mean=None, variance=None):
    # The statistics again, from x and on the tape: a second derivative sees how they move with x.
    centered = subtract(x, reduce_mean(x, axis=axes, keepdims=True))
    rstd = divide(1.0, sqrt(add(reduce_mean(multiply(centered, centered), axis=axes, keepdims=True), epsilon)))
    x_hat = multiply(centered, rstd)
    dx_hat = g if gamma is None else multiply(g, gamma)
    dx = subtract(dx_hat, reduce_mean(dx_hat, axis=axes, keepdims=True))
    dx = multiply(subtract(dx, multiply(x_hat, reduce_mean(multiply(dx_hat, x_hat), axis=axes, keepdims=True))), rstd)
    dgamma = None if gamma is None else sum_to(multiply(g, x_hat), np.shape(gamma))
    dbeta = None if beta is None else sum_to(g, np.shape(beta))
    return dx, dgamma, dbeta
