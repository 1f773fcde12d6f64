"""W4 and W5's pieces that need no peer framework: their data, FLOP counts, jobs and targets."""
import os
import types
from pathlib import Path

import numpy as np
import pytest

from bench import data, flops, report, run

REPO = Path(__file__).resolve().parents[2]


def test_convnet_macs_by_hand():
    # conv 1: 26x26 outputs x 32 filters x 3x3x1 taps = 194,688
    # conv 2: 13x13 pooled -> 11x11 outputs x 64 filters x 3x3x32 taps = 2,230,272
    # dense: 5x5x64 = 1,600 inputs x 10 units = 16,000
    assert flops.convnet_macs() == 194_688 + 2_230_272 + 16_000
    assert flops.training_flops(flops.convnet_macs()) == 6 * 2_440_960


def test_lstm_macs_by_hand():
    # per step: 4 gates x 64 units x (128 inputs + 64 recurrent) = 49,152; then Dense(64 -> 1)
    assert flops.lstm_macs() == 200 * 49_152 + 64
    assert flops.lstm_macs(length=20) == 20 * 49_152 + 64


@pytest.fixture(scope="module")
def keras():
    os.environ.setdefault("KERAS_BACKEND", "jax")
    return pytest.importorskip("keras")


def test_convnet_is_keras_example_and_its_macs_follow_the_layers(keras):
    from bench.frameworks import keras_api

    model = keras_api.convnet_model(types.SimpleNamespace(keras=keras))
    assert model.count_params() == 34_826  # the figure keras.io's MNIST convnet prints
    macs = 0
    for layer in model.layers:
        if isinstance(layer, keras.layers.Conv2D):
            macs += int(np.prod(layer.output.shape[1:3])) * int(np.prod(layer.kernel.shape))
        elif isinstance(layer, keras.layers.Dense):
            macs += int(np.prod(layer.kernel.shape))
    assert macs == flops.convnet_macs()


def test_sequence_model_is_imdb_lstm_and_its_macs_follow_the_layers(keras):
    from bench.frameworks import keras_api

    model = keras_api.sequence_model(types.SimpleNamespace(keras=keras), 200)
    assert model.count_params() == 20000 * 128 + 4 * 64 * (128 + 64 + 1) + 65
    lstm, dense = model.layers[1], model.layers[2]
    step = int(np.prod(lstm.cell.kernel.shape)) + int(np.prod(lstm.cell.recurrent_kernel.shape))
    assert 200 * step + int(np.prod(dense.kernel.shape)) == flops.lstm_macs(200)


def test_images_are_seeded_and_learnable():
    x, y = data.mnist_like_images(3500, seed=1)
    assert x.shape == (3500, 28, 28, 1) and x.dtype == np.float32 and y.dtype == np.int64
    assert x.min() >= -2 and x.max() <= 3 and set(np.unique(y)) == set(range(10))
    again, _ = data.mnist_like_images(3500, seed=1)
    np.testing.assert_array_equal(x, again)
    # the means of 3,000 images classify the other 500 by nearest mean: the labels are in the pixels
    means = np.stack([x[:3000][y[:3000] == c].mean(axis=0).ravel() for c in range(10)])
    distances = ((x[3000:].reshape(500, 1, -1) - means[None]) ** 2).sum(axis=2)
    assert np.mean(distances.argmin(axis=1) == y[3000:]) > 0.9


def test_sequences_are_pre_padded_word_ids_whose_labels_count_sentiment_words():
    words, y = data.imdb_like_sequences(1000, seed=3, length=200)
    assert words.shape == (1000, 200) and words.dtype == np.int32 and y.shape == (1000, 1)
    assert words.min() == 0 and words.max() < 20000
    started = np.cumsum(words != 0, axis=1) > 0
    assert np.all((words != 0) == started)  # zeros only before the first word
    assert 50 <= started.sum(axis=1).min() and started.sum(axis=1).max() == 200
    positive = ((words >= 1) & (words <= 50)).sum(axis=1)
    negative = ((words >= 51) & (words <= 100)).sum(axis=1)
    decided = positive != negative
    assert decided.mean() > 0.8
    np.testing.assert_array_equal(y[decided, 0], (positive > negative)[decided])
    assert 0.4 < y.mean() < 0.6


