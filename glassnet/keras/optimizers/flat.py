"""One flat buffer for many variables: the whole optimizer update in a few NumPy calls.

After :func:`pack`, each variable's array is a view into one contiguous buffer, so an
elementwise update (Adam's, SGD's, ...) on the buffer updates every variable at once:
the same arithmetic, element by element, as updating them one by one.
"""
import threading

import numpy as np

# Elements per block: the few arrays an update reads and writes, cut to this size, stay in the
# L2 cache, so all of an update's passes over a block cost about one trip to memory.
BLOCK_SIZE = 1 << 16
REUSE_FROM_BYTES = 1 << 17
_per_thread = threading.local()


def pack(variables, into=None):
    """Move the values of `variables` (one dtype) into one new buffer (or into the buffer `into`);
    rebind each to its view."""
    dtype = variables[0].dtype
    flat = np.empty(sum(v.value.size for v in variables), dtype=dtype) if into is None else into
    for variable, view in zip(variables, views(flat, variables), strict=True):
        view[...] = variable.value
    rebind(variables, flat)
    return flat


def rebind(variables, flat):
    """Make each of `variables` a view into `flat`, laid out as :func:`pack` lays them out: the
    values are the buffer's (another process may have written them, see glassnet.distribute)."""
    for variable, view in zip(variables, views(flat, variables), strict=True):
        variable._value = view


def still_packed(variables, flat):
    """True while every variable still lives in `flat` (nothing re-created its array)."""
    owner = flat if flat.base is None else flat.base  # NumPy gives a view of a view its first owner as base
    return all(v._value.base is owner for v in variables)


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


def scratch(like, index=0):
    """An array to write one of an update's temporaries into, shaped and typed like `like`;
    None (NumPy allocates one) where a fresh array is cheaper.

    A fresh array of a block's size costs page faults on every step, about as much as the
    arithmetic itself, so blocks reuse one array per thread and per `index` (models training in
    separate threads never share one). Below 128 KiB the allocator hands back warm memory, and
    a fresh array costs less than reuse.
    """
    if like.nbytes < REUSE_FROM_BYTES or like.size > BLOCK_SIZE:
        return None
    buffers = _per_thread.__dict__.setdefault("buffers", {})
    key = (index, like.dtype)
    if key not in buffers or buffers[key].size < like.size:
        buffers[key] = np.empty(BLOCK_SIZE, like.dtype)
    return buffers[key][:like.size].reshape(like.shape)


def update_in_blocks(update, gradient, weights, slots, learning_rate):
    """``update(gradient, weights, slots, learning_rate)`` block by block over the flat buffers.

    Every element goes through the same arithmetic as in one call over everything, so the
    result is the same, bit for bit. The blocks run one after another: while `fit` trains,
    BLAS's threads spin on the other cores between products, so threads of our own gain nothing
    (``python -m bench.w2_budget`` measures it).
    """
    if weights.size <= BLOCK_SIZE:  # small models (the course's): one call, nothing to cut
        update(gradient, weights, slots, learning_rate)
        return
    for a in range(0, weights.size, BLOCK_SIZE):
        b = a + BLOCK_SIZE
        update(gradient[a:b], weights[a:b], {k: s[a:b] for k, s in slots.items()}, learning_rate)
