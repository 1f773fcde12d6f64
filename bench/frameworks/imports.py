"""Import time and install size of one framework, measured in a fresh process.

    python -m bench.frameworks.imports --framework glassnet --out r.json

The import is timed before this script imports anything beyond `argparse` and `time`, so the
time is what a user's script pays for its import line (numpy included where the framework needs it).
"""
import argparse
import time

# What a user's script writes, and the distributions that make up the install.
STATEMENTS = {
    "numpy-loop": ("import numpy", "numpy"),
    "glassnet": ("import glassnet", None),
    "tf-keras": ("import tensorflow as tf; tf.keras.Sequential", "tensorflow-cpu"),
    "torch": ("import torch", "torch"),
    "sklearn": ("from sklearn.neural_network import MLPClassifier", "scikit-learn"),
}


def import_ms(statement):
    start = time.perf_counter()
    exec(statement, {})
    return (time.perf_counter() - start) * 1000


def _own_bytes(distribution):
    return sum(f.locate().stat().st_size for f in distribution.files or [] if f.locate().is_file())


def _requirements(distribution):
    """Names of the distributions it needs at run time (markers honoured where `packaging` is present)."""
    import re

    names = []
    for line in distribution.requires or []:
        requirement, _, marker = line.partition(";")
        if "extra" in marker:
            continue
        if marker.strip() and not _marker_holds(marker):
            continue
        names.append(re.split(r"[\s<>=!~\[(]", requirement.strip(), maxsplit=1)[0])
    return names


def _marker_holds(marker):
    try:
        from packaging.markers import Marker
    except ImportError:
        return False
    return Marker(marker.strip()).evaluate()


def install_mib(root_names):
    """Size on disk of the distributions and everything they need, in MiB (own, with dependencies)."""
    import importlib.metadata

    seen, total, own = set(), 0, 0
    todo = list(root_names)
    while todo:
        name = todo.pop().lower().replace("_", "-")
        if name in seen:
            continue
        seen.add(name)
        try:
            distribution = importlib.metadata.distribution(name)
        except importlib.metadata.PackageNotFoundError:
            continue
        size = _own_bytes(distribution)
        own += size if name in root_names else 0
        total += size
        todo.extend(_requirements(distribution))
    return own / 2**20, total / 2**20


def glassnet_bytes():
    import importlib.util
    from pathlib import Path

    source = Path(importlib.util.find_spec("glassnet").origin).resolve().parent  # the checkout run.py put first
    return sum(p.stat().st_size for p in source.rglob("*") if p.is_file() and "__pycache__" not in p.parts)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--framework", required=True, choices=sorted(STATEMENTS))
    parser.add_argument("--out", required=True)
    parser.add_argument("--tiny", action="store_true", help="accepted for symmetry; changes nothing")
    parser.add_argument("--threads", type=int, default=None, help="accepted for symmetry; changes nothing")
    args = parser.parse_args(argv)
    statement, distribution = STATEMENTS[args.framework]
    milliseconds = import_ms(statement)
    if distribution is None:  # glassnet runs from the checkout: its source folder, plus numpy
        own = glassnet_bytes() / 2**20
        total = own + install_mib(["numpy"])[1]
    else:
        own, total = install_mib([distribution])
    result = {"framework": args.framework, "workload": "import", "threads": None, "statement": statement,
              "import_ms": milliseconds, "install_own_mib": own, "install_total_mib": total}
    import json

    with open(args.out, "w") as out:
        json.dump(result, out, indent=1)


if __name__ == "__main__":
    main()
