"""How close NumPy alone can bring W2's step to the FLOP bound at two cores, arranged four ways.

    python -m bench.w2_arrangements [--rounds 3] [--steps 300]

The hand-written loop's step (`frameworks/numpy_loop.py`: flat buffers, fused Adam) on W2's
model and batch, with no framework around it, run four ways, each in a fresh process with the
BLAS settings it names (rounds interleaved, median reported):

1. serial: the loop's step, its update in the same blocks; BLAS uses both cores for the products.
2. split update: the same, with Adam's update halved between two threads.
3. split update, and OpenBLAS's idle threads sleep at once (`OPENBLAS_THREAD_TIMEOUT=4`)
   instead of spinning between products.
4. batch halves: two threads each run forward and backward on 64 rows with one-thread BLAS,
   then split the update.

NumPy releases the GIL inside each product and each elementwise pass, so threads of our own
can share the cores; the update is split in blocks of 128k weights because smaller blocks pass
the GIL back and forth so often that two threads run slower than one.
"""
import argparse
import itertools
import json
import os
import statistics
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor

import numpy as np

from bench import data
from bench.frameworks.numpy_loop import FlatNetwork, _sparse_ce_delta
from bench.w2_budget import BATCH, LAYERS, best_ms, bound_ms

UPDATE_BLOCK = 1 << 17

ARRANGEMENTS = {
    "serial": ("one thread of ours; BLAS 2 threads", {"OPENBLAS_NUM_THREADS": "2"}),
    "split_update": ("update split over 2 threads; BLAS 2 threads", {"OPENBLAS_NUM_THREADS": "2"}),
    "split_update_sleeping_blas": ("update split over 2 threads; BLAS 2 threads, OPENBLAS_THREAD_TIMEOUT=4",
                                   {"OPENBLAS_NUM_THREADS": "2", "OPENBLAS_THREAD_TIMEOUT": "4"}),
    "batch_halves": ("batch halves on 2 threads; BLAS 1 thread", {"OPENBLAS_NUM_THREADS": "1"}),
}


class Arrangement:
    """One W2 network and the two-thread machinery each arrangement may use."""

    def __init__(self, name):
        self.name = name
        self.net = FlatNetwork(list(LAYERS), "relu", "linear", np.random.default_rng(0))
        # The second half-batch's gradients: the same weights, a buffer of their own.
        self.twin = FlatNetwork(list(LAYERS), "relu", "linear", np.random.default_rng(0))
        self.twin.theta, self.twin.params = self.net.theta, self.net.params
        self.pool = ThreadPoolExecutor(1)
        size = self.net.theta.size
        blocks = range(0, size, UPDATE_BLOCK)
        middle = blocks[len(blocks) // 2]
        self.halves = (range(0, middle, UPDATE_BLOCK), range(middle, size, UPDATE_BLOCK))

    def gradients(self, net, x, y):
        activations = net.forward(x)
        net.backward(activations, _sparse_ce_delta(activations[-1], y))

    def update(self, starts, combine=False):
        net = self.net
        for start in starts:
            part = slice(start, start + UPDATE_BLOCK)
            if combine:  # the mean over 128 rows from two means over 64
                net.grad[part] += self.twin.grad[part]
                net.grad[part] *= 0.5
            net.adam_update(net.theta[part], net.grad[part], net.m[part], net.v[part], net.scratch[part])

    def in_two(self, first, second):
        """Run `first` here and `second` on the other thread; return when both are done."""
        other = self.pool.submit(second)
        first()
        other.result()

    def step(self, x, y):
        self.net.t += 1
        if self.name == "serial":
            self.gradients(self.net, x, y)
            self.update(range(0, self.net.theta.size, UPDATE_BLOCK))
            return
        combine = self.name == "batch_halves"
        if combine:
            half = len(x) // 2
            self.in_two(lambda: self.gradients(self.net, x[:half], y[:half]),
                        lambda: self.gradients(self.twin, x[half:], y[half:]))
        else:
            self.gradients(self.net, x, y)
        self.in_two(lambda: self.update(self.halves[0], combine), lambda: self.update(self.halves[1], combine))


def ms_per_step(name, steps):
    """Best of five passes of `steps` steps, each on the next of 64 batches."""
    x, y = data.mnist_like_data(BATCH * 64)
    arrangement = Arrangement(name)
    batches = itertools.cycle([(x[i:i + BATCH], y[i:i + BATCH]) for i in range(0, len(x), BATCH)])
    for _ in range(20):
        arrangement.step(*next(batches))
    return best_ms(lambda: arrangement.step(*next(batches)), repeats=steps)


def parameter_count():
    return sum(a * b + b for a, b in zip(LAYERS[:-1], LAYERS[1:]))


def child(name, steps):
    """Measure in this process and print one JSON number: the caller set the BLAS environment."""
    print(json.dumps(bound_ms(parameter_count()) if name == "bound" else ms_per_step(name, steps)))


def measure(name, environment, steps):
    env = {**os.environ, **environment}
    command = [sys.executable, "-m", "bench.w2_arrangements", "--child", name, "--steps", str(steps)]
    return json.loads(subprocess.run(command, env=env, check=True, capture_output=True, text=True).stdout)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--steps", type=int, default=300)
    parser.add_argument("--child", choices=[*ARRANGEMENTS, "bound"], help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        return child(args.child, args.steps)
    times = {name: [] for name in ARRANGEMENTS}
    bounds = []
    for _ in range(args.rounds):
        bounds.append(measure("bound", {"OPENBLAS_NUM_THREADS": "2"}, args.steps))
        for name, (_, environment) in ARRANGEMENTS.items():
            times[name].append(measure(name, environment, args.steps))
    bound = statistics.median(bounds)
    print(f"FLOP bound at 2 threads: {bound:.3f} ms per step of {BATCH} rows (median of {args.rounds} rounds)\n")
    print("| Arrangement | ms/step | samples/s | share of the bound |\n| --- | --- | --- | --- |")
    for name, (label, _) in ARRANGEMENTS.items():
        ms = statistics.median(times[name])
        print(f"| {label} | {ms:.2f} | {BATCH / ms * 1e3:,.0f} | {bound / ms:.1%} |")


if __name__ == "__main__":
    main()
