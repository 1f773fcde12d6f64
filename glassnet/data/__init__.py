"""glassnet.data: the part of tf.data that small models use (``tf.data.Dataset``).

See docs/data.md for what is supported and what is not.
"""
from glassnet.data import experimental
from glassnet.data.cardinality import INFINITE_CARDINALITY, UNKNOWN_CARDINALITY
from glassnet.data.dataset import Dataset, DatasetIterator
from glassnet.data.text_files import TextLines as TextLineDataset
from glassnet.data.windowing import DatasetSpec
from glassnet.missing import attribute_error as _attribute_error

AUTOTUNE = -1  # tf.data.AUTOTUNE: a parallelism or buffer size left to the library (here: unused)

__getattr__ = _attribute_error(__name__, "tf.data")  # TFRecordDataset & co. are not offered (docs/data.md)

__all__ = ["AUTOTUNE", "Dataset", "DatasetIterator", "DatasetSpec", "INFINITE_CARDINALITY", "TextLineDataset",
           "UNKNOWN_CARDINALITY", "experimental"]
