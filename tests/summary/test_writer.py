import os
import re
import socket

import numpy as np
import pytest

import glassnet as tf
from glassnet.summary.records import read_records


def records(path):
    with open(path, "rb") as file:
        return list(read_records(file))


def events(path):
    """(step, tag, value) of each summary, read by TensorBoard's own loader (it checks CRCs)."""
    pytest.importorskip("tensorboard")
    from tensorboard.backend.event_processing import event_file_loader
    from tensorboard.util import tensor_util

    found = []
    for event in event_file_loader.EventFileLoader(str(path)).Load():
        for value in event.summary.value:
            found.append((event.step, value.tag, tensor_util.make_ndarray(value.tensor)))
    return found


def test_file_name_and_first_record(tmp_path):
    writer = tf.summary.create_file_writer(tmp_path / "run")
    name = os.path.basename(writer.path)
    assert re.fullmatch(rf"events\.out\.tfevents\.\d{{10}}\.{re.escape(socket.gethostname())}\.{os.getpid()}"
                        r"\.\d+\.v2", name)
    assert len(records(writer.path)) == 1  # the file-version event is on disk at once


def test_scalars_histograms_text_read_back_by_tensorboard(tmp_path):
    writer = tf.summary.create_file_writer(tmp_path)
    weights = np.random.default_rng(0).normal(size=(8, 4)).astype("float32")
    with writer.as_default():
        for step in range(3):
            assert tf.summary.scalar("loss", tf.constant(1.0 / (step + 1)), step=step)
            assert tf.summary.histogram("w", tf.Variable(weights * step), step=step)
        assert tf.summary.text("note", "**bold**", step=7)
    writer.close()
    read = events(writer.path)
    assert [(step, tag) for step, tag, _ in read] == [(0, "loss"), (0, "w"), (1, "loss"), (1, "w"), (2, "loss"),
                                                      (2, "w"), (7, "note")]
    assert [float(v) for _, tag, v in read if tag == "loss"] == [1.0, np.float32(0.5), np.float32(1 / 3)]
    for step, tag, value in read:
        if tag == "w":
            np.testing.assert_array_equal(value, tf.summary.histogram_buckets(weights * step))
    assert read[-1][2] == b"**bold**"


def test_default_step_as_default_step_and_set_step(tmp_path):
    writer = tf.summary.create_file_writer(tmp_path)
    with writer.as_default(step=5):
        tf.summary.scalar("a", 1.0)
        assert tf.summary.experimental.get_step() == 5
    assert tf.summary.experimental.get_step() is None
    tf.summary.experimental.set_step(9)
    try:
        with writer.as_default():
            tf.summary.scalar("b", 1.0)
            tf.summary.scalar("c", 1.0, step=tf.Variable(11))  # e.g. optimizer.iterations
    finally:
        tf.summary.experimental.set_step(None)
    assert [(step, tag) for step, tag, _ in events(writer.path)] == [(5, "a"), (9, "b"), (11, "c")]


def test_no_default_writer_writes_nothing_and_returns_false(tmp_path):
    writer = tf.summary.create_file_writer(tmp_path)
    assert tf.summary.scalar("loss", 1.0, step=0) is False
    assert tf.summary.histogram("w", [1.0, 2.0], step=0) is False
    writer.close()
    assert len(records(writer.path)) == 1


def test_record_if_with_a_bool_and_a_function(tmp_path):
    writer = tf.summary.create_file_writer(tmp_path)
    with writer.as_default():
        with tf.summary.record_if(False):
            assert not tf.summary.should_record_summaries()
            assert tf.summary.scalar("off", 1.0, step=0) is False
        step = 0
        with tf.summary.record_if(lambda: step % 2 == 0):
            for step in range(4):
                tf.summary.scalar("even", float(step), step=step)
    assert [(s, tag) for s, tag, _ in events(writer.path)] == [(0, "even"), (2, "even")]


