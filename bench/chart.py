"""The results as one PNG: a panel per workload, a bar per framework (needs matplotlib)."""
from bench.report import NAMES

PANELS = [
    ("w1", "us_per_step", "W1: µs per training step (lower is better)", True),
    ("w2", "samples_per_s", "W2: samples/s, epochs 2-3 (higher is better)", False),
    ("w3", "predict_one_us", "W3: one-sample predict, µs (lower is better)", True),
    ("import", "import_ms", "Import time, ms (lower is better)", True),
    ("w4", "samples_per_s", "W4 convnet: samples/s, steady epochs (higher is better)", False),
    ("w5", "samples_per_s", "W5 LSTM: samples/s, steady epochs (higher is better)", False),
]


def draw(rows, context, path):
    """Draw the chart to `path` and return it; None when matplotlib is missing."""
    try:
        import matplotlib
        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        return None
    figure, axes = plt.subplots(3, 2, figsize=(13, 12))
    for axis, (workload, metric, title, log) in zip(axes.flat, PANELS):
        bars = [(_label(key), row[metric]) for key, row in rows.items() if key[1] == workload and metric in row]
        if not bars:
            axis.set_axis_off()
            continue
        colours = ["tab:orange" if label.startswith("glassnet") else "tab:blue" for label, _ in bars]
        axis.barh([b[0] for b in bars], [b[1] for b in bars], color=colours)
        axis.invert_yaxis()
        axis.set_title(title, fontsize=10)
        if log:
            axis.set_xscale("log")
        for y, (_, value) in enumerate(bars):
            axis.text(value, y, f" {value:,.0f}" if value >= 10 else f" {value:.2g}", va="center", fontsize=8)
    figure.suptitle(f"glassnet and its peers — {context['date']}, {context['machine']}"
                    f"{' (tiny sizes)' if context['tiny'] else ''}")
    figure.tight_layout()
    figure.savefig(path, dpi=100)
    plt.close(figure)
    return path


def _label(key):
    name = NAMES.get(key[0], key[0])
    return name if key[2] is None else f"{name} ({key[2]} thr)"
