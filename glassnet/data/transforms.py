"""map and filter: Python functions of glassnet Tensors, called once per element."""
import numpy as np

from glassnet.data import cardinality as counts
from glassnet.data.dataset import Dataset, _arguments
from glassnet.data.shuffling import peeking
from glassnet.data.structure import flatten, map_structure, normalize
from glassnet.tensor_spec import TensorSpec


class Map(Dataset):
    """``map_func(*element)`` for a tuple element, ``map_func(element)`` otherwise, as TensorFlow calls it."""

    def __init__(self, dataset, map_func):
        self.input, self.map_func = dataset, _callable("map_func", map_func)

    def _elements(self):
        for element in self.input._elements():
            yield normalize(_as_structure(self.map_func(*_arguments(element))))

    def _cardinality(self):
        return self.input._cardinality()

    def _spec(self):
        """The spec of the first result (TensorFlow traces the function instead): where the input's
        batch size is unknown (None), a result of that first element's batch size has None too."""
        with peeking():
            element = next(iter(self.input._elements()), None)
        if element is None:
            return self.input.element_spec
        result = normalize(_as_structure(self.map_func(*_arguments(element))))
        batch = _unknown_batch_size(self.input.element_spec, element)
        return map_structure(lambda leaf: TensorSpec(
            (None, *leaf.shape[1:]) if leaf.ndim and leaf.shape[0] == batch else leaf.shape, leaf.dtype), result)


def _callable(name, function):
    """`function`, checked to be callable (TensorFlow's TypeError otherwise)."""
    if not callable(function):
        raise TypeError(f"`{name}` must be callable. Received: {name}={function!r}")
    return function


def _unknown_batch_size(spec, element):
    """The first dimension of the element where the spec leaves it unknown, else None."""
    for leaf_spec, leaf in zip(flatten(spec), flatten(element)):
        if leaf_spec.shape and leaf_spec.shape[0] is None:
            return leaf.shape[0]
    return None


def _as_structure(result):
    """A map function's result as TensorFlow reads it: a list of tensors is a tuple."""
    if isinstance(result, list):
        return tuple(result)
    return result


class Filter(Dataset):
    """The elements for which the predicate returns a True boolean scalar."""

    def __init__(self, dataset, predicate):
        self.input, self.predicate = dataset, _callable("predicate", predicate)

    def _elements(self):
        for element in self.input._elements():
            if _truth(self.predicate(*_arguments(element))):
                yield element

    def _cardinality(self):
        return counts.UNKNOWN_CARDINALITY  # as TensorFlow, even for an infinite input

    def _spec(self):
        return self.input.element_spec


def _truth(value):
    array = np.asarray(getattr(value, "value", value))
    if array.shape != () or array.dtype != np.bool_:
        raise ValueError(f"Invalid `predicate`. `predicate` must return a `tf.bool` scalar tensor, but it returned "
                         f"a value of dtype {array.dtype} and shape {array.shape}: {value!r}.")
    return bool(array)


class TakeWhile(Dataset):
    """The elements up to (not including) the first for which the predicate is False."""

    def __init__(self, dataset, predicate):
        self.input, self.predicate = dataset, _callable("predicate", predicate)

    def _elements(self):
        for element in self.input._elements():
            if not _truth(self.predicate(*_arguments(element))):
                return
            yield element

    def _cardinality(self):
        return counts.UNKNOWN_CARDINALITY  # as TensorFlow, even for an infinite input

    def _spec(self):
        return self.input.element_spec
