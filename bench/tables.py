"""The results as Markdown: the targets, one table per workload, and how it was measured."""
import statistics

from bench.harness import SIZES
from bench.report import NAMES, flop_share


def document(rows, runs, context, targets, chart_path):
    sizes = SIZES["tiny" if context["tiny"] else "full"]
    parts = [_header(context, runs), _targets(targets), _w1(rows), _w2(rows, context["cores"]), _w3(rows),
             _w4(rows, context["cores"], sizes["w4"]), _w5(rows, context["cores"], sizes["w5"]),
             _imports(rows), _versions(rows, context)]
    if chart_path:
        parts.insert(2, f"![chart]({chart_path.name})\n")
    return "\n".join(parts)


def _header(context, runs):
    loads = [r["load_before"] for r in runs]
    failed = [f"{r['framework']}/{r['workload']}" for r in runs if "error" in r]
    lines = [f"# glassnet benchmark — {context['date']}, {context['machine']}", "",
             f"- Machine: {context['cpu']}, {context['cores']} cores, {context['memory_gib']} GiB, {context['system']}",
             f"- Command: `{context['command']}`; glassnet at commit {context.get('glassnet_commit')}"
             + (f" of {context['glassnet_checkout']}" if context.get("glassnet_checkout") else ""),
             f"- {context['repeats']} interleaved rounds, each job in its own process; every number is the median"
             f" over the rounds{' (TINY sizes: timings mean nothing)' if context['tiny'] else ''}",
             f"- 1-minute load average before each job: median {statistics.median(loads):.2f},"
             f" min {min(loads):.2f}, max {max(loads):.2f}"]
    others = [r["others_cores_during"] for r in runs if r.get("others_cores_during") is not None]
    if others:
        lines.append(f"- Cores kept busy by other processes during the jobs: median {statistics.median(others):.2f},"
                     f" max {max(others):.2f} (column \"Others\": the median for that row)")
    if failed:
        lines.append(f"- Failed runs: {', '.join(failed)}")
    return "\n".join(lines) + "\n"


def _targets(targets):
    lines = ["## Targets", "", "| Target | Limit | Measured | Holds |", "| --- | --- | --- | --- |"]
    for name, sense, limit, value in targets:
        holds = "not measured" if value is None else (
            "yes" if (value <= limit if sense == "<=" else value >= limit) else "**no**")
        lines.append(f"| {name} | {sense} {fmt(limit)} | {fmt(value)} | {holds} |")
    return "\n".join(lines) + "\n"


def _rows(rows, workload):
    return [(key, row) for key, row in rows.items() if key[1] == workload and row["runs"]]


def _threads(key):
    return "default" if key[2] is None else str(key[2])


def _table(title, note, header, body):
    lines = [f"## {title}", "", note, "", "| " + " | ".join(header) + " |", "|" + " --- |" * len(header)]
    return "\n".join(lines + ["| " + " | ".join(cells) + " |" for cells in body]) + "\n"


def _w1(rows):
    base = rows.get(("glassnet", "w1", None), {}).get("us_per_step")
    body = [[NAMES[k[0]], _threads(k), fmt(r.get("us_per_step")), _ratio(r.get("us_per_step"), base),
             fmt(r.get("process_s")), fmt(r.get("loss"), 4), fmt(r.get("accuracy"), 4), _others(r), str(r["runs"])]
            for k, r in _rows(rows, "w1")]
    return _table("W1 — course: 400-25-15-1 sigmoid, BCE, Adam, batch 32, 100 epochs",
                  "µs per training step = time in `fit` (all epochs) ÷ steps; process s = the whole process, "
                  "imports and data included; loss and accuracy on the 1,000 training rows after training.",
                  ["Framework", "Threads", "µs/step", "× glassnet's time", "Process s", "Final loss", "Accuracy",
                   "Others", "Runs"], body)


def _speed_table(rows, workload, cores, title, note):
    """Samples/s beside glassnet's at the same thread count, with the FLOP-bound share and final loss."""
    def base(threads):
        return rows.get(("glassnet", workload, threads or cores), {}).get("samples_per_s")

    body = []
    for k, r in _rows(rows, workload):
        share = flop_share(rows, r, k[2], cores)
        body.append([NAMES[k[0]], _threads(k), fmt(r.get("samples_per_s")), _ratio(r.get("samples_per_s"), base(k[2])),
                     fmt(r.get("samples_per_cpu_s")), "–" if share is None else f"{share:.0%}",
                     fmt(r.get("loss"), 3), fmt(r.get("accuracy"), 4), _others(r), str(r["runs"])])
    note += (f" × glassnet's speed compares with glassnet at the same thread count (default = {cores}). Per CPU-s: "
             "samples per second of the process's CPU time, all its threads' (spinning BLAS threads too); at one "
             "thread it is less swayed than samples/s by other processes holding the cores.")
    return _table(title, note, ["Framework", "Threads", "Samples/s", "× glassnet's speed", "Per CPU-s",
                                "Share of FLOP bound", "Final loss", "Accuracy", "Others", "Runs"], body)


def _w2(rows, cores):
    return _speed_table(rows, "w2", cores,
                        "W2 — mnist-mlp: 784-512-256-10 ReLU, sparse CE from logits, Adam, batch 128, 3 epochs",
                        "samples/s over epochs 2-3; FLOP bound = 6 × parameters × samples at NumPy's float32 "
                        "matmul rate.")


