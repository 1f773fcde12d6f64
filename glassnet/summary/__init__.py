"""``tf.summary``: write event files that TensorBoard reads, without TensorFlow.

    import glassnet as tf
    writer = tf.summary.create_file_writer("logs/train")
    with writer.as_default():
        for step in range(100):
            tf.summary.scalar("loss", loss, step=step)
            tf.summary.histogram("weights", w, step=step)

Then ``tensorboard --logdir logs``. The file format (TFRecord framing with masked CRC-32C,
and the Event/Summary protocol buffers) is written by the small modules of this package:
`crc32c`, `records`, `protobuf`, `messages`, `histogram`, `png`, `event_file`, `writer`.
See docs/tensorboard.md.
"""
import types

from glassnet.missing import attribute_error as _attribute_error
from glassnet.summary.histogram import buckets as histogram_buckets
from glassnet.summary.summaries import histogram, image, scalar, text
from glassnet.summary.writer import (
    SummaryWriter, create_file_writer, create_noop_writer, flush, get_step, record_if, set_step,
    should_record_summaries,
)

# tf.summary.experimental's step functions
experimental = types.SimpleNamespace(get_step=get_step, set_step=set_step)

__getattr__ = _attribute_error(__name__, "tf.summary")  # tf.summary.trace_on: says glassnet lacks it

__all__ = [
    "SummaryWriter", "create_file_writer", "create_noop_writer", "experimental", "flush", "histogram",
    "histogram_buckets", "image", "record_if", "scalar", "should_record_summaries", "text",
]
