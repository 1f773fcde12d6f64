"""What every framework's benchmark process shares: the sizes, its arguments, clocks, and its result file.

A framework script is run as ``python -m bench.frameworks.NAME --workload w1 --out result.json``.
It trains or predicts, measures itself, and writes one JSON object; `bench/run.py` adds the
process's wall time and the load average around it.
"""
import argparse
import json
import math
import os
import platform
import statistics
import sys
import time

# Full sizes are the issue's; tiny ones keep every code path alive in a few seconds (CI).
SIZES = {
    "full": {
        "w1": {"samples": 1000, "batch": 32, "epochs": 100},
        "w2": {"samples": 60000, "batch": 128, "epochs": 3},
        "w3": {"predict_calls": 100, "call_calls": 2000, "big_rows": 10000, "big_repeats": 5,
               "train_calls": 10000},
        "w4": {"samples": 6400, "batch": 128, "epochs": 3},
        "w5": {"samples": 2048, "batch": 32, "epochs": 3, "length": 200},
    },
    "tiny": {
        "w1": {"samples": 200, "batch": 32, "epochs": 2},
        "w2": {"samples": 1024, "batch": 128, "epochs": 3},
        "w3": {"predict_calls": 20, "call_calls": 50, "big_rows": 500, "big_repeats": 2,
               "train_calls": 200},
        "w4": {"samples": 256, "batch": 128, "epochs": 2},
        "w5": {"samples": 64, "batch": 32, "epochs": 2, "length": 20},
    },
}


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description="One framework, one workload, one process.")
    parser.add_argument("--workload", required=True, choices=["w1", "w2", "w3", "w4", "w5"])
    parser.add_argument("--tiny", action="store_true", help="small sizes that finish in seconds")
    parser.add_argument("--threads", type=int, default=None, help="compute threads (default: the library's)")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--out", required=True, help="where to write the JSON result")
    return parser.parse_args(argv)


def sizes(args):
    return SIZES["tiny" if args.tiny else "full"][args.workload]


def steps_per_epoch(samples, batch):
    return math.ceil(samples / batch)


def rss_mib():
    """This process's resident memory now (Linux), in MiB; None where /proc is missing."""
    try:
        with open("/proc/self/statm") as statm:
            return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20
    except OSError:
        return None


def blas_info():
    """Which BLAS runs, with how many threads and which kernel (threadpoolctl, when installed)."""
    try:
        from threadpoolctl import threadpool_info
    except ImportError:
        return []
    keys = ("user_api", "internal_api", "version", "num_threads", "architecture", "prefix")
    return [{key: pool.get(key) for key in keys} for pool in threadpool_info()]


def median_call_us(function, calls, warmup=3):
    """The median wall time of one call, in microseconds, over `calls` calls after a warm-up."""
    for _ in range(warmup):
        function()
    times = []
    for _ in range(calls):
        start = time.perf_counter()
        function()
        times.append(time.perf_counter() - start)
    return statistics.median(times) * 1e6


class EpochClock:
    """Wall and CPU time of each epoch: call `start()` before an epoch and `stop()` after it.

    CPU time is the whole process's, every thread's; on a shared machine a one-thread job's CPU
    time is about the wall time it would take on an idle one.
    """

    def __init__(self):
        self.seconds, self.cpu_seconds = [], []
        self._began = self._cpu_began = None

    def start(self):
        self._began, self._cpu_began = time.perf_counter(), time.process_time()

    def stop(self):
        self.seconds.append(time.perf_counter() - self._began)
        self.cpu_seconds.append(time.process_time() - self._cpu_began)


def w2_speed(samples, epoch_seconds):
    """Samples per second over the epochs after the first (the first pays for warm-up); W2, W4, W5."""
    later = epoch_seconds[1:] or epoch_seconds
    return samples * len(later) / sum(later)


def steady_speed(samples, clock):
    """Samples per second and per CPU-second over the epochs after the first, and each epoch's times."""
    return {"samples_per_s": w2_speed(samples, clock.seconds), "epoch_s": clock.seconds,
            "samples_per_cpu_s": w2_speed(samples, clock.cpu_seconds), "epoch_cpu_s": clock.cpu_seconds}


def write_result(args, framework, versions, **measured):
    result = {
        "framework": framework,
        "workload": args.workload,
        "threads": args.threads,
        "tiny": args.tiny,
        "versions": {"python": platform.python_version(), **versions},
        "blas": blas_info(),
        **measured,
    }
    with open(args.out, "w") as out:
        json.dump(result, out, indent=1)
    print(f"{framework} {args.workload}: " + ", ".join(f"{k}={v}" for k, v in measured.items()
                                                        if isinstance(v, (int, float))), file=sys.stderr)


def repeated_training_memory(train_step, calls):
    """Time `calls` consecutive `train_step(call)` calls; resident memory after 10% of them and at the end.

    Flat memory means the end differs from the 10% mark by allocator noise only.
    """
    early_call, rss_early = max(1, calls // 10), None
    start = time.perf_counter()
    for call in range(calls):
        train_step(call)
        if call + 1 == early_call:
            rss_early = rss_mib()
    seconds = time.perf_counter() - start
    rss_end = rss_mib()
    growth = None if None in (rss_early, rss_end) else rss_end - rss_early
    return {"train_on_batch_us": seconds / calls * 1e6, "train_calls": calls,
            "rss_early_mib": rss_early, "rss_end_mib": rss_end, "rss_growth_mib": growth}
