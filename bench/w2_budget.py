"""Where W2's training step spends its time, against the FLOP bound, at the BLAS thread count set.

    OPENBLAS_NUM_THREADS=2 python -m bench.w2_budget

Prints, per step of 128 rows: the bound (6 x parameters x rows at the 2048² matmul rate), the
step's matrix products alone, the optimizer update alone (right after a product, as in `fit`),
the whole step inside `fit`, and how much CPU time BLAS's idle threads burn right after a
product. The products and the update are timed by themselves, in the order `fit` runs them, so
their sum is what no glassnet step can beat without faster products or a faster update.
"""
import resource
import time

import numpy as np

from bench import data
from bench.frameworks.matmul import gflops

BATCH, LAYERS = 128, (784, 512, 256, 10)


def best_ms(fn, repeats=50, rounds=5):
    fn()
    best = float("inf")
    for _ in range(rounds):
        start = time.perf_counter()
        for _ in range(repeats):
            fn()
        best = min(best, (time.perf_counter() - start) / repeats)
    return best * 1e3


def bound_ms(parameters):
    """6 x parameters x rows at the 2048² float32 matmul rate: the step no code can beat."""
    return 6 * parameters * BATCH / (gflops(2048, 5) * 1e9) * 1e3


def products_ms(model):
    """The matrix products of one step: three forward, three kernel gradients, two input gradients."""
    rng = np.random.default_rng(0)
    kernels = [layer.kernel.value for layer in model.layers]
    inputs = [rng.standard_normal((BATCH, n), dtype=np.float32) for n in LAYERS]

    def step():
        for x, kernel in zip(inputs, kernels):
            x @ kernel
        for i in reversed(range(len(kernels))):
            inputs[i].T @ inputs[i + 1]
            if i > 0:
                inputs[i + 1] @ kernels[i].T

    return best_ms(step)


def update_ms(model):
    """The optimizer's update of every weight, each time right after a product, as in `fit`."""
    kernel = model.layers[0].kernel.value
    x = np.ones((BATCH, LAYERS[0]), np.float32)

    def step():
        x @ kernel
        model.optimizer._apply_flat_gradient()

    return best_ms(step) - best_ms(lambda: x @ kernel)


def fit_step_ms(model, x, y):
    """The second epoch's time per step, as the benchmark times W2 (its first epoch runs the same)."""
    import glassnet as tf

    starts = []
    clock = tf.keras.callbacks.LambdaCallback(on_epoch_begin=lambda epoch, logs: starts.append(time.perf_counter()))
    model.fit(x, y, batch_size=BATCH, epochs=2, verbose=0, callbacks=[clock])
    return (time.perf_counter() - starts[-1]) * 1e3 / -(-len(x) // BATCH)


def blas_idle_cpu_share(seconds=0.3):
    """The share of one core the process uses while it sleeps just after a product."""
    a = np.ones((512, 512), np.float32)
    a @ a
    before = resource.getrusage(resource.RUSAGE_SELF)
    time.sleep(seconds)
    after = resource.getrusage(resource.RUSAGE_SELF)
    return (after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime) / seconds


def main():
    import glassnet as tf

    x, y = data.mnist_like_data(20000)
    tf.keras.utils.set_random_seed(0)
    model = tf.keras.Sequential([tf.keras.layers.Input((LAYERS[0],))]
                                + [tf.keras.layers.Dense(n, activation="relu") for n in LAYERS[1:-1]]
                                + [tf.keras.layers.Dense(LAYERS[-1])])
    model.compile(optimizer="adam", loss=tf.keras.losses.SparseCategoricalCrossentropy(from_logits=True))
    model.fit(x[:2048], y[:2048], batch_size=BATCH, epochs=1, verbose=0)
    bound = bound_ms(model.count_params())
    in_fit = fit_step_ms(model, x, y)  # first: the update timings below step the weights arbitrarily
    rows = {"FLOP bound": bound, "matrix products alone": products_ms(model),
            "optimizer update alone": update_ms(model), "whole step in fit": in_fit}
    rows["products + update"] = rows["matrix products alone"] + rows["optimizer update alone"]
    print(f"{'per step of 128 rows':<26}{'ms':>8}{'share of bound':>16}")
    for name, ms in rows.items():
        print(f"{name:<26}{ms:8.3f}{bound / ms:16.0%}")
    print(f"\nCPU used while sleeping 0.3 s after one product: {blas_idle_cpu_share():.0%} of a core "
          "(BLAS threads waiting for the next product)")


if __name__ == "__main__":
    main()
