"""Ops that move values around without changing them: the gradient moves them back."""
import numpy as np

from glassnet.autodiff.primitive import primitive, require_an_axis


@primitive
def reshape(a, *, shape):
    return np.reshape(a, shape), lambda g: np.reshape(g, np.shape(a))


@primitive
def transpose(a, *, axes=None):
    def backward(g):
        return np.transpose(g, None if axes is None else np.argsort(axes))

    return np.transpose(a, axes), backward


@primitive
def getitem(a, *, key):
    def backward(g):
        grad = np.zeros(np.shape(a), dtype=np.result_type(g))
        np.add.at(grad, key, g)  # add.at, because a fancy index may repeat an element
        return grad

    return np.asarray(a)[key], backward


@primitive
def cast(a, *, dtype):
    a = np.asarray(a)

    def backward(g):
        # Only float-to-float casts carry a gradient, as in TensorFlow.
        if np.issubdtype(a.dtype, np.floating) and np.issubdtype(np.dtype(dtype), np.floating):
            return g.astype(a.dtype)
        return None

    return a.astype(dtype), backward


@primitive
def concatenate(*parts, axis=0):
    require_an_axis("concatenate", **{f"parts[{i}]": p for i, p in enumerate(parts)})
    edges = np.cumsum([np.shape(p)[axis] for p in parts])[:-1]
    return np.concatenate(parts, axis=axis), lambda g: tuple(np.split(g, edges, axis=axis))


@primitive
def stack(*parts, axis=0):
    def backward(g):
        return tuple(np.take(g, i, axis=axis) for i in range(len(parts)))

    return np.stack(parts, axis=axis), backward
