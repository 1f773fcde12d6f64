"""glassnet.data: the part of tf.data that small models use (``tf.data.Dataset``).

See docs/data.md for what is supported and what is not.
"""
from glassnet.data import experimental
from glassnet.data.cardinality import INFINITE_CARDINALITY, UNKNOWN_CARDINALITY
from glassnet.data.dataset import Dataset, DatasetIterator

AUTOTUNE = -1  # tf.data.AUTOTUNE: a parallelism or buffer size left to the library (here: unused)

__all__ = ["AUTOTUNE", "Dataset", "DatasetIterator", "INFINITE_CARDINALITY", "UNKNOWN_CARDINALITY", "experimental"]
