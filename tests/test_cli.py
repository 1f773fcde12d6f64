"""The glassnet command: ``glassnet digits`` trains, reports, writes its files; bad input exits 2."""
import re
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from glassnet.apps import digits, digits_data
from glassnet.keras.models import load_model
from glassnet.cli import main

ROOT = Path(__file__).resolve().parents[1]
PNGS = ("history.png", "diagnostics.png", "mistakes.png", "samples.png")


def _accuracy(output):
    return float(re.search(r"test accuracy: ([\d.]+)%", output).group(1)) / 100


def test_defaults_reach_the_targets(tmp_path, capsys):
    for classes, target in (("2", 0.99), ("10", 0.96)):
        status = main(["digits", "--classes", classes, "--out", str(tmp_path / classes), "--quiet"])
        output = capsys.readouterr().out
        assert status == 0
        assert _accuracy(output) >= target, output


def test_full_report_and_files(tmp_path, capsys):
    status = main(["digits", "--classes", "10", "--epochs", "3", "--out", str(tmp_path)])
    output = capsys.readouterr().out
    assert status == 0
    assert "1437 training and 360 test images of 8x8 pixels" in output
    assert "Total params: 2,175" in output  # 64*25+25 + 25*15+15 + 15*10+10
    assert "a1 = relu(x @ W1 + b1)" in output and "W1:(64, 25)" in output  # model.explain()
    assert "Epoch 3/3" in output and "val_accuracy" in output
    assert "confusion matrix" in output
    matrix = [line.split()[1:] for line in output.splitlines() if re.match(r"^ +\d +\d", line)]
    assert len(matrix) == 10 and sum(int(count) for row in matrix for count in row) == 360
    assert (tmp_path / "model.keras").exists() and "load_model('" in output
    if _has_matplotlib():
        assert all((tmp_path / name).stat().st_size > 1000 for name in PNGS)


def test_quiet_prints_only_the_accuracy(tmp_path, capsys):
    assert main(["digits", "--epochs", "2", "--out", str(tmp_path), "--quiet"]) == 0
    captured = capsys.readouterr()
    assert len(captured.out.splitlines()) == 1 and captured.out.startswith("test accuracy: ")
    assert captured.err == ""


def test_same_seed_same_model_and_the_saved_model_reloads(tmp_path, capsys):
    for run in ("a", "b"):
        main(["digits", "--classes", "10", "--epochs", "3", "--seed", "7", "--out", str(tmp_path / run), "--quiet"])
    accuracy = _accuracy(capsys.readouterr().out)
    first, second = load_model(tmp_path / "a" / "model.keras"), load_model(tmp_path / "b" / "model.keras")
    assert [w.shape for w in first.weights] == [(64, 25), (25,), (25, 15), (15,), (15, 10), (10,)]
    assert all(np.array_equal(a, b) for a, b in zip(first.get_weights(), second.get_weights()))
    data = digits_data.load(classes=10)
    reloaded = np.mean(digits.predict_labels(first, data.x_test, 10) == data.y_test)
    assert reloaded == pytest.approx(accuracy, abs=5e-5) and reloaded > 0.5
    assert first.optimizer.iterations.numpy() > 0  # the optimizer's state came with it


def test_trace_prints_one_step_laid_open_and_leaves_training_unchanged(tmp_path, capsys):
    runs = {}
    for name, extra in (("plain", []), ("traced", ["--trace"])):
        main(["digits", "--classes", "10", "--epochs", "2", "--out", str(tmp_path / name), "--quiet", *extra])
        runs[name] = capsys.readouterr().out
    traced = runs["traced"]
    assert 'One training step of "sequential' in traced and "on a batch of 32" in traced
    rows = [line for line in traced.splitlines() if re.match(r"^dense(_\d)? \(Dense\)", line)]
    assert [row.split()[2] for row in rows] == ["relu", "relu", "linear"]
    assert "(32, 25)" in rows[0] and "(64, 25)" in rows[0]  # the output a, then the kernel W
    plain = load_model(tmp_path / "plain" / "model.keras").get_weights()
    after_trace = load_model(tmp_path / "traced" / "model.keras").get_weights()
    assert all(np.array_equal(a, b) for a, b in zip(plain, after_trace, strict=True))


def test_options_change_the_model(tmp_path, capsys):
    status = main(["digits", "--hidden", "8", "--activation", "tanh", "--optimizer", "sgd", "--learning-rate", "0.5",
                   "--batch-size", "64", "--epochs", "2", "--validation-split", "0", "--out", str(tmp_path)])
    output = capsys.readouterr().out
    assert status == 0 and "Total params: 529" in output  # 64*8+8 + 8+1
    assert "val_accuracy" not in output
    saved = load_model(tmp_path / "model.keras")
    assert saved.layers[0].activation.__name__ == "tanh" and len(saved.layers) == 2
    assert type(saved.optimizer).__name__ == "SGD" and float(saved.optimizer.learning_rate.numpy()) == 0.5


