"""The pictures of ``glassnet digits``: the learning curves, the test mistakes, sample predictions.

The learning curves are :func:`glassnet.plot.history`; the image grids are the app's own, drawn on
the same lazily loaded, file-only matplotlib figures and written whole (``glassnet.plot._backend``).
Without matplotlib (an optional extra), each function raises ImportError starting "plots skipped:"
with the install command, which the app prints before going on without pictures.
"""
import functools
import math

import numpy as np

from glassnet import plot
from glassnet.plot import _backend

GRID_COLUMNS = 10
MAX_IMAGES = 60


def _skipped_without_matplotlib(draw):
    @functools.wraps(draw)
    def drawn(*args, **kwargs):
        try:
            return draw(*args, **kwargs)
        except ImportError as error:
            raise ImportError(f"plots skipped: {error}") from None
    return drawn


@_skipped_without_matplotlib
def plot_diagnostics(diagnostics, path):
    """The per-layer curves a :class:`glassnet.inspect.Diagnostics` recorded, saved to ``path``."""
    diagnostics.plot(path)
    return path


@_skipped_without_matplotlib
def plot_history(history, path):
    """Loss and accuracy per epoch, training and validation, side by side, saved to ``path``.

    Args:
        history: ``model.fit(...).history``: ``{'loss': [...], 'val_loss': [...], 'accuracy': [...], ...}``.
    """
    plot.history(history, path)
    return path


@_skipped_without_matplotlib
def plot_mistakes(images, y_true, y_pred, path):
    """A grid of the misclassified images, each titled with its true and predicted labels."""
    wrong = np.flatnonzero(np.asarray(y_true) != np.asarray(y_pred))
    if len(wrong) == 0:
        return _message_figure(f"No mistakes: all {len(y_true)} test images are classified correctly.", path)
    shown = wrong[:MAX_IMAGES]
    title = f"{len(wrong)} of {len(y_true)} test images misclassified"
    if len(wrong) > len(shown):
        title += f" (first {len(shown)} shown)"
    titles = [f"true {y_true[i]}, pred {y_pred[i]}" for i in shown]
    return _grid(images[shown], titles, ["red"] * len(shown), title, path)


@_skipped_without_matplotlib
def plot_samples(images, y_true, y_pred, path, count=40):
    """The first ``count`` images with their predictions: green when right, red when wrong."""
    shown = np.arange(min(count, len(images)))
    correct = np.asarray(y_true)[shown] == np.asarray(y_pred)[shown]
    titles = [f"pred {y_pred[i]}" + ("" if ok else f" (true {y_true[i]})")
              for i, ok in zip(shown, correct, strict=True)]
    colours = ["green" if ok else "red" for ok in correct]
    title = f"Test images and predictions ({int(correct.sum())} of {len(shown)} right)"
    return _grid(images[shown], titles, colours, title, path)


def _grid(images, titles, colours, title, path):
    """The images side by side in one picture (a contact sheet), each with a coloured caption.

    One imshow of the whole sheet draws several times faster than one subplot per image.
    """
    columns = min(GRID_COLUMNS, len(images))
    rows = math.ceil(len(images) / columns)
    height, width = images.shape[1:3]
    cell_height, cell_width = height * 1.5, width * 1.25  # room for the caption above, a gap beside
    sheet = np.full((math.ceil(rows * cell_height), math.ceil(columns * cell_width)), np.nan)  # NaN: blank
    figure = _backend.new_figure("glassnet digits", (1.3 * columns, 1.5 * rows + 0.6))
    axis = figure.add_axes((0, 0, 1, 1 - 0.6 / (1.5 * rows + 0.6)))
    for index, (image, caption, colour) in enumerate(zip(images, titles, colours, strict=True)):
        top = int((index // columns + 1) * cell_height) - height
        left = int((index % columns + 0.5) * cell_width - width / 2)
        sheet[top:top + height, left:left + width] = image
        axis.text(left + width / 2 - 0.5, top - 1, caption, ha="center", va="bottom", fontsize=8, color=colour)
    axis.imshow(sheet, cmap="gray_r", interpolation="nearest", vmin=np.nanmin(sheet), vmax=np.nanmax(sheet))
    axis.axis("off")
    figure.suptitle(title)
    _backend.write_png(figure, path)
    return path


def _message_figure(message, path):
    figure = _backend.new_figure("glassnet digits", (6, 1.5))
    figure.text(0.5, 0.5, message, ha="center", va="center")
    _backend.write_png(figure, path)
    return path
