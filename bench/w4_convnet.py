"""W4: Keras's MNIST convnet, training samples per second at one thread, glassnet beside PyTorch.

    OPENBLAS_NUM_THREADS=1 python -m bench.w4_convnet                      # glassnet alone
    /tmp/peers-venv/bin/python -m bench.w4_convnet                           # beside PyTorch and tf.keras

The network (keras.io's "Simple MNIST convnet"): Input 28x28x1 -> Conv2D(32, 3, relu) ->
MaxPooling2D(2) -> Conv2D(64, 3, relu) -> MaxPooling2D(2) -> Flatten -> Dropout(0.5) ->
Dense(10, softmax); Adam, categorical crossentropy, batch 128, random data of that shape. Each
framework trains `--steps` steps after a warm-up; the rounds alternate between the frameworks
(the machine is shared) and each one's best round is reported. One thread each: this script sets
OPENBLAS_NUM_THREADS=1 before NumPy loads, and torch.set_num_threads(1).

Measured on 2026-12-01 (Xeon Sapphire Rapids, 2 cores shared by several busy processes, load
average 10-12; one thread each; glassnet and PyTorch 2.13 CPU in one process, rounds alternating):

    --steps 10 --rounds 10:  glassnet 747 samples/s wall, 1729 of CPU time;
                             torch    960 samples/s wall, 2219 of CPU time   -> 0.78x (both measures)
    --steps 30 --rounds 3:   0.73x-0.86x over five runs as the load changed; 0.65x-0.71x in the
                             heaviest load (load average 12)
    with tf.keras 2.21 (Keras 3.15.1 on TensorFlow, XLA-compiled step, one thread), same run as a
    0.71x against PyTorch: glassnet 421, torch 590, tf.keras 896 samples/s wall (1357 / 1924 / 2586
    of CPU time): glassnet 0.47x of tf.keras. tf.keras is the fastest of the three here.

The load moves the ratio: glassnet's NumPy passes over whole arrays are bound by memory bandwidth,
which the other processes share.

Measured again on 2026-12-01 22:00 UTC (load average 14-20 on the 2 cores), one run, rounds
alternating, `--steps 10 --rounds 5`, samples/s of CPU time (wall in brackets):

    glassnet 1417 (236)   torch 2309 (338)   tf.keras 2881 (502)
    glassnet / torch 0.61x CPU (0.70x wall); glassnet / tf.keras 0.49x CPU (0.47x wall)

(an earlier run, `--steps 10 --rounds 3`, load 14: glassnet 1879, torch 2960, tf.keras 3460 samples/s
of CPU time: 0.64x and 0.54x). No change of the step's arithmetic is in these figures: the
Conv2DTranspose work moved convolution.py's code into shared helpers without changing what runs.

Where a step's time goes (CPU ms; `python -m bench.w4_ops`, each op alone, data hot in cache):

    conv1 3x3 1->32, relu    forward  2.4   backward  5.0  (relu mask 3.4 of it; no input gradient)
    pool1 2x2 on 26x26x32    forward  1.8   backward  5.7
    conv2 3x3 32->64, relu   forward  9.2   backward 17.9
    pool2 2x2 on 11x11x64    forward  0.4   backward  1.6
    dense 1600->10, softmax  forward  0.1   backward  0.2          total 44 ms

In a whole step (cProfile with a CPU-time clock, 20 steps, ~75-80 ms a step) the same ops take
about 1.6x these figures, because the step reads arrays written a layer earlier, out of cache:
max-pool backward ~14 ms, conv forward ~19 (window matrices 5), conv2's input gradient ~12 (of
which the col2im adds ~7), conv kernel gradients ~10, relu masks ~7, max-pool forward ~3; Dense,
softmax-crossentropy, Flatten, Dropout and Adam together ~3, the tape and fit loop ~2. No float64
array appears in the step (checked on every Tensor created in a fit).

What was tried and measured (in isolation, one thread): conv2's three matrix products
((15488, 289) @ (289, 64) and the two backward) run at ~90 GFLOPS, OpenBLAS's ceiling here, with
no gain from dropping the bias column (K 288) or transposing the product; its input gradient as
one product into window columns then nine strided adds (12.1 ms) or one product per kernel row
(11.5 ms) loses to the per-tap product and col2im (10.3 ms); max pooling's backward with boolean
"not yet taken" masks instead of the float remainder is no faster (6.3 vs 5.7 ms alone, equal in
a step); a relu mask by np.where or np.sign is slower than ``g * (out > 0)``. What would cut the
step: computing relu after max pooling in one op (relu and max commute; the mask and the max-pool
bookkeeping would then run on the 4x smaller pooled array, saving ~8 ms of full-size passes), which
needs the layers fused (Conv2D(relu) followed by MaxPooling2D) so that a gradient asked for at the
conv layer's output stays exact.

At two threads (2026-12-02). OpenBLAS's two threads on the whole batch added only 24% (idle) and,
on a machine whose other programs used 1.3-1.7 of its 2 cores, made the step 3-10x slower than
one thread: OpenBLAS's second thread polls for work for ~0.1 s after each product, taking the core
the first one needs. Now convolution and max pooling cut the batch into one part per BLAS thread,
each run whole (window copies, products, relu, pooling) on its own thread with one BLAS thread
(glassnet/autodiff/ops/batch_parallel.py); Dense's mid-sized products (the classifier here) run on
one BLAS thread, so OpenBLAS's thread never polls beside them; and importing glassnet keeps the
memory a step frees (glibc's malloc thresholds, glassnet/autodiff/memory.py), which took the step's
~5,000 page faults to none. Measured only under that load (`bench.run --workloads w4`, three rounds
alternating with main's checkout, others using 1.3-1.8 cores): glassnet at 2 threads a median
1,038 samples/s against main's 274 (3.8x); glassnet / tf.keras in the same run a median 0.39x
against main's 0.16x. The idle figures are the lead's benchmark to take.

Per core (2026-12-02 01:00-01:30 UTC, others using 1.3-1.8 of the 2 cores). Re-profiled at one
thread (cProfile, CPU clock, ~80 ms a step): conv forward ~16 ms a step and conv2's three
products ~8 ms each run at OpenBLAS's ceiling (~85 GFLOPS); the rest is NumPy passes whose runs
are one pixel's channels (32 numbers), where each run costs more than its arithmetic: max-pool
backward ~14, relu masks ~6.5, col2im ~6, max-pool forward ~4.5, window matrices ~4.5. Two
changes: the fused relu's backward multiplies by a mask written in the gradient's dtype (a bool
mask is cast chunk by chunk: 3.9 -> 2.3 ms on conv1's output alone), and tiled max pooling's
backward compares each tap once and does the rest on contiguous arrays, writing the gradient in
one transposed copy (pool1 backward 8-10 -> 6-7.7 ms alone). The step at one thread, interleaved
with main's: 73.7-84.7 ms against 86.6-87.8. In `bench.run --workloads w4` (three rounds against
main, alternating, one spoiled by a test run beside it) the gain was within the noise: glassnet
per CPU-s 1,672 and 1,815 (1 thread) and 1,701 and 1,790 (2 threads) against main's 1,604-1,722
and 1,670-2,128; tf.keras 2,600-3,800. Still to try: a tap-major copy of max pooling's input kept
from the forward (all its passes contiguous; no gain measured in a step), and relu after max
pooling in one fused Conv2D + MaxPooling2D op (the mask and the pool bookkeeping on the 4x smaller
array).

The fused pair (2026-12-02 03:00-03:45 UTC, others using 1-3 of the 2 cores throughout). Where a
step went before it, one thread, cProfile with a CPU clock, bench's MNIST-like data, per step:
matrix products 35 ms (kernel gradients 13, forward 12, conv2's input gradient 10); the rest 30:
max-pool backward 12 (winner masks 7, multiply 2, transposed copy 3), col2im 5, window matrices 4.4,
max-pool forward 3.4, relu (in place forward, mask backward) ~3, Dropout 1.3, and Dense, softmax
crossentropy, Adam, the tape and fit's loop together under 3. At two threads (cProfile's wall
clock on the calling thread, 43.5 ms a step) the batch-parallel conv and pool ops took 37 ms and
the serial rest (Dropout, Dense, loss, Adam, tape) ~6.5. Now a Sequential or functional model runs
each relu Conv2D and the MaxPooling2D after it as one op, glassnet.autodiff.ops.conv_max_pool
(models/fused_layers.py; the layers one by one wherever their output is read): relu on the pooled
array, the winners found in the forward pass a few images at a time while z is in cache (taps
gathered contiguous), z not kept, and the backward one multiply and one copy. The same numbers bit
for bit (tests/keras/models/test_fused_layers.py). `python -m bench.w4_ops`: the ops' total 48.4 ->
38.4 ms. In one process, fused and unfused alternating (25 steps a round, 8-15 rounds, min and
median ms a step): one thread 46.7 / 49.4 against 51.1 / 59.7, and 43.7 / 46.0 against 46.5 / 48.3
for the first fused version (relu alone moved); two threads 38.1 / 40.8 against 39.1 / 43.3 when
a core was free. `bench.run --workloads w4`, main (3548b03) and this branch alternating, one round
each, three times: glassnet at one thread 1,755-2,747 samples/s against main's 1,797-2,412 (the
runs beside the least load: 2,747 against 2,412), at two threads 2,005-3,080 against 1,443-3,495,
swung by which job the other programs met; tf.keras in the same runs 2,307-3,333 (at two threads
glassnet 3,000 and 3,080 with no other program busy, tf.keras 3,288 and 3,333 beside 0.0-0.3 busy
cores: 0.92x). In these runs two threads spent ~60% more CPU per step than one (71 ms against ~45,
counted per thread; each core slower with the other busy: float32 matmul 148 GFLOP/s on one
thread, 239 on two), and the second thread cut the step by 15% to 45% as the other programs came
and went: the idle-machine figure is the lead's benchmark to take.

Idle machine, 2026-12-02 04:27 UTC (`bench.run --workloads w4 --repeats 2`, medians of 2 interleaved
rounds, bench/results/2026-12-02-w4-*.md): glassnet 2,403 samples/s at one thread (1,915 before the
fusion, idle, 01:40 UTC): 1.26x PyTorch's 1,909; at two threads 2,804 (2,767 before): 0.70x
tf.keras's 3,979 (3,279 at 01:40: the machine's own pace moved too), 0.87x PyTorch's 3,217. The
fusion cut the one-thread step by a fifth; the second thread adds only 17% (53 -> 46 ms a step).
Not yet measured why; the suspects are the batch-parallel parts' many small NumPy calls, whose
Python between them takes turns on the GIL, and the serial rest (~6.5 ms), which waits for both.

Why the second thread added little, measured (2026-12-02 06:00 UTC, idle, per-part wall and
thread CPU clocks in fit): it did not. At that hour one thread took 74 ms a step and two 44-47
(1.6-1.7x): the fused op's parts ran 1.7x (forward) and 1.9x (backward) faster, and the serial rest
was ~5 ms. The 53 -> 46 ms of the run above came from a machine whose pace moved between the jobs
(interleaved rounds alone compare). The gap to tf.keras is CPU per sample instead: in the run
below tf.keras spends 3,274 samples per CPU-second where glassnet spends 2,424, at either thread
count. Two independent 1-thread products on the two cores run 1.9-2.0x one; elementwise passes
over arrays larger than the caches 1.3x.

Then (same day): conv_max_pool builds its window matrix pool tap first (windows.pooled_view):
each pool tap's outputs come out of the product as one contiguous block, the max and the winner
masks run on those blocks, the gradient of z is written in that order, so neither the gather of
the taps nor the strided copy back is needed; outputs a ragged edge drops get no row (a sixth of
conv2's products). The backward pass works a chunk at a time (the chunk's gradient of z sent to
the input and the kernel's gradient while in cache), and the batch is cut into two parts per
thread, a thread done early taking the next. W4's step for the layout, alternating with the
commit before it (20 steps, best of 4, two rounds): one thread 53.9 -> 46.9 and 43.4 -> 35.7 ms,
two threads 34.5 -> 32.1 and 26.7 -> 25.4 ms; two parts per thread, alternating likewise: 36.3 ->
35.1, 36.5 -> 32.8, 26.6 -> 25.9 ms. The chunked backward, the op alone (forward and backward on
W4's two layers, alternating in one process, min of 15 runs): conv1's backward 4.7 -> 3.4 ms.

Tried and dropped, no gain outside the noise: conv2's input gradient as one (filters x taps *
channels) product with strided reads (a quarter faster as a product, but its adds then read
strided); grouping the input gradient's adds by input parity (36 adds of longer runs); the
kernel's gradient as ``(gz.T @ cols).T``; chunks sized by the window matrix instead of z; winner
masks kept as bools (their multiply then casts).

`bench.run --workloads w4 --repeats 3 --wait-idle 30`, idle (others 0.00-0.02 cores), commit
4508777, bench/results/2026-12-02-w4-*.md, medians of 3 interleaved rounds:

    glassnet 1 thread   2,389 samples/s  (1.29x PyTorch's 1,846 at 1 thread)
    glassnet 2 threads  3,919 samples/s  (0.80x tf.keras's 4,874; 1.34x PyTorch's 2,917 at 2 threads)
    per round, glassnet 2 threads / tf.keras: 1.29, 0.71, 0.84 (tf.keras 2,504-5,519 samples/s)

Winograd's tiles, and whole parts at two threads (2026-12-02 12:00 UTC, idle). Of a 30 ms step at
one thread, conv2's three products took ~13.5: FLOP-bound, at OpenBLAS's rate. conv_max_pool now
runs a 3x3 convolution pooled 2x2 as F(2x2, 3x3) tiles, one tile per pool
(glassnet/autodiff/ops/winograd.py): 16 products of (tiles, 32) @ (32, 64) where the window
matrix's one product had 9 x 32 columns, 2.25x fewer multiply-adds forward and in both
gradients, with the transforms as small products. `bench.w4_ops`: conv2 + pool2 fused 18.7 ->
13.5 ms (forward 5.4 -> 5.5, backward 13.3 -> 8.0). Then two threads: per-op wall clocks in fit
showed conv1's op no faster on two threads than on one (7.7 against 7.8 ms). Two threads each
adding 50,000 floats in a loop ran no faster together than one alone, 200,000 ran 1.9x: each
NumPy call hands the GIL to the other thread and back, and that costs more than the work of a
call on the cache-sized chunks (z's of a few images) the parts were cut into. A split part's
chunks now hold enough work per call (conv_pool.THREADED_WORK: conv1's parts run whole, its
forward 4.9 -> 2.9 ms at two threads; winograd.THREADED_TILES: 512 tiles a chunk at least). Whole
parts for every op would cost large images: on 128 images of 32x32x32 ('same', 32 filters, 2x2
pools) at two threads, whole parts took 103 ms (window matrix) and 88 (tiles), the floors 91 and 65.
The step, interleaved with the commit before (`fit` of 20 steps, best of 5, 2-3 rounds): one thread
29.8-30.7 -> 23.3 ms, two threads 21.4-21.7 -> 16.0-16.6 ms.

`bench.run --workloads w4 --repeats 3 --wait-idle 30`, idle, medians of 3 interleaved rounds:

    commit 3bbddb8 (tiles; whole parts at two threads)
    glassnet 1 thread   5,570 samples/s  (1.88x PyTorch's 2,963 at 1 thread)
    glassnet 2 threads  7,889 samples/s  (1.46x tf.keras's 5,421; 1.62x PyTorch's 4,859 at 2 threads)
    per round, glassnet 2 threads / tf.keras: 1.46, 1.21, 1.52 (tf.keras 5,305-6,405 samples/s;
    7,181 and 6,679 in two 2-round runs earlier that hour, against glassnet's 5,768 before the
    change and 7,644 after it)

    commit 803155f (chunks by work per call), bench/results/2026-12-02-w4-winograd-*.md
    glassnet 1 thread   5,949 samples/s  (1.95x PyTorch's 3,047 at 1 thread)
    glassnet 2 threads  8,117 samples/s  (1.26x tf.keras's 6,462; 1.56x PyTorch's 5,216 at 2 threads)
    per round, glassnet 2 threads / tf.keras: 1.29, 1.25, 1.29
"""
import argparse
import os
import time

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")  # before NumPy is imported, here or by glassnet
os.environ.setdefault("OMP_NUM_THREADS", "1")

