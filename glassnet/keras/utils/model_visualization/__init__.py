"""``keras.utils.plot_model``: the model's layer graph, drawn with matplotlib and written to a file.

Keras draws this graph with pydot and graphviz; glassnet draws the same picture with matplotlib (an
optional extra, imported only when drawing). What is drawn is what Keras draws: a box per layer with
Keras's label, an arrow per distinct (source, destination) pair of layers. ``plot_model`` checks its
arguments, then takes three steps, one module each:

1. graph.py reads the model's graph as Keras walks it: its boxes, labelled by labels.py, and links;
2. layout.py sizes and places the boxes, in ranks that ranking.py builds and orders (graphviz's
   layered drawing, in small);
3. drawing.py draws the boxes and arrows on a matplotlib figure, which is then written to the file.
"""
import os
import types

from glassnet.keras import validation as check
from glassnet.plot import _backend

# The steps under private names: the package's public name is plot_model alone.
from glassnet.keras.utils.model_visualization.drawing import draw as _draw
from glassnet.keras.utils.model_visualization.graph import model_graph as _graph
from glassnet.keras.utils.model_visualization.layout import lay_out as _lay_out

CALLER = "keras.utils.plot_model"
FLAGS = ("show_shapes", "show_dtype", "show_layer_names", "expand_nested", "show_layer_activations",
         "show_trainable")
RANKDIRS = ("TB", "LR", "BT", "RL")  # graphviz's: top to bottom, left to right, and the reverses
SPLINES = ("ortho", "curved", "polyline", "spline", "line")
IMAGE_FORMATS = {"png": "png", "jpg": "jpeg", "jpeg": "jpeg", "gif": "gif", "webp": "webp"}  # IPython shows these

__all__ = ["plot_model"]


def plot_model(model, to_file="model.png", show_shapes=False, show_dtype=False, show_layer_names=False,
               rankdir="TB", expand_nested=False, dpi=200, show_layer_activations=False, show_trainable=False,
               splines="ortho", **kwargs):
    """Draw `model`'s layer graph and write it to `to_file`; Keras's ``keras.utils.plot_model``.

    Args:
        model: a built Sequential, functional or subclassed model (a subclassed one is one box).
        to_file: the file to write; its extension picks the format (``.png``, ``.pdf``, ``.svg``, or any
            other matplotlib writes; none: PNG). Its folder must exist.
        show_shapes: each box shows its layer's input and output shapes, as ``(None, 32)``.
        show_dtype: each box shows its layer's output dtype.
        show_layer_names: the title is ``name (Class)`` rather than the class alone (Keras 3's default: off).
        rankdir: ``"TB"`` draws the graph top to bottom, ``"LR"`` left to right (``"BT"``, ``"RL"``: the reverses).
        expand_nested: a nested Sequential or functional model is drawn whole in a dashed frame.
        dpi: the resolution of a raster file (dots per inch).
        show_layer_activations: boxes of layers with an ``activation`` show it.
        show_trainable: boxes of layers with weights say "Trainable" or "Non-trainable".
        splines: how arrows run: ``"ortho"`` (right angles), ``"curved"``/``"spline"`` (curves),
            ``"polyline"``/``"line"`` (straight).

    Returns an ``IPython.display.Image`` (``SVG`` for an .svg file) that a notebook shows, when IPython
    is installed; otherwise None, as Keras (and None for PDF and the other formats).

    >>> import os, tempfile
    >>> from glassnet import keras
    >>> x = keras.Input(shape=(3,), name="x")
    >>> model = keras.Model(x, keras.layers.Dense(1, name="out")(keras.layers.Dense(4, name="hidden")(x)))
    >>> path = os.path.join(tempfile.mkdtemp(), "model.png")
    >>> image = keras.utils.plot_model(model, path, show_shapes=True, show_layer_names=True)
    >>> os.path.getsize(path) > 1000
    True
    """
    _check_model(model)
    options = _checked_options(kwargs, show_shapes=show_shapes, show_dtype=show_dtype,
                               show_layer_names=show_layer_names, rankdir=rankdir, expand_nested=expand_nested,
                               dpi=dpi, show_layer_activations=show_layer_activations,
                               show_trainable=show_trainable, splines=splines)
    path, extension = _checked_file(to_file)
    figure = _backend.new_figure(CALLER, (1, 1))  # without matplotlib: ImportError saying what to install
    _check_format(figure, path, extension)
    graph = _graph(model, options)
    _lay_out(graph, options.rankdir)
    _draw(figure, graph, options)
    from glassnet.keras.saving import atomic  # imported here: keras.utils loads before keras.saving
    atomic.write_file(path, lambda file: figure.savefig(file, format=extension, dpi=options.dpi))
    return _notebook_image(path, extension)


# --- the arguments, checked before any work -------------------------------------------------------------
def _check_model(model):
    from glassnet.keras.models import Model
    if not isinstance(model, Model):
        raise TypeError("plot_model expects a Keras model (Sequential, functional or subclassed). "
                        f"Received: model={model!r} (of type {type(model).__name__})")
    if not model.built:
        raise ValueError("This model has not yet been built. Build the model first by calling `build()` or by "
                         f"calling the model on a batch of data. Received: the unbuilt model '{model.name}'")


def _checked_options(kwargs, **options):
    if kwargs.pop("layer_range", None) is not None:
        raise ValueError("Argument `layer_range` is no longer supported.")
    if kwargs:
        raise ValueError(f"Unrecognized keyword arguments: {kwargs}")
    for name in FLAGS:
        options[name] = check.boolean(name, options[name], owner="plot_model")
    check.one_of("rankdir", options["rankdir"], RANKDIRS, owner="plot_model")
    check.one_of("splines", options["splines"], SPLINES, owner="plot_model")
    options["dpi"] = check.positive("dpi", options["dpi"], owner="plot_model")
    return types.SimpleNamespace(**options)


def _checked_file(to_file):
    """`to_file` as a str and its format (the extension; Keras writes a PNG for a name without one)."""
    try:
        path = os.fsdecode(os.fspath(to_file))
    except TypeError:
        check.fail("to_file", to_file, "a file name (a str or os.PathLike)", "plot_model", TypeError)
    folder = os.path.dirname(os.path.abspath(path))
    if not os.path.isdir(folder):
        raise FileNotFoundError(f"plot_model cannot write to_file={path!r}: its folder {folder!r} does not exist. "
                                "Create the folder first (os.makedirs).")
    if os.path.isdir(path):
        raise IsADirectoryError(f"plot_model cannot write to_file={path!r}: it is a folder; expected a file name "
                                "such as 'model.png'.")
    return path, os.path.splitext(path)[1][1:].lower() or "png"


def _check_format(figure, path, extension):
    known = figure.canvas.get_supported_filetypes()
    if extension not in known:
        check.fail("to_file", path, f"a file name ending in a format matplotlib writes ({', '.join(sorted(known))})",
                   "plot_model")


# --- the return value -----------------------------------------------------------------------------------
def _notebook_image(path, extension):
    """What Keras returns for a notebook: IPython's Image of the file when IPython is installed."""
    try:
        from IPython import display
    except ImportError:
        return None
    if extension == "svg":
        return display.SVG(filename=path)
    if extension in IMAGE_FORMATS:
        return display.Image(filename=path, format=IMAGE_FORMATS[extension])
    return None
