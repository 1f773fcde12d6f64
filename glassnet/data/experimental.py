"""tf.data.experimental: the CSV readers and the older names of tf.data's constants."""
from glassnet.data.cardinality import INFINITE_CARDINALITY, UNKNOWN_CARDINALITY
from glassnet.data.csv_reading import CsvDataset, make_csv_dataset
from glassnet.missing import attribute_error as _attribute_error

AUTOTUNE = -1


def cardinality(dataset):
    """``dataset.cardinality()``, by its older name."""
    return dataset.cardinality()


__getattr__ = _attribute_error(__name__, "tf.data.experimental")

__all__ = ["AUTOTUNE", "CsvDataset", "INFINITE_CARDINALITY", "UNKNOWN_CARDINALITY", "cardinality", "make_csv_dataset"]