def test_default_cnn_reaches_98_percent_on_ten_digits(tmp_path, capsys):
    assert main(["digits", "--classes", "10", "--model", "cnn", "--out", str(tmp_path), "--quiet"]) == 0
    assert _accuracy(capsys.readouterr().out) >= 0.98


def test_cnn_report_trace_and_saved_model(tmp_path, capsys):
    status = main(["digits", "--classes", "10", "--model", "cnn", "--hidden", "4,6", "--epochs", "1",
                   "--trace", "--out", str(tmp_path)])
    output = capsys.readouterr().out
    assert status == 0
    assert "Total params: 1,232" in output  # 9*4+4 + 9*4*6+6 + 4*4*6*10+10
    assert "(None, 8, 8, 4)" in output and "(None, 4, 4, 4)" in output and "(None, 96)" in output
    assert "conv2d (Conv2D)" in output and "max_pooling2d (MaxPooling2D)" in output
    assert 'One training step of "sequential' in output
    traced = [line for line in output.splitlines() if re.match(r"^conv2d(_\d)? \(Conv2D\)", line)]
    assert len(traced) == 2 and "relu" in traced[0]
    assert "214/214" in output  # steps: (1437 - 72 held out for validation) x 5 shifted copies / 32
    saved = load_model(tmp_path / "model.keras")
    kinds = [type(layer).__name__ for layer in saved.layers]
    assert kinds == ["Reshape", "Conv2D", "MaxPooling2D", "Conv2D", "Flatten", "Dropout", "Dense"]
    data = digits_data.load(classes=10)
    assert np.mean(digits.predict_labels(saved, data.x_test, 10) == data.y_test) == pytest.approx(
        _accuracy(output), abs=5e-5)
    assert main(["explain", str(tmp_path / "model.keras")]) == 0
    assert "a2 = relu(conv2d(a1, K2, strides=(1, 1), padding='same') + b2)" in capsys.readouterr().out


def test_cnn_options_two_classes_and_one_convolution(tmp_path, capsys):
    status = main(["digits", "--model", "cnn", "--hidden", "3", "--activation", "tanh", "--learning-rate", "0.01",
                   "--validation-split", "0", "--epochs", "1", "--out", str(tmp_path)])
    output = capsys.readouterr().out
    assert status == 0 and "val_accuracy" not in output
    assert "Total params: 223" in output  # 9*3+3 + 8*8*3+1: no pooling with one convolution
    saved = load_model(tmp_path / "model.keras")
    assert [type(layer).__name__ for layer in saved.layers] == ["Reshape", "Conv2D", "Flatten", "Dropout", "Dense"]
    assert saved.layers[1].activation.__name__ == "tanh" and saved.layers[-1].activation.__name__ == "sigmoid"
    assert _accuracy(output) > 0.9  # zeros from ones


def test_cnn_refuses_images_too_small_to_pool(tmp_path, capsys):
    np.savez(tmp_path / "dots.npz", x=np.ones((20, 1)), y=np.arange(20) % 2)
    assert main(["digits", "--model", "cnn", "--data", str(tmp_path / "dots.npz"), "--out", str(tmp_path / "o")]) == 2
    error = capsys.readouterr().err
    assert "--model cnn pools 2x2 pixels, so it needs images of at least 2x2 pixels" in error
    assert "Received images of 1x1" in error and not (tmp_path / "o").exists()


def test_own_data_file(tmp_path, capsys):
    (x_train, y_train), (x_test, y_test) = digits_data.digits.load_data()
    np.savez(tmp_path / "mine.npz", x=np.concatenate([x_train, x_test]).reshape(-1, 64),
             y=np.concatenate([y_train, y_test]))
    status = main(["digits", "--data", str(tmp_path / "mine.npz"), "--epochs", "40", "--out", str(tmp_path / "out")])
    output = capsys.readouterr().out
    assert status == 0 and str(tmp_path / "mine.npz") in output
    assert _accuracy(output) >= 0.95


@pytest.mark.parametrize("arguments, message", [
    (["--epochs", "0"], "argument --epochs: expected a positive integer. Received: '0'"),
    (["--threads", "0"], "argument --threads: expected a positive integer. Received: '0'"),
    (["--batch-size", "ten"], "argument --batch-size: expected a positive integer. Received: 'ten'"),
    (["--hidden", "25,,15"], "argument --hidden: expected positive integers separated by commas"),
    (["--learning-rate", "-0.1"], "argument --learning-rate: expected a positive number"),
    (["--validation-split", "1"], "argument --validation-split: expected a fraction"),
    (["--classes", "3"], "argument --classes: invalid choice: 3"),
    (["--activation", "sigmod"], "argument --activation: invalid choice: 'sigmod'"),
    (["--optimizer", "adamm"], "argument --optimizer: invalid choice: 'adamm'"),
    (["--model", "convnet"], "argument --model: invalid choice: 'convnet'"),
    (["--colour"], "unrecognized arguments: --colour"),
])
def test_bad_options_give_one_line_and_status_2(tmp_path, capsys, arguments, message):
    assert main(["digits", *arguments, "--out", str(tmp_path)]) == 2
    captured = capsys.readouterr()
    assert captured.err.splitlines() == [captured.err.strip()]
    assert captured.err.startswith("glassnet digits: error: ") and message in captured.err
    assert captured.out == "" and not any(tmp_path.iterdir())


