"""W4's ops one at a time: CPU milliseconds of each layer's forward and backward at the MNIST
convnet's shapes (batch 128), one thread, best of `--repeats`; then each (conv, relu, max pooling)
pair as the one op a Sequential model runs it as (glassnet/keras/models/fused_layers.py).

    python -m bench.w4_ops

Each op runs through its primitive's ``forward`` (the NumPy arrays in, the value and the backward
closure out), so the figures are the op's own arithmetic without the tape. The data are hot in
cache here; in a training step they are not (the step reads arrays written a layer or a pass
earlier), so the step costs more than the sum of these lines: bench/w4_convnet.py times the step.
"""
import argparse
import os
import time

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")  # before NumPy is imported
os.environ.setdefault("OMP_NUM_THREADS", "1")

import numpy as np  # noqa: E402

from glassnet.autodiff.ops import relu  # noqa: E402
from glassnet.autodiff.ops.conv_pool import conv_max_pool  # noqa: E402
from glassnet.autodiff.ops.convolution import conv  # noqa: E402
from glassnet.autodiff.ops.nn import dense, softmax  # noqa: E402
from glassnet.autodiff.ops.pooling import max_pool  # noqa: E402

BATCH = 128


def best_ms(fn, repeats):
    best = float("inf")
    for _ in range(repeats):
        start = time.process_time()
        fn()
        best = min(best, time.process_time() - start)
    return best * 1e3


def cases(rng):
    """(name, op, inputs, settings) for each W4 op, in the order the step runs them."""
    def normal(*shape, scale=1.0):
        return (rng.normal(size=shape) * scale).astype(np.float32)

    relu_output = lambda *shape: np.maximum(normal(*shape), 0)  # noqa: E731 - max pooling's real input
    return [
        ("conv1 3x3 1->32, relu", conv, (rng.random((BATCH, 28, 28, 1), dtype=np.float32),
                                         normal(3, 3, 1, 32, scale=0.3), np.zeros(32, np.float32)),
         dict(activation=relu, input_gradient=False)),
        ("pool1 2x2 on 26x26x32", max_pool, (relu_output(BATCH, 26, 26, 32),), dict(pool_size=2)),
        ("conv2 3x3 32->64, relu", conv, (relu_output(BATCH, 13, 13, 32), normal(3, 3, 32, 64, scale=0.1),
                                          np.zeros(64, np.float32)), dict(activation=relu)),
        ("pool2 2x2 on 11x11x64", max_pool, (relu_output(BATCH, 11, 11, 64),), dict(pool_size=2)),
        ("dense 1600->10, softmax", dense, (normal(BATCH, 1600), normal(1600, 10, scale=0.03),
                                            np.zeros(10, np.float32)), dict(activation=softmax)),
    ]


def fused_cases(rng):
    """The two (conv, relu, max pooling) pairs as the one op a model runs them as (models/fused_layers.py)."""
    first, _, second, *_ = cases(rng)
    return [
        ("conv1 + pool1 fused", conv_max_pool, first[2], dict(pool_size=2, input_gradient=False)),
        ("conv2 + pool2 fused", conv_max_pool, second[2], dict(pool_size=2)),
    ]


def run(name, op, inputs, settings, rng, repeats):
    """Print and return the forward and backward CPU milliseconds of one op."""
    out, backward = op.forward(*inputs, **settings)
    g = rng.random(out.shape, dtype=np.float32)
    forward_ms = best_ms(lambda: op.forward(*inputs, **settings), repeats)
    backward_ms = best_ms(lambda: backward(g), repeats)
    print(f"{name:>26}: forward {forward_ms:5.1f} ms, backward {backward_ms:5.1f} ms")
    return forward_ms + backward_ms


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeats", type=int, default=20)
    args = parser.parse_args(argv)
    rng = np.random.default_rng(0)
    times = [run(*step, rng, args.repeats) for step in cases(rng)]
    print(f"{'total':>26}: {sum(times):5.1f} ms")
    fused = sum(run(*step, rng, args.repeats) for step in fused_cases(rng))
    print(f"{'total, the pairs fused':>26}: {fused + times[-1]:5.1f} ms")  # the dense layer's as above


if __name__ == "__main__":
    main()
