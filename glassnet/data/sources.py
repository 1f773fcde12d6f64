"""Where elements come from: arrays (rows or whole), a range of numbers, a Python generator, other datasets zipped."""
import numpy as np

from glassnet.data import cardinality as counts
from glassnet.data.dataset import Dataset, spec_of
from glassnet.data.structure import describe, flatten, map_structure, normalize, pack_as
from glassnet.keras import validation as check
from glassnet.tensor_spec import TensorSpec, shapes_compatible


class TensorSlices(Dataset):
    """One element per row of the arrays in ``columns`` (``from_tensor_slices``)."""

    def __init__(self, tensors):
        self.columns = normalize(tensors)
        leaves = flatten(self.columns)
        if any(leaf.ndim == 0 for leaf in leaves):
            scalars = [leaf.item() for leaf in leaves if leaf.ndim == 0]
            raise ValueError(f"Unbatching a tensor is only supported for rank >= 1: from_tensor_slices slices "
                             f"its arrays along their first axis, but received the scalar(s) {scalars}. Use "
                             "from_tensors for a single element.")
        lengths = sorted({len(leaf) for leaf in leaves})
        if len(lengths) > 1:
            shapes = describe(map_structure(lambda leaf: leaf.shape, self.columns))
            raise ValueError(f"from_tensor_slices needs arrays of one length (their first dimension), as "
                             f"TensorFlow: received lengths {lengths}, in shapes {shapes}.")
        self.length = lengths[0]

    def _index_source(self):
        return self

    def _index_chunks(self):
        yield range(self.length)

    def _cardinality(self):
        return self.length

    def _spec(self):
        return map_structure(lambda leaf: TensorSpec(leaf.shape[1:], leaf.dtype), self.columns)


class Tensors(Dataset):
    """A single element (``from_tensors``)."""

    def __init__(self, tensors):
        self.element = normalize(tensors)

    def _elements(self):
        yield self.element

    def _cardinality(self):
        return 1

    def _spec(self):
        return spec_of(self.element)


class Range(Dataset):
    """``range(stop)`` or ``range(start, stop[, step])`` as 0-d arrays of `output_type` (int64)."""

    def __init__(self, args, output_type):
        if not 1 <= len(args) <= 3:
            raise TypeError(f"Dataset.range takes 1 to 3 positional arguments (stop, or start, stop[, step]). "
                            f"Received {len(args)}: {args!r}")
        numbers = [check.integer(name, int(value) if hasattr(value, "numpy") else value)
                   for name, value in zip(("start", "stop", "step") if len(args) > 1 else ("stop",), args)]
        if len(numbers) == 3 and numbers[2] == 0:
            check.fail("step", 0, "a non-zero integer", "Dataset.range")
        self.numbers = range(*numbers)
        self.dtype = np.dtype(output_type)

    def _elements(self):
        dtype = self.dtype
        for value in self.numbers:
            yield np.array(value, dtype=dtype)

    def _cardinality(self):
        return len(self.numbers)

    def _spec(self):
        return TensorSpec((), self.dtype)


class Counter(Dataset):
    """``start, start + step, ...`` without end, as 0-d arrays of `dtype` (int64) (``Dataset.counter``)."""

    def __init__(self, start, step, dtype):
        self.start = check.integer("start", int(start) if hasattr(start, "numpy") else start, owner="counter")
        self.step = check.integer("step", int(step) if hasattr(step, "numpy") else step, owner="counter")
        self.dtype = np.dtype(dtype)

    def _elements(self):
        value = self.start
        while True:
            yield np.array(value, dtype=self.dtype)
            value += self.step

    def _cardinality(self):
        return counts.INFINITE_CARDINALITY

    def _spec(self):
        return TensorSpec((), self.dtype)


