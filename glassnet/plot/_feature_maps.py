"""``glassnet.plot.feature_maps``: what a convolution or pooling layer saw, one picture per channel.

A Conv2D layer's output for one image is a stack of feature maps (rows x columns x filters): each
filter's map shows where in the image it responded. Drawn from a traced training step
(``trace = glassnet.inspect.step(model, x, y)``), the maps are exactly those that step computed.
"""
import math

import numpy as np

from glassnet.plot import _backend

MAX_MAPS = 32


def feature_maps(source, layer=None, sample=0, max_maps=MAX_MAPS, path=None):
    """A grid of the feature maps of one sample: one small image per channel, with the input image.

    Args:
        source: a ``Trace`` from ``glassnet.inspect.step`` (then name the `layer`), a ``LayerTrace``
            (``trace.layer("conv2d")``), or an array of shape (batch, rows, columns, channels)
            or (rows, columns, channels).
        layer: the layer's name (or the Layer) in a Trace.
        sample: which sample of the batch to show.
        max_maps: show at most this many channels (the first ones).
        path: where to write the picture as a PNG (the folder must exist); None draws only.

    Returns the matplotlib ``Figure``.
    """
    maps, title, image = _maps(source, layer, sample)
    max_maps = _positive_int("max_maps", max_maps)
    path = _backend.checked_path(path, "feature_maps")
    count = min(maps.shape[-1], max_maps)
    columns = min(8, count + (image is not None))
    rows = math.ceil((count + (image is not None)) / columns)
    figure = _backend.new_figure("glassnet.plot.feature_maps", (1.6 * columns, 1.6 * rows + 0.6))
    axes = np.atleast_1d(figure.subplots(rows, columns, squeeze=False)).ravel()
    pictures = ([("input", image)] if image is not None else []) + [
        (f"channel {c}", maps[..., c]) for c in range(count)]
    for axis, (label, picture) in zip(axes, pictures):
        axis.imshow(picture, cmap="gray" if label == "input" else "viridis")
        axis.set_title(label, fontsize=8)
    for axis in axes:
        axis.axis("off")
    shown = "" if count == maps.shape[-1] else f" (first {count} of {maps.shape[-1]} channels)"
    figure.suptitle(f"{title}: sample {sample}, maps of {maps.shape[0]}x{maps.shape[1]}{shown}", fontsize=10)
    return _backend.finish(figure, path)


def _maps(source, layer, sample):
    """(rows x columns x channels maps, title, the input image or None) of one sample of `source`."""
    image = None
    if hasattr(source, "layers") and hasattr(source, "layer"):  # a Trace
        if layer is None:
            raise ValueError("glassnet.plot.feature_maps: name the layer whose maps to draw, e.g. "
                             f"layer='conv2d'. Layers in this trace: {[c.name for c in source.layers]}")
        source = source.layer(layer)
    if hasattr(source, "a") and hasattr(source, "layer"):  # a LayerTrace
        title, values, inputs = f"layer '{source.name}' ({type(source.layer).__name__})", source.a, source.inputs
        image = _input_image(inputs, sample)
    else:
        title, values = "feature maps", source
    values = np.asarray(values)
    if values.ndim == 3:
        values = values[None]
    if values.ndim != 4:
        raise ValueError("glassnet.plot.feature_maps: expected maps of shape (batch, rows, columns, channels) "
                         f"or (rows, columns, channels), as a Conv2D or pooling layer outputs. Received shape "
                         f"{values.shape}. A Dense or Flatten layer has no maps to draw.")
    if not isinstance(sample, (int, np.integer)) or not -len(values) <= sample < len(values):
        raise ValueError(f"glassnet.plot.feature_maps: `sample` must be an index into the batch of "
                         f"{len(values)}. Received: sample={sample!r}")
    return values[sample], title, image


def _input_image(inputs, sample):
    """The layer's input for the sample as a picture, if it is one image of 1 or 3 channels."""
    inputs = np.asarray(inputs) if not isinstance(inputs, list) else None
    if inputs is None or inputs.ndim != 4 or inputs.shape[-1] not in (1, 3):
        return None
    picture = inputs[sample]
    return picture[..., 0] if picture.shape[-1] == 1 else (picture - picture.min()) / (np.ptp(picture) or 1)


def _positive_int(name, value):
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < 1:
        raise ValueError(f"glassnet.plot.feature_maps: `{name}` must be a positive integer. Received: {name}={value!r}")
    return int(value)
