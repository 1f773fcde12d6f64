"""Turning what users pass to fit/evaluate/predict into checked NumPy arrays and batches.

Everything here runs before any training work, so a bad argument fails at once
with a message that names it.
"""
import numpy as np

from glassnet.keras.validation import fail, is_real

# dtype kinds: bool, signed and unsigned integers, floats (checked on every train_on_batch call)
_NUMERIC_OR_BOOL = "biuf"


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
        array = numbers_of(array)
    text = dtype is None and is_text(array)  # strings pass only where the model takes them (dtype None)
    if array.dtype == object and not text:
        raise TypeError(
            f"`{argument}` must be numeric array-like data of one shape. Received an array of Python "
            f"objects (ragged lists or mixed types?), from {type(data).__name__}."
        )
    if array.ndim == 0:
        raise ValueError(f"`{argument}` must have a batch axis; received a scalar {argument}={array.item()!r}")
    if array.shape[0] == 0:
        raise ValueError(f"`{argument}` is empty (shape {array.shape}); expected at least one sample.")
    if array.dtype.kind == "c":  # a cast to float would drop the imaginary part without a word
        raise TypeError(
            f"`{argument}` must be real numbers. Received complex data (dtype {array.dtype}); models compute in "
            f"real floats and would silently drop the imaginary part. Pass np.real({argument}), or the real and "
            "imaginary parts as separate features."
        )
    if dtype is not None and array.dtype != dtype and array.dtype.kind in _NUMERIC_OR_BOOL:
        array = array.astype(dtype)
    if array.dtype.kind not in _NUMERIC_OR_BOOL and not text:
        raise TypeError(f"`{argument}` must be numeric. Received dtype {array.dtype}")
    return array


def is_text(array):
    """Strings (str or bytes, as NumPy holds them): the input of a StringLookup, passed as they are."""
    if array.dtype.kind in "US":
        return True
    return array.dtype == object and array.size > 0 and all(isinstance(v, (str, bytes)) for v in array.flat)


_NUMBER_TYPES = (bool, int, float, np.bool_, np.integer, np.floating)


def numbers_of(array):
    """An object array that holds only numbers and bools (NumPy's array of a pandas DataFrame with
    float and bool columns, as ``pd.get_dummies`` makes them) as float64, as TensorFlow converts
    it; any other object array comes back as it is, for the caller to refuse."""
    if array.size and all(isinstance(value, _NUMBER_TYPES) for value in array.flat):
        return array.astype(np.float64)
    return array


def only_item(value):
    """The one value of a dict, list or tuple holding exactly one (a single output given, or
    returned, in a structure: ``{"out": y}``), else `value` itself, as Keras flattens it."""
    if isinstance(value, dict) and len(value) == 1:
        return next(iter(value.values()))
    if isinstance(value, (list, tuple)) and len(value) == 1:
        return value[0]
    return value


class InputArrays:
    """The arrays of a model with several inputs, sliced together: ``x[rows]`` slices each,
    ``len(x)`` is the number of samples, ``x.shape`` the tuple of their shapes. `keyed` arrays
    (a subclassed model given a dict) reach the model as a dict keyed by `names`, else as a list."""

    def __init__(self, arrays, names, keyed=False):
        self.arrays, self.names, self.keyed = list(arrays), list(names), keyed

    def __len__(self):
        return len(self.arrays[0])

    def __getitem__(self, rows):
        return InputArrays([array[rows] for array in self.arrays], self.names, self.keyed)

    @property
    def shape(self):
        if self.keyed:
            return {name: array.shape for name, array in zip(self.names, self.arrays)}
        return tuple(array.shape for array in self.arrays)

    @property
    def dtype(self):
        return self.arrays[0].dtype


def input_arrays(x, names, argument, dtype=None, keyed=False):
    """`x` (a list or tuple of arrays in the order of the model's inputs, or a dict keyed by their
    `names`) as checked InputArrays of one length (`keyed`: given to the model as a dict). `dtype`
    is one dtype for every input or a list of one per input (None: as given)."""
    if isinstance(x, InputArrays):  # already checked (a validation split of checked arrays)
        return x
    if isinstance(x, dict):
        missing = [name for name in names if name not in x]
        if missing:
            raise ValueError(f"`{argument}` is a dict without the model's inputs {missing}: expected the keys "
                             f"{names}. Received keys: {sorted(x)}")
        x = [x[name] for name in names]
    if not isinstance(x, (list, tuple)) or len(x) != len(names):
        count = len(x) if isinstance(x, (list, tuple)) else 1
        raise ValueError(f"The model has {len(names)} inputs ({', '.join(names)}), so `{argument}` must be a list of "
                         f"{len(names)} arrays in that order, or a dict keyed by those names. Received "
                         f"{count} array(s) ({type(x).__name__}).")
    dtypes = dtype if isinstance(dtype, list) else [dtype] * len(names)  # one per input, or one for all
    arrays = [to_array(part, f"{argument}['{name}']", dtype=part_dtype)
              for part, name, part_dtype in zip(x, names, dtypes)]
    check_same_length({f"{argument}['{name}']": array for name, array in zip(names, arrays)})
    return InputArrays(arrays, names, keyed)


