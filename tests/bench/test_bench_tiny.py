"""The benchmark's glassnet-only part at tiny sizes: it runs and its outputs are well-formed.

No timing is asserted: CI machines vary. This keeps `python -m bench.run` from rotting.
"""
import json
import subprocess
import sys
from pathlib import Path

import pytest

import glassnet

REPO = Path(__file__).resolve().parents[2]

# W4 and W5 need layers that are being written: until they exist, the run leaves those workloads out.
LAYERS_NEEDED = {"w4": ("Conv2D", "MaxPooling2D"), "w5": ("Embedding", "LSTM")}


def missing_layers(workload):
    return [name for name in LAYERS_NEEDED[workload] if not hasattr(glassnet.keras.layers, name)]


def skip_without_layers(workload):
    missing = missing_layers(workload)
    if missing:
        pytest.skip(f"{workload} needs glassnet.keras.layers.{' and '.join(missing)}, which glassnet lacks so far")


RUNNABLE = ["matmul", "import", "w1", "w2", "w3", *(w for w in LAYERS_NEEDED if not missing_layers(w))]


@pytest.fixture(scope="module")
def results(tmp_path_factory):
    out = tmp_path_factory.mktemp("bench")
    done = subprocess.run([sys.executable, "-m", "bench.run", "--tiny", "--repeats", "1", "--out", str(out),
                           "--machine", "ci", "--workloads", ",".join(RUNNABLE)],
                          cwd=REPO, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    return out


def _runs(results):
    return json.loads(next(results.glob("*.json")).read_text())["runs"]


def test_writes_markdown_json_and_chart(results):
    names = sorted(p.suffix for p in results.iterdir())
    assert ".md" in names and ".json" in names
    pytest.importorskip("matplotlib")
    png = next(results.glob("*.png"))
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_every_job_ran_and_measured(results):
    runs = _runs(results)
    assert not [r for r in runs if "error" in r]
    jobs = {(r["framework"], r["workload"]) for r in runs}
    for framework in ("glassnet", "numpy-loop"):
        assert {(framework, w) for w in ("import", "w1", "w2", "w3")} <= jobs
    for run in runs:
        assert run["process_s"] > 0 and run["load_before"] >= 0
        measured = {"w1": "us_per_step", "w2": "samples_per_s", "w3": "predict_one_us", "import": "import_ms",
                    "matmul": "gflops", "w4": "samples_per_s", "w5": "samples_per_s"}[run["workload"]]
        assert run[measured] > 0


@pytest.mark.parametrize("workload", ["w4", "w5"])
def test_w4_and_w5_ran_at_one_and_two_threads(results, workload):
    skip_without_layers(workload)
    runs = [r for r in _runs(results) if r["workload"] == workload]
    assert sorted((r["framework"], r["threads"]) for r in runs) == [("glassnet", 1), ("glassnet", 2)]
    for run in runs:
        assert run["samples_per_s"] > 0 and len(run["epoch_s"]) == 2
        assert run["train_flops_per_sample"] > 6 * 34826 and run["parameters"] in (34826, 2609473)
    text = next(results.glob("*.md")).read_text()
    assert "| glassnet | 1 |" in text.split(f"## {workload.upper()}")[1].split("##")[0]


def test_same_computation_is_reported(results):
    runs = _runs(results)
    for run in runs:
        if run["workload"] in ("w1", "w2", "w4", "w5"):
            assert run["loss"] > 0 and 0 <= run["accuracy"] <= 1


def test_markdown_has_targets_and_tables(results):
    text = next(results.glob("*.md")).read_text()
    for heading in ("## Targets", "## W1", "## W2", "## W3", "## W4", "## W5", "## Import time"):
        assert heading in text
    assert "TINY sizes" in text
    assert "| glassnet | default |" in text


def test_profile_w1_prints_a_per_step_table(capsys, monkeypatch):
    monkeypatch.syspath_prepend(str(REPO))
    from bench import profile_w1

    profile_w1.main(["--epochs", "1", "--top", "5"])
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].startswith("32 steps") and "calls per step" in lines[0]
    assert len([line for line in lines if "(" in line and ":" in line]) == 5


def test_w2_arrangements_compute_the_same_training(monkeypatch):
    """The two-thread arrangements are only worth timing if they train as the serial loop does."""
    monkeypatch.syspath_prepend(str(REPO))
    import numpy as np

    from bench import data, w2_arrangements

    x, y = data.mnist_like_data(256)
    weights = {}
    for name in w2_arrangements.ARRANGEMENTS:
        arrangement = w2_arrangements.Arrangement(name)
        for start in (0, 64, 128):
            arrangement.step(x[start:start + 128], y[start:start + 128])
        weights[name] = arrangement.net.theta
    serial = weights.pop("serial")
    assert np.abs(serial - w2_arrangements.Arrangement("serial").net.theta).max() > 1e-4  # it trained
    halves = weights.pop("batch_halves")
    np.testing.assert_allclose(halves, serial, rtol=0, atol=1e-6)  # two means of 64 rows: rounding only
    for name, theta in weights.items():
        np.testing.assert_array_equal(theta, serial, err_msg=name)  # the same arithmetic, split in blocks


def test_functional_vs_sequential_trains_both_alike_and_reports_ratios(capsys, monkeypatch):
    monkeypatch.syspath_prepend(str(REPO))
    from bench import functional_vs_sequential

    ratios = functional_vs_sequential.main(epochs=1, repeats=1)  # asserts the same training both ways
    assert set(ratios) == {"wall", "CPU"} and all(r > 0 for r in ratios.values())
    assert "same training: True" in capsys.readouterr().out
