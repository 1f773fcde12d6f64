"""Elements of a Dataset: nested tuples and dicts of arrays, as tf.data's `nest` sees them.

Inside the pipeline every leaf is a NumPy array (a 0-d array for a scalar); users see
glassnet Tensors (iteration, ``map``'s arguments) or NumPy values (``as_numpy_iterator``).
As in TensorFlow, tuples and dicts are structure, while a list given as data is one tensor
(``from_tensor_slices([[1, 2], [3, 4]])`` slices a 2x2 array); a list returned by a
``map`` function is read as a tuple.
"""
import numpy as np

from glassnet.autodiff import Tensor
from glassnet.autodiff.convert import convert_to_tensor


def map_structure(fn, *structures):
    """`fn` applied to the leaves of structures of the same shape, in their structure."""
    first = structures[0]
    if isinstance(first, dict):  # an OrderedDict stays one (make_csv_dataset's features)
        return type(first)((key, map_structure(fn, *(s[key] for s in structures))) for key in first)
    if isinstance(first, tuple):
        items = [map_structure(fn, *parts) for parts in zip(*structures)]
        return type(first)(*items) if hasattr(first, "_fields") else tuple(items)
    return fn(*structures)


def flatten(structure):
    """The leaves in a fixed order (dict keys sorted, as tf.nest)."""
    if isinstance(structure, dict):
        return [leaf for key in sorted(structure) for leaf in flatten(structure[key])]
    if isinstance(structure, tuple):
        return [leaf for item in structure for leaf in flatten(item)]
    return [structure]


def pack_as(structure, leaves):
    """`leaves` (in flatten's order) put back into the shape of `structure`."""
    leaves = iter(leaves)

    def fill(part):
        if isinstance(part, dict):
            values = {key: fill(part[key]) for key in sorted(part)}
            return type(part)((key, values[key]) for key in part)
        if isinstance(part, tuple):
            items = [fill(item) for item in part]
            return type(part)(*items) if hasattr(part, "_fields") else tuple(items)
        return next(leaves)
    return fill(structure)


def same_structure(a, b):
    """Whether two structures nest alike (tuples, dict keys), whatever their leaves."""
    if isinstance(a, dict) or isinstance(b, dict):
        return isinstance(a, dict) and isinstance(b, dict) and set(a) == set(b) and all(
            same_structure(a[key], b[key]) for key in a)
    if isinstance(a, tuple) or isinstance(b, tuple):
        return isinstance(a, tuple) and isinstance(b, tuple) and len(a) == len(b) and all(
            same_structure(x, y) for x, y in zip(a, b))
    return True


def normalize(value):
    """User data (or a map function's result) as a structure of NumPy arrays.

    Leaves follow glassnet's (TensorFlow's) conversion: NumPy arrays keep their dtype, Python
    floats become float32 and ints int32; strings become bytes, as TensorFlow yields them. A
    pandas DataFrame is one array of its values, as TensorFlow converts it (``dict(frame)`` gives
    a dict of columns); a list is one tensor (a list of tuples too), as TensorFlow converts it.
    """
    if isinstance(value, (Tensor, np.ndarray)):  # the usual leaf, first
        return to_array(value)
    if isinstance(value, dict):
        return type(value)((key, normalize(item)) for key, item in value.items())
    if isinstance(value, tuple):
        items = [normalize(item) for item in value]
        return type(value)(*items) if hasattr(value, "_fields") else tuple(items)
    if isinstance(value, list) and any(isinstance(item, dict) for item in value):
        raise ValueError(f"A list of dicts cannot be one tensor: pass a dict of lists (one per key) or a tuple of "
                        f"dicts. Received: {value!r:.200}")
    return to_array(value)


def to_array(value):
    """One leaf as a NumPy array."""
    if isinstance(value, Tensor):
        return np.asarray(value.value)
    if hasattr(value, "to_numpy") and not isinstance(value, np.ndarray):  # a pandas Series or DataFrame
        value = value.to_numpy()
    if isinstance(value, (np.ndarray, np.generic)):
        array = np.asarray(value)
    elif isinstance(value, (str, bytes)) or (isinstance(value, list) and _holds_strings(value)):
        array = np.asarray(value)
    else:
        array = np.asarray(convert_to_tensor(value).value)
    if array.dtype.kind == "U" or array.dtype == object:
        array = np.char.encode(array.astype(str), "utf-8")
    return array


def _holds_strings(items):
    first = items[0] if items else None
    while isinstance(first, list) and first:
        first = first[0]
    return isinstance(first, (str, bytes))


def to_tensors(element):
    """An element as users see it: each leaf a glassnet Tensor (a window's Datasets stay Datasets)."""
    return map_structure(_tensor, element)


def _tensor(leaf):
    return Tensor(leaf) if isinstance(leaf, np.ndarray) or not hasattr(leaf, "element_spec") else leaf


def to_numpy(element):
    """An element as ``as_numpy_iterator`` gives it: NumPy scalars for 0-d leaves, as TensorFlow."""
    return map_structure(_numpy, element)


def _numpy(leaf):
    if not isinstance(leaf, np.ndarray):
        raise TypeError(f"Dataset.as_numpy_iterator() is not supported for datasets that produce values of type "
                        f"{type(leaf).__name__} (window's Datasets): iterate over them instead.")
    return leaf[()] if leaf.ndim == 0 else leaf


def describe(structure):
    """A short text of a structure of specs or arrays, for error messages."""
    if isinstance(structure, dict):
        return "{" + ", ".join(f"{key!r}: {describe(value)}" for key, value in structure.items()) + "}"
    if isinstance(structure, tuple):
        return "(" + ", ".join(describe(item) for item in structure) + ("," if len(structure) == 1 else "") + ")"
    return repr(structure)
