"""What every picture function shares: matplotlib loaded only when drawing (ImportError saying what to
install without it), paths checked before any drawing, PNGs written whole or not at all."""
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

import glassnet as tf

ROOT = Path(__file__).resolve().parents[2]
HISTORY = {"loss": [0.5, 0.25]}
INSTALL = r"matplotlib is not installed \(pip install matplotlib\): glassnet.plot.history draws with it"


def _python(code):
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120,
                          env={**os.environ, "PYTHONPATH": str(ROOT)})
    assert done.returncode == 0, done.stderr
    return done.stdout


def test_import_glassnet_loads_no_matplotlib_and_offers_plot():
    out = _python("import sys, glassnet; print(callable(glassnet.plot.history), "
                  "sorted(m for m in sys.modules if m.split('.')[0] == 'matplotlib'))")
    assert out.split() == ["True", "[]"]


def test_without_matplotlib_every_function_says_what_to_install(tmp_path, monkeypatch):
    try:
        import matplotlib.figure  # noqa: F401 - cached submodules must not hide the missing package
    except ImportError:
        pass
    monkeypatch.setitem(sys.modules, "matplotlib", None)  # makes `import matplotlib` fail
    from types import SimpleNamespace
    model = tf.keras.Sequential([tf.keras.Input(shape=(2,)), tf.keras.layers.Dense(1)])
    calls = {"history": lambda path: tf.plot.history(HISTORY, path),
             "model": lambda path: tf.plot.model(model, path),
             "lr_find": lambda path: tf.plot.lr_find(SimpleNamespace(learning_rates=[0.1], losses=[1.0],
                                                                     suggestion=None), path),
             "diagnostics": lambda path: tf.plot.diagnostics({"epochs": [0], "loss": [1.0], "layers": {}}, path),
             "feature_maps": lambda path: tf.plot.feature_maps(np.zeros((4, 4, 2)), path=path)}
    for name, draw in calls.items():
        with pytest.raises(ImportError, match=rf'pip install matplotlib\): glassnet.plot.{name} draws with it '
                                              r'\(pip install "glassnet\[plots\]" installs both\)'):
            draw(tmp_path / f"{name}.png")
    assert not list(tmp_path.iterdir())


def test_without_matplotlib_in_a_fresh_process():
    out = _python("import sys; sys.modules['matplotlib'] = None\nimport glassnet\ntry:\n"
                  "    glassnet.plot.history({'loss': [1.0]})\nexcept ImportError as e:\n    print(e)")
    assert out.startswith("matplotlib is not installed (pip install matplotlib)")


@pytest.mark.parametrize("name, error, message", [
    ("missing/history.png", FileNotFoundError, "its folder .*missing' does not exist. Create the folder first"),
    (".", IsADirectoryError, "is a folder; expected a file name"),
    ("history.jpg", ValueError, r"must end in '.png'. Received: path='.*history.jpg'"),
])
def test_a_bad_path_is_refused_before_drawing(tmp_path, monkeypatch, name, error, message):
    pytest.importorskip("matplotlib")
    from glassnet.plot import _backend
    monkeypatch.setattr(_backend, "new_figure", lambda *args: pytest.fail("drew before checking the path"))
    with pytest.raises(error, match=message):
        tf.plot.history(HISTORY, str(tmp_path / name))
    assert not list(tmp_path.iterdir())
    with pytest.raises(TypeError, match="`path` must be a file name.*Received: path=3"):
        tf.plot.history(HISTORY, 3)


def test_a_failed_write_keeps_the_old_picture_and_leaves_no_temporary(tmp_path, monkeypatch):
    pytest.importorskip("matplotlib")
    from matplotlib.figure import Figure
    path = tmp_path / "history.png"
    tf.plot.history(HISTORY, path)
    before = path.read_bytes()

    def broken(self, file, **kwargs):
        file.write(before[:100])  # half a picture, then the disk fills
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(Figure, "savefig", broken)
    with pytest.raises(OSError, match="No space left"):
        tf.plot.history({"loss": [9.0, 8.0, 7.0]}, path)
    assert path.read_bytes() == before and [p.name for p in tmp_path.iterdir()] == ["history.png"]


def test_a_new_picture_replaces_the_old_with_the_usual_file_mode(tmp_path, png_size):
    pytest.importorskip("matplotlib")
    path = tmp_path / "history.png"
    tf.plot.history(HISTORY, path)
    mask = os.umask(0)
    os.umask(mask)
    assert path.stat().st_mode & 0o777 == 0o666 & ~mask  # not the private 0o600 of a temporary file
    path.chmod(0o640)
    tf.plot.history({"loss": [1.0, 2.0], "accuracy": [0.5, 0.6]}, path)
    assert path.stat().st_mode & 0o777 == 0o640 and png_size(path) == (1000, 400)
    assert [p.name for p in tmp_path.iterdir()] == ["history.png"]


def test_a_figure_renders_itself_in_a_notebook():
    pytest.importorskip("matplotlib")
    png = tf.plot.history(HISTORY)._repr_png_()
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
