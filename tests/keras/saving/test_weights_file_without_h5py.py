"""Without h5py (NumPy is glassnet's only dependency): glassnet imports, and saving says what to install.

No importorskip here: these run where h5py is missing too (CI's NumPy-floor run).
"""
import os
import subprocess
import sys

import pytest

import glassnet as tf
from glassnet.keras import layers
from glassnet.keras.models import Sequential

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))))


def model():
    return Sequential([tf.keras.Input(shape=(3,)), layers.Dense(2)])


def test_import_glassnet_does_not_import_h5py():
    code = "import sys, glassnet; import glassnet.keras.saving.weights_file; print('h5py' in sys.modules)"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, check=True)
    assert result.stdout.strip() == "False"


def test_without_h5py_saving_says_what_to_install(tmp_path, monkeypatch):
    monkeypatch.setitem(sys.modules, "h5py", None)  # `import h5py` now raises ImportError
    net = model()
    with pytest.raises(ImportError, match=r'needs the h5py package.*pip install "glassnet\[h5\]"'):
        net.save_weights(tmp_path / "m.weights.h5")
    with pytest.raises(ImportError, match=r'pip install "glassnet\[h5\]"'):
        net.load_weights(tmp_path / "m.weights.h5")
    assert os.listdir(tmp_path) == []
