"""Elementwise arithmetic and matrix product, each forward beside its gradient.

Under each op, its backward again on Tensors (``@differentiable_backward``), for second
derivatives: see glassnet/autodiff/higher_order.py.
"""
import numpy as np

from glassnet.autodiff.ops.shape import expand_dims, transpose
from glassnet.autodiff.primitive import differentiable_backward, primitive, require_an_axis, sum_to, unwrap


@primitive
def add(a, b):
    def backward(g):
        return sum_to(g, np.shape(a)), sum_to(g, np.shape(b))

    return a + b, backward


@differentiable_backward(add)
def _add_backward(g, a, b, *, out):
    return sum_to(g, np.shape(a)), sum_to(g, np.shape(b))


@primitive
def subtract(a, b):
    def backward(g):
        return sum_to(g, np.shape(a)), sum_to(-g, np.shape(b))

    return a - b, backward


@differentiable_backward(subtract)
def _subtract_backward(g, a, b, *, out):
    return sum_to(g, np.shape(a)), sum_to(-g, np.shape(b))


@primitive
def multiply(a, b):
    def backward(g):
        return sum_to(g * b, np.shape(a)), sum_to(g * a, np.shape(b))

    return a * b, backward


@differentiable_backward(multiply)
def _multiply_backward(g, a, b, *, out):
    return sum_to(g * b, np.shape(a)), sum_to(g * a, np.shape(b))


@primitive
def divide(a, b):
    def backward(g):
        ga = g / b
        return sum_to(ga, np.shape(a)), sum_to(-ga * a / b, np.shape(b))

    return a / b, backward


@differentiable_backward(divide)
def _divide_backward(g, a, b, *, out):
    ga = g / b
    return sum_to(ga, np.shape(a)), sum_to(-ga * a / b, np.shape(b))


@primitive
def negative(a):
    return -a, lambda g: -g


@differentiable_backward(negative)
def _negative_backward(g, a, *, out):
    return -g


@primitive
def power(a, *, exponent):
    """a ** exponent for a constant exponent."""

    def backward(g):
        return g * exponent * a ** (exponent - 1)

    return a**exponent, backward


@differentiable_backward(power)
def _power_backward(g, a, *, out, exponent):
    if exponent == 1:  # a ** 0 would put a 0 * a ** -1 (nan at 0) in the next derivative
        return g
    return g * exponent * power(a, exponent=exponent - 1)


@primitive
def square(a):
    return a * a, lambda g: g * 2 * a


@differentiable_backward(square)
def _square_backward(g, a, *, out):
    return g * 2 * a


@primitive
def sqrt(a):
    out = np.sqrt(a)
    return out, lambda g: g / (2 * out)


@differentiable_backward(sqrt)
def _sqrt_backward(g, a, *, out):
    return g / (2 * out)


@primitive
def exp(a):
    out = np.exp(a)
    return out, lambda g: g * out


@differentiable_backward(exp)
def _exp_backward(g, a, *, out):
    return g * out


@primitive
def log(a):
    return np.log(a), lambda g: g / a


@differentiable_backward(log)
def _log_backward(g, a, *, out):
    return g / a


@primitive
def abs(a, *, slope_at_zero=1):  # noqa: A001 - the public name, as tf.abs
    """|a|. At 0 the slope is +1 by default, as in JAX (so Keras's L1 penalty moves a zero
    bias); tf.abs passes 0, TensorFlow's sign(0)."""
    return np.abs(a), lambda g: g * np.where(a > 0, 1, np.where(a < 0, -1, slope_at_zero)).astype(g.dtype)


@differentiable_backward(abs)
def _abs_backward(g, a, *, out, slope_at_zero=1):
    a_ = unwrap(a)
    return g * np.where(a_ > 0, 1, np.where(a_ < 0, -1, slope_at_zero)).astype(g.dtype)


def _tie_share(a_wins, tie, dtype, share):
    """a's share of the gradient: 1 where it wins, `share` on a tie, else 0."""
    return np.where(tie, share, a_wins).astype(dtype)


