"""An op's batch cut into parts run on as many threads as NumPy's BLAS is set to use.

OpenBLAS's own threads share out one matrix product, and on a convnet's products (tens of
thousands of rows, tens of columns) two of them did little better than one; the passes around the
products (window copies, relu masks, max pooling) run on one core whatever BLAS does. Cutting the
batch instead, each part running the whole op (copies, product, masks) on one BLAS thread, keeps
every core busy: NumPy lets go of the GIL in its copies, ufuncs and matrix products. On the W4
convnet's two convolutions and poolings (forward and backward, 2 cores shared with other
programs) this took 72-88 ms where one thread took 90-111 and OpenBLAS's two threads 142-290.

The thread count is OpenBLAS's: OPENBLAS_NUM_THREADS (or its default, the cores), or what
glassnet.apps.blas_threads.set_blas_threads last set; one, so no split, where NumPy's BLAS is not
an OpenBLAS found beside it. Results are deterministic: the parts depend only on the batch size
and the thread count, each part is computed whole by one thread, and what the parts add up (a
kernel's gradient) is added in part order. Each thread takes the next part when done with one:
with two parts per thread, a thread slowed by another program on its core holds the step up by
at most one part (W4 at two threads, 2-10% a step).
"""
import functools
import itertools
import os
import threading

import numpy as np

from glassnet.apps.blas_threads import blas_thread_count, blas_threads, set_blas_threads

# Below this many elements of work per part, handing a part to a thread costs more than it saves.
MIN_WORK_PER_PART = 1 << 16

# Parts per thread: a thread that is done early takes the next part, so one slower thread (a core
# shared with another program) holds the others up by at most one part.
PARTS_PER_THREAD = 2

# Matrix products of this many multiply-adds (from, up to) run on one BLAS thread: see product.
MID_SIZED_PRODUCT = (1 << 20, 1 << 23)

_pool = None
_pool_size = 0
_busy = threading.Lock()  # one split at a time: each sets the BLAS thread count and gives it back


def parts(batch, work):
    """The slices of the batch, PARTS_PER_THREAD per thread; a single slice where one thread does it all.

    `work` is the op's size in elements (of its largest array); small ops are not split."""
    threads = _threads()
    count = min(threads * PARTS_PER_THREAD, batch, work // MIN_WORK_PER_PART)
    if threads < 2 or count < 2:
        return [slice(0, batch)]
    bounds = [batch * i // count for i in range(count + 1)]
    return [slice(start, stop) for start, stop in zip(bounds, bounds[1:])]


def run(fn, items):
    """``[fn(item) for item in items]``, on this thread and as many more as BLAS threads, each on one
    BLAS thread, each taking the next item when it is done with one.

    Where another split is under way (two threads training at once), the items run here one after
    the other: the same results, as each is computed whole."""
    items = list(items)
    if len(items) == 1 or not _busy.acquire(blocking=False):
        return [fn(item) for item in items]
    import concurrent.futures  # here, not at the top: with logging, 4.7 ms of `import glassnet` otherwise

    try:
        helpers = min(_threads(), len(items)) - 1  # before the BLAS count is set to 1 below
        before = set_blas_threads(1)
        try:
            results = [None] * len(items)
            taken = itertools.count()  # next() on it is atomic: each item goes to one thread

            def work():
                while (index := next(taken)) < len(items):
                    results[index] = fn(items[index])

            futures = [_executor(helpers).submit(work) for _ in range(helpers)]
            try:
                work()
            finally:
                concurrent.futures.wait(futures)  # no part may outlive the BLAS setting it runs under
            for future in futures:
                future.result()  # a helper's error, raised here
            return results
        finally:
            if before is not None:
                set_blas_threads(before)
    finally:
        _busy.release()


def product(a, b, out=None):
    """``np.matmul(a, b, out=out)``, on one BLAS thread when it is mid-sized (a convnet's
    classifier: 128 x 1600 x 10 multiply-adds).

    OpenBLAS shares out products from 262,144 multiply-adds. At this size the second thread gains
    little, and after each product it shares, its thread polls for the next one for about 0.1 s,
    taking a core from the batch parts of the convolutions around it. Outside that range (a
    product small enough that setting the count would cost more than it saves, or large enough to
    gain from two threads) nothing changes.
    """
    try:
        multiply_adds = a.size * b.shape[-1]
    except (AttributeError, IndexError):  # a list, or a 0-d operand (np.matmul says what is wrong)
        multiply_adds = 0
    if MID_SIZED_PRODUCT[0] <= multiply_adds < MID_SIZED_PRODUCT[1]:
        with blas_threads(1):
            return np.matmul(a, b, out=out)
    return np.matmul(a, b, out=out)


def _threads():
    return min(blas_thread_count() or 1, _cores())


@functools.cache
def _cores():
    return os.cpu_count() or 1  # 4-40 us a call, and each op asks


def _executor(size):
    import concurrent.futures

    global _pool, _pool_size
    if _pool is None or _pool_size < size:
        if _pool is not None:
            _pool.shutdown(wait=False)
        _pool = concurrent.futures.ThreadPoolExecutor(size, thread_name_prefix="glassnet-batch")
        _pool_size = size
    return _pool


def _forget_pool():
    """A forked child has none of its parent's threads: it starts its own pool when it needs one."""
    global _pool, _pool_size, _busy
    _pool, _pool_size, _busy = None, 0, threading.Lock()


os.register_at_fork(after_in_child=_forget_pool)
