"""fit of the W1 course network built as a Sequential and as a functional model, side by side.

    python -m bench.functional_vs_sequential [--epochs 20] [--repeats 9] [--instructions]

The network is W1's (bench/README.md): 400-25-15-1 with sigmoids, BinaryCrossentropy, Adam 1e-3,
batch 32, shuffled, on the 1,000 rows of bench/data.py. It is built once as
``Sequential([Input, Dense, Dense, Dense])`` (bench/frameworks/keras_api.py's ``course_model``)
and once as ``Model(inputs, outputs)`` of the same layers (:func:`functional_course_model`).
Each repetition trains both from the same weights and seed, in alternating order, so that load on
a shared machine hits both alike; it prints each pair's seconds, the median of each and the median
of the per-pair ratios functional / sequential (the figure to report; the issue asks for at most
1.05), in wall-clock and in CPU time. Both must end with the same history and weights, bit for
bit, and this checks it.

With ``--instructions`` it also counts, with valgrind, the instructions per fit step of each
(bench/w1_instructions.py's method: a short and a long run, the difference per extra step), which
other people's load does not change.
"""
import argparse
import statistics
import time
from pathlib import Path

import numpy as np

import glassnet
from bench import data, w1_instructions
from bench.frameworks.keras_api import course_model

CHECKOUT = str(Path(__file__).resolve().parents[1])  # the glassnet that valgrind's runs import
BUILDERS = {"sequential": "bench.frameworks.keras_api:course_model",
            "functional": "bench.functional_vs_sequential:functional_course_model"}


def functional_course_model(tf):
    """W1's model as ``Model(inputs, outputs)``: the layers and compile arguments of ``course_model``."""
    inputs = tf.keras.Input(shape=(400,))
    x = tf.keras.layers.Dense(25, activation="sigmoid")(inputs)
    x = tf.keras.layers.Dense(15, activation="sigmoid")(x)
    outputs = tf.keras.layers.Dense(1, activation="sigmoid")(x)
    model = tf.keras.Model(inputs, outputs)
    model.compile(loss=tf.keras.losses.BinaryCrossentropy(), optimizer=tf.keras.optimizers.Adam(learning_rate=1e-3))
    return model


def timed_fit(kind, weights, x, y, epochs):
    """Train a fresh model of `kind` from `weights`; returns ((wall s, CPU s), history, final weights)."""
    model = (course_model if kind == "sequential" else functional_course_model)(glassnet)
    model.set_weights(weights)
    glassnet.keras.utils.set_random_seed(1)  # the same shuffles both ways
    start, cpu = time.perf_counter(), time.process_time()
    history = model.fit(x, y, batch_size=32, epochs=epochs, verbose=0)
    return (time.perf_counter() - start, time.process_time() - cpu), history.history, model.get_weights()


def main(epochs=20, repeats=9, count_instructions=False):
    x, y = data.course_data(1000)
    glassnet.keras.utils.set_random_seed(0)
    weights = course_model(glassnet).get_weights()
    for kind in BUILDERS:  # warm up imports and caches
        timed_fit(kind, weights, x[:256], y[:256], 1)
    times = {kind: [] for kind in BUILDERS}
    print(f"fit: W1, 1000 rows, 400-25-15-1 sigmoid, batch 32, {epochs} epochs")
    for repeat in range(repeats):
        order = list(BUILDERS) if repeat % 2 == 0 else list(BUILDERS)[::-1]
        results = {kind: timed_fit(kind, weights, x, y, epochs) for kind in order}
        (seconds, history, final), (_, other_history, other_final) = results["sequential"], results["functional"]
        same = history == other_history and all(np.array_equal(a, b) for a, b in zip(final, other_final))
        assert same, "the functional model trained differently from the Sequential"
        for kind in BUILDERS:
            times[kind].append(results[kind][0])
        print(f"  repeat {repeat + 1}: wall {seconds[0]:.3f} s sequential, {results['functional'][0][0]:.3f} s "
              f"functional; CPU {seconds[1]:.3f} s, {results['functional'][0][1]:.3f} s; same training: {same}")
    ratios = {}
    for index, clock in enumerate(("wall", "CPU")):
        sequential = [t[index] for t in times["sequential"]]
        functional = [t[index] for t in times["functional"]]
        ratios[clock] = statistics.median(f / s for s, f in zip(sequential, functional))
        print(f"{clock}: median {statistics.median(sequential):.3f} s sequential, "
              f"{statistics.median(functional):.3f} s functional; "
              f"median ratio {ratios[clock]:.3f} (at most 1.05 asked)")
    if count_instructions:
        counts = {kind: w1_instructions.per_step(CHECKOUT, "fit", builder) for kind, builder in BUILDERS.items()}
        print(f"instructions per fit step: {counts['sequential'] / 1e6:.3f} M sequential, "
              f"{counts['functional'] / 1e6:.3f} M functional; ratio {counts['functional'] / counts['sequential']:.3f}")
        ratios["instructions"] = counts["functional"] / counts["sequential"]
    return ratios


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--epochs", type=int, default=20)
    parser.add_argument("--repeats", type=int, default=9)
    parser.add_argument("--instructions", action="store_true", help="also count instructions (needs valgrind)")
    options = parser.parse_args()
    main(options.epochs, options.repeats, options.instructions)
