"""One flat buffer for many variables: the whole optimizer update in a few NumPy calls.

After :func:`pack`, each variable's array is a view into one contiguous buffer, so an
elementwise update (Adam's, SGD's, ...) on the buffer updates every variable at once:
the same arithmetic, element by element, as updating them one by one.
"""
import numpy as np


def pack(variables):
    """Move the values of `variables` (one dtype) into one new buffer; rebind each to its view."""
    dtype = variables[0].dtype
    flat = np.empty(sum(v.value.size for v in variables), dtype=dtype)
    offset = 0
    for variable in variables:
        size = variable.value.size
        view = flat[offset:offset + size].reshape(variable.value.shape)
        view[...] = variable.value
        variable._value = view
        offset += size
    return flat


def still_packed(variables, flat):
    """True while every variable still lives in `flat` (nothing re-created its array)."""
    return all(v._value.base is flat for v in variables)


def gather(arrays, out):
    """Copy `arrays` end to end into the flat buffer `out`."""
    offset = 0
    for array in arrays:
        size = array.size
        out[offset:offset + size] = array.reshape(-1)
        offset += size
    return out


def views(buffer, variables):
    """Views of `buffer` laid out like `variables` (as :func:`pack` lays them out)."""
    result, offset = [], 0
    for variable in variables:
        size = variable.value.size
        result.append(buffer[offset:offset + size].reshape(variable.value.shape))
        offset += size
    return result