def test_records_reach_the_file_at_flush_and_as_default_exit(tmp_path):
    writer = tf.summary.create_file_writer(tmp_path, max_queue=100)
    writer.set_as_default(step=0)
    try:
        tf.summary.scalar("a", 1.0)
        assert len(records(writer.path)) == 1  # queued
        tf.summary.flush()
        assert len(records(writer.path)) == 2
        with writer.as_default():
            tf.summary.scalar("b", 1.0)
        assert len(records(writer.path)) == 3
    finally:
        writer.close()


def test_a_full_queue_is_written(tmp_path):
    writer = tf.summary.create_file_writer(tmp_path, max_queue=3)
    with writer.as_default(step=0):
        for _ in range(5):
            tf.summary.scalar("a", 1.0)
        assert len(records(writer.path)) == 4  # version + 3 (the queue's limit); 2 still queued
    assert len(records(writer.path)) == 6


def test_closed_writer_refuses(tmp_path):
    writer = tf.summary.create_file_writer(tmp_path)
    writer.close()
    writer.close()  # twice is harmless
    with pytest.raises(RuntimeError, match="already closed"):
        with writer.as_default():
            pass


def test_errors(tmp_path):
    writer = tf.summary.create_file_writer(tmp_path)
    with writer.as_default():
        with pytest.raises(ValueError, match="No step set"):
            tf.summary.scalar("loss", 1.0)
        with pytest.raises(ValueError, match=r"scalar.*Received: data with shape \(2,\)"):
            tf.summary.scalar("loss", [1.0, 2.0], step=0)
        with pytest.raises(ValueError, match="buckets=-1"):
            tf.summary.histogram("w", [1.0], step=0, buckets=-1)
        with pytest.raises(TypeError, match="dtype <U1"):
            tf.summary.histogram("w", ["a"], step=0)
    with pytest.raises(TypeError, match="logdir=3"):
        tf.summary.create_file_writer(3)
    writer.close()
    assert len(records(writer.path)) == 1  # nothing half-written by the failed calls


def test_noop_writer():
    with tf.summary.create_noop_writer().as_default(step=0):
        assert not tf.summary.should_record_summaries()
        assert tf.summary.scalar("a", 1.0) is False  # as TensorFlow's


def test_image_summary(tmp_path):
    writer = tf.summary.create_file_writer(tmp_path)
    images = np.linspace(0, 1, 4 * 3 * 5).reshape(4, 3, 5, 1).astype("float32")
    with writer.as_default(step=2):
        assert tf.summary.image("batch", images, max_outputs=2)
        with pytest.raises(ValueError, match=r"\[k, height, width, channels\].*shape \(3, 5\)"):
            tf.summary.image("bad", images[0, :, :, 0])
        with pytest.raises(ValueError, match="max_outputs=-1"):
            tf.summary.image("bad", images, max_outputs=-1)
        with pytest.raises(TypeError, match="uint8 or float"):
            tf.summary.image("bad", images.astype("int32"))
    writer.close()
    ((step, tag, value),) = events(writer.path)
    assert (step, tag, list(value[:2])) == (2, "batch", [b"5", b"3"])  # width, then height
    assert len(value) == 4  # two PNGs
    assert all(png.startswith(b"\x89PNG") for png in value[2:])


def test_a_missing_name_says_so():
    with pytest.raises(AttributeError, match="glassnet has no tf.summary.trace_on"):
        tf.summary.trace_on  # noqa: B018


def test_queued_records_are_written_when_the_writer_is_dropped(tmp_path):
    import gc

    writer = tf.summary.create_file_writer(tmp_path, max_queue=100)
    path = writer.path
    writer.set_as_default(step=1)
    tf.summary.scalar("a", 1.0)
    assert len(records(path)) == 1  # queued
    tf.summary.create_noop_writer().set_as_default()  # the last reference to `writer` is ours
    del writer
    gc.collect()
    assert len(records(path)) == 2
