"""Ops that pick, repeat or pad elements: the gradient adds each output back where it came from.

``np.add.at`` scatters the gradient, because an index may pick the same element twice. Under
each op, its backward again on Tensors (``@differentiable_backward``), for second derivatives:
the same scatter as ``scatter_add``, whose own gradient is the pick (see higher_order.py).
"""
import numpy as np

from glassnet.autodiff.ops.reduction import sum
from glassnet.autodiff.ops.shape import getitem, reshape, scatter_add
from glassnet.autodiff.primitive import differentiable_backward, primitive


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


@differentiable_backward(take)
def _take_backward(g, a, indices, *, out, axis=0):
    before = (slice(None),) * (axis % np.ndim(a))
    return scatter_add(g, key=before + (np.asarray(indices),), shape=np.shape(a)), None


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


@differentiable_backward(gather_nd)
def _gather_nd_backward(g, a, indices, *, out):
    return scatter_add(g, key=tuple(np.moveaxis(np.asarray(indices), -1, 0)), shape=np.shape(a)), None


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


@differentiable_backward(take_along_axis)
def _take_along_axis_backward(g, a, indices, *, out, axis):
    indices = np.asarray(indices)
    lanes = list(np.ix_(*[np.arange(n) for n in indices.shape]))
    lanes[axis] = indices
    return scatter_add(g, key=tuple(lanes), shape=np.shape(a)), None


@primitive
def tile(a, *, multiples):
    a = np.asarray(a)

    def backward(g):
        # Split each axis into (copy, original) and sum the copies.
        split = [n for pair in zip(multiples, a.shape) for n in pair]
        return g.reshape(split).sum(axis=tuple(range(0, 2 * a.ndim, 2)))

    return np.tile(a, multiples), backward


@differentiable_backward(tile)
def _tile_backward(g, a, *, out, multiples):
    shape = np.shape(a)
    split = [n for pair in zip(multiples, shape) for n in pair]
    return sum(reshape(g, shape=split), axis=tuple(range(0, 2 * len(shape), 2)))


@primitive
def repeat(a, *, repeats, axis):
    """Each entry of `a` along `axis` repeated `repeats` times in place (``np.repeat`` with an int):
    nearest-neighbour up-sampling. The gradient of an entry is the sum of its copies' gradients,
    added slice by slice (a strided ``sum`` over the copies is several times slower)."""
    a = np.asarray(a)
    axis = axis % a.ndim

    def backward(g):
        copies = g.reshape(g.shape[:axis] + (a.shape[axis], repeats) + g.shape[axis + 1:])
        before = (slice(None),) * (axis + 1)
        grad = copies[before + (0,)].copy()
        for i in range(1, repeats):
            grad += copies[before + (i,)]
        return grad

    return np.repeat(a, repeats, axis=axis), backward


@differentiable_backward(repeat)
def _repeat_backward(g, a, *, out, repeats, axis):
    shape = np.shape(a)
    axis = axis % len(shape)
    copies = reshape(g, shape=shape[:axis] + (shape[axis], repeats) + shape[axis + 1:])
    return sum(copies, axis=axis + 1)


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
    if mode == "constant":  # zero padding, the common case: each input element appears once, a slice gives it back
        pairs = np.broadcast_to(np.asarray(paddings, dtype=int), (a.ndim, 2))  # np.pad's short forms too
        inside = tuple(slice(before, before + n) for (before, _), n in zip(pairs.tolist(), a.shape))
        return np.pad(a, pairs, constant_values=np.asarray(constant_value, a.dtype)), lambda g: g[inside]
    source = _pad_source(a.shape, paddings, mode)
    inside = source >= 0

    def backward(g):
        grad = np.zeros(a.size, dtype=g.dtype)
        np.add.at(grad, source[inside], g[inside])
        return grad.reshape(a.shape)

    out = np.where(inside, a.reshape(-1)[np.maximum(source, 0)], np.asarray(constant_value, a.dtype))
    return out, backward


@differentiable_backward(pad)
def _pad_backward(g, a, *, out, paddings, mode="constant", constant_value=0):
    shape = np.shape(a)
    source = _pad_source(shape, paddings, mode)
    inside = source >= 0
    return reshape(scatter_add(getitem(g, key=inside), key=source[inside], shape=(int(np.prod(shape)),)),
                   shape=shape)


def one_hot(indices, *, depth, on_value, off_value, axis, dtype):
    """Not differentiable: an index out of [0, depth) gives a row of `off_value`, as in TF."""
    from glassnet.autodiff.tensor import Tensor

    indices = np.asarray(indices)
    hot = indices[..., None] == np.arange(depth)
    out = np.where(hot, np.asarray(on_value, dtype), np.asarray(off_value, dtype)).astype(dtype)
    return Tensor(np.moveaxis(out, -1, axis))
