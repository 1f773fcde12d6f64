"""TensorBoard's own reader (the `tensorboard` package, a test-only dependency) reads what the
callback writes, and every value equals what `fit` reported."""
import glob
import json
import os

import numpy as np
import pytest

import glassnet as tf

pytest.importorskip("tensorboard")
from tensorboard.backend.event_processing import event_accumulator  # noqa: E402
from tensorboard.plugins.graph import keras_util  # noqa: E402
from tensorboard.util import tensor_util  # noqa: E402


def read(folder):
    """{tag: [(step, value)]} of every summary in `folder`'s event files."""
    accumulator = event_accumulator.EventAccumulator(str(folder), size_guidance={event_accumulator.TENSORS: 0})
    accumulator.Reload()
    return {tag: [(event.step, tensor_util.make_ndarray(event.tensor_proto)) for event in accumulator.Tensors(tag)]
            for tag in accumulator.Tags()["tensors"]}


def plugin(folder, tag):
    accumulator = event_accumulator.EventAccumulator(str(folder))
    accumulator.Reload()
    return accumulator.SummaryMetadata(tag).plugin_data


def data(n=48, seed=0):
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(n, 3)).astype("float32")
    return x, (x @ np.array([1.0, -2.0, 0.5]) > 0).astype("float32")


def model():
    net = tf.keras.Sequential([tf.keras.Input((3,)), tf.keras.layers.Dense(5, activation="relu"),
                               tf.keras.layers.Dense(1, activation="sigmoid")])
    net.compile(tf.keras.optimizers.Adam(0.01), "binary_crossentropy", metrics=["accuracy", "mae"])
    return net


def as_float32(values):
    return [float(np.float32(v)) for v in values]


@pytest.fixture
def fitted(tmp_path):
    """A 3-epoch fit with validation and histograms, the weights at each epoch's end, the batch logs."""
    x, y = data()
    net = model()
    weights, batches = [], []
    record = tf.keras.callbacks.LambdaCallback(
        on_epoch_end=lambda epoch, logs: weights.append({w.path: np.array(w) for w in net.weights}),
        on_train_batch_end=lambda batch, logs: batches.append(dict(logs)))
    board = tf.keras.callbacks.TensorBoard(tmp_path, histogram_freq=1, update_freq=2)
    history = net.fit(x, y, batch_size=10, epochs=3, validation_data=data(20, seed=1), verbose=0,
                      callbacks=[board, record])
    return net, history.history, weights, batches, tmp_path


def test_epoch_scalars_equal_history(fitted):
    """Every epoch, although 5 batches an epoch with update_freq=2 leaves epochs 0 and 2 ending on
    a batch that batch-level logging skips (Keras 3.15.1 then drops those epochs' summaries)."""
    net, history, _, _, logs = fitted
    train, validation = read(logs / "train"), read(logs / "validation")
    for name in ("loss", "accuracy", "mae"):
        assert [step for step, _ in train[f"epoch_{name}"]] == [0, 1, 2]
        assert [float(v) for _, v in train[f"epoch_{name}"]] == as_float32(history[name])
        assert [step for step, _ in validation[f"epoch_{name}"]] == [0, 1, 2]
        assert [float(v) for _, v in validation[f"epoch_{name}"]] == as_float32(history[f"val_{name}"])
    assert [float(v) for _, v in train["epoch_learning_rate"]] == as_float32([0.01] * 3)
    assert plugin(logs / "train", "epoch_loss").plugin_name == "scalars"


def test_evaluation_scalars_at_the_optimizer_iterations(fitted):
    net, history, _, _, logs = fitted
    validation = read(logs / "validation")
    for name in ("loss", "accuracy", "mae"):
        points = validation[f"evaluation_{name}_vs_iterations"]
        assert [step for step, _ in points] == [5, 10, 15]  # 48 samples in batches of 10: 5 steps an epoch
        assert [float(v) for _, v in points] == as_float32(history[f"val_{name}"])
    assert int(np.asarray(net.optimizer.iterations)) == 15


def test_batch_scalars_every_update_freq_batches(fitted):
    _, _, _, batches, logs = fitted
    train = read(logs / "train")
    # Steps count the batches of the whole fit from 1; every second one is written.
    assert [step for step, _ in train["batch_loss"]] == list(range(2, 16, 2))
    for name in ("loss", "accuracy", "mae"):
        expected = [batches[step - 1][name] for step in range(2, 16, 2)]
        assert [float(v) for _, v in train[f"batch_{name}"]] == as_float32(expected)