import numpy as np  # noqa: E402

BATCH = 128


def data(steps, seed=0):
    rng = np.random.default_rng(seed)
    x = rng.random((steps * BATCH, 28, 28, 1), dtype=np.float32)
    y = np.eye(10, dtype=np.float32)[rng.integers(0, 10, size=steps * BATCH)]
    return x, y


def glassnet_trainer(x, y, library=None):
    """A function that runs one epoch of fit over (x, y): glassnet's, or `library`'s (tf.keras)."""
    if library is None:
        import glassnet as library
    tf = library
    layers = tf.keras.layers
    tf.keras.utils.set_random_seed(0)
    model = tf.keras.Sequential([
        tf.keras.Input((28, 28, 1)),
        layers.Conv2D(32, kernel_size=(3, 3), activation="relu"),
        layers.MaxPooling2D(pool_size=(2, 2)),
        layers.Conv2D(64, kernel_size=(3, 3), activation="relu"),
        layers.MaxPooling2D(pool_size=(2, 2)),
        layers.Flatten(),
        layers.Dropout(0.5),
        layers.Dense(10, activation="softmax"),
    ])
    model.compile(loss="categorical_crossentropy", optimizer="adam", metrics=["accuracy"])
    model.fit(x[:2 * BATCH], y[:2 * BATCH], batch_size=BATCH, epochs=1, verbose=0)  # warm-up
    return lambda: model.fit(x, y, batch_size=BATCH, epochs=1, verbose=0, shuffle=False)


