"""Keras 3's core ops: conversion, dtype and shape."""
from glassnet import array_ops, creation_ops
from glassnet import tensor_args as args
from glassnet.autodiff import convert_to_tensor as _convert
from glassnet.autodiff import ops


def convert_to_tensor(x, dtype=None, sparse=None, ragged=None):
    return _convert(x, None if dtype is None else args.dtype("dtype", dtype))


def convert_to_numpy(x):
    """A NumPy array of `x`'s values."""
    return ops.to_numpy(x)


cast = creation_ops.cast


def shape(x):
    """`x`'s shape as a tuple of ints."""
    return tuple(_convert(x).shape)


def unstack(x, num=None, axis=0):
    return array_ops.unstack(x, num=num, axis=axis)