def test_weight_histograms_each_epoch(fitted):
    net, _, weights, _, logs = fitted
    train = read(logs / "train")
    tags = sorted(tag for tag in train if tag.endswith("/histogram"))
    assert tags == sorted(f"{w.path}/histogram" for w in net.weights)
    assert tags[0] == "sequential/dense/bias/histogram"  # as Keras names them
    assert plugin(logs / "train", tags[0]).plugin_name == "histograms"
    for tag in tags:
        path = tag[:-len("/histogram")]
        assert [step for step, _ in train[tag]] == [0, 1, 2]
        for epoch, (_, table) in enumerate(train[tag]):
            values = weights[epoch][path]
            assert table.shape == (30, 3)
            assert table[:, 2].sum() == values.size
            if np.ptp(values) > 0:
                counts, edges = np.histogram(values.astype("float64"), bins=30)
                np.testing.assert_array_equal(table[:, 2], counts)
                np.testing.assert_allclose(table[:, 0], edges[:-1], rtol=0, atol=1e-12)


def test_model_config_for_the_graphs_tab(fitted):
    net, _, _, _, logs = fitted
    (point,) = read(logs / "train")["keras"]
    assert point[0] == 0
    assert point[1].item() == net.to_json().encode()
    meta = plugin(logs / "train", "keras")
    assert (meta.plugin_name, meta.content) == ("graph_keras_model", b"1")
    # TensorBoard's graph plugin turns it into the layers' graph
    graph = keras_util.keras_model_to_graph_def(json.loads(point[1].item()))
    assert [(node.name, list(node.input)) for node in graph.node] == [
        ("sequential/input_layer", []), ("sequential/dense", ["sequential/input_layer"]),
        ("sequential/dense_1", ["sequential/dense"])]


def test_one_file_per_folder_named_as_tensorflow_names_them(fitted):
    logs = fitted[-1]
    assert sorted(os.listdir(logs)) == ["train", "validation"]
    for folder in ("train", "validation"):
        (path,) = glob.glob(str(logs / folder / "*"))
        assert os.path.basename(path).startswith("events.out.tfevents.") and path.endswith(".v2")


def test_update_freq_epoch_writes_no_batch_scalars_and_no_graph_when_off(tmp_path):
    x, y = data()
    history = model().fit(x, y, batch_size=16, epochs=2, verbose=0,
                          callbacks=[tf.keras.callbacks.TensorBoard(tmp_path, write_graph=False)])
    assert sorted(os.listdir(tmp_path)) == ["train"]  # no validation, no validation folder
    train = read(tmp_path / "train")
    assert sorted(train) == ["epoch_accuracy", "epoch_learning_rate", "epoch_loss", "epoch_mae"]
    assert [float(v) for _, v in train["epoch_loss"]] == as_float32(history.history["loss"])


def test_steps_per_second(tmp_path):
    x, y = data()
    model().fit(x, y, batch_size=16, epochs=2, verbose=0, callbacks=[
        tf.keras.callbacks.TensorBoard(tmp_path, write_steps_per_second=True, update_freq="batch")])
    train = read(tmp_path / "train")
    assert [step for step, _ in train["epoch_steps_per_second"]] == [0, 1]
    assert [step for step, _ in train["batch_steps_per_second"]] == list(range(1, 7))
    assert all(float(v) > 0 for _, v in train["epoch_steps_per_second"] + train["batch_steps_per_second"])


def test_evaluate_alone_logs_evaluation_scalars(tmp_path):
    x, y = data()
    net = model()
    net.fit(x, y, epochs=1, batch_size=16, verbose=0)
    result = net.evaluate(x, y, verbose=0, return_dict=True,
                          callbacks=[tf.keras.callbacks.TensorBoard(tmp_path, write_graph=False)])
    validation = read(tmp_path / "validation")
    assert validation["evaluation_loss_vs_iterations"][0][0] == 3
    assert float(validation["evaluation_loss_vs_iterations"][0][1]) == np.float32(result["loss"])


class Watched(tf.keras.layers.Layer):
    """Logs its input's mean with tf.summary, as Keras's TensorBoard docs show for call()."""

    def call(self, inputs):
        tf.summary.scalar("mean_input", tf.reduce_mean(inputs))
        return inputs


