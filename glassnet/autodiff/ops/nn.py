"""Neural-network nonlinearities, each forward beside its gradient.

The formulas are Keras's (see keras.activations); the stable forms are noted where
they differ from the textbook expression. Under each op, its backward again on Tensors
(``@differentiable_backward``), for second derivatives: see glassnet/autodiff/higher_order.py.
"""
import numpy as np

from glassnet.autodiff import observe
from glassnet.autodiff.ops import batch_parallel
from glassnet.autodiff.ops.arithmetic import add, exp, matmul, where
from glassnet.autodiff.ops.reduction import sum
from glassnet.autodiff.ops.shape import reshape
from glassnet.autodiff.primitive import differentiable_backward, primitive, require_an_axis, unwrap


def _float_dtype(x):
    """`x`'s dtype if it is a float, else float64 (NumPy's promotion): softplus(1) is 1.31, not 1."""
    return np.result_type(x, 1.0)


def _sigmoid(x):
    """1 / (1 + exp(-x)), computed in one buffer (this runs in every sigmoid layer, every step)."""
    if type(x) is np.ndarray and x.ndim and x.dtype.kind == "f":
        out = np.negative(x)
    else:  # `out=` keeps a 0-d result an array (ufuncs return scalars, which `out=` refuses); ints give floats
        out = np.negative(x, out=np.empty_like(x, dtype=_float_dtype(x)))
    with np.errstate(over="ignore"):  # exp(-x) overflows to inf for x < -88: 1/inf = 0 is right
        np.exp(out, out=out)
    out += 1
    return np.reciprocal(out, out=out)


@primitive
def sigmoid(x):
    out = _sigmoid(x)

    def backward(g):
        grad = g * out
        grad *= 1 - out
        return grad

    return out, backward


@differentiable_backward(sigmoid)
def _sigmoid_backward(g, x, *, out):
    return g * out * (1 - out)


@primitive
def tanh(x):
    out = np.tanh(x)
    return out, lambda g: g * (1 - out * out)


@differentiable_backward(tanh)
def _tanh_backward(g, x, *, out):
    return g * (1 - out * out)


@primitive
def relu(x):
    return np.maximum(x, 0), lambda g: g * (x > 0)


@differentiable_backward(relu)
def _relu_backward(g, x, *, out):
    return g * (unwrap(x) > 0)


@primitive
def leaky_relu(x, *, negative_slope=0.2):
    slope = np.where(np.asarray(x) >= 0, 1, negative_slope).astype(_float_dtype(x))
    return x * slope, lambda g: g * slope


@differentiable_backward(leaky_relu)
def _leaky_relu_backward(g, x, *, out, negative_slope=0.2):
    x = np.asarray(unwrap(x))
    return g * np.where(x >= 0, 1, negative_slope).astype(_float_dtype(x))


@primitive
def elu(x, *, alpha=1.0):
    positive = x > 0
    out = np.where(positive, x, alpha * np.expm1(np.minimum(x, 0)))
    return out, lambda g: g * np.where(positive, 1, out + alpha)


@differentiable_backward(elu)
def _elu_backward(g, x, *, out, alpha=1.0):
    return where(unwrap(x) > 0, g, g * (out + alpha))


@primitive
def softplus(x):
    # log(1 + e^x) as logaddexp(x, 0): no overflow for large x.
    return np.logaddexp(x, 0).astype(_float_dtype(x)), lambda g: g * _sigmoid(x)


@differentiable_backward(softplus)
def _softplus_backward(g, x, *, out):
    return g * sigmoid(x)


@primitive
def log_sigmoid(x):
    # log(sigmoid(x)) = -softplus(-x), exact for large |x| where log(sigmoid) would give log(0).
    return -np.logaddexp(-x, 0).astype(_float_dtype(x)), lambda g: g * _sigmoid(-x)


@differentiable_backward(log_sigmoid)
def _log_sigmoid_backward(g, x, *, out):
    return g * sigmoid(-x)


@primitive
def softmax(x, *, axis=-1):
    require_an_axis("softmax", x=x)
    # Subtracting the max changes nothing mathematically and keeps exp from overflowing.
    e = np.exp(x - np.max(x, axis=axis, keepdims=True))
    out = e / np.sum(e, axis=axis, keepdims=True)
    return out, lambda g: out * (g - np.sum(g * out, axis=axis, keepdims=True))


@differentiable_backward(softmax)
def _softmax_backward(g, x, *, out, axis=-1):
    return out * (g - sum(g * out, axis=axis, keepdims=True))


@primitive
def log_softmax(x, *, axis=-1):
    require_an_axis("log_softmax", x=x)
    shifted = x - np.max(x, axis=axis, keepdims=True)
    out = shifted - np.log(np.sum(np.exp(shifted), axis=axis, keepdims=True))
    return out, lambda g: g - np.exp(out) * np.sum(g, axis=axis, keepdims=True)


@differentiable_backward(log_softmax)
def _log_softmax_backward(g, x, *, out, axis=-1):
    return g - exp(out) * sum(g, axis=axis, keepdims=True)


@primitive
def dense(x, kernel, bias, *, activation=None, input_gradient=True):
    """``activation(x @ kernel + bias)`` as one op: the fully connected layer's forward and backward.

    Args:
        activation: a primitive of this module (e.g. ``sigmoid``), or None for linear.
        input_gradient: False skips the gradient with respect to `x` (a model's first
            layer never needs it, and it is the largest matrix product of the backward pass).
    """
    try:
        z = batch_parallel.product(x, kernel)
    except (ValueError, TypeError):  # say which input had no axis, rather than NumPy's matmul message
        require_an_axis("dense", x=x, kernel=kernel)
        raise
    if bias is not None:
        z += bias  # z is a fresh array: adding in place saves one temporary
    if observe.watchers:  # inspect.step shows the pre-activation this op computes (the activation copies it)
        observe.note("z", z)
    out, activation_backward = (z, None) if activation is None else activation.forward(z)

    def backward(g, out=(None, None)):
        # `out` may name arrays to write the kernel and bias gradients into (fit's flat buffer).
        gz = g if activation_backward is None else activation_backward(g)
        rows = gz.reshape(-1, gz.shape[-1])
        g_kernel = batch_parallel.product(x.reshape(-1, x.shape[-1]).T, rows, out=out[0])
        g_bias = None if bias is None else np.add.reduce(rows, axis=0, out=out[1])
        return (batch_parallel.product(gz, kernel.T) if input_gradient else None), g_kernel, g_bias

    return out, backward


@differentiable_backward(dense)
def _dense_backward(g, x, kernel, bias, *, out, activation=None, input_gradient=True):
    if activation is not None:  # its backward reads its input z, which the fused op did not keep
        z = matmul(x, kernel) if bias is None else add(matmul(x, kernel), bias)
        g = activation.differentiable_backward(g, z, out=out)
    rows = reshape(g, shape=(-1, g.shape[-1]))
    g_kernel = matmul(reshape(x, shape=(-1, x.shape[-1])).T, rows)
    g_bias = None if bias is None else sum(rows, axis=0)
    return (matmul(g, kernel.T) if input_gradient else None), g_kernel, g_bias
