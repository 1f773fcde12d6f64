"""Medians of the runs, the targets, a Markdown table and a PNG chart."""
import json
import os
import platform
import re
import statistics
from collections import defaultdict

# name, formula, limit: what the issue asks of glassnet, checked on the medians of one run.
TARGETS = [
    ("W1: glassnet µs/step ÷ NumPy loop µs/step", "<=", 1.5),
    ("W2 (1 thread): glassnet samples/s ÷ PyTorch samples/s", ">=", 0.9),
    ("W2 (2 threads): glassnet samples/s ÷ PyTorch samples/s", ">=", 0.9),
    ("W2 (1 thread): glassnet share of the FLOP bound", ">=", 0.45),
    ("W2 (2 threads): glassnet share of the FLOP bound", ">=", 0.45),
    ("W3: one-sample predict ÷ model(x)", "<=", 3.0),
    ("W3: resident memory growth over the train_on_batch calls (MiB)", "<=", 1.0),
    ("import glassnet − import numpy (ms)", "<=", 80.0),
    ("W4 (1 thread): glassnet samples/s ÷ PyTorch samples/s", ">=", 0.8),
    ("W4: glassnet (2 threads) samples/s ÷ tf.keras (its default threads) samples/s", ">=", 1.0),
    ("W5 (1 thread): glassnet samples/s ÷ PyTorch samples/s", ">=", 0.5),
]
NAMES = {"glassnet": "glassnet", "numpy-loop": "NumPy loop", "tf-keras": "tf.keras", "torch": "PyTorch",
         "sklearn": "scikit-learn MLP"}


def machine_context(args, started, argv):
    cpu = _cpu_model()
    cores = os.cpu_count()
    slug = re.sub(r"[^a-z0-9]+", "-", re.sub(r"\(.*?\)", "", cpu.lower())).strip("-")
    label = args.machine or f"{slug}-{cores}cpu"
    return {"date": started.strftime("%Y-%m-%d"), "started": started.isoformat(timespec="seconds"),
            "machine": label, "cpu": cpu, "cores": cores, "memory_gib": _memory_gib(),
            "system": f"{platform.system()} {platform.release()}", "command": " ".join(argv),
            "glassnet_commit": _commit(args.glassnet), "glassnet_checkout": args.glassnet,
            "repeats": args.repeats, "tiny": args.tiny, "peer_python": args.peer_python,
            "openblas_env": {k: os.environ.get(k) for k in ("OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE")},
            "openblas_env_unset": bool(args.unset_openblas_env)}


def _commit(checkout=None):
    """The last commit that changed glassnet/, with "+changes" for uncommitted edits; None outside git."""
    import subprocess
    from pathlib import Path

    repo = Path(checkout or Path(__file__).resolve().parent.parent)
    try:
        head = subprocess.run(["git", "log", "-1", "--format=%h", "--", "glassnet"], cwd=repo,
                              capture_output=True, text=True)
        dirty = subprocess.run(["git", "status", "--porcelain", "--", "glassnet"], cwd=repo,
                               capture_output=True, text=True)
    except OSError:
        return None
    if head.returncode:
        return None
    return head.stdout.strip() + ("+changes" if dirty.stdout.strip() else "")


def _cpu_model():
    try:
        with open("/proc/cpuinfo") as info:
            return next(line.split(":", 1)[1].strip() for line in info if line.startswith("model name"))
    except (OSError, StopIteration):
        return platform.processor() or platform.machine()


def _memory_gib():
    try:
        with open("/proc/meminfo") as info:
            return round(int(info.readline().split()[1]) / 2**20, 1)
    except (OSError, ValueError, IndexError):
        return None


def medians(runs):
    """One row per (framework, workload, threads): the median of every number over the rounds."""
    groups = defaultdict(list)
    for run in runs:
        groups[(run["framework"], run["workload"], run["threads"])].append(run)
    rows = {}
    for key, group in groups.items():
        good = [r for r in group if "error" not in r]
        row = {"runs": len(good), "failed": len(group) - len(good)}
        for name in {k for r in good for k, v in r.items() if _is_number(v)}:
            row[name] = statistics.median(r[name] for r in good if _is_number(r.get(name)))
        if good:
            row.update({k: good[0][k] for k in ("versions", "blas", "statement") if k in good[0]})
        rows[key] = row
    return rows


def _is_number(value):
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def flop_share(rows, row, threads, cores):
    """Samples/s x FLOPs per training sample over the float32 matmul rate at that thread count.

    A job that counts its FLOPs reports them (W4, W5: bench/flops.py); for Dense layers alone
    (W2) they are 6 x parameters.
    """
    rate = rows.get(("matmul", "matmul", threads or cores), {}).get("gflops")
    if not rate or "samples_per_s" not in row:
        return None
    flops_per_sample = row.get("train_flops_per_sample") or 6 * row["parameters"]
    return row["samples_per_s"] * flops_per_sample / (rate * 1e9)


def target_values(rows, cores):
    def get(framework, workload, threads, name):
        return rows.get((framework, workload, threads), {}).get(name)

    def ratio(a, b):
        return None if a is None or not b else a / b

    values = [ratio(get("glassnet", "w1", None, "us_per_step"), get("numpy-loop", "w1", None, "us_per_step"))]
    values += [ratio(get("glassnet", "w2", t, "samples_per_s"), get("torch", "w2", t, "samples_per_s")) for t in (1, 2)]
    values += [flop_share(rows, rows.get(("glassnet", "w2", t), {}), t, cores) for t in (1, 2)]
    values.append(ratio(get("glassnet", "w3", None, "predict_one_us"), get("glassnet", "w3", None, "call_one_us")))
    values.append(get("glassnet", "w3", None, "rss_growth_mib"))
    glassnet_ms, numpy_ms = get("glassnet", "import", None, "import_ms"), get("numpy-loop", "import", None, "import_ms")
    values.append(None if None in (glassnet_ms, numpy_ms) else glassnet_ms - numpy_ms)
    values.append(ratio(get("glassnet", "w4", 1, "samples_per_s"), get("torch", "w4", 1, "samples_per_s")))
    values.append(ratio(get("glassnet", "w4", 2, "samples_per_s"), get("tf-keras", "w4", None, "samples_per_s")))
    values.append(ratio(get("glassnet", "w5", 1, "samples_per_s"), get("torch", "w5", 1, "samples_per_s")))
    return values


def write(runs, context, folder):
    """Write <date>-<machine>.md, .json (every run) and .png (when matplotlib is present); return their paths."""
    from bench import chart, tables

    folder.mkdir(parents=True, exist_ok=True)
    stem = folder / f"{context['date']}-{context['machine']}{'-tiny' if context['tiny'] else ''}"
    rows = medians(runs)
    targets = [(name, sense, limit, value)
               for (name, sense, limit), value in zip(TARGETS, target_values(rows, context["cores"]))]
    chart_path = chart.draw(rows, context, stem.with_suffix(".png"))
    markdown = tables.document(rows, runs, context, targets, chart_path)
    stem.with_suffix(".md").write_text(markdown)
    stem.with_suffix(".json").write_text(json.dumps({"context": context, "runs": runs}, indent=1))
    return [p for p in (stem.with_suffix(".md"), stem.with_suffix(".json"), chart_path) if p]
