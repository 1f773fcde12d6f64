"""NumPy arrays and dtypes as a pickle describes them, made here from their state; nothing is imported.

A pickled array is ``_reconstruct(ndarray, (0,), b"b")`` (REDUCE) followed by its state (BUILD):
``(version, shape, dtype, is_fortran, contents)``, where `contents` is the raw bytes, or for an
object array the list of its items; a dtype is ``dtype(typestr, align, copy)`` with the state
``(version, byteorder, subarray, names, fields, ...)``. `pickle_reader` recognises the three names
and hands their arguments and states here; each error is a reason the reader reports.
"""
import math

import numpy as np

ARRAY_NAMES = {
    ("numpy.core.multiarray", "_reconstruct"): "_reconstruct",   # files written with NumPy 1
    ("numpy._core.multiarray", "_reconstruct"): "_reconstruct",  # and with NumPy 2
    ("numpy", "ndarray"): "ndarray",
    ("numpy", "dtype"): "dtype",
}
# The dtypes a data file's array may have: fixed-size numbers, and Python objects for ragged lists.
DTYPES = {"u1", "u2", "u4", "u8", "i1", "i2", "i4", "i8", "f2", "f4", "f8", "b1", "O4", "O8"}


class Name:
    """A recognised global (one of `ARRAY_NAMES`): a label, nothing imported."""

    def __init__(self, name):
        self.name = name


class Pending:
    """An array or dtype being made: REDUCE creates it, BUILD gives it its state (then `value`)."""

    def __init__(self, kind, args):
        self.kind, self.args, self.value = kind, args, None


def resolved(items):
    """`items` with each array or dtype already built in place of its placeholder (containers hold values)."""
    if any(type(item) is Pending for item in items):
        return [item.value if type(item) is Pending and item.value is not None else item for item in items]
    return items


def finished(value):
    """`value` with a built array or dtype in place of its placeholder."""
    if isinstance(value, Pending):
        if value.value is None:
            raise ValueError("an array in it was never given its contents")
        return value.value
    return value


def reduce(callee, args):
    """The placeholder for ``callee(*args)``: only NumPy's array and dtype constructors are called."""
    if not isinstance(callee, Name) or callee.name == "ndarray" or type(args) is not tuple:
        raise ValueError("a call of something other than NumPy's array or dtype constructor")
    if callee.name == "_reconstruct" and not (len(args) == 3 and isinstance(args[0], Name)
                                              and args[0].name == "ndarray" and args[1] == (0,)):
        raise ValueError(f"an array reconstructed with unexpected arguments {args!r}")
    return Pending("array" if callee.name == "_reconstruct" else "dtype", args)


def build(target, state):
    """Give the new array or dtype `target` its `state`."""
    if not isinstance(target, Pending) or target.value is not None or type(state) is not tuple:
        raise ValueError("setting the state of something other than a new NumPy array or dtype")
    target.value = _dtype(target.args, state) if target.kind == "dtype" else _array(state)


def _text(value):
    return value.decode("latin-1") if isinstance(value, bytes) else value


def _dtype(args, state):
    """``numpy.dtype(typestr, align, copy)`` with the state ``(version, byteorder, None, None, None, ...)``."""
    typestr = _text(args[0]) if args else None
    if typestr not in DTYPES:
        raise ValueError(f"an array of dtype {typestr!r}; expected one of {sorted(DTYPES)}")
    if len(state) < 5 or _text(state[1]) not in ("<", ">", "|", "=") or any(part is not None for part in state[2:5]):
        raise ValueError(f"a dtype state {state!r}; expected a plain dtype without fields or subarrays")
    return np.dtype(typestr).newbyteorder(_text(state[1])) if _text(state[1]) in "<>" else np.dtype(typestr)


def _array(state):
    """An array from ``(version, shape, dtype, is_fortran, contents)``: raw bytes, or a list of objects."""
    if len(state) != 5:
        raise ValueError(f"an array state of {len(state)} items; expected 5")
    _, shape, dtype, fortran, contents = state
    dtype = finished(dtype)
    if not isinstance(dtype, np.dtype) or type(shape) is not tuple or not all(type(n) is int and n >= 0
                                                                              for n in shape):
        raise ValueError(f"an array of shape {shape!r} and dtype {dtype!r}")
    count, order = math.prod(shape), "F" if fortran else "C"
    if dtype.hasobject:
        if type(contents) is not list or len(contents) != count:
            raise ValueError(f"an object array of shape {shape} whose contents are not a list of {count} items")
        flat = np.empty(count, dtype=object)
        for i, item in enumerate(contents):
            flat[i] = finished(item)
        return flat.reshape(shape, order=order)
    if not isinstance(contents, bytes) or len(contents) != count * dtype.itemsize:
        raise ValueError(f"an array of shape {shape} and dtype {dtype} needs {count * dtype.itemsize} bytes; "
                         f"its contents are {type(contents).__name__} of length {len(contents)}")
    return np.frombuffer(contents, dtype=dtype).reshape(shape, order=order).copy()
