"""fit under ``mpiexec -n 2``: the workers train as one process on the same global batches.

Needs mpi4py and an mpiexec (the `mpi` extra, in the `test` extra too): skipped without mpi4py,
failed when mpi4py is there but no mpiexec is found. Every launch runs under a timeout.
"""
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

pytest.importorskip("mpi4py")

WORKER = Path(__file__).with_name("mpi_worker.py")
ROOT = Path(__file__).resolve().parents[2]


def _mpiexec():
    found = os.environ.get("GLASSNET_MPIEXEC") or shutil.which("mpiexec")
    beside_python = Path(sys.executable).parent / "mpiexec"
    found = found or (str(beside_python) if beside_python.exists() else None)
    if found is None:
        pytest.fail("mpi4py is installed but no mpiexec was found (install the `mpich` wheel, or set GLASSNET_MPIEXEC)")
    return found


# Scenarios of mpi_worker.py, each run as one process and as two workers. "fit (allreduce)" is "fit"
# with the weights kept private to each worker: the Allreduce's path instead of shared memory.
SCENARIOS = ("fit", "fit (allreduce)", "dataset", "custom", "unbuilt", "adamw", "clipped")
PRIVATE_WEIGHTS = {"GLASSNET_DISTRIBUTE_SHARED_MEMORY": "0"}


def _run(scenario, out_dir, workers, timeout="60"):
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")]),
           "GLASSNET_DISTRIBUTE_TIMEOUT": timeout, "OMP_NUM_THREADS": "1"}
    if scenario.endswith(" (allreduce)"):
        scenario, env = scenario.removesuffix(" (allreduce)"), {**env, **PRIVATE_WEIGHTS}
    command = [sys.executable, str(WORKER), scenario, str(out_dir)]
    if workers > 1:
        command = [_mpiexec(), "-n", str(workers), *command]
    return subprocess.run(command, capture_output=True, text=True, timeout=120, env=env)


def _load(path):
    saved = np.load(path)
    return (saved["weights"], json.loads(str(saved["history"])), json.loads(str(saved["evaluate"])),
            saved["predictions"], json.loads(str(saved["updates"])), bool(saved["private"]))


@pytest.fixture(scope="module")
def fit_runs(tmp_path_factory):
    runs = {}
    for scenario in SCENARIOS:
        folder = scenario.replace(" ", "-").replace("(", "").replace(")", "")
        one, two = tmp_path_factory.mktemp(folder + "1"), tmp_path_factory.mktemp(folder + "2")
        for out_dir, workers in ((one, 1), (two, 2)):
            done = _run(scenario, out_dir, workers)
            assert done.returncode == 0, done.stderr[-3000:]
        runs[scenario] = _load(one / "rank0.npz"), _load(two / "rank0.npz"), _load(two / "rank1.npz")
        runs[scenario + " files"] = one / "rank0.npz", two / "rank0.npz", two / "rank1.npz"
        runs[scenario + " logs"] = sorted(path.name for path in two.glob("log*.csv"))
    return runs


def test_only_worker_0_writes_files(fit_runs):
    assert fit_runs["fit logs"] == ["log0.csv"]  # the CSVLogger of worker 1 was left out


@pytest.mark.parametrize("scenario", SCENARIOS)
def test_workers_end_bit_identical(fit_runs, scenario):
    _, worker0, worker1 = fit_runs[scenario]
    assert worker0[0].tobytes() == worker1[0].tobytes()
    assert worker0[1] == worker1[1] and worker0[2] == worker1[2]
    assert worker0[3].tobytes() == worker1[3].tobytes()  # predict gathers every worker's rows, in order


@pytest.mark.parametrize("scenario", SCENARIOS)
def test_two_workers_train_as_one_process(fit_runs, scenario):
    """The same global batches (the last one uneven: 8 rows) give the same weights and logs; only
    the order of the gradient's summation differs."""
    single, worker0, _ = fit_runs[scenario]
    np.testing.assert_allclose(worker0[0], single[0], rtol=1e-4, atol=1e-5)
    assert worker0[1].keys() == single[1].keys()
    for key in single[1]:
        np.testing.assert_allclose(worker0[1][key], single[1][key], rtol=1e-4, atol=1e-5)
    for key in single[2]:
        np.testing.assert_allclose(worker0[2][key], single[2][key], rtol=1e-4, atol=1e-5)
    assert worker0[3].shape == single[3].shape == (200, 1)
    np.testing.assert_allclose(worker0[3], single[3], rtol=1e-4, atol=1e-5)


