"""Vector and matrix norms of Tensors, shared by tf.norm (TensorFlow's rules for `ord` and
`axis`) and keras.ops.norm (NumPy's rules): the callers check the arguments."""
import math

from glassnet.autodiff import ops


def vector_norm(x, p, axis, keepdims, slope_at_zero=1):
    """The p-norm along `axis` (None: all elements), for p in (0, inf], -inf or 0; x a Tensor.

    `slope_at_zero`: the gradient of |x| at 0 (1 as JAX's, 0 as TensorFlow's)."""
    if p == math.inf:
        return ops.max(ops.abs(x, slope_at_zero=slope_at_zero), axis=axis, keepdims=keepdims)
    if p == -math.inf:
        return ops.min(ops.abs(x, slope_at_zero=slope_at_zero), axis=axis, keepdims=keepdims)
    if p == 0:  # the count of non-zero elements: not differentiable
        return ops.sum(ops.cast(x != 0, dtype=x.dtype), axis=axis, keepdims=keepdims)
    if p == 1:
        return ops.sum(ops.abs(x, slope_at_zero=slope_at_zero), axis=axis, keepdims=keepdims)
    if p == 2:
        return ops.sqrt(ops.sum(ops.square(x), axis=axis, keepdims=keepdims))
    powers = ops.power(ops.abs(x, slope_at_zero=slope_at_zero), exponent=p)
    return ops.power(ops.sum(powers, axis=axis, keepdims=keepdims), exponent=1 / p)


def matrix_norm(x, ord, axes, keepdims, slope_at_zero=1):  # noqa: A002 - the norm's usual name
    """A matrix norm over the two `axes` (rows, columns): 'fro', 'nuc', 1, -1, 2, -2, inf, -inf."""
    rows, cols = axes
    if ord == "fro":
        return ops.sqrt(ops.sum(ops.square(x), axis=axes, keepdims=keepdims))
    if ord in (1, -1, math.inf, -math.inf):
        summed, reduced = (rows, cols) if ord in (1, -1) else (cols, rows)
        extreme = ops.max if ord > 0 else ops.min
        sums = ops.sum(ops.abs(x, slope_at_zero=slope_at_zero), axis=summed, keepdims=True)
        out = extreme(sums, axis=reduced, keepdims=True)
        return out if keepdims else ops.reshape(out, shape=tuple(
            n for i, n in enumerate(x.shape) if i not in axes))
    # 2, -2 and 'nuc' come from the singular values: move the matrix axes last.
    rest = [i for i in range(x.ndim) if i not in axes]
    values = ops.singular_values(ops.transpose(x, axes=tuple(rest) + (rows, cols)))
    out = {2: ops.max, -2: ops.min, "nuc": ops.sum}[ord](values, axis=-1)
    if keepdims:
        kept = tuple(1 if i in axes else n for i, n in enumerate(x.shape))
        out = ops.reshape(out, shape=kept)
    return out
