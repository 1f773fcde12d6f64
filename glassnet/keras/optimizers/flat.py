"""One flat buffer for many variables: the whole optimizer update in a few NumPy calls.

After :func:`pack`, each variable's array is a view into one contiguous buffer, so an
elementwise update (Adam's, SGD's, ...) on the buffer updates every variable at once:
the same arithmetic, element by element, as updating them one by one.
"""
import os
from concurrent.futures import ThreadPoolExecutor

import numpy as np

# Elements per block: the few arrays an update reads and writes, cut to this size, stay in the
# L2 cache, so all of an update's passes over a block cost about one trip to memory.
BLOCK_SIZE = 1 << 16
_pool = None


def _forget_pool():
    # A forked child inherits the pool object but not its threads: it must make its own.
    global _pool
    _pool = None


os.register_at_fork(after_in_child=_forget_pool)


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


def worker_count():
    """Threads for elementwise updates: the BLAS thread setting when one is given, else the cores."""
    for name in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
        value = os.environ.get(name, "")
        if value.isdigit() and int(value) > 0:
            return int(value)
    return os.cpu_count() or 1


def update_in_blocks(update, gradient, weights, slots, learning_rate):
    """``update(gradient, weights, slots, learning_rate)`` block by block over the flat buffers,
    the blocks shared out among threads (NumPy releases the GIL in its loops). Every element goes
    through the same arithmetic as in one call over everything, so the result is the same, bit for bit.
    """
    if weights.size <= BLOCK_SIZE:  # small models (the course's): one call, nothing to cut
        update(gradient, weights, slots, learning_rate)
        return
    starts = range(0, weights.size, BLOCK_SIZE)
    workers = min(worker_count(), len(starts))

    def run(block_starts):
        for a in block_starts:
            b = a + BLOCK_SIZE
            update(gradient[a:b], weights[a:b], {k: s[a:b] for k, s in slots.items()}, learning_rate)

    if workers < 2:
        run(starts)
        return
    global _pool
    if _pool is None or _pool._max_workers < workers:
        _pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="glassnet-update")
    futures = [_pool.submit(run, starts[i::workers]) for i in range(workers)]
    for future in futures:
        future.result()  # re-raises an error from a block's thread
