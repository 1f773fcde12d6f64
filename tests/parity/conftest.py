"""The parity suite runs real Keras 3 on its JAX backend beside glassnet.

Keras is a test dependency (the ``test`` extra pins it), so a failed import fails
the whole suite loudly instead of skipping it.
"""
import os
import sys

import pytest

os.environ["KERAS_BACKEND"] = "jax"
os.environ.setdefault("JAX_PLATFORMS", "cpu")
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

try:
    import keras  # noqa: E402
except ImportError as error:  # pragma: no cover - only when the test extra is missing
    raise ImportError(
        "The parity tests need real Keras with the JAX backend. Install the test extra: "
        "pip install -e '.[test]'"
    ) from error

if keras.backend.backend() != "jax":  # pragma: no cover
    raise RuntimeError(f"The parity tests expect Keras's JAX backend. Received: {keras.backend.backend()!r}")

# The helper modules beside this file (parity_tools, random_models) import by name.
sys.path.insert(0, os.path.dirname(__file__))


@pytest.hookimpl(trylast=True)          # after -k and -m have deselected what will not run
def pytest_collection_modifyitems(session, config, items):
    """Move the random fit cases to the end and start their Keras runs in the background now."""
    import random_models
    fit = [item for item in items if item.path.name == "test_fit_parity.py"]
    if not fit:
        return
    items[:] = [item for item in items if item.path.name != "test_fit_parity.py"] + fit
    random_models.start_in_background([item.callspec.params["seed"] for item in fit])


def pytest_sessionfinish(session):
    import random_models
    random_models.stop_background()


def pytest_terminal_summary(terminalreporter):
    """Print the worst glassnet-vs-Keras error seen in each family, beside its tolerance."""
    from parity_tools import TOLERANCE, ErrorLog
    if not ErrorLog.worst:
        return
    terminalreporter.section("glassnet vs Keras: worst error per family")
    for family, (error, what) in sorted(ErrorLog.worst.items()):
        terminalreporter.write_line(f"{family:9s} {error:.2e} (tolerance {TOLERANCE[family]:g}) at {what}")
