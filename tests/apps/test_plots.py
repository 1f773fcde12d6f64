"""The three pictures: written as PNGs of the expected layout, or skipped with a clear message."""
import sys

import numpy as np
import pytest

from glassnet.apps import plots

HISTORY = {"loss": [0.7, 0.4, 0.2], "val_loss": [0.72, 0.5, 0.3],
           "accuracy": [0.5, 0.8, 0.95], "val_accuracy": [0.45, 0.75, 0.9]}


def _digits(n):
    rng = np.random.default_rng(0)
    return rng.random((n, 8, 8)), np.arange(n) % 10


def _read_png(path):
    image = pytest.importorskip("matplotlib.image").imread(path)
    assert image.ndim == 3
    return image


def _red_pixels(image):
    r, g, b = image[..., 0], image[..., 1], image[..., 2]
    return int(np.sum((r > 0.8) & (g < 0.3) & (b < 0.3)))


def _green_pixels(image):
    r, g, b = image[..., 0], image[..., 1], image[..., 2]
    return int(np.sum((g > 0.35) & (r < 0.2) & (b < 0.2)))


def test_history_has_two_panels_with_two_curves_each(tmp_path):
    pytest.importorskip("matplotlib")
    path = plots.plot_history(HISTORY, tmp_path / "history.png")
    image = _read_png(path)
    assert image.shape[1] == 1000 and image.shape[0] == 400  # figsize 10x4 at 100 dpi
    # matplotlib's first two colours: blue (training) and orange (validation).
    blue = np.sum((image[..., 2] > 0.6) & (image[..., 0] < 0.25))
    orange = np.sum((image[..., 0] > 0.9) & (image[..., 1] > 0.4) & (image[..., 1] < 0.6) & (image[..., 2] < 0.2))
    assert blue > 100 and orange > 100


def test_mistakes_show_only_the_wrong_images_in_red(tmp_path):
    pytest.importorskip("matplotlib")
    images, y_true = _digits(30)
    y_pred = y_true.copy()
    y_pred[[3, 17]] = 9
    image = _read_png(plots.plot_mistakes(images, y_true, y_pred, tmp_path / "mistakes.png"))
    assert image.shape[1] == 260  # a grid of 2 columns: one per mistake
    assert _red_pixels(image) > 20 and _green_pixels(image) == 0


def test_no_mistakes_gives_a_message_picture(tmp_path):
    pytest.importorskip("matplotlib")
    images, y_true = _digits(5)
    image = _read_png(plots.plot_mistakes(images, y_true, y_true, tmp_path / "mistakes.png"))
    assert image.shape[:2] == (150, 600) and _red_pixels(image) == 0


def test_samples_are_green_when_right_and_red_when_wrong(tmp_path):
    pytest.importorskip("matplotlib")
    images, y_true = _digits(40)
    right = _read_png(plots.plot_samples(images, y_true, y_true, tmp_path / "right.png"))
    assert right.shape[1] == 1300 and _green_pixels(right) > 100 and _red_pixels(right) == 0
    wrong = y_true.copy()
    wrong[0] = 5
    mixed = _read_png(plots.plot_samples(images, y_true, wrong, tmp_path / "mixed.png"))
    assert _red_pixels(mixed) > 10


def test_without_matplotlib_each_plot_raises_the_install_hint(tmp_path, monkeypatch):
    monkeypatch.setitem(sys.modules, "matplotlib", None)  # makes `import matplotlib` fail
    images, y_true = _digits(3)
    for draw in (lambda: plots.plot_history(HISTORY, tmp_path / "h.png"),
                 lambda: plots.plot_samples(images, y_true, y_true, tmp_path / "s.png")):
        with pytest.raises(ImportError, match=r"plots skipped: matplotlib is not installed \(pip install matplotlib\)"):
            draw()
    assert not list(tmp_path.iterdir())


def test_the_learning_curves_are_glassnet_plot_history(tmp_path, monkeypatch):
    drawn = []
    monkeypatch.setattr(plots.plot, "history", lambda history, path: drawn.append((history, path)))
    assert plots.plot_history(HISTORY, tmp_path / "history.png") == tmp_path / "history.png"
    assert drawn == [(HISTORY, tmp_path / "history.png")]
