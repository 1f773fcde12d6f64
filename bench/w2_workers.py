"""W2 on two MPI workers of one thread each, against one process at one and at two threads.

    python -m bench.w2_workers [--rounds 3] [--mpiexec /path/to/mpiexec]

Five arrangements of the 2 cores, each a fresh process (or pair), in rotation round after round:
- 1 process x 1 thread: `OPENBLAS_NUM_THREADS=1 python ...`
- 1 process x 2 threads: `OPENBLAS_NUM_THREADS=2 python ...`
- 2 workers x 1 thread: `OPENBLAS_NUM_THREADS=1 mpiexec -n 2 python ...`, the model built and
  compiled under `tf.distribute.MultiWorkerMirroredStrategy().scope()`, `fit` with the same global
  batch of 128 (64 rows a worker: strong scaling). On one machine the workers share the weights
  and the optimizer's slots in memory and each updates its half (glassnet/distribute/updates.py).
- the same with the weights private to each worker (`GLASSNET_DISTRIBUTE_SHARED_MEMORY=0`): one
  Allreduce of the gradient a step, and every worker runs the whole update, as across machines.
- 2 workers with a global batch of 256: 128 rows a worker, each worker's step W2's own (weak
  scaling: TensorFlow's guides scale the global batch with the workers,
  `global_batch_size = per_worker_batch_size * num_workers`).

Each trains W2 (bench/README.md: 784-512-256-10, Adam, batch 128, 60,000 rows, 3 epochs) and
reports samples/s over the epochs after the first (rank 0's clock, global samples). The two-worker
job then times, in the same processes, `--allreduce-repeats` Allreduces of a float32 buffer of W2's
gradient size (535,818 parameters, 2.1 MB) and reports their median: the communication a step
needs without shared memory; where the strategy's communicator counts the time its collective calls
took inside `fit` (the Allreduce, or the shared memory's two barriers a step), their total per step
is shown too (waiting for the slower worker included). The table shows each arrangement's median
over the rounds, its speed-up over one process at one thread, the scaling efficiency (speed-up /
cores), the speed-up by CPU time, and the Allreduce's share of a two-worker step. Target (issue
16): 2 workers reach at least 1.7x one process at one thread, each worker with W2's batch of 128
(a global batch of 256: data-parallel scaling as TensorFlow's multi-worker guides set it up); the
strong-scaling rows (W2's 128 rows split between the workers) are reported beside it.

Needs mpi4py and an mpiexec (`pip install "glassnet[mpi]"`); without `glassnet.distribute`, the
two-worker row says so and only the Allreduce is timed.
"""
import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench.run import glassnet_root

REPO = Path(__file__).resolve().parents[1]
GLOBAL_BATCH, PARAMETERS = 128, 535_818
ARRANGEMENTS = ("1 process x 1 thread", "1 process x 2 threads", "2 workers x 1 thread",
                "2 workers x 1 thread, private weights (Allreduce)", "2 workers x 1 thread, global batch 256")
