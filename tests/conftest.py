"""Every test starts from Keras's defaults: float32, fresh name counters, a fixed seed.

The suite runs NumPy's matrix products on one thread (as do the commands it starts): its networks
are small, and two OpenBLAS threads on cores that the parity suite's background Keras process
shares wait for one another, which made the examples' tests 2.3x slower.
"""
import os
from collections import Counter

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")  # before NumPy loads, here and in subprocesses

import pytest  # noqa: E402

from glassnet import backend, random  # noqa: E402
from glassnet.apps.blas_threads import set_blas_threads  # noqa: E402
from glassnet.keras import naming  # noqa: E402

# Where NumPy was loaded before this file (by a plugin), ask OpenBLAS itself, for the whole session.
set_blas_threads(int(os.environ["OPENBLAS_NUM_THREADS"]))


@pytest.fixture(autouse=True)
def fresh_session():
    naming.reset()
    random.set_seed(0)
    yield
    backend.set_floatx("float32")


@pytest.fixture
def keras_datasets(tmp_path, monkeypatch):
    """Keras's data-set loaders reading small stand-in files (tests/fixtures/keras_datasets.py)."""
    from tests.fixtures.keras_datasets import StandInDatasets  # only the tests that ask for it load it

    return StandInDatasets(tmp_path / "keras_home", monkeypatch)


def pytest_terminal_summary(terminalreporter):
    """Say why tests were skipped (a missing Keras, matplotlib or course data) without needing -rs."""
    skipped = terminalreporter.stats.get("skipped", [])
    reasons = Counter(report.longrepr[2] for report in skipped if isinstance(report.longrepr, tuple))
    if reasons:
        terminalreporter.section("skipped")
        for reason, count in reasons.most_common():
            terminalreporter.write_line(f"{count:3d} {reason}")
