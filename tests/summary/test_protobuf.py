import struct

import numpy as np
import pytest

from glassnet.summary.messages import file_version_event, summary_event, summary_metadata, summary_value, tensor_proto
from glassnet.summary.protobuf import bytes_field, double_field, message_field, uint_field, varint


@pytest.mark.parametrize("value, encoded", [
    (0, "00"), (1, "01"), (127, "7f"), (128, "8001"), (150, "9601"), (300, "ac02"),
    (2**63 - 1, "ffffffffffffffff7f"),
    (-1, "ffffffffffffffffff01"),  # int64 -1: ten bytes, two's complement
])
def test_varint(value, encoded):
    assert varint(value).hex() == encoded


def test_fields_key_wire_type_and_defaults():
    assert uint_field(2, 150).hex() == "109601"  # key (2 << 3 | 0) = 0x10
    assert double_field(1, 1.5) == b"\x09" + struct.pack("<d", 1.5)  # key (1 << 3 | 1) = 0x09
    assert bytes_field(3, "é").hex() == "1a02c3a9"  # UTF-8, length-prefixed
    assert uint_field(2, 0) == double_field(1, 0.0) == bytes_field(3, "") == b""  # proto3 defaults
    assert message_field(5, b"") == b"\x2a\x00"  # a set, empty message is written


def test_tensor_proto_of_strings_and_shapes():
    # dtype DT_STRING (7); shape [2] = dim {size: 2}; two string_val (field 8)
    assert tensor_proto(np.array(["a", "bc"], dtype=object)).hex() == "0807" "1204" "12020802" "4201" "61" "42026263"


def test_events_parse_with_protobufs_own_classes():
    event_pb2 = pytest.importorskip("tensorboard.compat.proto.event_pb2")
    from tensorboard.util import tensor_util

    data = np.arange(6, dtype="float64").reshape(2, 3)
    value = summary_value("w/histogram", tensor_proto(data), summary_metadata("histograms", b"\x08\x01", "about"))
    event = event_pb2.Event.FromString(summary_event(12.5, 2**40, [value, value]))
    assert (event.wall_time, event.step, len(event.summary.value)) == (12.5, 2**40, 2)
    parsed = event.summary.value[1]
    assert parsed.tag == "w/histogram"
    assert parsed.metadata.plugin_data.plugin_name == "histograms"
    assert parsed.metadata.plugin_data.content == b"\x08\x01"
    assert parsed.metadata.summary_description == "about"
    np.testing.assert_array_equal(tensor_util.make_ndarray(parsed.tensor), data)
    version = event_pb2.Event.FromString(file_version_event(3.0))
    assert (version.file_version, version.source_metadata.writer) == ("brain.Event:2",
                                                                      "tensorflow.core.util.events_writer")


@pytest.mark.parametrize("dtype", ["float32", "float64", "int32", "int64"])
def test_numeric_tensors_round_trip_through_tensorboard(dtype):
    pytest.importorskip("tensorboard")
    from tensorboard.compat.proto import tensor_pb2
    from tensorboard.util import tensor_util

    data = (np.arange(-3, 9).reshape(3, 4) * 1.5).astype(dtype)
    back = tensor_util.make_ndarray(tensor_pb2.TensorProto.FromString(tensor_proto(data)))
    assert back.dtype == data.dtype
    np.testing.assert_array_equal(back, data)
