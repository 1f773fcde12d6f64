"""``keras.utils``: seeding, the progress bar, PyDataset, label helpers, and plot_model."""
import numpy as np

from glassnet import random
from glassnet.keras import validation as check
from glassnet.keras.utils.model_visualization import plot_model
from glassnet.keras.utils.progbar import Progbar
from glassnet.keras.saving.object_registration import (
    CustomObjectScope, custom_object_scope, get_custom_objects, get_registered_name, get_registered_object,
    register_keras_serializable,
)
from glassnet.keras.utils.py_dataset import PyDataset, Sequence
from glassnet.keras.utils.file_utils import get_file
from glassnet.keras.utils.sequence_utils import pad_sequences
from glassnet.keras.utils.timeseries_dataset import timeseries_dataset_from_array
from glassnet.keras.utils.dataset_split import split_dataset


def set_random_seed(seed):
    """Seed Python's, NumPy's and glassnet's generators: the same seed gives identical training."""
    random.set_seed(seed)


def to_categorical(x, num_classes=None):
    """One-hot encode integer labels: ``[0, 2] -> [[1, 0, 0], [0, 0, 1]]``."""
    num_classes = check.optional(check.integer, "num_classes", num_classes, minimum=1)
    labels = np.asarray(x)
    if labels.size and (not np.issubdtype(labels.dtype, np.number) or np.any(labels != np.round(labels))):
        raise ValueError(f"to_categorical expects integer class labels. Received dtype {labels.dtype}")
    labels = labels.astype(np.int64)
    if labels.ndim > 1 and labels.shape[-1] == 1:
        labels = labels[..., 0]
    num_classes = int(labels.max()) + 1 if num_classes is None else num_classes
    if labels.size and (labels.min() < 0 or labels.max() >= num_classes):
        raise ValueError(f"Labels must be in [0, {num_classes}). Received values from {labels.min()} to {labels.max()}")
    return np.eye(num_classes, dtype="float32")[labels]


__all__ = [
    "CustomObjectScope", "Progbar", "PyDataset", "Sequence", "custom_object_scope", "get_custom_objects",
    "get_registered_name", "get_registered_object", "plot_model", "register_keras_serializable",
    "set_random_seed", "to_categorical",
]
__all__ += ["get_file", "pad_sequences"]
__all__ += ["timeseries_dataset_from_array"]
__all__ += ["split_dataset"]