def test_summaries_inside_the_model_go_to_the_current_writer_and_step(tmp_path):
    x, y = data(32)
    net = tf.keras.Sequential([tf.keras.Input((3,)), Watched(), tf.keras.layers.Dense(1)])
    net.compile("sgd", "mse")
    net.fit(x, y, batch_size=8, epochs=2, validation_data=(x[:16], y[:16]), verbose=0, shuffle=False,
            callbacks=[tf.keras.callbacks.TensorBoard(tmp_path, update_freq=2)])
    train = read(tmp_path / "train")["mean_input"]
    assert [step for step, _ in train] == [2, 4, 6, 8]  # every 2nd of the 8 training batches
    np.testing.assert_allclose(float(train[0][1]), np.mean(x[8:16]), rtol=1e-6)
    validation = read(tmp_path / "validation")["mean_input"]
    assert [step for step, _ in validation] == [2, 4]  # the 2 + 2 validation batches, counted over the fit


def test_write_images_lays_weights_out_as_keras(tmp_path):
    """The sizes TensorFlow's Keras wrote for this model (width, height, images), and the pixels:
    a kernel laid out wide, a bias as one column, a 4-D kernel taken as a batch of images."""
    image_module = pytest.importorskip("PIL.Image")
    import io

    net = tf.keras.Sequential([tf.keras.Input((6, 6, 2)), tf.keras.layers.Conv2D(3, 3), tf.keras.layers.Flatten(),
                               tf.keras.layers.Dense(5), tf.keras.layers.Dense(7), tf.keras.layers.Dense(1)])
    net.compile("sgd", "mse")
    rng = np.random.default_rng(0)
    net.fit(rng.normal(size=(8, 6, 6, 2)), rng.normal(size=(8, 1)), epochs=1, verbose=0, callbacks=[
        tf.keras.callbacks.TensorBoard(tmp_path, histogram_freq=1, write_images=True)])
    images = {tag: value for tag, ((_, value),) in read(tmp_path / "train").items() if tag.endswith("/image")}
    sizes = {tag[len("sequential/"):-len("/image")]: (int(v[0]), int(v[1]), len(v) - 2) for tag, v in images.items()}
    assert sizes == {"conv2d/kernel": (2, 3, 3), "conv2d/bias": (1, 3, 1), "dense/kernel": (48, 5, 1),
                     "dense/bias": (1, 5, 1), "dense_1/kernel": (7, 5, 1), "dense_1/bias": (1, 7, 1),
                     "dense_2/kernel": (1, 7, 1)}  # dense_2/bias is one number: no image, as Keras
    kernel = np.array(net.layers[2].kernel)  # (48, 5): transposed to 5 rows of 48
    pixels = np.asarray(image_module.open(io.BytesIO(images["sequential/dense/kernel/image"][2])))
    np.testing.assert_array_equal(pixels, np.clip(kernel.T * np.float32(255.5), 0, 255).astype(np.uint8))


def test_same_summaries_in_the_same_order_as_tensorflows_keras(tmp_path):
    """TensorFlow 2.21's Keras 3.15.1 ran this fit (tests/fixtures/tensorboard/
    make_keras_callback_events.py): every summary's step, tag and plugin, in file order."""
    from pathlib import Path

    from tensorboard.backend.event_processing import event_file_loader

    recorded = json.loads((Path(__file__).parents[2] / "fixtures" / "tensorboard" /
                           "keras_callback_events.json").read_text())
    setup = recorded["setup"]
    rng = np.random.default_rng(0)
    x = rng.normal(size=(setup["samples"], 3)).astype("float32")
    y = (x.sum(1) > 0).astype("float32")
    net = tf.keras.Sequential([tf.keras.Input((3,)), tf.keras.layers.Dense(4, activation="relu"),
                               tf.keras.layers.Dense(1, activation="sigmoid")])
    net.compile("adam", "binary_crossentropy", metrics=["accuracy"])
    net.fit(x, y, epochs=setup["epochs"], batch_size=setup["batch_size"], verbose=0,
            validation_split=setup["validation_split"],
            callbacks=[tf.keras.callbacks.TensorBoard(tmp_path, **setup["callback"])])
    for folder in ("train", "validation"):
        (path,) = glob.glob(str(tmp_path / folder / "events.out.tfevents.*"))
        ours = [[event.step, value.tag, value.metadata.plugin_data.plugin_name]
                for event in event_file_loader.EventFileLoader(path).Load() for value in event.summary.value]
        assert ours == recorded["events"][folder], folder
