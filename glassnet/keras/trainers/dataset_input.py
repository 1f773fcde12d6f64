"""fit, evaluate and predict given a glassnet.data.Dataset: the checks made before any work.

A Dataset carries its own targets and weights and is batched already, as in Keras: ``y``,
``sample_weight`` and ``validation_split`` are refused (``class_weight`` weighs each batch), ``batch_size`` is
ignored with a warning (Keras ignores it silently) and ``shuffle`` is ignored (the dataset's
own ``shuffle`` decides), as Keras.
"""
import warnings

import numpy as np

from glassnet.data import Dataset
from glassnet.data import cardinality as counts
from glassnet.data.structure import flatten
from glassnet.keras.trainers.data import check_finite, check_same_length, class_weight_to_sample_weight


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


def class_weights(y, sample_weight, class_weight):
    """A batch's sample weights from `class_weight`, as Keras maps it over a dataset's elements."""
    if sample_weight is not None:
        raise ValueError("You cannot use `class_weight` and `sample_weight` at the same time: the dataset's elements "
                         "hold sample weights (x, y, sample_weight).")
    if not isinstance(y, np.ndarray):
        raise ValueError("`class_weight` is only supported for models with a single output (as Keras): the "
                         f"dataset's targets are a {type(y).__name__}. Put per-output weights in the elements instead.")
    return class_weight_to_sample_weight(y, class_weight)


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


class LaterBatches:
    """`prepare` for a Dataset's batches: the first batch (and any whose layout differs) gets every
    check of ``full_prepare``; the others, of the same layout as the last fully checked one (plain
    arrays of the same dtypes and trailing shapes: a dataset's element spec is fixed), only the
    conversions it made and the checks their values can fail (NaN and inf, equal lengths).
    ``full_prepare(x, y, sample_weight)`` returns the arrays fit trains on."""

    def __init__(self, full_prepare, dtype):
        self.full_prepare, self.dtype = full_prepare, dtype
        self.layout = self.shapes = None

    def __call__(self, x, y=None, sample_weight=None):
        layout = _layout(x, y, sample_weight)
        if layout is None or layout != self.layout:
            prepared = self.full_prepare(x, y, sample_weight)
            self.layout = layout if _layout(*prepared) is not None else None
            self.shapes = [None if part is None else part.shape[1:] for part in prepared]
            return prepared
        parts = [x.astype(self.dtype) if x.dtype != self.dtype else x,
                 None if y is None else (y.astype(self.dtype) if y.dtype.kind == "f" and y.dtype != self.dtype else y),
                 None if sample_weight is None else sample_weight.astype(self.dtype, copy=False)]
        check_same_length({"x": x, "y": y, "sample_weight": sample_weight})
        for part, name in zip(parts, ("x", "y", "sample_weight")):
            if part is not None:
                check_finite(part, name)
        return tuple(None if part is None else _reshaped(part, shape) for part, shape in zip(parts, self.shapes))


def _layout(*parts):
    """The dtypes and trailing shapes of plain NumPy arrays (None for any other structure)."""
    if not all(part is None or isinstance(part, np.ndarray) for part in parts) or parts[0] is None:
        return None
    if parts[0].dtype.kind not in "biuf":
        return None
    return tuple(None if part is None else (part.dtype, part.shape[1:]) for part in parts)


def _reshaped(array, trailing):
    """`array` with the trailing shape the full checks gave the first batch (a dropped or added axis of 1,
    weights broadcast over steps)."""
    if array.shape[1:] == trailing:
        return array
    if np.prod(array.shape[1:], dtype=int) == np.prod(trailing, dtype=int):
        return array.reshape((len(array), *trailing))
    return np.broadcast_to(array.reshape(len(array), *([1] * len(trailing))) if array.ndim == 1 else array,
                           (len(array), *trailing)).copy()
