"""TensorBoard's histogram tensor: a ``[k, 3]`` float64 array of (left edge, right edge, count).

The bucketing is TensorBoard's (``tensorboard.plugins.histogram.summary_v2``, which
``tf.summary.histogram`` runs): `bucket_count` equal-width buckets from the minimum to the
maximum; a value goes to bucket ``floor((x - min) / width)``, the maximum into the last one.
Edge cases as TensorFlow: no data gives ``bucket_count`` all-zero rows; a single repeated value
gives rows whose edges are all that value, the whole count in the last row; ``bucket_count=0``
gives a ``(0, 3)`` array.

Example:
    >>> buckets([0.0, 1.0, 1.0, 4.0], bucket_count=4)
    array([[0., 1., 1.],
           [1., 2., 2.],
           [2., 3., 0.],
           [3., 4., 1.]])
"""
import numpy as np

DEFAULT_BUCKET_COUNT = 30


def buckets(data, bucket_count=DEFAULT_BUCKET_COUNT):
    """The ``[bucket_count, 3]`` histogram tensor of all the elements of `data`."""
    data = np.asarray(data, dtype=np.float64).ravel()
    bucket_count = max(0, int(bucket_count))
    if data.size == 0 or bucket_count == 0:
        return np.zeros((bucket_count, 3))
    low, high = data.min(), data.max()
    if high == low:
        counts = np.zeros(bucket_count)
        counts[-1] = data.size
        edges = np.full(bucket_count, high)
        return np.stack([edges, edges, counts], axis=1)
    return np.stack([*_edges(low, high, bucket_count), _counts(data, low, high, bucket_count)], axis=1)


def _counts(data, low, high, bucket_count):
    width = (high - low) / bucket_count
    with np.errstate(invalid="ignore"):
        positions = np.minimum(np.floor((data - low) / width), bucket_count - 1)
        kept = positions >= 0  # NaN compares False: as TensorFlow's one-hot, such values count nowhere
    return np.bincount(positions[kept].astype(np.int64), minlength=bucket_count).astype(np.float64)


def _edges(low, high, bucket_count):
    edges = np.linspace(low, high, bucket_count + 1)  # start + i * step, as tf.linspace
    edges[-1] = high
    return edges[:-1], edges[1:]
