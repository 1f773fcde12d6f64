"""fit, evaluate and predict given a glassnet.data.Dataset: the checks made before any work.

A Dataset carries its own targets and weights and is batched already, as in Keras: ``y``,
``sample_weight``, ``class_weight`` and ``validation_split`` are refused, ``batch_size`` is
ignored with a warning (Keras ignores it silently) and ``shuffle`` is ignored (the dataset's
own ``shuffle`` decides), as Keras.
"""
import warnings

from glassnet.data import Dataset
from glassnet.data import cardinality as counts
from glassnet.data.structure import flatten


def is_dataset(data):
    return isinstance(data, Dataset)


def check_arguments(method, y=None, sample_weight=None, class_weight=None, validation_split=0.0, batch_size=None):
    """Refuse what a Dataset carries itself; warn that `batch_size` is not used."""
    if y is not None:
        raise ValueError(f"When providing `x` as a tf.data.Dataset, `y` should not be passed to {method}. Instead, the "
                         "targets should be included as part of the dataset: (x, y) elements. "
                         f"Received: y of type {type(y).__name__}")
    for name, value in (("sample_weight", sample_weight), ("class_weight", class_weight)):
        if value is not None:
            raise ValueError(f"`{name}` must not be given to {method} with a Dataset: its elements hold (x, y) or "
                             f"(x, y, sample_weight). Received: {name} of type {type(value).__name__}")
    if validation_split:
        raise ValueError("`validation_split` is only supported for arrays; with a Dataset, pass `validation_data` "
                         "(another Dataset, e.g. from dataset.take/skip). "
                         f"Received: validation_split={validation_split}")
    if batch_size is not None:
        warnings.warn(f"{method}(batch_size={batch_size}) is ignored: a Dataset is batched already (its own "
                      "`.batch()` sets the batch size). Keras ignores it silently.", UserWarning, stacklevel=3)


def check_dataset(dataset, steps, steps_name):
    """An infinite dataset needs a step count; elements must be batches of (x, y[, sample_weight])."""
    if dataset._cardinality() == counts.INFINITE_CARDINALITY and steps is None:
        raise ValueError(f"The dataset is infinite (it repeats forever: cardinality INFINITE_CARDINALITY), so "
                         f"`{steps_name}` is required to say how many batches make one pass. Received: "
                         f"{steps_name}=None")
    spec = dataset.element_spec
    if isinstance(spec, tuple) and not 1 <= len(spec) <= 3:
        raise ValueError(f"A Dataset given to a model must hold elements x, (x,), (x, y) or (x, y, sample_weight); "
                         f"received elements of {len(spec)} parts: {spec}")
    for part in (spec if isinstance(spec, tuple) else (spec,)):
        scalars = [leaf for leaf in flatten(part) if leaf.shape is not None and len(leaf.shape) == 0]
        if scalars:
            raise ValueError(f"The dataset's elements look like single samples, not batches: a part of each element "
                             f"is a scalar ({scalars[0]}). Models take batches: batch the dataset first, e.g. "
                             f"dataset.batch(32). Received elements of spec {spec}")
