"""``keras.utils.timeseries_dataset_from_array``: sliding windows over a time series, as a Dataset.

The windows are the ones Keras builds: window ``k`` starts at ``start_index + p_k`` with
``p = arange(0, num_seqs, sequence_stride)`` (shuffled by ``np.random.RandomState(seed)`` when
``shuffle``), takes ``sequence_length`` steps ``sampling_rate`` apart, and its target is
``targets[start_index + p_k]``. Only the start positions go through the Dataset: each batch is
gathered from the array in one indexing, so no window is stored before it is read.
"""
import numpy as np

from glassnet.data import Dataset
from glassnet.keras import validation as check

_OWNER = "timeseries_dataset_from_array"


def timeseries_dataset_from_array(data, targets, sequence_length, sequence_stride=1, sampling_rate=1, batch_size=128,
                                  shuffle=False, seed=None, start_index=None, end_index=None, format="tf"):  # noqa: A002 (Keras's name)
    """A Dataset of sliding windows over ``data`` (axis 0 is time), with their targets.

    Window ``k`` holds steps ``s, s + r, ..., s + (sequence_length - 1) * r`` with
    ``s = start_index + k * sequence_stride`` and ``r = sampling_rate``; its target is
    ``targets[s]``. Windows run while they fit before ``end_index`` (and while ``targets`` has an
    entry for them). With ``shuffle``, the start positions are permuted by
    ``np.random.RandomState(seed)`` as Keras does, then the windows pass through a shuffle buffer of
    ``8 * batch_size`` (1024 unbatched); that buffer's order is glassnet's, not TensorFlow's.

    Args:
        data: an array (or Tensor) of consecutive steps, time on axis 0.
        targets: ``targets[i]`` is the target of the window starting at step ``i``; None: windows only.
        sequence_length: the number of steps in each window.
        sequence_stride: the steps between the starts of successive windows.
        sampling_rate: the steps between successive steps of a window.
        batch_size: windows per batch (the last may be smaller); None: single windows.
        shuffle: draw the windows in random order instead of in time order.
        seed: the shuffle's seed (None: drawn from NumPy's global generator, as Keras does).
        start_index, end_index: only steps in ``[start_index, end_index)`` are used.
        format: ``"tf"`` (a ``glassnet.data.Dataset``); Keras's ``"grain"`` is not available.

    Returns:
        A ``glassnet.data.Dataset`` of ``(windows, targets)`` batches, or of windows without targets.

    >>> ds = timeseries_dataset_from_array(np.arange(10), np.arange(10) * 10, sequence_length=3,
    ...                                    sequence_stride=2, batch_size=2)
    >>> [(x.tolist(), y.tolist()) for x, y in ds.as_numpy_iterator()]
    [([[0, 1, 2], [2, 3, 4]], [0, 20]), ([[4, 5, 6], [6, 7, 8]], [40, 60])]
    """
    values = np.asarray(data.numpy() if hasattr(data, "numpy") else data)
    target_values = None if targets is None else np.asarray(targets.numpy() if hasattr(targets, "numpy") else targets)
    _validate(values, target_values, sequence_length, sequence_stride, sampling_rate, batch_size, shuffle,
              start_index, end_index, format)
    start_index = start_index or 0
    end_index = len(values) if end_index is None else end_index
    num_seqs = end_index - start_index - (sequence_length - 1) * sampling_rate
    if target_values is not None:
        num_seqs = min(num_seqs, len(target_values))
    positions = np.arange(0, num_seqs, sequence_stride, dtype="int32" if num_seqs < 2147483647 else "int64")
    if shuffle:
        if seed is None:
            seed = np.random.randint(1e6)
        np.random.RandomState(seed).shuffle(positions)
    offsets = np.arange(sequence_length) * sampling_rate

    def windows(starts):
        # Keras gathers from data[start_index:end_index]; the positions are relative to start_index.
        starts = np.asarray(starts) + start_index
        inputs = values[starts[..., None] + offsets]
        return inputs if target_values is None else (inputs, target_values[starts])

    dataset = Dataset.from_tensor_slices(positions)
    if shuffle:
        dataset = dataset.shuffle(buffer_size=1024 if batch_size is None else batch_size * 8, seed=seed)
    if batch_size is not None:
        dataset = dataset.batch(batch_size)
    return dataset.map(windows)


def _validate(values, target_values, sequence_length, sequence_stride, sampling_rate, batch_size, shuffle,
              start_index, end_index, dataset_format):
    """Keras's checks, in Keras's order and words, plus the types Keras leaves to TensorFlow."""
    if values.ndim == 0:
        raise ValueError(f"`data` must have a time axis (axis 0). Received: data of shape {values.shape}")
    if target_values is not None and target_values.ndim == 0:
        raise ValueError("`targets` must have one entry per time step. Received: targets of shape ()")
    check.integer("sequence_length", sequence_length, minimum=1, owner=_OWNER)
    for name, value in (("sequence_stride", sequence_stride), ("sampling_rate", sampling_rate)):
        check.integer(name, value, owner=_OWNER)
    check.optional(check.integer, "batch_size", batch_size, minimum=1, owner=_OWNER)
    check.optional(check.integer, "start_index", start_index, owner=_OWNER)
    check.optional(check.integer, "end_index", end_index, owner=_OWNER)
    check.boolean("shuffle", shuffle, owner=_OWNER)
    length = len(values)
    if start_index:
        if start_index < 0:
            raise ValueError(f"`start_index` must be 0 or greater. Received: start_index={start_index}")
        if start_index >= length:
            raise ValueError("`start_index` must be lower than the length of the data. Received: "
                             f"start_index={start_index}, for data of length {length}")
    if end_index:
        if start_index and end_index <= start_index:
            raise ValueError("`end_index` must be higher than `start_index`. Received: "
                             f"start_index={start_index}, and end_index={end_index}")
        if end_index >= length:
            raise ValueError("`end_index` must be lower than the length of the data. Received: "
                             f"end_index={end_index}, for data of length {length}")
        if end_index <= 0:
            raise ValueError(f"`end_index` must be higher than 0. Received: end_index={end_index}")
    for name, value in (("sampling_rate", sampling_rate), ("sequence_stride", sequence_stride)):
        if value <= 0:
            raise ValueError(f"`{name}` must be higher than 0. Received: {name}={value}")
        if value >= length:
            raise ValueError(f"`{name}` must be lower than the length of the data. Received: "
                             f"{name}={value}, for data of length {length}")
    if dataset_format != "tf":
        raise ValueError(f'`format` must be "tf" (a glassnet.data.Dataset); Keras\'s "grain" is not available. '
                         f"Received: format={dataset_format!r}")
