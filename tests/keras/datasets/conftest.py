"""Every data-set test runs offline, with Keras's cache in a fresh folder (``KERAS_HOME``)."""
import urllib.error
import urllib.request

import pytest


@pytest.fixture
def home(tmp_path, monkeypatch):
    monkeypatch.setenv("KERAS_HOME", str(tmp_path / "keras"))
    return tmp_path / "keras"


@pytest.fixture
def offline(monkeypatch):
    """No network: every download fails as it would offline; the URLs asked for are recorded."""
    calls = []

    def fail(url, filename):
        calls.append(url)
        raise urllib.error.URLError("no network")
    monkeypatch.setattr(urllib.request, "urlretrieve", fail)
    return calls
