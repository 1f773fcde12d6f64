"""`TensorBoard`: training curves and weight histograms in event files, without TensorFlow."""
import contextlib
import os
import time
import warnings

import numpy as np

from glassnet import summary
from glassnet.keras import validation as check
from glassnet.keras.callbacks import tensorboard_options as options
from glassnet.keras.callbacks.callback import Callback
from glassnet.summary.messages import summary_metadata, tensor_proto


class TensorBoard(Callback):
    """Writes the logs of `fit` (and weight histograms) for TensorBoard, as Keras does.

    Args:
        log_dir: the folder of the logs; view them with ``tensorboard --logdir <log_dir>``.
        histogram_freq: every this many epochs, a histogram of every weight (0: never).
        write_graph: write the model's config, which TensorBoard's Graphs tab draws as a
            conceptual graph (Sequential and functional models, as Keras). There is no op graph.
        write_images: with `histogram_freq`, also write each weight as an image, as Keras
            lays it out (``<weight.path>/image``).
        write_steps_per_second: also log training steps per second (``epoch_steps_per_second``,
            and ``batch_steps_per_second`` with batch-level logging).
        update_freq: ``"epoch"``; or ``"batch"`` or an integer N: also write ``batch_<name>``
            scalars every N training batches, at the running count of batches.
        profile_batch: accepted as Keras checks it; glassnet has no profiler, so a non-zero
            value warns and nothing is traced.
        embeddings_freq, embeddings_metadata: not supported (TensorBoard's Projector reads
            TensorFlow checkpoints): a non-zero `embeddings_freq` warns and writes nothing.

    What is written, under ``log_dir/train`` and ``log_dir/validation`` (one event file each):

    - each epoch, ``epoch_<name>`` for every log at step `epoch` (training logs and
      ``epoch_learning_rate`` under train/, the ``val_`` logs without their prefix under
      validation/);
    - after each validation (and each `evaluate` given this callback),
      ``evaluation_<name>_vs_iterations`` under validation/, at the optimizer's iteration count;
    - with `update_freq`, ``batch_<name>`` under train/;
    - with `histogram_freq`, ``<weight.path>/histogram`` under train/ (and
      ``<weight.path>/image`` with `write_images`);
    - with `write_graph`, the model's JSON under the tag ``keras`` (train/, step 0).

    Records are flushed to disk at each epoch's end and the files closed when training ends.

    Example:
        >>> import tempfile, numpy as np, glassnet as tf
        >>> model = tf.keras.Sequential([tf.keras.Input((2,)), tf.keras.layers.Dense(1)])
        >>> model.compile("sgd", "mse")
        >>> logs = tempfile.mkdtemp()
        >>> _ = model.fit(np.ones((4, 2)), np.ones(4), epochs=2, verbose=0,
        ...               callbacks=[tf.keras.callbacks.TensorBoard(logs)])
        >>> sorted(os.listdir(logs))
        ['train']
    """

    def __init__(self, log_dir="logs", histogram_freq=0, write_graph=True, write_images=False,
                 write_steps_per_second=False, update_freq="epoch", profile_batch=0, embeddings_freq=0,
                 embeddings_metadata=None):
        super().__init__()
        owner = "TensorBoard"
        if not isinstance(log_dir, (str, os.PathLike)):
            check.fail("log_dir", log_dir, "a folder path", owner, TypeError)
        self.log_dir = os.fspath(log_dir)
        self.histogram_freq = check.integer("histogram_freq", histogram_freq, minimum=0, owner=owner)
        self.write_graph = check.boolean("write_graph", write_graph, owner=owner)
        self.write_images = check.boolean("write_images", write_images, owner=owner)
        self.write_steps_per_second = check.boolean("write_steps_per_second", write_steps_per_second, owner=owner)
        self.update_freq = options.update_freq(update_freq)
        self.embeddings_freq = check.integer("embeddings_freq", embeddings_freq, minimum=0, owner=owner)
        self.embeddings_metadata = options.embeddings_metadata(embeddings_metadata)
        profiled = options.profile_range(profile_batch) != (0, 0)
        options.warn_unsupported(profile_batch=profile_batch if profiled else 0, embeddings_freq=self.embeddings_freq)
        self._writers = {}
        self._pushed = []  # the (writer, record_if) contexts of batch-level logging, innermost last
        self._nonscalar_warned = set()
        self._global_train_batch = 0
        self._global_test_batch = 0
        if self.update_freq != "epoch" or self.write_steps_per_second:
            # Only then does a batch hook do anything; fit skips building per-batch logs for
            # callbacks without one, so the hooks are attached only when they are needed.
            self.on_train_batch_begin = self._on_train_batch_begin
            self.on_train_batch_end = self._on_train_batch_end
            self.on_test_batch_begin = self._on_test_batch_begin

    # --- writers --------------------------------------------------------------------------
    def set_model(self, model):
        """Set the model; a new pair of event files is started, and the model's config written
        if `write_graph`."""
        self._model = model
        while self._pushed:  # left by a fit that stopped on an error: the default writer goes back
            self._pushed.pop().close()
        self._train_dir = os.path.join(self.log_dir, "train")
        self._val_dir = os.path.join(self.log_dir, "validation")
        self._writers = {}
        if self.write_graph:
            self._write_model_config()

    def _writer(self, which):
        """The train or validation writer, created (with its file) on first use, as Keras does."""
        if which not in self._writers:
            folder = self._train_dir if which == "train" else self._val_dir
            self._writers[which] = summary.create_file_writer(folder)
        return self._writers[which]

    def _push_writer(self, which, step):
        """Make a writer the default for batch-level summaries (the model's own tf.summary calls
        included) at `step`, recording only every `update_freq` steps."""
        if self.update_freq == "epoch":
            return
        contexts = contextlib.ExitStack()
        contexts.enter_context(self._writer(which).as_default(step))
        contexts.enter_context(summary.record_if(lambda: step % self.update_freq == 0))
        self._pushed.append(contexts)

    def _pop_writer(self):
        if self.update_freq != "epoch" and self._pushed:
            self._pushed.pop().close()

    @contextlib.contextmanager
    def _recording_to(self, which):
        """The writer as the default for epoch-level summaries, which are always recorded.

        Keras 3.15.1 leaves the last batch's ``record_if`` of batch-level logging in force here,
        so with ``update_freq=N`` it drops every epoch whose batch count is not a multiple of N
        (tensorflow/tensorflow#49109); glassnet writes every epoch. Flushes on exit."""
        with self._writer(which).as_default(), summary.record_if(True):
            yield

    def _close_writers(self):
        for writer in self._writers.values():
            writer.close()

    def _write_model_config(self):
        """The model's JSON under tag ``keras`` (plugin ``graph_keras_model``), as Keras writes it."""
        writer = self._writer("train")
        if type(self.model).__name__ not in ("Functional", "Sequential"):
            return
        try:
            config = self.model.to_json()
        except Exception as error:  # as Keras: a model that cannot be serialized still trains
            warnings.warn(f"Model failed to serialize as JSON. Ignoring... {error}", stacklevel=2)
            return
        writer.write("keras", tensor_proto(np.asarray(config, dtype=object)),
                     summary_metadata("graph_keras_model", b"1"), step=0)
        writer.flush()

    # --- hooks ----------------------------------------------------------------------------
    def on_train_begin(self, logs=None):
        self._global_train_batch = 0
        self._push_writer("train", self._global_train_batch)

    def on_train_end(self, logs=None):
        self._pop_writer()
        self._close_writers()

    def on_test_begin(self, logs=None):
        self._push_writer("validation", self._global_test_batch)

    def on_test_end(self, logs=None):
        optimizer = getattr(self.model, "optimizer", None)
        if optimizer is not None and hasattr(optimizer, "iterations"):
            with self._recording_to("validation"):
                for name, value in (logs or {}).items():
                    self._scalar(f"evaluation_{name}_vs_iterations", value, step=optimizer.iterations)
        self._pop_writer()

    def _on_train_batch_begin(self, batch, logs=None):
        self._global_train_batch += 1
        self._pop_writer()
        self._push_writer("train", self._global_train_batch)
        self._batch_start_time = time.time()

    def _on_train_batch_end(self, batch, logs=None):
        if self.write_steps_per_second:
            self._scalar("batch_steps_per_second", 1.0 / (time.time() - self._batch_start_time),
                         step=self._global_train_batch)
        if isinstance(logs, dict):
            for name, value in logs.items():
                self._scalar(f"batch_{name}", value, step=self._global_train_batch)

    def _on_test_batch_begin(self, batch, logs=None):
        self._global_test_batch += 1
        self._pop_writer()
        self._push_writer("validation", self._global_test_batch)

    def on_epoch_begin(self, epoch, logs=None):
        if self.write_steps_per_second:
            self._epoch_start_iterations = _iterations(self.model)
            self._epoch_start_time = time.time()

    def on_epoch_end(self, epoch, logs=None):
        """Write the epoch's scalars, and the weight histograms every `histogram_freq` epochs."""
        self._log_epoch_metrics(epoch, logs)
        if self.histogram_freq and epoch % self.histogram_freq == 0:
            self._log_weights(epoch)

    # --- what is written ------------------------------------------------------------------
    def _log_epoch_metrics(self, epoch, logs):
        if not logs:
            return
        train_logs = {key: value for key, value in logs.items() if not key.startswith("val_")}
        val_logs = {key[4:]: value for key, value in logs.items() if key.startswith("val_")}
        learning_rate = _learning_rate(self.model)
        if learning_rate is not None:
            train_logs["learning_rate"] = learning_rate
        if self.write_steps_per_second:
            seconds = time.time() - self._epoch_start_time
            train_logs["steps_per_second"] = (_iterations(self.model) - self._epoch_start_iterations) / seconds
        for which, epoch_logs in (("train", train_logs), ("validation", val_logs)):
            if epoch_logs:
                with self._recording_to(which):
                    for name, value in epoch_logs.items():
                        self._scalar(f"epoch_{name}", value, step=epoch)

    def _log_weights(self, epoch):
        with self._recording_to("train"):
            for layer in self.model.layers:
                for weight in layer.weights:
                    tag = getattr(weight, "path", weight.name).replace(":", "_")
                    summary.histogram(f"{tag}/histogram", weight, step=epoch)
                    image = _weight_image(np.asarray(weight)) if self.write_images else None
                    if image is not None:
                        summary.image(f"{tag}/image", image, step=epoch)

    def _scalar(self, tag, value, step):
        """A scalar summary; a log that is not one number (a per-class F1 score) is skipped
        with a warning, once per tag, where TensorFlow's Keras stops training with an error."""
        if np.ndim(value) != 0:
            if tag not in self._nonscalar_warned:
                self._nonscalar_warned.add(tag)
                warnings.warn(f"TensorBoard writes scalars only: `{tag}` has shape {np.shape(value)} "
                              "and is not written.", stacklevel=3)
            return
        summary.scalar(tag, value, step=step)


def _weight_image(values):
    """Keras's picture of a weight, ``[k, height, width, channels]``, or None: a bias is one
    row, a kernel is laid out wide (transposed if taller than wide), a 3-D kernel is one
    image per output channel; a 4-D weight is taken as it is when its last axis can be one."""
    values = np.squeeze(values)
    if values.ndim == 1:
        values = values.reshape(1, values.shape[0], 1, 1)
    elif values.ndim == 2:
        values = values.T if values.shape[0] > values.shape[1] else values
        values = values.reshape(1, *values.shape, 1)
    elif values.ndim == 3:  # channels_last: one image per output channel
        values = np.transpose(values, (2, 0, 1))[..., np.newaxis]
    return values if values.ndim == 4 and values.shape[-1] in (1, 3, 4) else None


def _learning_rate(model):
    """The optimizer's current learning rate as a float (None without an optimizer)."""
    optimizer = getattr(model, "optimizer", None)
    optimizer = getattr(optimizer, "inner_optimizer", optimizer)  # a LossScaleOptimizer's inner one
    rate = getattr(optimizer, "learning_rate", None)
    return None if rate is None else float(np.asarray(rate))


def _iterations(model):
    return float(np.asarray(model.optimizer.iterations))
