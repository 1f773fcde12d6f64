"""bench/w2_workers.py's pure parts: its arguments and the arithmetic of its report. No timing runs here."""
import pytest

from bench import w2_workers as bench

ONE, TWO_THREADS, WORKERS, PRIVATE, WEAK = bench.ARRANGEMENTS


def test_ratio_arithmetic_by_hand():
    assert bench.step_ms(32_000) == pytest.approx(4.0)            # 128 rows at 32,000 samples/s
    assert bench.scaling(54_400, 32_000, 2) == pytest.approx((1.7, 0.85))
    assert bench.cpu_speedup(15_000, 20_000, 2) == pytest.approx(1.5)
    assert bench.allreduce_share(0.6, 54_400) == pytest.approx(0.6 / (128 / 54_400 * 1e3))  # 0.255


def test_medians_take_each_number_over_the_rounds_and_skip_failed_runs():
    results = {ONE: [{"samples_per_s": 10.0, "epoch_s": [1, 2]}, {"samples_per_s": 30.0}, {"samples_per_s": 20.0}],
               WORKERS: [{"error": "boom", "allreduce_ms": 1.0}, None]}
    summary = bench.medians(results)
    assert summary[ONE] == {"samples_per_s": 20.0}
    assert summary[WORKERS] is None


def test_report_states_speedups_efficiency_and_the_target():
    results = {ONE: [{"samples_per_s": 32_000.0, "samples_per_cpu_s": 32_000.0}],
               TWO_THREADS: [{"samples_per_s": 40_000.0, "samples_per_cpu_s": 20_000.0}],
               WORKERS: [{"samples_per_s": 56_000.0, "samples_per_cpu_s": 28_000.0, "allreduce_ms": 0.64,
                          "fit_collectives_ms": 0.7}],
               WEAK: [{"samples_per_s": 51_200.0, "samples_per_cpu_s": 25_600.0, "allreduce_ms": 0.64}]}
    text = bench.report(results)
    assert "| 1 process x 2 threads | 40,000 | 20,000 | 1.25 | 62% | 1.25 | – | – | – |" in text
    # 56,000 / 32,000 = 1.75x on 2 cores: 88%; a step of 128 rows takes 2.286 ms, 0.64 of it is 28%.
    assert "| 2 workers x 1 thread | 56,000 | 28,000 | 1.75 | 88% | 1.75 | 0.640 | 28% | 0.700 |" in text
    assert "2 workers x 1 thread: 1.75x one process at 1 thread." in text  # strong scaling: reported
    # Global batch 256 at 51,200 samples/s: a step takes 5 ms, 0.64 of it is 13%; 1.6x does not hold.
    assert "| 2 workers x 1 thread, global batch 256 | 51,200 | 25,600 | 1.60 | 80% | 1.60 | 0.640 | 13% | – |" in text
    assert ("Target (issue 16): 2 workers, each with W2's batch of 128 (a global batch of 256, as TensorFlow's "
            "guides scale it), >= 1.7x one process at 1 thread: 1.60x, does not hold.") in text
    assert "private weights (Allreduce): not measured." in text


def test_report_without_the_strategy_names_why_and_keeps_the_allreduce():
    results = {ONE: [{"samples_per_s": 32_000.0, "samples_per_cpu_s": 32_000.0}], TWO_THREADS: [],
               WORKERS: [{"error": bench.MISSING_DISTRIBUTE, "allreduce_ms": 0.7}]}
    text = bench.report(results)
    assert "not measured: glassnet.distribute is not available" in text
    assert "2 workers x 1 thread: not measured." in text
    assert "scale it), >= 1.7x one process at 1 thread: not measured." in text
    assert "0.700 ms" in text


def test_commands_put_the_workers_under_mpiexec():
    args = bench.parse_args(["--tiny"])
    assert bench._command(WORKERS, args, "/x/mpiexec")[:3] == ["/x/mpiexec", "-n", "2"]
    assert bench._command(ONE, args, "/x/mpiexec")[-4:] == ["--batch", "128", "--job", "single"]
    assert bench._command(WEAK, args, "/x/mpiexec")[-3:] == ["256", "--job", "workers"]
    assert bench._command(PRIVATE, args, "/x/mpiexec")[-3:] == ["128", "--job", "workers"]
    assert bench._run(WORKERS, args, None) == {
        "error": 'no mpiexec on PATH (pip install "glassnet[mpi]", or pass --mpiexec)'}


def test_tiny_shrinks_every_size():
    args = bench.parse_args(["--tiny"])
    assert (args.samples, args.epochs, args.rounds, args.allreduce_repeats) == (1024, 2, 1, 10)


@pytest.mark.parametrize("argv, needle", [(["--rounds", "0"], "--rounds must be at least 1; received 0"),
                                          (["--epochs", "1"], "--epochs must be at least 2"),
                                          (["--samples", "100"], "--samples must be at least 128"),
                                          (["--timeout", "-1"], "--timeout must be a positive")])
def test_bad_arguments_are_named(argv, needle, capsys):
    with pytest.raises(SystemExit):
        bench.parse_args(argv)
    assert needle in capsys.readouterr().err


def test_fit_collective_time_is_read_from_the_communicator_when_it_counts_it():
    class Comm:
        collective_seconds, collective_calls = 0.094, 94

    class Strategy:
        _communicator = Comm()

    args = bench.parse_args(["--samples", "6000", "--epochs", "2", "--batch", "128"])
    # 2 epochs of ceil(6000 / 128) = 47 steps: 94 ms over 94 steps is 1 ms a step.
    assert bench._fit_collectives_ms(Strategy(), args) == {"fit_collectives_ms": pytest.approx(1.0)}
    assert bench._fit_collectives_ms(object(), args) == {}


@pytest.mark.parametrize("name, shared", [(WORKERS, "1"), (PRIVATE, "0"), (WEAK, "1")])
def test_only_the_private_arrangement_turns_shared_memory_off(monkeypatch, name, shared):
    seen = {}

    def run(command, env, **kwargs):
        seen.update(env)
        raise bench.subprocess.TimeoutExpired(command, 1)

    monkeypatch.setattr(bench.subprocess, "run", run)
    assert "error" in bench._run(name, bench.parse_args(["--tiny"]), "/x/mpiexec")
    assert seen["GLASSNET_DISTRIBUTE_SHARED_MEMORY"] == shared and seen["OPENBLAS_NUM_THREADS"] == "1"
