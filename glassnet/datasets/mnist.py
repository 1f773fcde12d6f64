"""MNIST, read the way Keras reads it: this is ``glassnet.keras.datasets.mnist`` under a second name.

``from glassnet.datasets import mnist`` and ``tf.keras.datasets.mnist`` are one module (one loader,
one checksum), not copies.
"""
import sys

from glassnet.keras.datasets import mnist as _keras_mnist

sys.modules[__name__] = _keras_mnist