def as_model_input(x):
    """What a model is called with: a Tensor, or a list (or dict, if keyed) of Tensors for InputArrays."""
    from glassnet.autodiff import Tensor
    if not isinstance(x, InputArrays):
        return Tensor(x)
    if x.keyed:
        return {name: Tensor(array) for name, array in zip(x.names, x.arrays)}
    return [Tensor(array) for array in x.arrays]


def check_finite(array, argument):
    """Raise if a float array holds NaN or inf, naming where the first one is."""
    if isinstance(array, InputArrays):
        for part, name in zip(array.arrays, array.names):
            check_finite(part, f"{argument}['{name}']")
        return
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


def standardize_shuffle(shuffle):
    """`shuffle` as True, False or 'batch' (NumPy bools count as bools).

    Keras hands `shuffle` to its data adapter, which shuffles on any truthy value, so
    shuffle=1 or shuffle='no' shuffle there; glassnet refuses them instead of guessing.
    """
    if isinstance(shuffle, (bool, np.bool_)):
        return bool(shuffle)
    if isinstance(shuffle, str) and shuffle == "batch":
        return shuffle
    fail("shuffle", shuffle, "True, False or 'batch' (a bool, not a number or other string)")


def standardize_class_weight(class_weight):
    """`class_weight` as {class index: weight} with int keys and float weights, or None.

    Keys are class indices: integers, or floats that are whole numbers (np.unique of float
    labels gives those; Keras looks weights up with int(label), which finds them). Weights
    are finite and non-negative.
    """
    if class_weight is None:
        return None
    if not isinstance(class_weight, dict):
        hint = " For weights listed by class, pass dict(enumerate(class_weight))." \
            if isinstance(class_weight, (list, tuple, np.ndarray)) else ""
        raise TypeError(
            "Invalid `class_weight`: expected a dict mapping class indices (integers) to weights, e.g. "
            f"{{0: 1.0, 1: 5.0}}. Received: class_weight={class_weight!r} (a {type(class_weight).__name__}).{hint}"
        )
    return {_class_index(key, class_weight): _class_weight_value(key, weight, class_weight)
            for key, weight in class_weight.items()}


def _class_index(key, class_weight):
    if not is_real(key) or not float(key).is_integer():
        raise TypeError(f"`class_weight` keys must be class indices (integers). Received the key {key!r} in "
                        f"class_weight={class_weight!r}")
    if key < 0:
        raise ValueError(f"`class_weight` keys must be class indices (integers >= 0). Received the key {key!r} "
                         f"in class_weight={class_weight!r}")
    return int(key)


def _class_weight_value(key, weight, class_weight):
    if not is_real(weight):
        raise TypeError(f"`class_weight` values must be numbers. Received {key!r}: {weight!r} in "
                        f"class_weight={class_weight!r}")
    if not np.isfinite(weight) or weight < 0:
        raise ValueError(f"`class_weight` values must be finite non-negative numbers. Received {key!r}: "
                         f"{weight!r} in class_weight={class_weight!r}")
    return float(weight)


def class_weight_to_sample_weight(y, class_weight):
    """Per-sample weights from {class: weight}: one-hot rows use argmax, labels are rounded."""
    class_weight = standardize_class_weight(class_weight)
    if y.ndim > 1 and y.shape[-1] > 1:
        classes = np.argmax(y, axis=-1)
    else:
        classes = np.round(y[..., 0] if y.ndim > 1 else y).astype(np.int64)
    if classes.ndim != 1:
        raise ValueError(
            f"`class_weight` needs one class per sample, but y of shape {y.shape} holds {classes.shape[1:]} per "
            "sample (sequence targets?). Pass `sample_weight` with one weight per time step instead."
        )
    weights = np.ones(len(y), dtype=np.float32)
    for label, weight in class_weight.items():
        weights[classes == label] = weight
    return weights


def standardize_sample_weight(sample_weight, output_shape, argument):
    """`sample_weight` shaped as the per-sample losses: (n,) for outputs (n, k), (n, t) for (n, t, k).

    Every loss averages over the output's last axis, so there is one loss per sample (per step
    for sequences). Keras takes weights that line up with those after dropping or adding one
    trailing axis of size 1, and (n, 1) per-sample weights for per-step losses; anything else
    fails inside Keras's loss or broadcasts to an (n, ..., n) product that weighs each loss by
    every weight, so it is refused here.
    """
    losses_shape = (len(sample_weight), *output_shape[1:-1])
    weights = sample_weight
    if weights.ndim == len(losses_shape) + 1 and weights.shape[-1] == 1:
        weights = weights.reshape(weights.shape[:-1])
    if weights.ndim == len(losses_shape) and all(w in (1, s) for w, s in zip(weights.shape[1:], losses_shape[1:])):
        return weights if weights.shape == losses_shape else np.broadcast_to(weights, losses_shape).copy()
    accepted = f"{losses_shape} or {(*losses_shape, 1)}"
    if len(losses_shape) > 1:
        accepted += f" (one weight per step) or {(losses_shape[0], 1)} (one per sample)"
    raise ValueError(
        f"`{argument}` must hold one weight per sample: expected shape {accepted} for model outputs of shape "
        f"{(None, *output_shape[1:])}. Received: {argument} of shape {sample_weight.shape}."
    )
