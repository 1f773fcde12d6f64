"""Ops that move values around without changing them: the gradient moves them back.

Under each op, its backward again on Tensors (``@differentiable_backward``), for second
derivatives: see glassnet/autodiff/higher_order.py.
"""
import numpy as np

from glassnet.autodiff.primitive import differentiable_backward, primitive, require_an_axis, sum_to, unwrap


@primitive
def reshape(a, *, shape):
    return np.reshape(a, shape), lambda g: np.reshape(g, np.shape(a))


@differentiable_backward(reshape)
def _reshape_backward(g, a, *, out, shape):
    return reshape(g, shape=np.shape(a))


def expand_dims(a, axis):
    """`a` with a new axis of length 1 at `axis` (a reshape)."""
    shape = list(np.shape(a))
    shape.insert(axis if axis >= 0 else len(shape) + 1 + axis, 1)
    return reshape(a, shape=tuple(shape))


@primitive
def broadcast_to(a, *, shape):
    """`a` repeated along its axes of length 1 (and new leading axes) to `shape`, as NumPy broadcasts."""
    return np.broadcast_to(a, shape), lambda g: sum_to(g, np.shape(a))


@differentiable_backward(broadcast_to)
def _broadcast_to_backward(g, a, *, out, shape):
    return sum_to(g, np.shape(a))


@primitive
def transpose(a, *, axes=None):
    def backward(g):
        return np.transpose(g, None if axes is None else np.argsort(axes))

    return np.transpose(a, axes), backward


@differentiable_backward(transpose)
def _transpose_backward(g, a, *, out, axes=None):
    return transpose(g, axes=None if axes is None else tuple(np.argsort(axes)))


@primitive
def getitem(a, *, key):
    def backward(g):
        grad = np.zeros(np.shape(a), dtype=np.result_type(g))
        np.add.at(grad, key, g)  # add.at, because a fancy index may repeat an element
        return grad

    return np.asarray(a)[key], backward


@differentiable_backward(getitem)
def _getitem_backward(g, a, *, out, key):
    return scatter_add(g, key=key, shape=np.shape(a))


@primitive
def scatter_add(updates, *, key, shape):
    """Zeros of `shape` with `updates` added at ``[key]`` (twice where `key` repeats an element):
    getitem's gradient, and getitem is its gradient."""
    out = np.zeros(shape, dtype=np.result_type(updates))
    np.add.at(out, key, updates)
    return out, lambda g: g[key]


@differentiable_backward(scatter_add)
def _scatter_add_backward(g, updates, *, out, key, shape):
    return getitem(g, key=key)


@primitive
def cast(a, *, dtype):
    a = np.asarray(a)

    def backward(g):
        # Only float-to-float casts carry a gradient, as in TensorFlow.
        if np.issubdtype(a.dtype, np.floating) and np.issubdtype(np.dtype(dtype), np.floating):
            return g.astype(a.dtype)
        return None

    return a.astype(dtype), backward


@differentiable_backward(cast)
def _cast_backward(g, a, *, out, dtype):
    source = np.asarray(unwrap(a)).dtype
    if np.issubdtype(source, np.floating) and np.issubdtype(np.dtype(dtype), np.floating):
        return cast(g, dtype=source)
    return None


@primitive
def concatenate(*parts, axis=0):
    require_an_axis("concatenate", **{f"parts[{i}]": p for i, p in enumerate(parts)})
    edges = np.cumsum([np.shape(p)[axis] for p in parts])[:-1]
    return np.concatenate(parts, axis=axis), lambda g: tuple(np.split(g, edges, axis=axis))


@differentiable_backward(concatenate)
def _concatenate_backward(g, *parts, out, axis=0):
    ends = np.cumsum([np.shape(p)[axis] for p in parts])
    before = (slice(None),) * (axis % g.ndim)
    return tuple(g[before + (slice(end - np.shape(p)[axis], end),)] for p, end in zip(parts, ends))


@primitive
def stack(*parts, axis=0):
    def backward(g):
        return tuple(np.take(g, i, axis=axis) for i in range(len(parts)))

    return np.stack(parts, axis=axis), backward


@differentiable_backward(stack)
def _stack_backward(g, *parts, out, axis=0):
    before = (slice(None),) * (axis % g.ndim)
    return tuple(g[before + (i,)] for i in range(len(parts)))
