"""Keeping the memory a training step frees for the next step (glibc's malloc), set once at import.

A training step allocates and frees the same large arrays every step (a convnet's window matrices
and gradients: megabytes each). By default glibc gives blocks from 128 KiB up (a threshold that
grows with what is freed, to at most 32 MiB) fresh pages from the kernel, and hands the top of
its heap back once more than twice that is free, so every step takes the page faults again: on
the W4 convnet about 5,000 a step, and the step took 1.1x-1.6x the CPU time it takes without them.
Raising both limits keeps that memory in the process: arrays up to 32 MiB come from the heap,
and up to 128 MiB freed at its top stays there for the next step. The process's memory then does
not drop below its largest step's until it exits.

Settings the user made (the MALLOC_MMAP_THRESHOLD_ or MALLOC_TRIM_THRESHOLD_ environment
variables) are left as they are, and so is any C library without glibc's ``mallopt``.
"""
import ctypes
import os

_M_TRIM_THRESHOLD = -1  # glibc's malloc.h
_M_MMAP_THRESHOLD = -3
MMAP_THRESHOLD = 32 << 20  # glibc's largest (on 64-bit systems)
TRIM_THRESHOLD = 128 << 20
_USER_SETTINGS = ("MALLOC_MMAP_THRESHOLD_", "MALLOC_TRIM_THRESHOLD_", "MALLOC_TOP_PAD_")


def keep_freed_memory():
    """Set glibc's mmap and trim thresholds as above; return whether they were set."""
    if any(name in os.environ for name in _USER_SETTINGS):
        return False
    mallopt = _mallopt()
    if mallopt is None:
        return False
    return bool(mallopt(_M_MMAP_THRESHOLD, MMAP_THRESHOLD)) and bool(mallopt(_M_TRIM_THRESHOLD, TRIM_THRESHOLD))


def _mallopt():
    """glibc's ``mallopt`` in this process, or None (another C library, or another system)."""
    try:
        libc = ctypes.CDLL(None)
    except (OSError, TypeError):  # Windows has no "this process's own symbols"
        return None
    if not hasattr(libc, "gnu_get_libc_version"):  # musl's mallopt accepts and ignores everything
        return None
    mallopt = getattr(libc, "mallopt", None)
    if mallopt is not None:
        mallopt.argtypes, mallopt.restype = (ctypes.c_int, ctypes.c_int), ctypes.c_int
    return mallopt
