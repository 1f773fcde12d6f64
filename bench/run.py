"""Run the whole benchmark: every framework and workload in its own process, interleaved.

    python -m bench.run --peer-python /tmp/peers-venv/bin/python     # everything (see README.md)
    python -m bench.run --tiny --repeats 1 --out /tmp/bench           # glassnet's part, in seconds

Round after round, each job (framework x workload x threads) runs once in a fresh process
(A B C A B C ...), so slow drifts in the machine's load touch every framework alike. The
medians over the rounds go into a Markdown table and a PNG chart (bench/report.py).
"""
import argparse
import datetime
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench import report

REPO = Path(__file__).resolve().parent.parent

# framework key -> (module under bench/frameworks, extra arguments, needs the peers' environment)
FRAMEWORKS = {
    "glassnet": ("keras_api", ["--backend", "glassnet"], False),
    "numpy-loop": ("numpy_loop", [], False),
    "tf-keras": ("keras_api", ["--backend", "tensorflow"], True),
    "torch": ("torch_nn", [], True),
    "sklearn": ("sklearn_mlp", [], True),
}

# (framework, workload, threads); threads None leaves the library's own default.
JOBS = [
    ("matmul", "matmul", 1), ("matmul", "matmul", 2),
    *((name, "import", None) for name in FRAMEWORKS),
    ("glassnet", "w1", None), ("numpy-loop", "w1", None), ("tf-keras", "w1", None),
    ("torch", "w1", 1), ("torch", "w1", 2), ("sklearn", "w1", None),
    ("glassnet", "w2", 1), ("glassnet", "w2", 2), ("numpy-loop", "w2", 1), ("numpy-loop", "w2", 2),
    ("tf-keras", "w2", None), ("torch", "w2", 1), ("torch", "w2", 2), ("sklearn", "w2", None),
    ("glassnet", "w3", None), ("numpy-loop", "w3", None), ("tf-keras", "w3", None),
    ("torch", "w3", 1), ("sklearn", "w3", None),
    *((name, workload, threads) for workload in ("w4", "w5")
      for name, threads in (("glassnet", 1), ("glassnet", 2), ("tf-keras", None), ("torch", 1), ("torch", 2))),
]
WORKLOADS = ("matmul", "import", "w1", "w2", "w3", "w4", "w5")
THREAD_VARIABLES = ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS")


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--tiny", action="store_true", help="small sizes: every path in seconds, timings meaningless")
    parser.add_argument("--repeats", type=int, default=3, help="rounds; the tables show medians (default 3)")
    parser.add_argument("--frameworks", default="all",
                        help="comma-separated from: " + ", ".join(FRAMEWORKS) + " (default: all that can run)")
    parser.add_argument("--workloads", default=",".join(WORKLOADS),
                        help="comma-separated from: " + ", ".join(WORKLOADS) + " (default: all)")
    parser.add_argument("--peer-python", help="the Python of the peers' environment (bench/requirements-peers.txt); "
                        "without it only glassnet and the NumPy loop run")
    parser.add_argument("--glassnet", metavar="CHECKOUT",
                        help="benchmark the glassnet package of another checkout (its bench/ is not used)")
    parser.add_argument("--out", default=str(REPO / "bench" / "results"), help="folder for the results")
    parser.add_argument("--machine", default=None, help="label for the results' file names (default: CPU and cores)")
    parser.add_argument("--unset-openblas-env", action="store_true",
                        help="remove OPENBLAS_CORETYPE and OPENBLAS_L2_SIZE (both together) from the jobs' environment")
    parser.add_argument("--timeout", type=float, default=900, help="seconds before one job is given up")
    parser.add_argument("--wait-idle", type=float, default=0, metavar="SECONDS",
                        help="before each job, wait up to this long for the other processes to use under "
                        "a third of a core (a shared machine); the busy cores seen are recorded either way")
    return parser.parse_args(argv)


def select_jobs(args):
    names = list(FRAMEWORKS) if args.frameworks == "all" else args.frameworks.split(",")
    unknown = sorted(set(names) - set(FRAMEWORKS))
    if unknown:
        sys.exit(f"error: unknown framework(s) {unknown}; choose from {list(FRAMEWORKS)}")
    if not args.peer_python:
        peers = [n for n in names if FRAMEWORKS[n][2]]
        if peers and args.frameworks != "all":
            sys.exit(f"error: {peers} need --peer-python (see bench/README.md)")
        names = [n for n in names if not FRAMEWORKS[n][2]]
    workloads = args.workloads.split(",")
    unknown = sorted(set(workloads) - set(WORKLOADS))
    if unknown:
        sys.exit(f"error: unknown workload(s) {unknown}; choose from {list(WORKLOADS)}")
    if {"w2", "w4", "w5"} & set(workloads):
        workloads.append("matmul")  # their share of the FLOP bound needs the matmul rate
    return [job for job in JOBS if job[1] in workloads and (job[0] == "matmul" or job[0] in names)]


def command(job, args, out_file):
    framework, workload, threads = job
    if framework == "matmul":
        module, extra, peer = "matmul", [], False
    else:
        module, extra, peer = FRAMEWORKS[framework]
        if workload == "import":
            module, extra = "imports", ["--framework", framework]
    python = args.peer_python if peer else sys.executable
    argv = [python, "-m", f"bench.frameworks.{module}", *extra, "--out", str(out_file)]
    if workload not in ("import", "matmul"):
        argv += ["--workload", workload]
    if threads:
        argv += ["--threads", str(threads)]
    return argv + (["--tiny"] if args.tiny else [])


