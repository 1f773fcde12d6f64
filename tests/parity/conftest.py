"""The parity suite runs real Keras 3 on its JAX backend beside glassnet.

Keras and JAX come with the ``test`` extra. Without them every parity module is skipped with the
reason, so the rest of the suite still runs where only NumPy is installed; CI sets
``GLASSNET_CI=1`` (``.ci/run``), and then a missing Keras fails the run instead.
"""
import os
import shutil
import sys
import tempfile

import pytest

os.environ["KERAS_BACKEND"] = "jax"
os.environ.setdefault("JAX_PLATFORMS", "cpu")
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

INSTALL = "pip install -e '.[test]'"

try:
    import keras  # noqa: E402
except ImportError as error:
    if os.environ.get("GLASSNET_CI") == "1":
        raise ImportError(f"GLASSNET_CI=1: the parity tests need Keras with JAX. Install: {INSTALL}") from error
    keras = None
    MISSING = f"Keras with JAX is not installed ({error}); install the test extra: {INSTALL}"

if keras is not None and keras.backend.backend() != "jax":  # pragma: no cover
    raise RuntimeError(f"The parity tests expect Keras's JAX backend. Received: {keras.backend.backend()!r}")

# Most of these tests' time is XLA compiling Keras's train and predict functions, and many tests
# compile the very same ones (the same model and optimizer, in both directions of a file test).
# JAX's compilation cache, here for this session only, compiles each once: an executable read back
# is the one compiling the same program gives, so no number changes. Not for the background fit
# worker (random_models.py), which runs eagerly and would read entries while they are written.
CACHE = None
if keras is not None:
    import jax
    CACHE = tempfile.mkdtemp(prefix="glassnet-parity-xla-")
    jax.config.update("jax_compilation_cache_dir", CACHE)
    jax.config.update("jax_persistent_cache_min_compile_time_secs", 0)
    jax.config.update("jax_persistent_cache_min_entry_size_bytes", 0)


class _SkippedModule(pytest.Module):
    """A parity test module that is not imported (it would import Keras) but reported as skipped."""

    def collect(self):
        pytest.skip(MISSING)


def pytest_pycollect_makemodule(module_path, parent):
    if keras is None:
        return _SkippedModule.from_parent(parent, path=module_path)
    return None


# The helper modules beside this file (parity_tools, random_models) import by name.
sys.path.insert(0, os.path.dirname(__file__))


@pytest.hookimpl(trylast=True)          # after -k and -m have deselected what will not run
def pytest_collection_modifyitems(session, config, items):
    """Move the random fit cases to the end and start their Keras runs in the background now."""
    fit = [item for item in items if item.path.name == "test_fit_parity.py"]
    if not fit or config.option.collectonly:
        return
    import random_models
    items[:] = [item for item in items if item.path.name != "test_fit_parity.py"] + fit
    random_models.start_in_background([item.callspec.params["seed"] for item in fit])


def pytest_sessionfinish(session):
    if keras is None:
        return
    import random_models
    random_models.stop_background()
    shutil.rmtree(CACHE, ignore_errors=True)


def pytest_terminal_summary(terminalreporter):
    """Print the worst glassnet-vs-Keras error seen in each family, beside its tolerance."""
    from parity_tools import TOLERANCE, ErrorLog
    if not ErrorLog.worst:
        return
    terminalreporter.section("glassnet vs Keras: worst error per family")
    for family, (error, what) in sorted(ErrorLog.worst.items()):
        terminalreporter.write_line(f"{family:9s} {error:.2e} (tolerance {TOLERANCE[family]:g}) at {what}")