@primitive
def maximum(a, b, *, tie_share=0.5):
    """On a tie a gets `tie_share` of the gradient and b the rest: 0.5 is JAX's rule (so Keras's),
    1 TensorFlow's."""
    def backward(g):
        share_a = _tie_share(a > b, a == b, g.dtype, tie_share)
        return sum_to(g * share_a, np.shape(a)), sum_to(g * (1 - share_a), np.shape(b))

    return np.maximum(a, b), backward


@differentiable_backward(maximum)
def _maximum_backward(g, a, b, *, out, tie_share=0.5):
    a_, b_ = unwrap(a), unwrap(b)
    share_a = _tie_share(a_ > b_, a_ == b_, g.dtype, tie_share)
    return sum_to(g * share_a, np.shape(a)), sum_to(g * (1 - share_a), np.shape(b))


@primitive
def minimum(a, b, *, tie_share=0.5):
    """As maximum: a gets `tie_share` of the gradient on a tie."""
    def backward(g):
        share_a = _tie_share(a < b, a == b, g.dtype, tie_share)
        return sum_to(g * share_a, np.shape(a)), sum_to(g * (1 - share_a), np.shape(b))

    return np.minimum(a, b), backward


@differentiable_backward(minimum)
def _minimum_backward(g, a, b, *, out, tie_share=0.5):
    a_, b_ = unwrap(a), unwrap(b)
    share_a = _tie_share(a_ < b_, a_ == b_, g.dtype, tie_share)
    return sum_to(g * share_a, np.shape(a)), sum_to(g * (1 - share_a), np.shape(b))


@primitive
def clip(a, *, low, high):
    """Clamp to [low, high]; the gradient passes only where `a` was inside."""
    inside = (a >= low) & (a <= high)
    return np.clip(a, low, high), lambda g: g * inside


@differentiable_backward(clip)
def _clip_backward(g, a, *, out, low, high):
    a = unwrap(a)
    return g * ((a >= low) & (a <= high))


@primitive
def where(condition, a, b):
    condition = np.asarray(condition, dtype=bool)

    def backward(g):
        return None, sum_to(g * condition, np.shape(a)), sum_to(g * ~condition, np.shape(b))

    return np.where(condition, a, b), backward


@differentiable_backward(where)
def _where_backward(g, condition, a, b, *, out):
    condition = np.asarray(unwrap(condition), dtype=bool)
    return None, sum_to(g * condition, np.shape(a)), sum_to(g * ~condition, np.shape(b))


@primitive
def matmul(a, b):
    """Matrix product of the last two axes; leading axes broadcast; 1-D operands as in NumPy."""
    require_an_axis("matmul", a=a, b=b)

    def backward(g):
        # A 1-D operand acts as a row (left) or column (right) matrix: restore that axis, then drop it.
        a2 = a[None, :] if a.ndim == 1 else a
        b2 = b[:, None] if b.ndim == 1 else b
        g2 = np.expand_dims(g, -2) if a.ndim == 1 else g
        g2 = np.expand_dims(g2, -1) if b.ndim == 1 else g2
        ga = g2 @ np.swapaxes(b2, -1, -2)
        gb = np.swapaxes(a2, -1, -2) @ g2
        ga = ga[..., 0, :] if a.ndim == 1 else ga
        gb = gb[..., 0] if b.ndim == 1 else gb
        return sum_to(ga, np.shape(a)), sum_to(gb, np.shape(b))

    return a @ b, backward


@differentiable_backward(matmul)
def _matmul_backward(g, a, b, *, out):
    a_ndim, b_ndim = np.ndim(a), np.ndim(b)
    a2 = a[None, :] if a_ndim == 1 else a
    b2 = b[:, None] if b_ndim == 1 else b
    g2 = expand_dims(g, -2) if a_ndim == 1 else g
    g2 = expand_dims(g2, -1) if b_ndim == 1 else g2
    ga = g2 @ _swap_last_axes(b2)
    gb = _swap_last_axes(a2) @ g2
    ga = ga[..., 0, :] if a_ndim == 1 else ga
    gb = gb[..., 0] if b_ndim == 1 else gb
    return sum_to(ga, np.shape(a)), sum_to(gb, np.shape(b))


def _swap_last_axes(x):
    axes = list(range(np.ndim(x)))
    axes[-2:] = axes[:-3:-1]
    return transpose(x, axes=axes)
