"""Dataset: a lazy pipeline of elements, as ``tf.data.Dataset``.

Each method returns a new Dataset that reads its input when iterated; nothing runs before.
Iterating gives glassnet Tensors in the element's structure (tuples stay tuples, dicts dicts).

Every Dataset yields its elements from ``_elements()`` (structures of NumPy arrays, one new
pass per call). A dataset of rows of arrays (``from_tensor_slices`` of arrays, then shuffle,
take, skip, repeat, shard, cache) can also give the order of those rows as chunks of indices
(``_index_chunks()``): ``batch`` then takes each batch as one slice or one gather of the
arrays, instead of stacking rows one by one.

>>> ds = Dataset.from_tensor_slices(([1.0, 2.0, 3.0], [0, 1, 0])).batch(2)
>>> [(x.numpy().tolist(), y.numpy().tolist()) for x, y in ds]
[([1.0, 2.0], [0, 1]), ([3.0], [0])]
>>> int(ds.cardinality()), len(ds)
(2, 2)
"""
import numpy as np

from glassnet.autodiff import Tensor
from glassnet.data import arrays, cardinality as counts
from glassnet.data.structure import map_structure, normalize, to_numpy, to_tensors
from glassnet.tensor_spec import TensorSpec


class Dataset:
    """A sequence of elements read lazily; build one with the ``from_*`` and ``range`` methods."""

    # --- what each kind of dataset provides ------------------------------------------------
    def _elements(self):
        """A new pass over the elements (structures of NumPy arrays)."""
        source = self._index_source()
        for chunk in self._index_chunks():
            for i in chunk:
                yield arrays.row(source.columns, i)

    def _cardinality(self):
        return counts.UNKNOWN_CARDINALITY

    def _spec(self):
        """The element spec; by default read from the first element."""
        with shuffling.peeking():
            first = next(iter(self._elements()), None)
        if first is None:
            raise ValueError("Cannot tell the element structure of an empty dataset.")
        return spec_of(first)

    def _index_source(self):
        """The TensorSlices dataset whose rows this dataset yields in some order, or None."""
        return None

    def _index_chunks(self):
        raise NotImplementedError

    # --- reading ------------------------------------------------------------------------------
    def __iter__(self):
        return DatasetIterator(self)

    def as_numpy_iterator(self):
        """The elements as NumPy values (0-d ones as NumPy scalars), in their structure."""
        return (to_numpy(element) for element in self._elements())

    @property
    def element_spec(self):
        """The structure of :class:`~glassnet.TensorSpec` of one element."""
        if not hasattr(self, "_cached_spec"):
            self._cached_spec = self._spec()
        return self._cached_spec

    def cardinality(self):
        """The number of elements as an int64 Tensor; ``INFINITE_CARDINALITY`` (-1) after ``repeat()``,
        ``UNKNOWN_CARDINALITY`` (-2) where only iterating tells (``filter``, ``from_generator``)."""
        return Tensor(np.int64(self._cardinality()))

    def __len__(self):
        count = self._cardinality()
        if count == counts.INFINITE_CARDINALITY:
            raise TypeError("The dataset is infinite.")
        if count == counts.UNKNOWN_CARDINALITY:
            raise TypeError("The dataset length is unknown.")
        return count

    def __bool__(self):
        return True  # as TensorFlow: an empty dataset is still a dataset, not False

    def reduce(self, initial_state, reduce_func):
        """Fold the elements into one state: ``state = reduce_func(state, element)``, from `initial_state`."""
        state = to_tensors(normalize(initial_state))
        for element in self._elements():
            state = to_tensors(normalize(reduce_func(state, *_arguments(element))))
        return state

    def get_single_element(self, name=None):
        """The dataset's only element (an error if it has none or more than one), as Tensors."""
        elements = iter(self._elements())
        element = next(elements, None)
        if element is None:
            raise ValueError("get_single_element: the dataset was empty; it must have exactly one element.")
        if next(elements, None) is not None:
            raise ValueError("get_single_element: the dataset had more than one element; it must have exactly one.")
        return to_tensors(element)

    def __getattr__(self, name):
        # Only reached for names the class lacks: say it is tf.data's name glassnet does not offer.
        if name.startswith("_"):
            raise AttributeError(f"{type(self).__name__!r} object has no attribute {name!r}")
        raise AttributeError(f"glassnet's Dataset does not offer {name!r} (tf.data.Dataset.{name}); the supported "
                             "methods are listed in docs/data.md")

    def __repr__(self):
        return f"<{type(self).__name__.lstrip('_')}Dataset element_spec={self.element_spec}>"

    # --- building -------------------------------------------------------------------------------
    @staticmethod
    def from_tensor_slices(tensors, name=None):
        """One element per row of `tensors` (an array, or a tuple or dict of arrays of one length;
        a pandas DataFrame as one array, ``dict(frame)`` as a dict of its columns, as TensorFlow).
        NumPy dtypes are kept (float64 stays float64); Python floats become float32 and ints
        int32, as TensorFlow."""
        return sources.TensorSlices(tensors)

    @staticmethod
    def from_tensors(tensors, name=None):
        """One element: `tensors` whole."""
        return sources.Tensors(tensors)

    @staticmethod
    def from_generator(generator, output_types=None, output_shapes=None, args=None, output_signature=None,
                       name=None):
        """Elements yielded by ``generator(*args)``, a new call per pass, checked against
        `output_signature` (a structure of TensorSpec), or the older `output_types`/`output_shapes`."""
        return sources.Generator(generator, output_types, output_shapes, args, output_signature)

    @staticmethod
    def range(*args, output_type=np.int64, name=None):
        """``range(stop)``, ``range(start, stop[, step])`` as Python's range, int64 elements."""
        return sources.Range(args, output_type)

    @staticmethod
    def counter(start=0, step=1, dtype=np.int64, name=None):
        """``start, start + step, ...`` without end (int64 by default)."""
        return sources.Counter(start, step, dtype)

    @staticmethod
    def sample_from_datasets(datasets, weights=None, seed=None, stop_on_empty_dataset=False,
                             rerandomize_each_iteration=None):
        """Each element from one of `datasets` drawn at random with `weights` (uniform when None).
        Without `stop_on_empty_dataset`, a dataset that runs out is left out and the others go on;
        with it, drawing an empty dataset ends the pass. The same `seed` gives the same order on every
        pass and run (a new order each pass with `rerandomize_each_iteration`); without one it is drawn
        from glassnet's global generator (``tf.random.set_seed``).

        >>> a, b = Dataset.range(3), Dataset.range(10, 13)
        >>> sorted(int(x) for x in Dataset.sample_from_datasets([a, b], weights=[0.5, 0.5], seed=1))
        [0, 1, 2, 10, 11, 12]
        """
        return sampling.SampleFrom(datasets, weights, seed, stop_on_empty_dataset, rerandomize_each_iteration)

    @staticmethod
    def choose_from_datasets(datasets, choice_dataset, stop_on_empty_dataset=True):
        """Element ``k`` from ``datasets[c]``, ``c`` the k-th element of `choice_dataset` (scalar int64).
        With `stop_on_empty_dataset`, choosing a dataset that has run out ends the pass; otherwise
        that choice is skipped.

        >>> ds = Dataset.choose_from_datasets([Dataset.range(3), Dataset.range(10, 13)], Dataset.range(2).repeat(2))
        >>> [int(x) for x in ds]
        [0, 10, 1, 11]
        """
        return sampling.ChooseFrom(datasets, choice_dataset, stop_on_empty_dataset)

    @staticmethod
    def random(seed=None, rerandomize_each_iteration=None, name=None):
        """An endless stream of random int64 scalars in [0, 2**32); the same `seed` gives the same
        numbers on every pass (a new stream each pass with `rerandomize_each_iteration`)."""
        return sampling.RandomNumbers(seed, rerandomize_each_iteration)

    @staticmethod
    def list_files(file_pattern, shuffle=None, seed=None, name=None):
        """The names (bytes) of the files matching `file_pattern` (a glob pattern or a list of them),
        sorted, then shuffled unless `shuffle` is False (with `seed`, as ``shuffle``)."""
        return text_files.list_files(file_pattern, shuffle, seed)

    @staticmethod
    def zip(*datasets, name=None):
        """Elements of several datasets side by side (a tuple, or the structure given); stops with the shortest."""
        return sources.Zip(datasets[0] if len(datasets) == 1 else datasets)

    # --- transforming ---------------------------------------------------------------------------
    def shuffle(self, buffer_size, seed=None, reshuffle_each_iteration=True, name=None):
        """Shuffle with a buffer of `buffer_size` elements, as TensorFlow: fill the buffer, emit a
        uniformly chosen element and put the next input in its place. A buffer smaller than the
        dataset only mixes locally. The same `seed` gives the same orders; without one, the seed
        is drawn from glassnet's global generator (``tf.random.set_seed``). With
        `reshuffle_each_iteration`, each pass has a new order."""
        return shuffling.Shuffle(self, buffer_size, seed, reshuffle_each_iteration)

    def batch(self, batch_size, drop_remainder=False, num_parallel_calls=None, deterministic=None, name=None):
        """Consecutive elements stacked into batches of `batch_size` (the last one smaller unless `drop_remainder`)."""
        return batching.Batch(self, batch_size, drop_remainder)

    def padded_batch(self, batch_size, padded_shapes=None, padding_values=None, drop_remainder=False, name=None):
        """``batch`` of elements of different shapes, each padded with zeros (or `padding_values`) to the largest."""
        return batching.Batch(self, batch_size, drop_remainder, padded=True, padding_values=padding_values,
                              padded_shapes=padded_shapes)

    def unbatch(self, name=None):
        """The rows of each element, one element each (the inverse of ``batch``)."""
        return batching.Unbatch(self)

    def map(self, map_func, num_parallel_calls=None, deterministic=None, name=None):
        """``map_func(element)`` for each element; a tuple element is passed as positional arguments.
        `map_func` receives glassnet Tensors and returns a structure of tensors (a list becomes a tuple)."""
        return transforms.Map(self, map_func)

    def filter(self, predicate, name=None):
        """The elements for which ``predicate(element)`` is a True boolean scalar."""
        return transforms.Filter(self, predicate)

    def enumerate(self, start=0, name=None):
        """``(index, element)`` pairs, the index an int64 counting from `start`."""
        return Dataset.zip((Dataset.range(start, np.iinfo(np.int64).max), self))

    def flat_map(self, map_func, name=None):
        """The elements of the Dataset ``map_func(element)`` makes of each element, one after the other."""
        return flattening.FlatMap(self, map_func)

    def interleave(self, map_func, cycle_length=None, block_length=None, num_parallel_calls=None,
                   deterministic=None, name=None):
        """The Datasets ``map_func(element)`` makes, read `cycle_length` at a time (the number of CPU
        cores when None, as TensorFlow), `block_length` (1) elements from each in turn: TensorFlow's
        deterministic order. `num_parallel_calls` is accepted (calls run one at a time)."""
        return flattening.Interleave(self, map_func, cycle_length, 1 if block_length is None else block_length)

    def take_while(self, predicate, name=None):
        """The elements before the first for which ``predicate(element)`` is False."""
        return transforms.TakeWhile(self, predicate)

    def scan(self, initial_state, scan_func, name=None):
        """``state, output = scan_func(state, element)`` for each element, from `initial_state`; the outputs."""
        return scanning.Scan(self, initial_state, scan_func)

    def unique(self, name=None):
        """Each distinct element once, where it first occurs (int32, int64 or string elements)."""
        return deduplication.Unique(self)

    def rebatch(self, batch_size, drop_remainder=False, name=None):
        """Batches cut again into batches of `batch_size` (rows carry over between input batches)."""
        if isinstance(batch_size, (list, tuple)) or np.ndim(getattr(batch_size, "value", batch_size)):
            raise NotImplementedError(f"rebatch takes one batch size here; a list of sizes is not supported. "
                                      f"Received: batch_size={batch_size!r}")
        return self.unbatch().batch(batch_size, drop_remainder)

    def ignore_errors(self, log_warning=False, name=None):
        """Accepted for compatibility: an error while making an element is raised, not skipped
        (the cardinality is unknown, as TensorFlow's)."""
        return slicing.Unknown(self)

    def window(self, size, shift=None, stride=1, drop_remainder=False, name=None):
        """Windows of `size` elements `stride` apart, one every `shift` (`size` when None) elements;
        each window a Dataset (a structure of them for tuple or dict elements), as TensorFlow."""
        return windowing.Window(self, size, shift, stride, drop_remainder)

    def group_by_window(self, key_func, reduce_func, window_size=None, window_size_func=None, name=None):
        """Elements gathered by ``key_func(element)`` (an int64 scalar); a group that reaches `window_size`
        elements (or ``window_size_func(key)``) is read out through ``reduce_func(key, window_dataset)``;
        the groups left at the end follow in the order of their keys, as TensorFlow."""
        return grouping.GroupByWindow(self, key_func, reduce_func, window_size, window_size_func)

    def bucket_by_sequence_length(self, element_length_func, bucket_boundaries, bucket_batch_sizes,
                                  padded_shapes=None, padding_values=None, pad_to_bucket_boundary=False,
                                  no_padding=False, drop_remainder=False, name=None):
        """Batches of elements of similar length: bucket ``i`` holds lengths below ``bucket_boundaries[i]``
        (and at least the one before), batched by ``bucket_batch_sizes[i]`` and padded to the longest
        element of each batch (unless `no_padding`). `pad_to_bucket_boundary` is not supported."""
        return grouping.bucket_by_sequence_length(
            self, element_length_func, bucket_boundaries, bucket_batch_sizes, padded_shapes, padding_values,
            pad_to_bucket_boundary, no_padding, drop_remainder)

    def repeat(self, count=None, name=None):
        """The elements `count` times over (forever when None or -1); each pass reads the input anew."""
        return slicing.Repeat(self, count)

    def take(self, count, name=None):
        """The first `count` elements (all of them when -1)."""
        return slicing.Take(self, count)

    def skip(self, count, name=None):
        """All but the first `count` elements (none when -1)."""
        return slicing.Skip(self, count)

    def shard(self, num_shards, index, name=None):
        """Every `num_shards`-th element, starting at element `index`."""
        return slicing.Shard(self, num_shards, index)

    def concatenate(self, dataset, name=None):
        """This dataset's elements, then `dataset`'s (the same structure and dtypes)."""
        return slicing.Concatenate(self, dataset)

    def cache(self, filename="", name=None):
        """Keep the elements of the first complete pass in memory and replay them on later passes.
        A `filename` (a file-backed cache) is refused: glassnet caches in memory only."""
        return slicing.Cache(self, filename)

    def prefetch(self, buffer_size, name=None):
        """Accepted for compatibility; elements are computed when asked for, so there is nothing to prefetch."""
        return slicing.PassThrough(self)

    def with_options(self, options, name=None):
        """Accepted for compatibility (threading and optimization options do not apply)."""
        return slicing.PassThrough(self)

    def apply(self, transformation_func):
        """``transformation_func(self)``, as TensorFlow."""
        return transformation_func(self)


class DatasetIterator:
    """One pass over a Dataset, giving glassnet Tensors (``next(it)``, ``it.get_next()``)."""

    def __init__(self, dataset):
        self._dataset = dataset
        self._elements = iter(dataset._elements())

    @property
    def element_spec(self):
        return self._dataset.element_spec

    def __iter__(self):
        return self

    def __next__(self):
        return to_tensors(next(self._elements))

    def get_next(self):
        return next(self)


def spec_of(element, batch_axis_unknown=False):
    """The spec of an element of arrays (with `batch_axis_unknown`, a None first dimension)."""
    def spec(leaf):
        shape = leaf.shape if not batch_axis_unknown else (None, *leaf.shape[1:])
        return TensorSpec(shape, leaf.dtype)
    return map_structure(spec, element)


def _arguments(element):
    """An element as a function's arguments: a tuple unpacked, anything else as one, all Tensors."""
    tensors = to_tensors(element)
    return tensors if isinstance(element, tuple) and not hasattr(element, "_fields") else (tensors,)


# The dataset kinds subclass Dataset, so they are imported after it.
from glassnet.data import (  # noqa: E402
    batching, deduplication, flattening, grouping, sampling, scanning, shuffling, slicing, sources, text_files,
    transforms, windowing)