def tf_keras_trainer(x, y):
    """The same Keras model in tf.keras (TensorFlow's CPU build, one intra- and one inter-op thread)."""
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    import tensorflow as tf

    tf.config.threading.set_intra_op_parallelism_threads(1)
    tf.config.threading.set_inter_op_parallelism_threads(1)
    return glassnet_trainer(x, y, library=tf)


def torch_trainer(x, y):
    """The same network and step in PyTorch (NCHW, its native layout); softmax + crossentropy as CrossEntropyLoss."""
    import torch
    from torch import nn

    torch.set_num_threads(1)
    torch.manual_seed(0)
    model = nn.Sequential(
        nn.Conv2d(1, 32, 3), nn.ReLU(), nn.MaxPool2d(2),
        nn.Conv2d(32, 64, 3), nn.ReLU(), nn.MaxPool2d(2),
        nn.Flatten(), nn.Dropout(0.5), nn.Linear(1600, 10),
    )
    optimizer = torch.optim.Adam(model.parameters(), lr=1e-3)
    loss_fn = nn.CrossEntropyLoss()
    images = torch.from_numpy(np.ascontiguousarray(x.transpose(0, 3, 1, 2)))
    labels = torch.from_numpy(y.argmax(axis=1))

    def epoch(batches=None):
        batches = len(x) // BATCH if batches is None else batches
        model.train()
        for i in range(batches):
            xb, yb = images[i * BATCH:(i + 1) * BATCH], labels[i * BATCH:(i + 1) * BATCH]
            optimizer.zero_grad()
            loss = loss_fn(model(xb), yb)
            loss.backward()
            optimizer.step()

    epoch(2)  # warm-up
    return epoch


