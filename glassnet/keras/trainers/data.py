"""Turning what users pass to fit/evaluate/predict into checked NumPy arrays and batches.

Everything here runs before any training work, so a bad argument fails at once
with a message that names it.
"""
import numpy as np

# dtype kinds: bool, signed and unsigned integers, floats, complex (checked on every train_on_batch call)
_NUMERIC_OR_BOOL = "biufc"


def to_array(data, argument, dtype=None):
    """`data` (ndarray, Tensor, list, pandas DataFrame/Series, ...) as a NumPy array.

    Float data is cast to `dtype` (the model's float type); integer labels are kept.
    """
    if data is None:
        raise ValueError(f"`{argument}` is required. Received: {argument}=None")
    try:
        array = np.asarray(getattr(data, "value", data))
    except ValueError:
        array = np.empty(0, dtype=object)  # NumPy refuses ragged nested lists
    if array.dtype == object:
        raise TypeError(
            f"`{argument}` must be numeric array-like data of one shape. Received an array of Python "
            f"objects (ragged lists or mixed types?), from {type(data).__name__}."
        )
    if array.ndim == 0:
        raise ValueError(f"`{argument}` must have a batch axis; received a scalar {argument}={array.item()!r}")
    if array.shape[0] == 0:
        raise ValueError(f"`{argument}` is empty (shape {array.shape}); expected at least one sample.")
    if dtype is not None and array.dtype != dtype and array.dtype.kind in _NUMERIC_OR_BOOL:
        array = array.astype(dtype)
    if array.dtype.kind not in _NUMERIC_OR_BOOL:
        raise TypeError(f"`{argument}` must be numeric. Received dtype {array.dtype}")
    return array


def check_finite(array, argument):
    """Raise if a float array holds NaN or inf, naming where the first one is."""
    if array.dtype.kind == "f" and not np.isfinite(array).all():
        bad = np.argwhere(~np.isfinite(array))[0]
        raise ValueError(
            f"`{argument}` contains NaN or infinite values (first at index {tuple(int(i) for i in bad)}: "
            f"{array[tuple(bad)]}). Remove or impute them before training."
        )


def check_same_length(named_arrays):
    """All arrays must have the same number of samples (rows)."""
    sizes = {name: len(a) for name, a in named_arrays.items() if a is not None}
    if len(set(sizes.values())) > 1:
        detail = ", ".join(f"'{name}' sizes: {n}" for name, n in sizes.items())
        raise ValueError(
            f"Data cardinality is ambiguous: make sure all arrays contain the same number of samples. {detail}"
        )


def split_validation(arrays, validation_split):
    """Split off the last `validation_split` of the rows, before any shuffling (as Keras)."""
    n = len(arrays[0])
    split_at = int(n * (1.0 - validation_split))
    if split_at == 0 or split_at == n:
        raise ValueError(
            f"Training data contains {n} samples, which is not sufficient to split it into a validation "
            f"and training set as specified by `validation_split={validation_split}`. Either provide more "
            "data, or a different value for the `validation_split` argument."
        )
    train = [None if a is None else a[:split_at] for a in arrays]
    val = [None if a is None else a[split_at:] for a in arrays]
    return train, val


def class_weight_to_sample_weight(y, class_weight):
    """Per-sample weights from {class: weight}: one-hot rows use argmax, labels are rounded."""
    if y.ndim > 1 and y.shape[-1] > 1:
        classes = np.argmax(y, axis=-1)
    else:
        classes = np.round(y.reshape(len(y), -1)[:, 0]).astype(np.int64)
    weights = np.ones(len(y), dtype=np.float32)
    for label, weight in class_weight.items():
        weights[classes == int(label)] = weight
    return weights
