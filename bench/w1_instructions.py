"""Instructions per W1 training step and per `train_on_batch` call, counted by valgrind.

    python -m bench.w1_instructions [CHECKOUT ...]

On a shared machine wall-clock time swings with other people's load; instruction counts do
not. For each checkout (this one by default), callgrind counts a short and a long run of the
course model in a fresh process; the difference divided by the extra steps is what one step
costs, imports and setup cancelled out. Give two checkouts to compare a change with its base.
Single-threaded BLAS, so that thread scheduling adds nothing. Needs valgrind on the PATH.
"""
import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile

_JOB = """
import sys
from bench import data
from {module} import {function} as course_model
import glassnet as tf
x, y = data.course_data(1000)
tf.keras.utils.set_random_seed(0)
model = course_model(tf)
model.fit(x, y, batch_size=32, epochs=1, verbose=0)
what, count = sys.argv[1], int(sys.argv[2])
if what == "fit":
    model.fit(x, y, batch_size=32, epochs=count, verbose=0)
else:
    for _ in range(count):
        model.train_on_batch(x[:32], y[:32])
"""
COURSE_MODEL = "bench.frameworks.keras_api:course_model"
_RUNS = {"fit": (1, 5, 4 * 32), "train_on_batch": (0, 200, 200)}  # short, long, steps between


def instructions(checkout, what, count, builder=COURSE_MODEL):
    """Instructions callgrind counts for one run of the job in `checkout`, its model made by `builder`
    ("module:function", the function taking the glassnet module and returning the compiled model)."""
    module, function = builder.split(":")
    job = _JOB.format(module=module, function=function)
    with tempfile.TemporaryDirectory() as folder:
        env = {**os.environ, "PYTHONPATH": checkout, "OPENBLAS_NUM_THREADS": "1"}
        command = ["valgrind", "--tool=callgrind", f"--callgrind-out-file={folder}/out",
                   sys.executable, "-c", job, what, str(count)]
        result = subprocess.run(command, cwd=checkout, env=env, capture_output=True, text=True, check=True)
    return int(re.search(r"Collected : (\d+)", result.stderr).group(1))


def per_step(checkout, what, builder=COURSE_MODEL):
    short, long, steps = _RUNS[what]
    return (instructions(checkout, what, long, builder) - instructions(checkout, what, short, builder)) / steps


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("checkouts", nargs="*", default=[os.getcwd()])
    args = parser.parse_args(argv)
    if shutil.which("valgrind") is None:
        sys.exit("valgrind is not installed (apt-get install valgrind)")
    rows = {path: {what: per_step(os.path.abspath(path), what) for what in _RUNS} for path in args.checkouts}
    first = rows[args.checkouts[0]]
    for path, counts in rows.items():
        cells = "  ".join(f"{what} {counts[what] / 1e6:.3f} M ({counts[what] / first[what]:.3f}x)" for what in _RUNS)
        print(f"{path}: {cells}")


if __name__ == "__main__":
    main()