def glassnet_root(args, scratch):
    """The folder glassnet's jobs run from: this checkout, or one holding this bench/ and the other glassnet/.

    Neither the other checkout (its own bench/ would hide this one) nor a path after this checkout
    (`python -m` puts the working folder first) would do.
    """
    if not args.glassnet:
        return REPO
    package = Path(args.glassnet).resolve() / "glassnet"
    if not (package / "__init__.py").exists():
        sys.exit(f"error: --glassnet {args.glassnet} has no glassnet/__init__.py")
    root = Path(scratch) / "glassnet-checkout"
    root.mkdir(exist_ok=True)
    for name, target in (("glassnet", package), ("bench", REPO / "bench")):
        if not (root / name).exists():
            (root / name).symlink_to(target, target_is_directory=True)
    return root


def _root(job, args):
    return args.glassnet_root if job[0] == "glassnet" else REPO


def environment(job, args):
    env = dict(os.environ, PYTHONPATH=str(_root(job, args)), TF_CPP_MIN_LOG_LEVEL="2", PYTHONHASHSEED="0")
    # Imports are timed as a user meets them: with bytecode cached (pip install compiles it too).
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    for name in THREAD_VARIABLES:
        env.pop(name, None)
        if job[2]:
            env[name] = str(job[2])
    if args.unset_openblas_env and "OPENBLAS_CORETYPE" in env and "OPENBLAS_L2_SIZE" in env:
        del env["OPENBLAS_CORETYPE"], env["OPENBLAS_L2_SIZE"]
    return env


def cpu_seconds():
    """(busy CPU-seconds of the whole machine so far, seconds of CPU used by our finished children)."""
    try:
        with open("/proc/stat") as stat:
            fields = [int(v) for v in stat.readline().split()[1:]]
    except (OSError, ValueError):
        return None, 0.0
    ticks = os.sysconf("SC_CLK_TCK")
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return (sum(fields) - fields[3] - fields[4]) / ticks, children.ru_utime + children.ru_stime


def busy_cores(seconds=0.5):
    """How many cores the machine kept busy over the next `seconds`; None where /proc is missing."""
    before = cpu_seconds()[0]
    time.sleep(seconds)
    after = cpu_seconds()[0]
    return None if before is None else (after - before) / seconds


def wait_for_idle(limit):
    """Busy cores just before a job, after waiting (up to `limit` seconds) for them to drop under 1/3."""
    deadline = time.monotonic() + limit
    busy = busy_cores()
    while busy is not None and busy > 1 / 3 and time.monotonic() < deadline:
        busy = busy_cores(2.0)
    return busy


def run_job(job, args, scratch, round_index):
    out_file = Path(scratch) / f"{'-'.join(map(str, job))}-{round_index}.json"
    busy_before = wait_for_idle(args.wait_idle)
    load_before = os.getloadavg()[0]
    machine_before, ours_before = cpu_seconds()
    start = time.perf_counter()
    try:
        done = subprocess.run(command(job, args, out_file), cwd=_root(job, args), env=environment(job, args),
                              capture_output=True, text=True, timeout=args.timeout)
        failure = None if done.returncode == 0 and out_file.exists() else done.stderr[-2000:]
    except subprocess.TimeoutExpired:
        failure = f"timed out after {args.timeout} s"
    seconds = time.perf_counter() - start
    machine_after, ours_after = cpu_seconds()
    others = None if machine_before is None else (
        max(0.0, (machine_after - machine_before) - (ours_after - ours_before)) / seconds)
    record = {"framework": job[0], "workload": job[1], "threads": job[2], "round": round_index,
              "process_s": seconds, "busy_cores_before": busy_before, "others_cores_during": others,
              "load_before": load_before, "load_after": os.getloadavg()[0]}
    if failure:
        record["error"] = failure
    else:
        record.update({k: v for k, v in json.loads(out_file.read_text()).items() if k not in record})
    return record


def warm_bytecode(args):
    """Import glassnet once so that its bytecode is cached before any import is timed."""
    job = ("glassnet", None, None)
    subprocess.run([sys.executable, "-c", "import glassnet"], cwd=_root(job, args), env=environment(job, args),
                   check=True)


def run_all(args):
    jobs = select_jobs(args)
    runs = []
    with tempfile.TemporaryDirectory() as scratch:
        args.glassnet_root = glassnet_root(args, scratch)
        warm_bytecode(args)
        for round_index in range(args.repeats):
            for job in jobs:
                record = run_job(job, args, scratch, round_index)
                runs.append(record)
                status = "FAILED" if "error" in record else f"{record['process_s']:.1f} s"
                print(f"round {round_index + 1}/{args.repeats}  {'/'.join(map(str, job)):<28} {status}",
                      file=sys.stderr, flush=True)
                if "error" in record:
                    print(record["error"], file=sys.stderr)
    return runs


def main(argv=None):
    args = parse_args(argv)
    started = datetime.datetime.now()
    runs = run_all(args)
    context = report.machine_context(args, started, ["python -m bench.run", *(sys.argv[1:] if argv is None else argv)])
    paths = report.write(runs, context, Path(args.out))
    print("\n".join(str(p) for p in paths))
    return 1 if any("error" in r for r in runs) else 0


if __name__ == "__main__":
    sys.exit(main())
