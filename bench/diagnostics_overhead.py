"""What Diagnostics costs: fit on the course workload with and without it, side by side.

    python -m bench.diagnostics_overhead [--rows 4000] [--epochs 10] [--repeats 7]

The workload: a 400-25-15-10 relu network (SparseCategoricalCrossentropy from logits, Adam
1e-3, metrics=['accuracy']), batch 32, on MNIST-shaped rows of 400 features (bench/data.py).
Each repetition trains a freshly seeded model once without and once with
``glassnet.inspect.Diagnostics()``, the two in alternating order, so that load on a shared
machine hits both alike; it prints each pair's seconds, the median of each and the median of
the per-pair ratios (the figure to report: the issue asks for at most 1.10), in wall-clock time
and in CPU time (the process's, all threads: on a machine others are loading, wall time swings
with their jobs, CPU time much less). Training must end with identical weights both ways, and
this checks it.
"""
import argparse
import statistics
import time
import warnings

import numpy as np

import glassnet
from bench import data


def build(seed=0):
    glassnet.keras.utils.set_random_seed(seed)
    layers = glassnet.keras.layers
    model = glassnet.keras.Sequential([glassnet.keras.Input((400,)), layers.Dense(25, activation="relu"),
                                       layers.Dense(15, activation="relu"), layers.Dense(10)])
    model.compile(optimizer=glassnet.keras.optimizers.Adam(1e-3), metrics=["accuracy"],
                  loss=glassnet.keras.losses.SparseCategoricalCrossentropy(from_logits=True))
    return model


def timed_fit(x, y, epochs, diagnose):
    model = build()
    callbacks = [glassnet.inspect.Diagnostics()] if diagnose else None
    start, cpu = time.perf_counter(), time.process_time()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", glassnet.inspect.TrainingWarning)
        model.fit(x, y, batch_size=32, epochs=epochs, verbose=0, callbacks=callbacks)
    return (time.perf_counter() - start, time.process_time() - cpu), model.get_weights()


def main(rows=4000, epochs=10, repeats=7):
    x, y = data.mnist_like_data(rows, features=400)
    x = x / 3  # into about [-1, 1], as a learner scales inputs
    timed_fit(x[:256], y[:256], 1, True)  # warm up imports and caches
    plain, diagnosed = [], []
    print(f"fit: {rows} rows x 400 features, 400-25-15-10 relu, batch 32, {epochs} epochs")
    for repeat in range(repeats):
        order = (False, True) if repeat % 2 == 0 else (True, False)
        times, weights = {}, {}
        for diagnose in order:
            times[diagnose], weights[diagnose] = timed_fit(x, y, epochs, diagnose)
        same = all(np.array_equal(a, b) for a, b in zip(weights[False], weights[True]))
        assert same, "training with Diagnostics ended with different weights"
        plain.append(times[False])
        diagnosed.append(times[True])
        print(f"  repeat {repeat + 1}: wall {times[False][0]:.3f} s without, {times[True][0]:.3f} s with; "
              f"CPU {times[False][1]:.3f} s without, {times[True][1]:.3f} s with; same weights: {same}")
    ratios = {}
    for index, clock in enumerate(("wall", "CPU")):
        without = [t[index] for t in plain]
        with_ = [t[index] for t in diagnosed]
        ratios[clock] = statistics.median(b / a for a, b in zip(without, with_))
        print(f"{clock}: median {statistics.median(without):.3f} s without, {statistics.median(with_):.3f} s with; "
              f"median ratio {ratios[clock]:.3f} (at most 1.10 asked)")
    return ratios


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=4000)
    parser.add_argument("--epochs", type=int, default=10)
    parser.add_argument("--repeats", type=int, default=7)
    options = parser.parse_args()
    main(options.rows, options.epochs, options.repeats)
