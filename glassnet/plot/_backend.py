"""What every picture shares: matplotlib loaded only when a picture is drawn, and PNGs written whole.

matplotlib is an optional extra, so nothing here imports it at module level: ``import glassnet``
works without it and stays fast. Figures are plain ``matplotlib.figure.Figure`` objects on the
file-only Agg canvas, never pyplot figures: drawing changes no global backend (a notebook keeps its
own) and no window can open. A PNG is written to a temporary file beside the target and moved over
it only once complete, so a failed write leaves neither half a picture nor a lost old one.
"""
import functools
import io
import os

MISSING = "matplotlib is not installed (pip install matplotlib)"
DPI = 100


def new_figure(caller, figsize):
    """An empty Figure on the Agg canvas, or ImportError saying what to install (`caller`: who draws)."""
    figure = _picture_class(caller)(figsize=figsize)
    _agg_canvas()(figure)
    return figure


def _picture_class(caller):
    try:
        import matplotlib  # noqa: F401 - the package itself, not a submodule a cache could still hold
    except ImportError:
        raise ImportError(f"{MISSING}: {caller} draws with it "
                          '(pip install "glassnet[plots]" installs both)') from None
    return _picture()


@functools.lru_cache(maxsize=None)
def _picture():
    from matplotlib.figure import Figure

    class Picture(Figure):
        """A Figure that shows itself in a notebook even where pyplot was never imported."""

        def _repr_png_(self):
            buffer = io.BytesIO()
            self.savefig(buffer, format="png", dpi=DPI)
            return buffer.getvalue()

    return Picture


def _agg_canvas():
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    return FigureCanvasAgg


def checked_path(path, caller):
    """`path` as a string, once it is sure a PNG can go there; raised before any drawing starts."""
    if path is None:
        return None
    try:
        path = os.fspath(path)
    except TypeError:
        raise TypeError(f"glassnet.plot.{caller}: `path` must be a file name (a str or os.PathLike) or None. "
                        f"Received: path={path!r} (of type {type(path).__name__})") from None
    folder = os.path.dirname(os.path.abspath(path))
    if not os.path.isdir(folder):
        raise FileNotFoundError(f"glassnet.plot.{caller}: cannot write path={path!r}: its folder {folder!r} "
                                "does not exist. Create the folder first (os.makedirs).")
    if os.path.isdir(path):
        raise IsADirectoryError(f"glassnet.plot.{caller}: path={path!r} is a folder; expected a file name "
                                "such as 'history.png'.")
    if not path.lower().endswith(".png"):
        raise ValueError(f"glassnet.plot.{caller}: pictures are written as PNG, so `path` must end in '.png'. "
                         f"Received: path={path!r}")
    return path


def finish(figure, path):
    """Lay the figure out, write it to `path` (if given) and return it."""
    figure.tight_layout()
    if path is not None:
        write_png(figure, path)
    return figure


def write_png(figure, path):
    """Write `figure` to `path` whole (glassnet.keras.saving.atomic: a temporary file, then one rename)."""
    from glassnet.keras.saving import atomic
    atomic.write_file(path, lambda file: figure.savefig(file, format="png", dpi=DPI))