def test_categorical_crossentropy_by_hand():
    p = np.array([[0.5, 0.25, 0.25], [0.0, 1.0, 0.0]])
    # -(log 0.5 + log 1e-7) / 2: a zero probability is clipped to Keras's epsilon
    assert data.categorical_crossentropy(p, np.array([0, 0])) == pytest.approx(-(np.log(0.5) + np.log(1e-7)) / 2)
    np.testing.assert_array_equal(data.one_hot(np.array([2, 0]), 3), [[0, 0, 1], [1, 0, 0]])


def test_flop_share_uses_the_reported_count_else_six_per_parameter():
    rows = {("matmul", "matmul", 1): {"gflops": 100.0}}
    counted = {"samples_per_s": 1000.0, "parameters": 5, "train_flops_per_sample": 1e7}
    assert report.flop_share(rows, counted, 1, 2) == pytest.approx(1e10 / 1e11)
    dense = {"samples_per_s": 1000.0, "parameters": 1e6}
    assert report.flop_share(rows, dense, 1, 2) == pytest.approx(6e9 / 1e11)


def test_w4_w5_targets():
    rows = {("glassnet", "w4", 1): {"samples_per_s": 800.0}, ("torch", "w4", 1): {"samples_per_s": 1000.0},
            ("glassnet", "w4", 2): {"samples_per_s": 900.0}, ("tf-keras", "w4", None): {"samples_per_s": 600.0},
            ("glassnet", "w5", 1): {"samples_per_s": 100.0}, ("torch", "w5", 1): {"samples_per_s": 400.0}}
    values = dict(zip([name for name, _, _ in report.TARGETS], report.target_values(rows, 2)))
    assert values["W4 (1 thread): glassnet samples/s ÷ PyTorch samples/s"] == pytest.approx(0.8)
    assert values["W4: glassnet (2 threads) samples/s ÷ tf.keras (its default threads) samples/s"] == 1.5
    assert values["W5 (1 thread): glassnet samples/s ÷ PyTorch samples/s"] == 0.25


def test_workloads_w4_w5_select_every_framework_and_the_matmul_rate():
    jobs = run.select_jobs(run.parse_args(["--workloads", "w4,w5", "--peer-python", "python"]))
    for workload in ("w4", "w5"):
        assert [(f, t) for f, w, t in jobs if w == workload] == [
            ("glassnet", 1), ("glassnet", 2), ("tf-keras", None), ("torch", 1), ("torch", 2)]
    assert [job for job in jobs if job[0] == "matmul"] == [("matmul", "matmul", 1), ("matmul", "matmul", 2)]
    with pytest.raises(SystemExit, match="unknown workload.*w6"):
        run.select_jobs(run.parse_args(["--workloads", "w4,w6"]))


def test_glassnet_of_another_checkout_runs_beside_this_bench(tmp_path):
    other = tmp_path / "other"
    (other / "glassnet").mkdir(parents=True)
    (other / "glassnet" / "__init__.py").write_text("")
    args = run.parse_args(["--glassnet", str(other)])
    args.glassnet_root = run.glassnet_root(args, tmp_path)
    assert (args.glassnet_root / "glassnet").resolve() == (other / "glassnet").resolve()
    assert (args.glassnet_root / "bench").resolve() == REPO / "bench"
    assert run.environment(("glassnet", "w4", 1), args)["PYTHONPATH"] == str(args.glassnet_root)
    assert run.environment(("torch", "w4", 1), args)["PYTHONPATH"] == str(REPO)
    with pytest.raises(SystemExit, match="no glassnet/__init__.py"):
        run.glassnet_root(run.parse_args(["--glassnet", str(tmp_path / "nowhere")]), tmp_path)


def test_steady_speed_leaves_out_the_first_epoch_in_wall_and_cpu_time():
    from bench import harness

    clock = harness.EpochClock()
    clock.seconds, clock.cpu_seconds = [10.0, 2.0, 3.0], [9.0, 1.0, 4.0]
    speed = harness.steady_speed(100, clock)
    assert speed["samples_per_s"] == 200 / 5 and speed["samples_per_cpu_s"] == 200 / 5
    clock = harness.EpochClock()
    clock.start()
    sum(range(10**6))  # some CPU work
    clock.stop()
    assert 0 < clock.cpu_seconds[0] and len(clock.seconds) == 1
