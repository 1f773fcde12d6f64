"""W5: Embedding(20000, 128) -> LSTM(64) -> Dense(1, sigmoid), binary cross-entropy, Adam; sequences
of 200 word indices, batch 32. Times steady training steps of glassnet and, where torch imports,
of the same network in PyTorch (nn.Embedding, nn.LSTM(batch_first=True), nn.Linear), side by side.

    OPENBLAS_NUM_THREADS=1 python -m bench.w5_sequence                     # glassnet
    OPENBLAS_NUM_THREADS=1 /tmp/peers-venv/bin/python -m bench.w5_sequence # glassnet and PyTorch
    python -m bench.w5_sequence --profile                                  # where glassnet's step goes

Figures, 2026-12-01, on a 2-core machine shared with other jobs (load average 3 to 11, so each
run varies by about 25%), 1 thread, median of 10-12 steady steps, three runs:

    glassnet                      189-210 ms/step  152-169 samples/s
    pytorch 2.13 (default)      1215-1579 ms/step   20-26 samples/s
    pytorch, subnormals flushed   139-197 ms/step  162-231 samples/s

so glassnet runs at 0.73-0.95x PyTorch with subnormals flushed, and about 6x PyTorch's default:
PyTorch's oneDNN LSTM backward slows tenfold once the gradient carried back through 200 steps
becomes subnormal (below 1.2e-38); glassnet flushes such gradients to zero, as XLA does.

Where glassnet's step goes (cProfile, 10 steps; per step): the LSTM backward about 100 ms (its
per-step loop of ~12 small NumPy calls 47 ms, the input projection's two (6400 x 256) gradient
matmuls 28 ms, the activations' derivatives 8 ms, the subnormal flush 6 ms); the LSTM forward
about 48 ms (per-step loop 21 ms, sigmoid 10 ms, the input projection matmul 15 ms); Adam over the
2.6M parameters (the 20000 x 128 table is updated whole, as Keras and PyTorch do) about 30 ms;
the embedding gradient (sort, reduceat of the repeated rows, one scatter into the table) about
24 ms. The matmuls are about a third of the time and the per-step Python/NumPy overhead of the
200-step loops about a third.
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
