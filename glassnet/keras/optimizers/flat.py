"""One flat buffer for many variables: the whole optimizer update in a few NumPy calls.

After :func:`pack`, each variable's array is a view into one contiguous buffer, so an
elementwise update (Adam's, SGD's, ...) on the buffer updates every variable at once:
the same arithmetic, element by element, as updating them one by one.
"""
import os
import threading
from concurrent.futures import ThreadPoolExecutor

import numpy as np

# Elements per block: the few arrays an update reads and writes, cut to this size, stay in the
# L2 cache, so all of an update's passes over a block cost about one trip to memory.
BLOCK_SIZE = 1 << 16
_pool = None
_per_thread = threading.local()


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


def scratch(like, index=0):
    """An array shaped and typed like `like` for an update's temporaries, reused step after step.

    Each thread keeps its own (up to one block's worth, per `index`): a fresh array of a
    block's size costs page faults on every step, about as much as the arithmetic itself.
    """
    if like.size > BLOCK_SIZE:
        return np.empty_like(like)
    buffers = _per_thread.__dict__.setdefault("buffers", {})
    key = (index, like.dtype)
    if key not in buffers or buffers[key].size < like.size:
        buffers[key] = np.empty(BLOCK_SIZE, like.dtype)
    return buffers[key][:like.size].reshape(like.shape)


def update_in_blocks(update, gradient, weights, slots, learning_rate):
    """``update(gradient, weights, slots, learning_rate)`` block by block over the flat buffers,
    the blocks shared out among threads (NumPy releases the GIL in its loops). Every element goes
    through the same arithmetic as in one call over everything, so the result is the same, bit for bit.
    """
    if weights.size <= BLOCK_SIZE:  # small models (the course's): one call, nothing to cut
        update(gradient, weights, slots, learning_rate)
        return
    starts = iter(range(0, weights.size, BLOCK_SIZE))
    lock = threading.Lock()

    def run():
        # Each thread takes the next block when it is free: after a product, BLAS's own threads
        # keep spinning on a core for a while, so a fixed half share would wait on the slowed thread.
        while True:
            with lock:
                a = next(starts, None)
            if a is None:
                return
            b = a + BLOCK_SIZE
            update(gradient[a:b], weights[a:b], {k: s[a:b] for k, s in slots.items()}, learning_rate)

    helpers = min(worker_count(), -(-weights.size // BLOCK_SIZE)) - 1
    futures = [_thread_pool(helpers).submit(run) for _ in range(helpers)]
    try:
        run()  # the calling thread takes blocks too
    finally:
        for future in futures:
            future.result()  # re-raises an error from a block's thread


def _thread_pool(size):
    global _pool
    if _pool is None or _pool._max_workers < size:
        _pool = ThreadPoolExecutor(max_workers=size, thread_name_prefix="glassnet-update")
    return _pool
