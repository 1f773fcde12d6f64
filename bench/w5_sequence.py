"""W5: Embedding(20000, 128) -> LSTM(64) -> Dense(1, sigmoid), binary cross-entropy, Adam; sequences
of 200 word indices, batch 32. Times steady training steps of glassnet and, where torch imports,
of the same network in PyTorch (nn.Embedding, nn.LSTM(batch_first=True), nn.Linear), side by side.

    OPENBLAS_NUM_THREADS=1 python -m bench.w5_sequence                     # glassnet
    OPENBLAS_NUM_THREADS=1 /tmp/peers-venv/bin/python -m bench.w5_sequence # glassnet and PyTorch
    python -m bench.w5_sequence --profile                                  # where glassnet's step goes

Figures (2-core shared machine, 1 thread, median of steady steps; noisy under load):
FIGURES
"""
import argparse
import os
import sys
import time

import numpy as np

VOCAB, DIM, UNITS, STEPS, BATCH = 20000, 128, 64, 200, 32


def data(batches, seed=0):
    """Word indices with a Zipf-like frequency (as real text: many repeats) and 0/1 labels."""
    rng = np.random.default_rng(seed)
    x = np.minimum(rng.zipf(1.2, (batches * BATCH, STEPS)), VOCAB - 1).astype(np.int64)
    return x, rng.integers(0, 2, (batches * BATCH, 1)).astype(np.float32)


def glassnet_step_times(batches):
    import glassnet.keras as gk
    model = gk.Sequential([gk.layers.Input(shape=(STEPS,)), gk.layers.Embedding(VOCAB, DIM), gk.layers.LSTM(UNITS),
                           gk.layers.Dense(1, activation="sigmoid")])
    model.compile(optimizer="adam", loss="binary_crossentropy")
    x, y = data(batches)
    times = []
    for i in range(batches):
        rows = slice(i * BATCH, (i + 1) * BATCH)
        start = time.perf_counter()
        model.train_on_batch(x[rows], y[rows])
        times.append(time.perf_counter() - start)
    return times[2:]


def torch_step_times(batches, flush_denormal=False):
    """PyTorch's step; with `flush_denormal`, subnormal floats are flushed to zero (as XLA does on CPU,
    and as glassnet's recurrences do for their carried gradients): PyTorch's default is not to, and its
    LSTM backward then slows down many times once the gradient through time becomes subnormal."""
    import torch
    torch.set_num_threads(1)
    torch.manual_seed(0)
    torch.set_flush_denormal(flush_denormal)

    class Net(torch.nn.Module):
        def __init__(self):
            super().__init__()
            self.embedding = torch.nn.Embedding(VOCAB, DIM)
            self.lstm = torch.nn.LSTM(DIM, UNITS, batch_first=True)
            self.dense = torch.nn.Linear(UNITS, 1)

        def forward(self, x):
            _, (h, _) = self.lstm(self.embedding(x))
            return self.dense(h[-1])

    net = Net()
    optimizer = torch.optim.Adam(net.parameters(), lr=1e-3)
    loss_fn = torch.nn.BCEWithLogitsLoss()
    x, y = data(batches)
    x, y = torch.from_numpy(x), torch.from_numpy(y)
    times = []
    for i in range(batches):
        rows = slice(i * BATCH, (i + 1) * BATCH)
        start = time.perf_counter()
        optimizer.zero_grad()
        loss = loss_fn(net(x[rows]), y[rows])
        loss.backward()
        optimizer.step()
        times.append(time.perf_counter() - start)
    return times[2:]


def profile(batches):
    import cProfile
    import pstats
    cProfile.runctx("glassnet_step_times(batches)", globals(), {"batches": batches, **globals()}, "/tmp/w5.prof")
    pstats.Stats("/tmp/w5.prof").sort_stats("tottime").print_stats(18)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--batches", type=int, default=12)
    parser.add_argument("--profile", action="store_true")
    args = parser.parse_args()
    if os.environ.get("OPENBLAS_NUM_THREADS") != "1":
        print("note: set OPENBLAS_NUM_THREADS=1 for single-thread figures", file=sys.stderr)
    if args.profile:
        return profile(args.batches)
    rows = [("glassnet", glassnet_step_times(args.batches))]
    try:
        import torch  # noqa: F401
        rows.append(("pytorch", torch_step_times(args.batches)))
        rows.append(("pytorch, subnormals flushed", torch_step_times(args.batches, flush_denormal=True)))
    except ImportError:
        print("torch does not import here: run with /tmp/peers-venv/bin/python for the PyTorch column",
              file=sys.stderr)
    for name, times in rows:
        median = float(np.median(times))
        print(f"{name:28s} {median * 1e3:7.1f} ms/step  {BATCH / median:7.0f} samples/s")


if __name__ == "__main__":
    main()
