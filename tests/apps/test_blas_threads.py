"""glassnet digits trains on one BLAS thread by default, and gives the thread count back after."""
import numpy as np
import pytest

from glassnet.apps import blas_threads as module


def test_the_count_holds_inside_the_block_and_is_restored_after():
    functions = module._openblas()
    if functions is None:
        pytest.skip("this NumPy's BLAS is not an OpenBLAS beside it; blas_threads changes nothing there")
    get, set_ = functions
    before = get()
    with module.blas_threads(1):
        assert get() == 1
        a = np.ones((64, 64), dtype=np.float32)
        assert float((a @ a)[0, 0]) == 64.0
    assert get() == before


def test_without_openblas_nothing_changes(monkeypatch):
    monkeypatch.setattr(module, "_openblas", lambda: None)
    assert module.set_blas_threads(1) is None  # nothing to set, and no count to restore
    with module.blas_threads(1):
        pass