class Generator(Dataset):
    """Elements yielded by ``generator(*args)`` (``from_generator``), checked against the signature."""

    def __init__(self, generator, output_types, output_shapes, args, output_signature):
        if not callable(generator):
            raise TypeError(f"`generator` must be a callable that returns an iterator (a generator function, "
                            f"not a generator object). Received: generator={generator!r}")
        if output_signature is None and output_types is None:
            raise TypeError("from_generator needs `output_signature` (a structure of tf.TensorSpec), or the older "
                            "`output_types`. Received neither.")
        if output_signature is None:
            output_signature = _signature(output_types, output_shapes)
        self.generator, self.args, self.signature = generator, tuple(args or ()), output_signature
        for leaf in flatten(output_signature):
            if not isinstance(leaf, TensorSpec):
                check.fail("output_signature", output_signature, "a structure (tuple or dict) of tf.TensorSpec",
                           "from_generator", TypeError)

    def _elements(self):
        args = [np.asarray(getattr(arg, "value", arg)) for arg in self.args]
        for value in self.generator(*args):
            yield _matching(self.signature, value)

    def _spec(self):
        return self.signature


def _signature(types, shapes):
    """output_types and output_shapes as one structure of TensorSpec."""
    if shapes is None:
        return map_structure(lambda dtype: TensorSpec(None, dtype), types)
    return map_structure(lambda dtype, shape: TensorSpec(shape.dims, dtype), types, _as_tuples(shapes, types))


def _as_tuples(shapes, types):
    """Shapes given as lists (``[None, 3]``) where the types hold one leaf, kept apart from structure."""
    if isinstance(types, dict):
        return {key: _as_tuples(shapes[key], types[key]) for key in types}
    if isinstance(types, tuple):
        return tuple(_as_tuples(shape, dtype) for shape, dtype in zip(shapes, types))
    return _Shape(shapes)


class _Shape:
    """A shape kept as one leaf by map_structure (a tuple would be read as structure)."""

    def __init__(self, dims):
        self.dims = None if dims is None else tuple(dims)



def _matching(signature, value):
    """A generator's value as arrays of the signature's dtypes, or an error saying what differs."""
    if isinstance(signature, dict):
        if not isinstance(value, dict) or set(value) != set(signature):
            _mismatch(signature, value)
        return {key: _matching(signature[key], value[key]) for key in signature}
    if isinstance(signature, tuple):
        if not isinstance(value, (tuple, list)) or len(value) != len(signature):
            _mismatch(signature, value)
        return tuple(_matching(spec, item) for spec, item in zip(signature, value))
    try:
        array = np.asarray(getattr(value, "value", value), dtype=signature.dtype)
    except (TypeError, ValueError) as error:
        raise TypeError(f"`generator` yielded {value!r}, which is not convertible to {signature}.") from error
    if not shapes_compatible(signature.shape, array.shape):
        raise ValueError(f"`generator` yielded an element of shape {array.shape} where the expected shape is "
                         f"{signature.shape} ({signature}).")
    return array


def _mismatch(signature, value):
    raise TypeError(f"`generator` yielded an element that did not match the expected structure. The expected "
                    f"structure was {describe(signature)}, but the yielded element was {value!r}.")


class Zip(Dataset):
    """Elements of several datasets side by side, in the structure (tuple or dict) they were given in."""

    def __init__(self, datasets):
        if not isinstance(datasets, (Dataset, tuple, list, dict)):
            raise TypeError(f"Dataset.zip takes datasets (several, or a tuple or dict of them). "
                            f"Received: {datasets!r}")
        self.datasets = tuple(datasets) if isinstance(datasets, list) else datasets
        for dataset in flatten(self.datasets):
            if not isinstance(dataset, Dataset):
                raise TypeError(f"Dataset.zip takes Datasets only. Received an item of type "
                                f"{type(dataset).__name__}: {dataset!r}")

    def _elements(self):
        parts = flatten(self.datasets)
        iterators = [iter(dataset._elements()) for dataset in parts]
        for items in zip(*iterators):
            yield pack_as(self.datasets, items)

    def _cardinality(self):
        return counts.smallest([dataset._cardinality() for dataset in flatten(self.datasets)])

    def _spec(self):
        return map_structure(lambda dataset: dataset.element_spec, self.datasets)

