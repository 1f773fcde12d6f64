"""``tf.summary.scalar``, ``histogram``, ``image`` and ``text``: what TensorBoard's dashboards show.

Each writes one tensor with the name of the plugin that reads it, as TensorFlow 2 does:
a float32 scalar for ``scalars``, TensorBoard's ``[k, 3]`` bucket tensor (float64) for
``histograms``, the sizes and PNG files as strings for ``images``, a string tensor for ``text``.
Each returns True if written, False when there is no default writer or ``record_if`` says no.
"""
import numpy as np

from glassnet.summary.histogram import DEFAULT_BUCKET_COUNT, buckets as histogram_buckets
from glassnet.summary.messages import summary_metadata, tensor_proto
from glassnet.summary.png import encode_png
from glassnet.summary.writer import default_writer, should_record_summaries


def scalar(name, data, step=None, description=None):
    """Write a scalar (cast to float32) under tag `name`.

    Args:
        name: the tag TensorBoard shows.
        data: a real number, NumPy scalar or 0-d Tensor.
        step: the x-axis value (an int, or None for the default step).
        description: optional Markdown text shown with the chart.

    Example:
        >>> import tempfile, glassnet as tf
        >>> with tf.summary.create_file_writer(tempfile.mkdtemp()).as_default():
        ...     tf.summary.scalar("accuracy", 0.875, step=1)
        True
        >>> tf.summary.scalar("accuracy", 0.875, step=1)  # no default writer
        False
    """
    value = _as_array(data, "scalar", "data")
    if value.ndim != 0:
        raise ValueError(f"tf.summary.scalar expects `data` to be a scalar. Received: data with shape {value.shape}")
    return _write(name, np.float32(value), "scalars", step, description)


def histogram(name, data, step=None, buckets=None, description=None):
    """Write a histogram of all the elements of `data` (any shape) under tag `name`.

    Args:
        name: the tag TensorBoard shows.
        data: an array or Tensor of real numbers.
        step: the x-axis value (an int, or None for the default step).
        buckets: the number of equal-width buckets (default 30).
        description: optional Markdown text.

    The tensor written is TensorBoard's ``[buckets, 3]`` array of (left edge, right edge,
    count); see `glassnet.summary.histogram_buckets`.
    """
    count = DEFAULT_BUCKET_COUNT if buckets is None else buckets
    if isinstance(count, bool) or not isinstance(count, (int, np.integer)) or count < 0:
        raise ValueError(f"tf.summary.histogram expects `buckets` to be a non-negative integer. "
                         f"Received: buckets={buckets!r}")
    if not should_record_summaries():  # bucketing costs a pass over the data: skip it when unread
        return False
    return _write(name, histogram_buckets(_as_array(data, "histogram", "data"), count), "histograms", step,
                  description)


def image(name, data, step=None, max_outputs=3, description=None):
    """Write the first `max_outputs` images of a ``[k, height, width, channels]`` batch as PNGs.

    Args:
        name: the tag TensorBoard shows.
        data: uint8 pixels, or floats in [0, 1] (scaled by 255.5 and clipped, as TensorFlow's
            ``convert_image_dtype``); 1 (grey), 2, 3 (RGB) or 4 (RGBA) channels.
        step: the x-axis value (an int, or None for the default step).
        max_outputs: how many of the `k` images to write.
        description: optional Markdown text.

    The tensor written is TensorFlow's: ``[width, height, png_1, ..., png_n]`` as strings.
    """
    images = _as_array(data, "image", "data")
    if images.ndim != 4 or images.shape[-1] not in (1, 2, 3, 4):
        raise ValueError("tf.summary.image expects `data` of shape [k, height, width, channels] with 1 to 4 "
                         f"channels. Received: data with shape {images.shape}")
    if isinstance(max_outputs, bool) or not isinstance(max_outputs, (int, np.integer)) or max_outputs < 0:
        raise ValueError(f"tf.summary.image expects `max_outputs` to be a non-negative integer. "
                         f"Received: max_outputs={max_outputs!r}")
    if not should_record_summaries():
        return False
    pngs = [encode_png(pixels) for pixels in _as_uint8(images[:max_outputs])]
    tensor = np.array([str(images.shape[2]), str(images.shape[1]), *pngs], dtype=object)
    return _write(name, tensor, "images", step, description)


def text(name, data, step=None, description=None):
    """Write a string (or an array of strings) under tag `name`, shown as Markdown by TensorBoard."""
    return _write(name, np.asarray(data, dtype=object), "text", step, description)


def _write(tag, tensor, plugin_name, step, description):
    if not should_record_summaries():
        return False
    default_writer().write(tag, tensor_proto(tensor), summary_metadata(plugin_name, description=description), step)
    return True


def _as_uint8(images):
    """TensorFlow's ``convert_image_dtype(..., tf.uint8, saturate=True)``: floats times 255.5,
    clipped to [0, 255] and truncated."""
    if images.dtype == np.uint8:
        return images
    if images.dtype.kind != "f":
        raise TypeError(f"tf.summary.image expects uint8 or float pixels. Received: data of dtype {images.dtype}")
    return np.clip(images * images.dtype.type(255.5), 0, 255).astype(np.uint8)


def _as_array(data, function, argument):
    array = np.asarray(data)
    if array.dtype.kind not in "biuf":
        raise TypeError(f"tf.summary.{function} expects `{argument}` to be real numbers. "
                        f"Received: {argument} of dtype {array.dtype}")
    return array
