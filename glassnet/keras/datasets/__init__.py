"""``keras.datasets``: Keras's data sets, loaded from Keras's cache and URLs, checked, never unpickled.

``import glassnet as tf; tf.keras.datasets.mnist.load_data()`` returns what Keras returns. The
files live where Keras keeps them (``$KERAS_HOME`` or ``~/.keras``, then ``datasets/``), so files
Keras has downloaded are used as they are; offline, the error names the file, its URL and the
exact path to place it at.
"""
from glassnet.keras.datasets import (
    boston_housing, california_housing, cifar10, cifar100, fashion_mnist, imdb, mnist, reuters,
)

__all__ = ["boston_housing", "california_housing", "cifar10", "cifar100", "fashion_mnist", "imdb", "mnist", "reuters"]
