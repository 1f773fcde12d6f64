"""TensorBoard's arguments, warnings and file safety; needs no `tensorboard` package (the values
are checked against TensorBoard's reader in test_tensorboard_events.py)."""
import glob
import os
import warnings

import numpy as np
import pytest

import glassnet as tf
from glassnet.keras.callbacks import CallbackList, TensorBoard
from glassnet.summary.records import read_records


def record_count(folder):
    (path,) = glob.glob(os.path.join(folder, "events.out.tfevents.*"))
    with open(path, "rb") as file:
        return len(list(read_records(file)))  # raises on a bad CRC or a half-written record


def small_model():
    model = tf.keras.Sequential([tf.keras.Input((2,)), tf.keras.layers.Dense(1)])
    model.compile("sgd", "mse")
    return model


@pytest.mark.parametrize("kwargs, error, message", [
    ({"log_dir": 3}, TypeError, "log_dir=3"),
    ({"histogram_freq": -1}, ValueError, "histogram_freq=-1"),
    ({"histogram_freq": 1.5}, ValueError, "histogram_freq=1.5"),
    ({"update_freq": 0}, ValueError, "update_freq=0"),
    ({"update_freq": "step"}, ValueError, "'batch', 'epoch' or a positive integer. Received: update_freq='step'"),
    ({"write_graph": "yes"}, TypeError, "write_graph='yes'"),
    ({"write_images": None}, TypeError, "write_images=None"),
    ({"write_steps_per_second": 1}, TypeError, "write_steps_per_second=1"),
    ({"embeddings_freq": -2}, ValueError, "embeddings_freq=-2"),
    ({"embeddings_metadata": ["a"]}, TypeError, "embeddings_metadata=\\['a'\\]"),
    ({"profile_batch": -1}, ValueError, "profile_batch must be a non-negative integer.*Found: -1"),
    ({"profile_batch": (5, 2)}, ValueError, r"Found: \(5, 2\)"),
    ({"profile_batch": "a,b"}, ValueError, "Found: a,b"),
])
def test_bad_arguments_fail_before_anything_is_written(tmp_path, kwargs, error, message):
    log_dir = tmp_path / "logs"
    with pytest.raises(error, match=message):
        TensorBoard(**{"log_dir": log_dir, **kwargs})
    assert not log_dir.exists()


def test_keras_defaults_and_forms():
    board = TensorBoard()
    assert (board.log_dir, board.histogram_freq, board.write_graph, board.update_freq) == ("logs", 0, True, "epoch")
    assert TensorBoard(update_freq="batch").update_freq == 1
    assert TensorBoard(update_freq=np.int64(3)).update_freq == 3


@pytest.mark.parametrize("kwargs, named", [
    ({"profile_batch": 2}, "profile_batch=2"),
    ({"profile_batch": "500,520"}, "profile_batch='500,520'"),  # TensorFlow's profiler tutorial's form
    ({"profile_batch": (10, 20)}, r"profile_batch=\(10, 20\)"),
    ({"embeddings_freq": 1, "embeddings_metadata": {"embedding": "meta.tsv"}}, "embeddings_freq=1"),
])
def test_unsupported_options_warn_and_are_ignored(tmp_path, kwargs, named):
    with pytest.warns(UserWarning, match=f"`{named}` is not supported and is ignored"):
        board = TensorBoard(tmp_path, **kwargs)
    small_model().fit(np.ones((4, 2)), np.ones(4), epochs=1, verbose=0, callbacks=[board])
    assert sorted(os.listdir(tmp_path)) == ["train"]  # the scalars are still written, nothing else


def test_supported_defaults_do_not_warn():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        TensorBoard(profile_batch=0, write_images=True, embeddings_freq=0)
        TensorBoard(profile_batch="0,0")
        TensorBoard(profile_batch=[0, 0])


def test_batch_hooks_only_with_batch_level_logging():
    """fit builds per-batch logs only for callbacks that read them."""
    assert not CallbackList([TensorBoard()]).wants("on_train_batch_end")
    assert CallbackList([TensorBoard(update_freq=5)]).wants("on_train_batch_end")
    assert CallbackList([TensorBoard(write_steps_per_second=True)]).wants("on_train_batch_end")


def test_files_hold_whole_records_after_each_epoch_even_when_training_fails(tmp_path):
    class Crash(tf.keras.callbacks.Callback):
        def on_epoch_end(self, epoch, logs=None):
            if epoch == 1:
                raise RuntimeError("training failed")

    x = np.random.default_rng(0).normal(size=(8, 2)).astype("float32")
    with pytest.raises(RuntimeError, match="training failed"):
        small_model().fit(x, x[:, 0], epochs=3, verbose=0, validation_data=(x, x[:, 0]),
                          callbacks=[TensorBoard(tmp_path, histogram_freq=1), Crash()])
    # train: version, model config, 2 epochs x (loss, learning rate, 2 histograms); no on_train_end ran
    assert record_count(tmp_path / "train") == 2 + 2 * 4
    # validation: version, 2 epochs x (evaluation_loss_vs_iterations, epoch_loss)
    assert record_count(tmp_path / "validation") == 1 + 2 * 2


def test_a_second_fit_starts_new_files(tmp_path):
    model = small_model()
    board = TensorBoard(tmp_path)
    for _ in range(2):
        model.fit(np.ones((4, 2)), np.ones(4), epochs=1, verbose=0, callbacks=[board])
    assert len(os.listdir(tmp_path / "train")) == 2


def test_non_scalar_logs_are_skipped_with_one_warning(tmp_path):
    model = tf.keras.Sequential([tf.keras.Input((2,)), tf.keras.layers.Dense(1)])
    model.compile("sgd", "mse")
    board = TensorBoard(tmp_path, write_graph=False)
    board.set_model(model)
    board.on_train_begin()
    with pytest.warns(UserWarning, match=r"`epoch_per_class` has shape \(3,\) and is not written"):
        board.on_epoch_end(0, {"loss": 0.5, "per_class": np.array([0.1, 0.2, 0.3])})
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        board.on_epoch_end(1, {"loss": 0.25, "per_class": np.array([0.1, 0.2, 0.3])})
    board.on_train_end()
    assert record_count(tmp_path / "train") == 1 + 2 * 2  # version; loss and learning rate, twice


def test_a_model_that_cannot_give_its_json_warns_as_keras(tmp_path, monkeypatch):
    model = small_model()
    monkeypatch.setattr(type(model), "to_json", lambda self: 1 / 0)
    with pytest.warns(UserWarning, match="Model failed to serialize as JSON. Ignoring... division by zero"):
        TensorBoard(tmp_path).set_model(model)
    assert record_count(tmp_path / "train") == 1


def test_a_failed_fit_with_batch_logging_leaves_no_default_writer_behind(tmp_path):
    class Crash(tf.keras.callbacks.Callback):
        def on_train_batch_end(self, batch, logs=None):
            raise RuntimeError("training failed")

    model = small_model()
    board = TensorBoard(tmp_path, update_freq=1)
    with pytest.raises(RuntimeError, match="training failed"):
        model.fit(np.ones((4, 2)), np.ones(4), epochs=1, verbose=0, callbacks=[board, Crash()])
    assert tf.summary.should_record_summaries()  # Keras leaves its writer as the default, too
    model.fit(np.ones((4, 2)), np.ones(4), epochs=1, verbose=0, callbacks=[board])
    assert not tf.summary.should_record_summaries()
