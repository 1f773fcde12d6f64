"""Every test starts from Keras's defaults: float32, fresh name counters, a fixed seed."""
import pytest

from glassnet import backend, random
from glassnet.keras import naming


@pytest.fixture(autouse=True)
def fresh_session():
    naming.reset()
    random.set_seed(0)
    yield
    backend.set_floatx("float32")
