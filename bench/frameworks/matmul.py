"""The machine's float32 matrix-multiply rate through NumPy's BLAS: the FLOP bound of W2.

    python -m bench.frameworks.matmul --threads 1 --out r.json

Best of several products of two square float32 matrices; the thread count is set by the
runner through the BLAS environment variables, and read back with threadpoolctl when present.
"""
import argparse
import json
import time

import numpy as np

from bench import harness


def gflops(n, repeats):
    a = np.random.default_rng(0).standard_normal((n, n), dtype=np.float32)
    b, out = a.T.copy(), np.empty_like(a)
    np.matmul(a, b, out=out)
    best = float("inf")
    for _ in range(repeats):
        start = time.perf_counter()
        np.matmul(a, b, out=out)
        best = min(best, time.perf_counter() - start)
    return 2 * n**3 / best / 1e9


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--out", required=True)
    parser.add_argument("--tiny", action="store_true")
    parser.add_argument("--threads", type=int, default=None, help="recorded; the runner sets it")
    args = parser.parse_args(argv)
    n, repeats = (256, 3) if args.tiny else (2048, 10)
    result = {"framework": "matmul", "workload": "matmul", "threads": args.threads, "n": n,
              "gflops": gflops(n, repeats), "versions": {"numpy": np.__version__}, "blas": harness.blas_info()}
    with open(args.out, "w") as out:
        json.dump(result, out, indent=1)


if __name__ == "__main__":
    main()
