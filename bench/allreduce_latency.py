"""MPI Allreduce time against message size between the ranks of this machine, and the fitted alpha-beta.

    mpiexec -n 2 python -m bench.allreduce_latency [--max-bytes 16777216] [--repeats 200]

Each size (float32 buffers, 8 B to 16 MB by powers of two) is reduced in place (sum) over and over:
all ranks meet at a barrier, then rank 0 times `inner` Allreduces back to back; a sample is the
elapsed time over `inner`, and the table shows the median of `--repeats` samples. `inner` is larger
for small messages so that each sample is well above the clock's resolution.

The fit: T(n) = a + b·n by least squares on the relative error (every size counts alike, from 8 B
to 16 MB). For a ring Allreduce over p ranks, T = 2(p-1)·alpha + 2(p-1)/p · n·beta
(bench/allreduce_model.py), so with p = 2: a = 2·alpha and b = beta.
"""
import argparse
import json
import time

import numpy as np


def sizes_in_bytes(max_bytes):
    """8 B, 16 B, ... up to max_bytes: float32 buffers of 2 elements and up."""
    sizes, n = [], 8
    while n <= max_bytes:
        sizes.append(n)
        n *= 2
    return sizes


def fit_line(sizes, times):
    """(a, b) of T = a + b·n minimizing the sum of ((a + b·n) - T)² / T²: each size weighs alike."""
    n = np.asarray(sizes, dtype=np.float64)
    t = np.asarray(times, dtype=np.float64)
    design = np.stack([1 / t, n / t], axis=1)
    (a, b), *_ = np.linalg.lstsq(design, np.ones_like(t), rcond=None)
    return float(a), float(b)


def time_allreduce(comm, mpi, nbytes, repeats):
    buffer = np.ones(nbytes // 4, dtype=np.float32)
    inner = max(1, min(200, (1 << 20) // max(nbytes, 1) // 8))
    for _ in range(5):
        comm.Allreduce(mpi.IN_PLACE, buffer, op=mpi.SUM)
    samples = []
    for _ in range(repeats):
        buffer.fill(1)  # keep the sums finite across thousands of calls
        comm.Barrier()
        start = time.perf_counter()
        for _ in range(inner):
            comm.Allreduce(mpi.IN_PLACE, buffer, op=mpi.SUM)
        samples.append((time.perf_counter() - start) / inner)
    return float(np.median(samples))


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--max-bytes", type=int, default=16 << 20)
    parser.add_argument("--repeats", type=int, default=200)
    parser.add_argument("--json", help="also write the sizes, medians and fit here (rank 0)")
    args = parser.parse_args(argv)
    if args.max_bytes < 8:
        parser.error(f"--max-bytes must be at least 8 (one float32 pair); received {args.max_bytes}")
    if args.repeats < 1:
        parser.error(f"--repeats must be at least 1; received {args.repeats}")
    return args


def main(argv=None):
    args = parse_args(argv)
    from mpi4py import MPI
    comm = MPI.COMM_WORLD
    sizes = sizes_in_bytes(args.max_bytes)
    medians = [time_allreduce(comm, MPI, n, args.repeats) for n in sizes]
    if comm.rank != 0:
        return
    a, b = fit_line(sizes, medians)
    p = comm.size
    print(f"MPI: {MPI.Get_library_version().splitlines()[0]}; {p} ranks; median of {args.repeats} samples")
    print(f"{'bytes':>10} {'median µs':>11} {'GB/s (n/T)':>11} {'fit µs':>9}")
    for n, t in zip(sizes, medians):
        print(f"{n:>10} {t * 1e6:>11.2f} {n / t / 1e9:>11.3f} {(a + b * n) * 1e6:>9.2f}")
    alpha = a / (2 * (p - 1))
    beta = b / (2 * (p - 1) / p)
    print(f"fit T = a + b·n: a = {a * 1e6:.2f} µs, b = {b * 1e12:.1f} ps/B ({1 / b / 1e9:.2f} GB/s)")
    print(f"ring model T = 2(p-1)·alpha + 2(p-1)/p·n·beta with p = {p}: "
          f"alpha = {alpha * 1e6:.2f} µs, beta = {beta * 1e12:.1f} ps/B ({1 / beta / 1e9:.2f} GB/s)")
    if args.json:
        with open(args.json, "w") as out:
            json.dump({"ranks": p, "bytes": sizes, "median_s": medians, "a_s": a, "b_s_per_byte": b,
                       "alpha_s": alpha, "beta_s_per_byte": beta}, out, indent=1)


if __name__ == "__main__":
    main()
