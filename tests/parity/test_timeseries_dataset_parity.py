"""keras.utils.timeseries_dataset_from_array against Keras 3.15.1.

Keras builds this dataset with tf.data only (``format="tf"``; ``"grain"`` needs the grain
package), and TensorFlow is not in the parity environment. So the expected windows below were
printed by Keras 3.15.1 on TensorFlow 2.21 (/work/tfvenv) for ``data = np.arange(n) * 1.0`` and
``targets = np.arange(len) * 10``: for each batch, the first step of every window and the
targets. Keras's windows were checked there to be ``first + arange(sequence_length) * sampling_rate``.
"""
import numpy as np
import pytest

from glassnet import keras

# (arguments, n, target length or None, [(first steps, targets, window shape) per batch]) from Keras.
CASES = [
    (dict(sequence_length=10, sampling_rate=2, sequence_stride=3, batch_size=8), 99, None,
     [([0, 3, 6, 9, 12, 15, 18, 21], None, (8, 10)), ([24, 27, 30, 33, 36, 39, 42, 45], None, (8, 10)),
      ([48, 51, 54, 57, 60, 63, 66, 69], None, (8, 10)), ([72, 75, 78], None, (3, 10))]),
    (dict(sequence_length=5, batch_size=7), 40, 40,
     [(list(range(i, min(i + 7, 36))), [10 * j for j in range(i, min(i + 7, 36))], (min(7, 36 - i), 5))
      for i in range(0, 36, 7)]),
    # Unbatched, between start_index and end_index: single windows, scalar targets.
    (dict(sequence_length=4, sequence_stride=2, sampling_rate=3, batch_size=None, start_index=5, end_index=45),
     50, 50, [(s, 10 * s, (4,)) for s in range(5, 36, 2)]),
    # Fewer targets than windows: the windows stop with the targets.
    (dict(sequence_length=6, batch_size=5), 30, 12,
     [([0, 1, 2, 3, 4], [0, 10, 20, 30, 40], (5, 6)), ([5, 6, 7, 8, 9], [50, 60, 70, 80, 90], (5, 6)),
      ([10, 11], [100, 110], (2, 6))]),
    (dict(sequence_length=7, sampling_rate=2, start_index=10, batch_size=4), 60, 60,
     [(list(range(i, min(i + 4, 48))), [10 * j for j in range(i, min(i + 4, 48))], (min(4, 48 - i), 7))
      for i in range(10, 48, 4)]),
    # A window longer than the data: no windows at all.
    (dict(sequence_length=30, batch_size=4), 20, None, []),
]


def _dataset(arguments, n, target_length):
    targets = None if target_length is None else np.arange(target_length) * 10
    return keras.utils.timeseries_dataset_from_array(np.arange(n) * 1.0, targets, **arguments)


@pytest.mark.parametrize("arguments, n, target_length, expected", CASES)
def test_windows_and_targets_match_keras(arguments, n, target_length, expected):
    batches = list(_dataset(arguments, n, target_length).as_numpy_iterator())
    assert len(batches) == len(expected)
    offsets = np.arange(arguments["sequence_length"]) * arguments.get("sampling_rate", 1)
    for batch, (firsts, targets, shape) in zip(batches, expected):
        windows, got_targets = batch if target_length is not None else (batch, None)
        assert windows.shape == shape and windows.dtype == np.float64
        np.testing.assert_array_equal(windows, np.asarray(firsts)[..., None] + offsets)
        if targets is not None:
            np.testing.assert_array_equal(got_targets, targets)


def test_dtypes_follow_the_arrays():
    # Keras: (TensorSpec((None, None), int32), TensorSpec((None,), float32)).
    ds = keras.utils.timeseries_dataset_from_array(np.arange(30, dtype="int32"), np.arange(30, dtype="float32"),
                                                   sequence_length=3)
    x_spec, y_spec = ds.element_spec
    assert (x_spec.dtype.name, y_spec.dtype.name) == ("int32", "float32")
    assert (x_spec.shape[0], tuple(y_spec.shape)) == (None, (None,))


def test_shuffle_keeps_the_windows_and_their_targets():
    # Keras with seed=7 gave batch sizes [6] * 8, every start 0, 2, ..., 94 once per pass, each target
    # 10 * its window's first step, and a new order each pass. The orders themselves are TensorFlow's
    # (its shuffle buffer draws from Philox) and are not reproduced.
    ds = keras.utils.timeseries_dataset_from_array(np.arange(100.0), np.arange(100) * 10, sequence_length=5,
                                                   sequence_stride=2, batch_size=6, shuffle=True, seed=7)
    passes = []
    for _ in range(2):
        batches = list(ds.as_numpy_iterator())
        assert [len(x) for x, _ in batches] == [6] * 8
        firsts = np.concatenate([x[:, 0] for x, _ in batches])
        assert sorted(firsts.tolist()) == list(range(0, 96, 2))
        for x, y in batches:
            np.testing.assert_array_equal(y, x[:, 0] * 10)
            np.testing.assert_array_equal(x, x[:, :1] + np.arange(5))
        passes.append(firsts.tolist())
    assert passes[0] != passes[1] and passes[0] != sorted(passes[0])
    again = keras.utils.timeseries_dataset_from_array(np.arange(100.0), np.arange(100) * 10, sequence_length=5,
                                                      sequence_stride=2, batch_size=6, shuffle=True, seed=7)
    assert np.concatenate([x[:, 0] for x, _ in again.as_numpy_iterator()]).tolist() == passes[0]


def test_unbatched_shuffle_gives_every_window_once():
    # Keras (seed=1): the first steps 0..27, each once.
    ds = keras.utils.timeseries_dataset_from_array(np.arange(30.0), None, sequence_length=3, batch_size=None,
                                                   shuffle=True, seed=1)
    assert sorted(int(x[0]) for x in ds.as_numpy_iterator()) == list(range(28))


@pytest.mark.parametrize("arguments, message", [
    (dict(sampling_rate=0), "`sampling_rate` must be higher than 0. Received: sampling_rate=0"),
    (dict(start_index=-1), "`start_index` must be 0 or greater. Received: start_index=-1"),
    (dict(end_index=30), "`end_index` must be lower than the length of the data. Received: end_index=30, "
                         "for data of length 30"),
    (dict(start_index=5, end_index=5), "`end_index` must be higher than `start_index`. Received: start_index=5, "
                                       "and end_index=5"),
    (dict(sequence_stride=30), "`sequence_stride` must be lower than the length of the data. "
                               "Received: sequence_stride=30, for data of length 30"),
])
def test_keras_errors(arguments, message):
    # The messages Keras 3.15.1 raised for the same arguments (ValueError each).
    with pytest.raises(ValueError) as error:
        keras.utils.timeseries_dataset_from_array(np.arange(30.0), None, sequence_length=3, **arguments)
    assert str(error.value).strip() == message