@pytest.mark.parametrize("scenario", ["fit", "fit (allreduce)", "adamw"])
def test_worker_0s_batch_logs_count_every_workers_rows(fit_runs, scenario):
    """Worker 0's progress bar reads the logs after each batch (worker 1 does not): they are the
    running logs of one process on the same global batches."""
    single, worker0, _ = (json.loads(str(np.load(path)["batch_logs"])) for path in fit_runs[scenario + " files"])
    assert len(worker0) == len(single) > 3
    for logs, expected in zip(worker0, single):
        assert logs.keys() == expected.keys()
        for key in expected:
            np.testing.assert_allclose(logs[key], expected[key], rtol=1e-4, atol=1e-5)


@pytest.mark.parametrize("scenario, expected", [
    ("fit", ["SharedUpdate"]),  # one machine, Adam: the weights in shared memory, the update split
    ("adamw", ["SharedUpdate"]),  # weight decay too, each worker decaying its own span
    ("fit (allreduce)", ["AllreducedUpdate"]),  # GLASSNET_DISTRIBUTE_SHARED_MEMORY=0
    ("clipped", ["AllreducedUpdate"]),  # clipping needs the whole gradient on every worker
])
def test_each_fit_sums_the_gradients_as_expected(fit_runs, scenario, expected):
    single, worker0, worker1 = fit_runs[scenario]
    assert single[4] == ["NoneType"]  # one process: nothing to sum
    assert worker0[4] == worker1[4] == expected


@pytest.mark.parametrize("scenario", SCENARIOS)
def test_after_fit_each_worker_owns_its_weights(fit_runs, scenario):
    assert all(run[5] for run in fit_runs[scenario])


def test_moving_statistics_end_each_epoch_as_their_mean_over_the_workers(tmp_path):
    """BatchNormalization's moving statistics move with each worker's rows; fit averages them after
    each epoch (TensorFlow's ON_READ/MEAN), so the workers end identical and differ from one process's
    only as much as the halves' statistics differ from the whole batch's."""
    single, two = tmp_path / "one", tmp_path / "two"
    single.mkdir(), two.mkdir()
    for out_dir, workers in ((single, 1), (two, 2)):
        done = _run("batchnorm", out_dir, workers)
        assert done.returncode == 0, done.stderr[-3000:]
    alone, worker0, worker1 = (_load(path) for path in (single / "rank0.npz", two / "rank0.npz", two / "rank1.npz"))
    assert worker0[0].tobytes() == worker1[0].tobytes()
    assert worker0[3].tobytes() == worker1[3].tobytes()
    assert "glassnet does not synchronize batch statistics between workers" in done.stderr
    assert not np.array_equal(worker0[0], alone[0])  # each worker normalized by its own rows' statistics
    np.testing.assert_allclose(worker0[0], alone[0], rtol=0.05, atol=0.05)


def test_a_worker_that_raises_ends_every_worker_with_its_name(tmp_path):
    done = _run("raise", tmp_path, 2)
    assert done.returncode != 0
    assert "worker 1 of 2 failed with RuntimeError: deliberate failure" in done.stderr
    assert not list(tmp_path.glob("rank*.npz"))  # no worker went on to finish


def test_workers_with_different_models_are_refused_naming_the_worker(tmp_path):
    done = _run("mismatch", tmp_path, 2)
    assert done.returncode != 0
    assert "Worker 1 holds a different model from worker 0" in done.stderr


def test_workers_with_different_numbers_of_steps_are_refused_naming_the_worker(tmp_path):
    done = _run("rows", tmp_path, 2)
    assert done.returncode != 0
    assert "Worker 1 trains with {'batches per epoch': 3" in done.stderr


def test_a_worker_that_stops_answering_is_an_error_not_a_hang(tmp_path):
    done = _run("late", tmp_path, 2, timeout="3")
    assert done.returncode != 0
    assert "Worker 0 waited more than 3 s (GLASSNET_DISTRIBUTE_TIMEOUT)" in done.stderr


def test_backup_and_restore_resumes_every_worker(tmp_path):
    """Interrupted after its second epoch, then restarted: both workers resume from worker 0's
    backup and end as a run that was never interrupted."""
    pytest.importorskip("h5py")
    interrupted, uninterrupted = tmp_path / "interrupted", tmp_path / "uninterrupted"
    interrupted.mkdir(), uninterrupted.mkdir()
    assert _run("backup-interrupted", interrupted, 2).returncode != 0
    assert (interrupted / "backup").is_dir()
    resumed = _run("backup", interrupted, 2)
    assert resumed.returncode == 0, resumed.stderr[-3000:]
    assert _run("backup", uninterrupted, 2).returncode == 0
    reference = _load(uninterrupted / "rank0.npz")[0]
    for rank in (0, 1):
        assert _load(interrupted / f"rank{rank}.npz")[0].tobytes() == reference.tobytes()
