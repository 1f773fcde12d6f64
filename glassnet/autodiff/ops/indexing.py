"""Ops that pick, repeat or pad elements: the gradient adds each output back where it came from.

``np.add.at`` scatters the gradient, because an index may pick the same element twice.
"""
import numpy as np

from glassnet.autodiff.primitive import primitive


@primitive
def take(a, indices, *, axis=0):
    """``a``'s slices at `indices` along `axis` (tf.gather); `indices` carries no gradient."""
    indices = np.asarray(indices)

    def backward(g):
        grad = np.zeros(np.shape(a), dtype=g.dtype)
        moved = np.moveaxis(grad, axis, 0)  # a view: writes land in grad
        g_moved = np.moveaxis(g, tuple(range(axis, axis + indices.ndim)), tuple(range(indices.ndim)))
        np.add.at(moved, indices, g_moved)
        return grad, None

    return np.take(a, indices, axis=axis), backward


@primitive
def gather_nd(a, indices):
    """TF's gather_nd: the last axis of `indices` addresses the leading axes of `a`."""
    indices = np.asarray(indices)
    key = tuple(np.moveaxis(indices, -1, 0))

    def backward(g):
        grad = np.zeros(np.shape(a), dtype=g.dtype)
        np.add.at(grad, key, g)
        return grad, None

    return np.asarray(a)[key], backward


def with_batch_coordinates(indices, batch_dims):
    """gather_nd's `indices` (shape ``B + I + (k,)``, B the `batch_dims` leading axes) with each
    row's batch coordinates put in front (shape ``B + I + (batch_dims + k,)``), so that one
    unbatched gather_nd does the batched one. Integers only: nothing to differentiate."""
    indices = np.asarray(indices)
    batch = np.indices(indices.shape[:-1])[:batch_dims]
    return np.concatenate([np.moveaxis(batch, 0, -1), indices], axis=-1)


@primitive
def take_along_axis(a, indices, *, axis):
    indices = np.asarray(indices)

    def backward(g):
        grad = np.zeros(np.shape(a), dtype=g.dtype)
        # Every index along `axis` is a permutation or selection per lane: scatter with add.
        lanes = list(np.ix_(*[np.arange(n) for n in indices.shape]))
        lanes[axis] = indices
        np.add.at(grad, tuple(lanes), g)
        return grad, None

    return np.take_along_axis(a, indices, axis=axis), backward


@primitive
def tile(a, *, multiples):
    a = np.asarray(a)

    def backward(g):
        # Split each axis into (copy, original) and sum the copies.
        split = [n for pair in zip(multiples, a.shape) for n in pair]
        return g.reshape(split).sum(axis=tuple(range(0, 2 * a.ndim, 2)))

    return np.tile(a, multiples), backward


def _pad_source(shape, paddings, mode):
    """For each output element, the flat index of the input element it copies (-1: the constant)."""
    positions = np.arange(int(np.prod(shape))).reshape(shape)
    if mode == "constant":
        return np.pad(positions, paddings, mode="constant", constant_values=-1)
    return np.pad(positions, paddings, mode=mode)


@primitive
def pad(a, *, paddings, mode="constant", constant_value=0):
    """Pad `a` by ``paddings[i] = (before, after)`` on axis i; mode constant, reflect or symmetric."""
    a = np.asarray(a)
    source = _pad_source(a.shape, paddings, mode)
    inside = source >= 0

    def backward(g):
        grad = np.zeros(a.size, dtype=g.dtype)
        np.add.at(grad, source[inside], g[inside])
        return grad.reshape(a.shape)

    out = np.where(inside, a.reshape(-1)[np.maximum(source, 0)], np.asarray(constant_value, a.dtype))
    return out, backward


def one_hot(indices, *, depth, on_value, off_value, axis, dtype):
    """Not differentiable: an index out of [0, depth) gives a row of `off_value`, as in TF."""
    from glassnet.autodiff.tensor import Tensor

    indices = np.asarray(indices)
    hot = indices[..., None] == np.arange(depth)
    out = np.where(hot, np.asarray(on_value, dtype), np.asarray(off_value, dtype)).astype(dtype)
    return Tensor(np.moveaxis(out, -1, axis))