CORES = dict(zip(ARRANGEMENTS, (1, 2, 2, 2, 2)))
BATCH = dict(zip(ARRANGEMENTS, (GLOBAL_BATCH, GLOBAL_BATCH, GLOBAL_BATCH, GLOBAL_BATCH, 2 * GLOBAL_BATCH)))
WORKERS = ARRANGEMENTS[2:]
# The arrangement whose workers keep their own weights and sum gradients with an Allreduce
# (glassnet.distribute.updates); the others share the weights in memory, as fit does by default on one machine.
PRIVATE = ARRANGEMENTS[3]
TARGET = 1.7
# Data-parallel scaling as TensorFlow's multi-worker guides set it up (`global_batch_size =
# per_worker_batch_size * num_workers`): each worker keeps W2's batch. The strong-scaling rows
# (W2's 128 rows split over the workers) are reported beside it.
TARGET_ARRANGEMENT = "2 workers x 1 thread, global batch 256"
MISSING_DISTRIBUTE = ("glassnet.distribute is not available in this checkout (issue 16: "
                      "MultiWorkerMirroredStrategy); the two-worker fit cannot run")


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--samples", type=int, default=60_000)
    parser.add_argument("--epochs", type=int, default=3)
    parser.add_argument("--allreduce-repeats", type=int, default=200)
    parser.add_argument("--mpiexec", default=None, help="default: the mpiexec on PATH")
    parser.add_argument("--glassnet", metavar="CHECKOUT", help="time the glassnet package of another checkout")
    parser.add_argument("--timeout", type=float, default=600, help="seconds a job may run")
    parser.add_argument("--tiny", action="store_true", help="1,024 rows, 2 epochs, 1 round: the code paths only")
    parser.add_argument("--job", choices=["single", "workers"], help=argparse.SUPPRESS)
    parser.add_argument("--batch", type=int, default=GLOBAL_BATCH, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.tiny:
        args.samples, args.epochs, args.rounds, args.allreduce_repeats = 1024, 2, 1, 10
    for name, least in (("rounds", 1), ("samples", GLOBAL_BATCH), ("epochs", 2), ("allreduce_repeats", 1)):
        if getattr(args, name) < least:
            parser.error(f"--{name.replace('_', '-')} must be at least {least}; received {getattr(args, name)}")
    if args.timeout <= 0:
        parser.error(f"--timeout must be a positive number of seconds; received {args.timeout}")
    return args


# ---- the arithmetic of the report (pure) ----

def step_ms(samples_per_s, batch=GLOBAL_BATCH):
    """Milliseconds of one step of `batch` global rows at `samples_per_s`."""
    return batch / samples_per_s * 1e3


def scaling(samples_per_s, baseline_samples_per_s, cores):
    """(speed-up over the baseline, scaling efficiency = speed-up / cores)."""
    speedup = samples_per_s / baseline_samples_per_s
    return speedup, speedup / cores


def cpu_speedup(samples_per_cpu_s, baseline_samples_per_cpu_s, cores):
    """The speed-up the arrangement would have if each of its cores were its own: cores x the CPU-time ratio.

    On a busy machine the wall clock says more about the other processes than about the code; CPU
    time much less. A worker that waits for the other by spinning (glassnet's communicator spins
    for a while before it sleeps) counts that wait as CPU time, so on a busy machine this understates.
    """
    return cores * samples_per_cpu_s / baseline_samples_per_cpu_s


def allreduce_share(allreduce_ms, samples_per_s, batch=GLOBAL_BATCH):
    """The Allreduce's part of a step: its time over the step's time at `samples_per_s`."""
    return allreduce_ms / step_ms(samples_per_s, batch)


def medians(results):
    """{arrangement: [job result or None, ...]} -> {arrangement: median of each number, or None}."""
    out = {}
    for name, runs in results.items():
        done = [run for run in runs if run and "samples_per_s" in run]
        out[name] = None if not done else {
            key: statistics.median(run[key] for run in done)
            for key in done[0] if isinstance(done[0][key], (int, float)) and all(key in run for run in done)}
    return out


def report(results):
    """The markdown table and the target line from {arrangement: [job result, ...]}."""
    summary = medians(results)
    base = summary.get(ARRANGEMENTS[0])
    lines = ["| Arrangement | Samples/s | Per CPU-s | × 1 process x 1 thread | Scaling efficiency | "
             "× by CPU time | Allreduce ms/step | Allreduce share of a step | In fit: collectives ms/step |",
             "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"]
    for name in ARRANGEMENTS:
        row = summary.get(name)
        notes = [run["error"] for run in results.get(name, []) if run and "error" in run]
        if row is None:
            lines.append(f"| {name} | not measured: {notes[0] if notes else 'no run'} | | | | | | | |")
            continue
        speed, eff = scaling(row["samples_per_s"], base["samples_per_s"], CORES[name]) if base else (None, None)
        ar = row.get("allreduce_ms")
        by_cpu = base and cpu_speedup(row["samples_per_cpu_s"], base["samples_per_cpu_s"], CORES[name])
        lines.append(f"| {name} | {row['samples_per_s']:,.0f} | {row['samples_per_cpu_s']:,.0f} | "
                     f"{_fmt(speed, '.2f')} | {_fmt(eff, '.0%')} | {_fmt(by_cpu, '.2f')} | {_fmt(ar, '.3f')} | "
                     f"{_fmt(ar and allreduce_share(ar, row['samples_per_s'], BATCH[name]), '.0%')} | "
                     f"{_fmt(row.get('fit_collectives_ms'), '.3f')} |")
    lines.append("")
    for name in WORKERS:
        workers = summary.get(name)
        speedup = f"{scaling(workers['samples_per_s'], base['samples_per_s'], 2)[0]:.2f}x" if base and workers else None
        if name != TARGET_ARRANGEMENT:
            lines.append(f"{name}: " + (f"{speedup} one process at 1 thread." if speedup else "not measured."))
            continue
        verdict = "not measured" if speedup is None else (
            f"{speedup}, {'holds' if float(speedup[:-1]) >= TARGET else 'does not hold'}")
        lines.append(f"Target (issue 16): 2 workers, each with W2's batch of 128 (a global batch of 256, as "
                     f"TensorFlow's guides scale it), >= {TARGET}x one process at 1 thread: {verdict}.")
    allreduce = [run["allreduce_ms"] for name in WORKERS for run in results.get(name, [])
                 if run and "allreduce_ms" in run]
    if allreduce and not any(summary.get(name) for name in WORKERS):
        lines.append(f"Allreduce of W2's gradient ({PARAMETERS * 4:,} B) between the 2 workers: "
                     f"{statistics.median(allreduce):.3f} ms (median over the rounds).")
    return "\n".join(lines)


def _fmt(value, spec):
    return "–" if value is None else format(value, spec)


# ---- the jobs (run in the timed processes) ----

def _fit(tf, x, y, args, strategy=None):
    from bench.frameworks.keras_api import _epoch_clock_callback, mnist_model
    from bench.harness import EpochClock, steady_speed
    tf.keras.utils.set_random_seed(0)
    if strategy is None:
        model = mnist_model(tf)
    else:
        with strategy.scope():
            model = mnist_model(tf)
    clock = EpochClock()
    model.fit(x, y, batch_size=args.batch, epochs=args.epochs, shuffle=True, verbose=0,
              callbacks=[_epoch_clock_callback(tf, clock)])
    return steady_speed(args.samples, clock)


def _time_allreduce_ms(repeats):
    import numpy as np
    from mpi4py import MPI
    comm, buffer = MPI.COMM_WORLD, np.ones(PARAMETERS, dtype=np.float32)
    samples = []
    for _ in range(repeats + 5):
        buffer.fill(1)
        comm.Barrier()
        start = time.perf_counter()
        comm.Allreduce(MPI.IN_PLACE, buffer, op=MPI.SUM)
        samples.append(time.perf_counter() - start)
    return statistics.median(samples[5:]) * 1e3


def _fit_collectives_ms(strategy, args):
    """The mean time a step of `fit` spent in collective calls (the Allreduce, or the shared memory's
    barriers; waiting for the other worker included), where the strategy's communicator counts it
    (glassnet's does, for benchmarks; not a public API)."""
    comm = getattr(strategy, "_communicator", None)
    seconds, calls = getattr(comm, "collective_seconds", None), getattr(comm, "collective_calls", 0)
    if seconds is None or not calls:
        return {}
    steps = args.epochs * -(-args.samples // args.batch)
    return {"fit_collectives_ms": seconds / steps * 1e3}


def run_job(args):
    """One timed process (or one of the two workers): train, and print rank 0's result as JSON."""
    import importlib

    from bench import data
    import glassnet as tf
    x, y = data.mnist_like_data(args.samples, seed=0)
    if args.job == "single":
        print(json.dumps(_fit(tf, x, y, args)))
        return
    from mpi4py import MPI
    comm = MPI.COMM_WORLD
    result = {"workers": comm.size}
    try:
        distribute = importlib.import_module("glassnet.distribute")
    except ImportError:
        distribute = None
    if not hasattr(distribute, "MultiWorkerMirroredStrategy"):
        result["error"] = MISSING_DISTRIBUTE
    else:
        strategy = distribute.MultiWorkerMirroredStrategy()
        result.update(_fit(tf, x, y, args, strategy))
        result.update(_fit_collectives_ms(strategy, args))
        result["samples_per_cpu_s"] /= comm.size  # each worker's process spends rank 0's CPU time
    result["allreduce_ms"] = _time_allreduce_ms(args.allreduce_repeats)
    if comm.rank == 0:
        print(json.dumps(result))


# ---- the driver ----

def _command(name, args, mpiexec):
    job = [sys.executable, "-m", "bench.w2_workers", "--samples", str(args.samples), "--epochs", str(args.epochs),
           "--allreduce-repeats", str(args.allreduce_repeats)]
    job += ["--batch", str(BATCH[name])]
    if name in WORKERS:
        return [mpiexec, "-n", "2", *job, "--job", "workers"]
    return [*job, "--job", "single"]


def _run(name, args, mpiexec, root=REPO):
    if name in WORKERS and mpiexec is None:
        return {"error": "no mpiexec on PATH (pip install \"glassnet[mpi]\", or pass --mpiexec)"}
    threads = "2" if name == ARRANGEMENTS[1] else "1"
    env = {**os.environ, "OPENBLAS_NUM_THREADS": threads, "OMP_NUM_THREADS": threads,
           "GLASSNET_DISTRIBUTE_SHARED_MEMORY": "0" if name == PRIVATE else "1",
           "PYTHONPATH": os.pathsep.join(filter(None, [str(root), os.environ.get("PYTHONPATH")]))}
    try:
        done = subprocess.run(_command(name, args, mpiexec), cwd=root, env=env, capture_output=True, text=True,
                              timeout=args.timeout)
    except subprocess.TimeoutExpired:
        return {"error": f"timed out after {args.timeout:g} s"}
    lines = [line for line in done.stdout.splitlines() if line.startswith("{")]
    if done.returncode != 0 or not lines:
        tail = (done.stderr.strip().splitlines() or ["no output"])[-1]
        return {"error": f"exit status {done.returncode}: {tail}"}
    return json.loads(lines[-1])


def main(argv=None):
    args = parse_args(argv)
    if args.job:
        return run_job(args)
    mpiexec = args.mpiexec or shutil.which("mpiexec")
    results = {name: [] for name in ARRANGEMENTS}
    with tempfile.TemporaryDirectory() as scratch:
        root = glassnet_root(args, scratch)
        for round_ in range(args.rounds):
            for name in ARRANGEMENTS:
                results[name].append(_run(name, args, mpiexec, root))
                print(f"round {round_ + 1}/{args.rounds}, {name}: {results[name][-1]}", file=sys.stderr)
    print(report(results))


if __name__ == "__main__":
    sys.exit(main())
