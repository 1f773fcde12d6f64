import pytest

from glassnet.summary import writer


@pytest.fixture(autouse=True)
def fresh_summary_state():
    """No default writer, step or record_if left over from another test (set_as_default lasts)."""
    writer._state.__dict__.clear()
    yield
    writer._state.__dict__.clear()