TRAINERS = {"glassnet": glassnet_trainer, "torch": torch_trainer, "tf_keras": tf_keras_trainer}


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--steps", type=int, default=30)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--frameworks", default="glassnet,torch,tf_keras")
    args = parser.parse_args(argv)
    x, y = data(args.steps)
    trainers = {}
    for name in args.frameworks.split(","):
        try:
            trainers[name] = TRAINERS[name](x, y)
        except ImportError as error:
            print(f"{name}: not importable here ({error}); skipped")
    # Wall time, and the process's CPU time: on a loaded machine the second is the steadier figure
    # (one thread each, so CPU seconds are the seconds the step needs when it has a core).
    best = {name: (float("inf"), float("inf")) for name in trainers}
    for _ in range(args.rounds):
        for name, run in trainers.items():
            wall, cpu = time.perf_counter(), time.process_time()
            run()
            wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
            best[name] = (min(best[name][0], wall), min(best[name][1], cpu))
    samples = args.steps * BATCH
    for name, (wall, cpu) in best.items():
        print(f"{name:>9}: {samples / wall:6.0f} samples/s wall ({wall / args.steps * 1e3:5.1f} ms/step), "
              f"{samples / cpu:6.0f} samples/s of CPU time ({cpu / args.steps * 1e3:5.1f} ms/step)")
    for peer in ("torch", "tf_keras"):
        if "glassnet" in best and peer in best:
            print(f"glassnet / {peer}: {best[peer][0] / best['glassnet'][0]:.2f}x wall, "
                  f"{best[peer][1] / best['glassnet'][1]:.2f}x CPU time")


if __name__ == "__main__":
    main()
