"""Our records against the event file TensorFlow 2.21 wrote for the same summaries, byte for byte
(wall times excepted). The fixture: tests/fixtures/tensorboard/make_tf_events.py."""
import io
import json
import struct
from pathlib import Path

import numpy as np
import pytest

import glassnet as tf
from glassnet.summary.records import read_records

FIXTURE = Path(__file__).parents[1] / "fixtures" / "tensorboard"


def _tf_records():
    with open(FIXTURE / "tf_summary.tfevents", "rb") as file:
        return list(read_records(file))


def _wall_time(record):
    assert record[:1] == b"\x09"  # field 1 (wall_time), a double, always first
    return struct.unpack("<d", record[1:9])[0]


def _our_records(tmp_path, cases, arrays, monkeypatch, wall_times):
    times = iter(wall_times)
    writer = tf.summary.create_file_writer(tmp_path)
    monkeypatch.setattr("glassnet.summary.writer._wall_time", lambda: next(times))
    with writer.as_default():
        for i, case in enumerate(cases):
            data = arrays[f"data_{i}"]
            if case["kind"] == "histogram":
                assert tf.summary.histogram(case["tag"], data, step=case["step"], buckets=case["buckets"])
            elif case["kind"] == "image":
                assert tf.summary.image(case["tag"], data, step=case["step"])
            else:
                assert getattr(tf.summary, case["kind"])(case["tag"], data[()], step=case["step"])
    writer.close()
    with open(writer.path, "rb") as file:
        return list(read_records(file))


def test_every_record_is_byte_identical_to_tensorflows(tmp_path, monkeypatch):
    cases = json.loads((FIXTURE / "tf_summary.json").read_text())["cases"]
    arrays = np.load(FIXTURE / "tf_summary.npz", allow_pickle=False)
    expected = _tf_records()
    ours = _our_records(tmp_path, cases, arrays, monkeypatch, [_wall_time(r) for r in expected[1:]])
    assert len(ours) == len(expected) == len(cases) + 1
    version = bytearray(expected[0])
    version[1:9] = ours[0][1:9]  # our own file's creation time
    assert ours[0] == bytes(version)
    for case, mine, theirs in zip(cases, ours[1:], expected[1:]):
        if case["kind"] != "image":  # PNG encoders compress differently: see the next test
            assert mine == theirs, case["tag"]


def test_images_decode_to_tensorflows_pixels(tmp_path, monkeypatch):
    """Same sizes, same number of images, and PNGs holding the same pixels (TensorFlow's float ->
    uint8 conversion included)."""
    image_module = pytest.importorskip("PIL.Image")
    pytest.importorskip("tensorboard")
    from tensorboard.compat.proto import event_pb2
    from tensorboard.util import tensor_util

    cases = json.loads((FIXTURE / "tf_summary.json").read_text())["cases"]
    arrays = np.load(FIXTURE / "tf_summary.npz", allow_pickle=False)
    expected = _tf_records()
    ours = _our_records(tmp_path, cases, arrays, monkeypatch, [_wall_time(r) for r in expected[1:]])
    images = [i for i, case in enumerate(cases) if case["kind"] == "image"]
    assert len(images) == 2
    for i in images:
        mine, theirs = (tensor_util.make_ndarray(event_pb2.Event.FromString(records[i + 1]).summary.value[0].tensor)
                        for records in (ours, expected))
        assert list(mine[:2]) == list(theirs[:2])  # width, height
        assert len(mine) == len(theirs) == 2 + min(3, len(arrays[f"data_{i}"]))
        for png_mine, png_theirs in zip(mine[2:], theirs[2:]):
            decoded = [np.asarray(image_module.open(io.BytesIO(png))) for png in (png_mine, png_theirs)]
            np.testing.assert_array_equal(decoded[0], decoded[1])


@pytest.mark.parametrize("index", [3, 4, 5, 8])
def test_histogram_buckets_equal_tensorflows(index):
    """The same check on the decoded numbers, for a readable failure."""
    tensorboard = pytest.importorskip("tensorboard")  # noqa: F841
    from tensorboard.compat.proto import event_pb2
    from tensorboard.util import tensor_util

    cases = json.loads((FIXTURE / "tf_summary.json").read_text())["cases"]
    arrays = np.load(FIXTURE / "tf_summary.npz", allow_pickle=False)
    event = event_pb2.Event.FromString(_tf_records()[index + 1])
    theirs = tensor_util.make_ndarray(event.summary.value[0].tensor)
    ours = tf.summary.histogram_buckets(arrays[f"data_{index}"], cases[index]["buckets"] or 30)
    np.testing.assert_array_equal(ours, theirs)
