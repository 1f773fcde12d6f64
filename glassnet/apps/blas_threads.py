"""How many threads NumPy's matrix products use (OpenBLAS), set after NumPy has loaded.

Small networks train fastest on one BLAS thread: their matrices are too small to share out, and
on a machine whose cores are busy with other programs, OpenBLAS's threads wait for one another so
that a 15-second run can take minutes. The environment variable OPENBLAS_NUM_THREADS must be
set before NumPy loads; a command that has already imported NumPy asks the library itself, as
threadpoolctl does, through the functions OpenBLAS exports for it.
"""
import contextlib
import ctypes
import functools
import glob
import os

import numpy as np

# OpenBLAS's symbol prefixes in NumPy's own wheels (NumPy 2, then NumPy 1) and in a plain build.
_PREFIXES = ("scipy_openblas_", "openblas_", "openblas_")
_SUFFIXES = ("64_", "64_", "")


@functools.cache  # looked up once: ops ask for the count on every call
def _openblas():
    """(get, set) of the thread count of the OpenBLAS beside NumPy, or None where there is none."""
    folder = os.path.join(os.path.dirname(np.__file__), os.pardir, "numpy.libs")
    for path in glob.glob(os.path.join(folder, "*openblas*")):
        try:
            library = ctypes.CDLL(path)
        except OSError:
            continue
        for prefix, suffix in zip(_PREFIXES, _SUFFIXES):
            get = getattr(library, f"{prefix}get_num_threads{suffix}", None)
            set_ = getattr(library, f"{prefix}set_num_threads{suffix}", None)
            if get is not None and set_ is not None:
                return get, set_
    return None


def blas_thread_count():
    """How many threads NumPy's matrix products use now (OPENBLAS_NUM_THREADS, or the count
    set_blas_threads last set), or None where NumPy's BLAS is not an OpenBLAS found beside NumPy."""
    functions = _openblas()
    return None if functions is None else functions[0]()


def set_blas_threads(count):
    """Make NumPy's matrix products use `count` threads; return the count before, or None (and
    change nothing) where NumPy's BLAS is not an OpenBLAS found beside NumPy."""
    functions = _openblas()
    if functions is None:
        return None
    get, set_ = functions
    before = get()
    set_(int(count))
    return before


@contextlib.contextmanager
def blas_threads(count):
    """Within the block, NumPy's matrix products use `count` threads; afterwards as before."""
    before = set_blas_threads(count)
    try:
        yield
    finally:
        if before is not None:
            set_blas_threads(before)
