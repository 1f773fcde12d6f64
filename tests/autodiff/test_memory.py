"""glassnet keeps the memory a step frees (glibc's malloc thresholds), unless the user set them."""
import subprocess
import sys

import pytest

from glassnet.autodiff import memory

# 20 steps, each filling three 12 MiB arrays then freeing them (more than twice the largest, as a
# step frees: glibc's default hands that back to the kernel); prints the page faults they took.
_STEPS = """
import resource, sys
import numpy as np
if sys.argv[1] == "glassnet":
    import glassnet  # noqa: F401
before = resource.getrusage(resource.RUSAGE_SELF).ru_minflt
for _ in range(20):
    arrays = [np.ones(3 << 20, dtype=np.float32) for _ in range(3)]
    del arrays
print(resource.getrusage(resource.RUSAGE_SELF).ru_minflt - before)
"""


def _faults(*argv, env=None):
    out = subprocess.run([sys.executable, "-c", _STEPS, *argv], capture_output=True, text=True, check=True, env=env)
    return int(out.stdout)


@pytest.mark.skipif(memory._mallopt() is None, reason="not glibc's malloc: nothing is set")
def test_after_import_a_freed_array_is_reused_rather_than_faulted_in_again(monkeypatch):
    monkeypatch.delenv("MALLOC_MMAP_THRESHOLD_", raising=False)
    monkeypatch.delenv("MALLOC_TRIM_THRESHOLD_", raising=False)
    monkeypatch.delenv("MALLOC_TOP_PAD_", raising=False)
    pages = (36 << 20) // 4096  # one step's
    assert _faults("numpy") > 2 * pages  # without glassnet: fresh pages, step after step
    assert _faults("glassnet") < pages  # part of the first step's, then none


def test_the_user_s_own_settings_are_left_alone(monkeypatch):
    calls = []
    monkeypatch.setattr(memory, "_mallopt", lambda: lambda option, value: calls.append((option, value)) or 1)
    monkeypatch.setenv("MALLOC_TRIM_THRESHOLD_", "0")
    assert memory.keep_freed_memory() is False
    assert calls == []
    monkeypatch.delenv("MALLOC_TRIM_THRESHOLD_")
    monkeypatch.delenv("MALLOC_MMAP_THRESHOLD_", raising=False)
    monkeypatch.delenv("MALLOC_TOP_PAD_", raising=False)
    assert memory.keep_freed_memory() is True
    assert calls == [(-3, 32 << 20), (-1, 128 << 20)]


def test_without_glibc_nothing_is_set(monkeypatch):
    monkeypatch.setattr(memory, "_mallopt", lambda: None)
    monkeypatch.delenv("MALLOC_TRIM_THRESHOLD_", raising=False)
    monkeypatch.delenv("MALLOC_MMAP_THRESHOLD_", raising=False)
    monkeypatch.delenv("MALLOC_TOP_PAD_", raising=False)
    assert memory.keep_freed_memory() is False
