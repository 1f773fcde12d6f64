"""Comparisons, logic and rounding: boolean or step-valued results, so no gradient flows
(except ``sign``, whose gradient is zero, as TensorFlow's)."""
import numpy as np

from glassnet.autodiff.primitive import differentiable_backward, primitive
from glassnet.autodiff.tensor import Tensor


def _values(*xs):
    return [np.asarray(getattr(x, "value", x)) for x in xs]


def _elementwise(fn):
    def op(*xs):
        return Tensor(np.asarray(fn(*_values(*xs))))

    op.__name__ = fn.__name__
    op.__doc__ = f"NumPy's ``{fn.__name__}`` on Tensors; not differentiable."
    return op


equal = _elementwise(np.equal)
not_equal = _elementwise(np.not_equal)
greater = _elementwise(np.greater)
greater_equal = _elementwise(np.greater_equal)
less = _elementwise(np.less)
less_equal = _elementwise(np.less_equal)
logical_and = _elementwise(np.logical_and)
logical_or = _elementwise(np.logical_or)
logical_not = _elementwise(np.logical_not)
floor = _elementwise(np.floor)
round = _elementwise(np.round)  # noqa: A001 - half to even, as TensorFlow's and NumPy's


def any(a, *, axis=None, keepdims=False):  # noqa: A001 - as np.any
    return Tensor(np.asarray(np.any(_values(a)[0], axis=axis, keepdims=keepdims)))


def all(a, *, axis=None, keepdims=False):  # noqa: A001 - as np.all
    return Tensor(np.asarray(np.all(_values(a)[0], axis=axis, keepdims=keepdims)))


@primitive
def sign(a):
    return np.sign(a), lambda g: np.zeros_like(g)


@differentiable_backward(sign)
def _sign_backward(g, a, *, out):
    return g * 0
