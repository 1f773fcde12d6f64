"""Every test starts from Keras's defaults: float32, fresh name counters, a fixed seed."""
from collections import Counter

import pytest

from glassnet import backend, random
from glassnet.keras import naming


@pytest.fixture(autouse=True)
def fresh_session():
    naming.reset()
    random.set_seed(0)
    yield
    backend.set_floatx("float32")


def pytest_terminal_summary(terminalreporter):
    """Say why tests were skipped (a missing Keras, matplotlib or course data) without needing -rs."""
    skipped = terminalreporter.stats.get("skipped", [])
    reasons = Counter(report.longrepr[2] for report in skipped if isinstance(report.longrepr, tuple))
    if reasons:
        terminalreporter.section("skipped")
        for reason, count in reasons.most_common():
            terminalreporter.write_line(f"{count:3d} {reason}")
