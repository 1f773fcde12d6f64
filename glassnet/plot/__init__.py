"""``glassnet.plot``: pictures of training and of the network, drawn with matplotlib.

* :func:`history`: the loss and metric curves of ``fit``;
* :func:`model`: the network, one column of units per layer;
* :func:`lr_find`: the learning-rate range test curve with its suggested rate;
* :func:`diagnostics`: the per-layer curves a ``Diagnostics`` callback recorded;
* :func:`feature_maps`: a convolution layer's feature maps for one image.

Each returns the matplotlib ``Figure`` (a notebook shows it) and, given ``path``, writes it as a PNG.
matplotlib is an optional extra (``pip install "glassnet[plots]"``) imported only when a picture is
drawn: ``import glassnet`` never loads it, and without it each function raises ImportError saying
what to install.
"""
from glassnet.plot._diagnostics import diagnostics
from glassnet.plot._feature_maps import feature_maps
from glassnet.plot._history import history
from glassnet.plot._lr_find import lr_find
from glassnet.plot._network import model

__all__ = ["diagnostics", "feature_maps", "history", "lr_find", "model"]