def _w4(rows, cores, size):
    return _speed_table(rows, "w4", cores,
                        "W4 — convnet: Conv2D(32, 3) → MaxPooling2D → Conv2D(64, 3) → MaxPooling2D → Flatten → "
                        f"Dropout(0.5) → Dense(10, softmax), categorical CE, Adam, batch {size['batch']}, "
                        f"{size['samples']:,} images of 28x28x1, {size['epochs']} epochs",
                        f"samples/s over {_after_first(size['epochs'])}; FLOP bound = 6 × the multiply-adds of the "
                        "convolutions and the Dense layer × samples (`bench/flops.py`) at NumPy's float32 matmul "
                        "rate; final loss and accuracy with Dropout off.")


def _w5(rows, cores, size):
    return _speed_table(rows, "w5", cores,
                        "W5 — sequence: Embedding(20000, 128) → LSTM(64) → Dense(1, sigmoid), BCE, Adam, "
                        f"batch {size['batch']}, {size['samples']:,} sequences of {size['length']} word ids, "
                        f"{size['epochs']} epochs",
                        f"samples/s over {_after_first(size['epochs'])}; FLOP bound = 6 × the LSTM's and the Dense "
                        "layer's multiply-adds × samples (`bench/flops.py`; the embedding lookup counts none) at "
                        "NumPy's float32 matmul rate.")


def _after_first(epochs):
    return "epoch 2" if epochs == 2 else f"epochs 2-{epochs}"


def _w3(rows):
    base = rows.get(("glassnet", "w3", None), {}).get("predict_one_us")
    body = [[NAMES[k[0]], _threads(k), fmt(r.get("predict_one_us")), _ratio(r.get("predict_one_us"), base),
             fmt(r.get("call_one_us")), _ratio(r.get("predict_one_us"), r.get("call_one_us")),
             fmt(r.get("predict_rows_ms")), fmt(r.get("train_on_batch_us")), fmt(r.get("rss_growth_mib"), 2),
             fmt(r.get("rss_end_mib")), _others(r), str(r["runs"])]
            for k, r in _rows(rows, "w3")]
    return _table("W3 — latency and memory on the W1 model",
                  "Medians of single calls. PyTorch's predict is `model(x)` under `no_grad` and `.numpy()`; "
                  "scikit-learn's is `predict_proba`, and its train step `partial_fit`. Memory growth = resident "
                  "memory after all the train_on_batch calls minus after the first 10% of them.",
                  ["Framework", "Threads", "predict(1 row) µs", "× glassnet's time", "model(x) µs", "predict ÷ call",
                   "predict(10,000 rows) ms", "train_on_batch µs", "RSS growth MiB", "RSS MiB", "Others", "Runs"], body)


def _imports(rows):
    base = rows.get(("glassnet", "import", None), {}).get("import_ms")
    numpy_ms = rows.get(("numpy-loop", "import", None), {}).get("import_ms")
    body = [[NAMES[k[0]], f"`{r.get('statement', '')}`", fmt(r.get("import_ms")),
             fmt(None if numpy_ms is None else r["import_ms"] - numpy_ms), _ratio(r.get("import_ms"), base),
             fmt(r.get("install_own_mib")), fmt(r.get("install_total_mib"))]
            for k, r in _rows(rows, "import")]
    return _table("Import time and install size",
                  "Import timed in a fresh process; install size = the package's files, then with every "
                  "run-time dependency (glassnet: its source folder, then plus NumPy).",
                  ["Framework", "Statement", "Import ms", "− import numpy", "× glassnet's time", "Package MiB",
                   "With dependencies MiB"], body)


def _versions(rows, context):
    lines = ["## Versions and BLAS", ""]
    for key, row in rows.items():
        if key[1] in ("w1", "matmul") and row.get("versions", row.get("blas")):
            blas = "; ".join(f"{b.get('internal_api')} {b.get('version')} {b.get('architecture')} "
                             f"({b.get('num_threads')} threads)" for b in row.get("blas", []))
            versions = ", ".join(f"{k} {v}" for k, v in row.get("versions", {}).items())
            lines.append(f"- {NAMES.get(key[0], key[0])} (threads: {_threads(key)}): {versions}; BLAS: {blas or '?'}")
    for key, row in rows.items():
        if key[0] == "matmul" and "gflops" in row:
            lines.append(f"- float32 matmul ({row.get('n')}²) with {key[2]} thread(s): {row['gflops']:.0f} GFLOP/s")
    env = context["openblas_env"]
    lines.append(f"- OPENBLAS_CORETYPE={env['OPENBLAS_CORETYPE']}, OPENBLAS_L2_SIZE={env['OPENBLAS_L2_SIZE']} "
                 f"in the runner's environment; removed for the jobs: {context['openblas_env_unset']}")
    return "\n".join(lines) + "\n"


def _others(row):
    value = row.get("others_cores_during")
    return "–" if value is None else f"{value:.2f}"


def _ratio(value, base):
    return "–" if value is None or not base else f"{value / base:.2f}"


def fmt(value, digits=3):
    if value is None:
        return "–"
    if isinstance(value, int) or abs(value) >= 100:
        return f"{value:,.0f}"
    return f"{value:.{digits}g}"
