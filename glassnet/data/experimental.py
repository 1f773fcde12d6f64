"""tf.data.experimental: the CSV readers and the older names of tf.data's constants."""
from glassnet.data.cardinality import INFINITE_CARDINALITY, UNKNOWN_CARDINALITY
from glassnet.data.csv_reading import CsvDataset, make_csv_dataset
from glassnet.missing import attribute_error as _attribute_error

AUTOTUNE = -1


def cardinality(dataset):
    """``dataset.cardinality()``, by its older name."""
    return dataset.cardinality()


def sample_from_datasets(datasets, weights=None, seed=None, stop_on_empty_dataset=False):
    """``Dataset.sample_from_datasets``, by its older name."""
    from glassnet.data.dataset import Dataset
    return Dataset.sample_from_datasets(datasets, weights, seed, stop_on_empty_dataset)


def choose_from_datasets(datasets, choice_dataset, stop_on_empty_dataset=True):
    """``Dataset.choose_from_datasets``, by its older name."""
    from glassnet.data.dataset import Dataset
    return Dataset.choose_from_datasets(datasets, choice_dataset, stop_on_empty_dataset)


def get_single_element(dataset):
    """``dataset.get_single_element()``, by its older name."""
    return dataset.get_single_element()


def unique():
    """The transformation ``dataset.unique()``, for ``dataset.apply``."""
    return lambda dataset: dataset.unique()


def take_while(predicate):
    """The transformation ``dataset.take_while(predicate)``, for ``dataset.apply``."""
    return lambda dataset: dataset.take_while(predicate)


def scan(initial_state, scan_func):
    """The transformation ``dataset.scan(initial_state, scan_func)``, for ``dataset.apply``."""
    return lambda dataset: dataset.scan(initial_state, scan_func)


def group_by_window(key_func, reduce_func, window_size=None, window_size_func=None):
    """The transformation ``dataset.group_by_window(...)``, for ``dataset.apply``."""
    return lambda dataset: dataset.group_by_window(key_func, reduce_func, window_size, window_size_func)


def bucket_by_sequence_length(element_length_func, bucket_boundaries, bucket_batch_sizes, padded_shapes=None,
                              padding_values=None, pad_to_bucket_boundary=False, no_padding=False,
                              drop_remainder=False):
    """The transformation ``dataset.bucket_by_sequence_length(...)``, for ``dataset.apply``."""
    return lambda dataset: dataset.bucket_by_sequence_length(
        element_length_func, bucket_boundaries, bucket_batch_sizes, padded_shapes, padding_values,
        pad_to_bucket_boundary, no_padding, drop_remainder)


def ignore_errors(log_warning=False):
    """The transformation ``dataset.ignore_errors()``, for ``dataset.apply``."""
    return lambda dataset: dataset.ignore_errors(log_warning)


__getattr__ = _attribute_error(__name__, "tf.data.experimental")

__all__ = ["AUTOTUNE", "CsvDataset", "INFINITE_CARDINALITY", "UNKNOWN_CARDINALITY", "bucket_by_sequence_length",
           "cardinality", "choose_from_datasets", "get_single_element", "group_by_window", "ignore_errors",
           "make_csv_dataset", "sample_from_datasets", "scan", "take_while", "unique"]