@pytest.mark.parametrize("content", [None, b"PK\x03\x04 not really a zip", b"\x93NUMPY broken"])
def test_unreadable_data_gives_one_line_and_status_2(tmp_path, capsys, content):
    path = tmp_path / "digits.npz"
    if content is not None:
        path.write_bytes(content)
    assert main(["digits", "--data", str(path), "--out", str(tmp_path / "out")]) == 2
    captured = capsys.readouterr()
    assert captured.err.startswith(f"glassnet digits: error: cannot read data file '{path}'")
    assert len(captured.err.splitlines()) == 1 and not (tmp_path / "out").exists()


def test_without_matplotlib_it_trains_and_says_plots_were_skipped(tmp_path, capsys, monkeypatch):
    monkeypatch.setitem(sys.modules, "matplotlib", None)
    assert main(["digits", "--epochs", "2", "--out", str(tmp_path)]) == 0
    output = capsys.readouterr().out
    assert "plots skipped: matplotlib is not installed (pip install matplotlib)" in output
    assert (tmp_path / "model.keras").exists() and not any((tmp_path / name).exists() for name in PNGS)


def test_help_and_missing_command():
    assert main(["digits", "--help"]) == 0
    assert main([]) == 2


def test_python_dash_m_glassnet(tmp_path):
    def run(*arguments):
        return subprocess.run([sys.executable, "-m", "glassnet", *arguments], cwd=tmp_path, capture_output=True,
                              text=True, timeout=60, env={"PYTHONPATH": str(ROOT), "PATH": ""})
    done = run("digits", "--epochs", "1", "--quiet")
    assert done.returncode == 0 and done.stdout.startswith("test accuracy: ")
    assert (tmp_path / "glassnet-digits" / "model.keras").exists()  # the default --out
    bad = run("digits", "--epochs", "-1")
    assert bad.returncode == 2 and "Traceback" not in bad.stderr and len(bad.stderr.splitlines()) == 1


def _has_matplotlib():
    try:
        import matplotlib  # noqa: F401
    except ImportError:
        return False
    return True


def test_explain_a_saved_model_file(tmp_path, capsys):
    pytest.importorskip("h5py")
    from glassnet.keras import Input, Sequential, layers
    model = Sequential([Input((400,)), layers.Dense(25, activation="sigmoid"), layers.Dense(1, activation="sigmoid")])
    model.compile(optimizer="adam", loss="binary_crossentropy")
    model.save(tmp_path / "m.keras")
    assert main(["explain", str(tmp_path / "m.keras")]) == 0
    output = capsys.readouterr().out
    assert "Trainable params: 10,051" in output
    assert "a1 = sigmoid(x @ W1 + b1)" in output and "W1:(400, 25)" in output
    assert "Adam" in output and "J = " in output
    assert main(["explain", str(tmp_path / "m.keras"), "--format", "latex"]) == 0
    assert "\\begin{aligned}" in capsys.readouterr().out


@pytest.mark.parametrize("content", [None, b"not a zip"])
def test_explain_an_unreadable_file_gives_one_line_and_status_2(tmp_path, capsys, content):
    path = tmp_path / "m.keras"
    if content is not None:
        path.write_bytes(content)
    assert main(["explain", str(path)]) == 2
    captured = capsys.readouterr()
    assert captured.err.startswith(f"glassnet explain: error: cannot load '{path}'")
    assert len(captured.err.splitlines()) == 1 and captured.out == ""


def test_without_h5py_it_trains_and_says_the_model_was_not_saved(tmp_path, capsys, monkeypatch):
    monkeypatch.setitem(sys.modules, "h5py", None)
    assert main(["digits", "--epochs", "2", "--out", str(tmp_path)]) == 0
    output = capsys.readouterr().out
    assert 'model not saved: Saving and loading Keras files' in output and 'pip install "glassnet[h5]"' in output
    assert not (tmp_path / "model.keras").exists() and "test accuracy" in output


def test_explain_piped_into_a_reader_that_stops_early_ends_quietly(tmp_path):
    # `glassnet explain m.keras | head`: here the reader closes the pipe before the first line
    pytest.importorskip("h5py")
    from glassnet.keras import Input, Sequential, layers
    model = Sequential([Input((4,)), layers.Dense(3, activation="relu"), layers.Dense(1)])
    model.compile(optimizer="adam", loss="mse")
    model.save(tmp_path / "m.keras")
    script = (f"{sys.executable} -m glassnet explain {tmp_path / 'm.keras'} | true; "
              "exit ${PIPESTATUS[0]}")
    done = subprocess.run(["bash", "-c", script], capture_output=True, text=True, timeout=120)
    assert done.stderr == "" and done.returncode == 0
