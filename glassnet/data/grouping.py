"""group_by_window and bucket_by_sequence_length: elements gathered by a key, each full group reduced.

As TensorFlow: an element goes to the group of ``key_func(element)`` (an int64 scalar); a group
that reaches its window size is handed at once to ``reduce_func(key, window)`` (window a Dataset
of its elements) and the Dataset returned is read out. When the input ends, the groups left are
reduced in the order of their keys.
"""
import numpy as np

from glassnet.autodiff import Tensor
from glassnet.data import cardinality as counts
from glassnet.data.dataset import Dataset, _arguments
from glassnet.data.flattening import _inner
from glassnet.data.shuffling import peeking
from glassnet.keras import validation as check


class _Listed(Dataset):
    """Elements kept in a list (one group's window), of a known spec."""

    def __init__(self, elements, spec):
        self.elements, self.spec = elements, spec

    def _elements(self):
        return iter(self.elements)

    def _cardinality(self):
        return len(self.elements)

    def _spec(self):
        return self.spec


class GroupByWindow(Dataset):
    def __init__(self, dataset, key_func, reduce_func, window_size, window_size_func):
        for name, value in (("key_func", key_func), ("reduce_func", reduce_func)):
            if not callable(value):
                raise TypeError(f"`{name}` must be callable. Received: {name}={value!r}")
        if (window_size is None) == (window_size_func is None):
            raise ValueError("group_by_window takes exactly one of `window_size` and `window_size_func`. Received: "
                             f"window_size={window_size!r}, window_size_func={window_size_func!r}")
        if window_size is not None:
            size = check.integer("window_size", int(window_size) if hasattr(window_size, "numpy") else window_size,
                                 minimum=1, owner="group_by_window")
            window_size_func = lambda key: size  # noqa: E731
        self.input, self.key_func, self.reduce_func = dataset, key_func, reduce_func
        self.window_size_func = window_size_func

    def _key(self, element):
        key = np.asarray(getattr(value := self.key_func(*_arguments(element)), "value", value))
        if key.shape != () or key.dtype != np.int64:
            raise ValueError(f"`key_func` must return a single tf.int64 scalar tensor. It returned {value!r}")
        return int(key)

    def _reduced(self, key, elements):
        window = _Listed(elements, self.input.element_spec)
        return _inner(self.reduce_func, (np.array(key, dtype=np.int64), window), "group_by_window")

    def _size(self, key):
        size = self.window_size_func(Tensor(np.int64(key)))
        return check.integer("window_size", int(size) if hasattr(size, "numpy") else size, minimum=1,
                             owner="group_by_window")

    def _elements(self):
        groups = {}
        for element in self.input._elements():
            key = self._key(element)
            group = groups.setdefault(key, [])
            group.append(element)
            if len(group) >= self._size(key):
                del groups[key]
                yield from self._reduced(key, group)._elements()
        for key in sorted(groups):
            yield from self._reduced(key, groups[key])._elements()

    def _cardinality(self):
        return counts.UNKNOWN_CARDINALITY

    def _spec(self):
        """The spec of the Dataset the first element's group reduces to (TensorFlow traces the function)."""
        with peeking():
            element = next(iter(self.input._elements()), None)
        if element is None:
            raise ValueError("Cannot tell the element structure of group_by_window over an empty dataset.")
        return self._reduced(self._key(element), [element]).element_spec


def bucket_by_sequence_length(dataset, element_length_func, bucket_boundaries, bucket_batch_sizes, padded_shapes,
                              padding_values, pad_to_bucket_boundary, no_padding, drop_remainder):
    """group_by_window with one group per length bucket, each batch padded to its longest element."""
    owner = "bucket_by_sequence_length"
    boundaries = [check.integer("bucket_boundaries", b, minimum=1, owner=owner) for b in bucket_boundaries]
    if boundaries != sorted(boundaries):
        check.fail("bucket_boundaries", bucket_boundaries, "increasing lengths", owner)
    sizes = [check.integer("bucket_batch_sizes", s, minimum=1, owner=owner) for s in bucket_batch_sizes]
    if len(sizes) != len(boundaries) + 1:
        raise ValueError(f"len(bucket_batch_sizes) must equal len(bucket_boundaries) + 1. Received "
                         f"{len(sizes)} batch sizes for {len(boundaries)} boundaries.")
    if pad_to_bucket_boundary or padded_shapes is not None:
        raise NotImplementedError(f"{owner}: `pad_to_bucket_boundary` and `padded_shapes` are not supported; each "
                                  "batch is padded to its longest element.")

    def bucket(*element):
        length = element_length_func(*element)
        return Tensor(np.int64(np.searchsorted(boundaries, int(length), side="right")))

    def batched(key, window):
        size = sizes[int(key)]
        if no_padding:
            return window.batch(size, drop_remainder=drop_remainder)
        return window.padded_batch(size, padding_values=padding_values, drop_remainder=drop_remainder)

    return GroupByWindow(dataset, bucket, batched, None, lambda key: sizes[int(key)])
