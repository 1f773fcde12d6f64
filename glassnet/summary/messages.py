"""The few TensorFlow protocol buffers an event file holds, encoded by hand.

    Event           { double wall_time = 1; int64 step = 2; string file_version = 3;
                      Summary summary = 5; SourceMetadata source_metadata = 10; }
    Summary         { repeated Value value = 1; }
    Summary.Value   { string tag = 1; TensorProto tensor = 8; SummaryMetadata metadata = 9; }
    SummaryMetadata { PluginData plugin_data = 1; string summary_description = 3; }
    PluginData      { string plugin_name = 1; bytes content = 2; }
    TensorProto     { DataType dtype = 1; TensorShapeProto tensor_shape = 2;
                      bytes tensor_content = 4; repeated bytes string_val = 8; }
    TensorShapeProto { repeated Dim dim = 2; }   Dim { int64 size = 1; }

These are the TF2 forms (a summary is a tensor plus the name of the TensorBoard plugin that
reads it), field for field as TensorFlow's ``tf.summary`` writes them: the tests compare the
bytes with files TensorFlow wrote.

Example:
    >>> tensor_proto(np.float32(0.5)).hex()  # DT_FLOAT, shape [], 4 bytes of content
    '0801120022040000003f'
"""
import functools

import numpy as np

from glassnet.summary.protobuf import bytes_field, double_field, message_field, uint_field

FILE_VERSION = "brain.Event:2"
_WRITER = "tensorflow.core.util.events_writer"  # what TensorFlow's writer names itself
_DT_STRING = 7
_DTYPES = {np.dtype("float32"): 1, np.dtype("float64"): 2, np.dtype("int32"): 3, np.dtype("int64"): 9}


def tensor_proto(value):
    """A TensorProto of a float32/float64/int32/int64 array (raw little-endian content) or of a
    str/bytes array (one ``string_val`` per element)."""
    array = np.asarray(value)
    shape = b"".join(message_field(2, uint_field(1, size)) for size in array.shape)
    if array.dtype.kind in "SUO":
        strings = b"".join(message_field(8, _as_bytes(item)) for item in array.ravel())
        return uint_field(1, _DT_STRING) + message_field(2, shape) + strings
    content = array.astype(array.dtype.newbyteorder("<"), copy=False).tobytes()
    return uint_field(1, _DTYPES[array.dtype]) + message_field(2, shape) + bytes_field(4, content)


@functools.lru_cache(maxsize=64)  # the same few for every value written
def summary_metadata(plugin_name, content=b"", description=None):
    """Which TensorBoard plugin reads the value (``scalars``, ``histograms``, ``text``...)."""
    plugin_data = bytes_field(1, plugin_name) + bytes_field(2, content)
    return message_field(1, plugin_data) + bytes_field(3, description or "")


def summary_value(tag, tensor, metadata):
    """One Summary.Value: a tag, its tensor and its metadata (all encoded)."""
    return bytes_field(1, tag) + message_field(8, tensor) + message_field(9, metadata)


def summary_event(wall_time, step, values):
    """An Event holding a Summary of the given encoded values."""
    summary = b"".join(message_field(1, value) for value in values)
    return double_field(1, wall_time) + uint_field(2, step) + message_field(5, summary)


def file_version_event(wall_time):
    """The first record of every event file: the format version, as TensorFlow writes it."""
    source = message_field(10, bytes_field(1, _WRITER))
    return double_field(1, wall_time) + bytes_field(3, FILE_VERSION) + source


def _as_bytes(item):
    return item.encode("utf-8") if isinstance(item, str) else bytes(item)
