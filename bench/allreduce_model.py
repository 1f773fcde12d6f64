"""What data-parallel glassnet would gain on p workers: the alpha-beta cost model of a ring Allreduce.

    python -m bench.allreduce_model                       # the table in docs/distributed.md
    python -m bench.allreduce_model --w2-ms 4.0 --alpha-10g-us 50   # other measured inputs

A ring Allreduce of n bytes over p workers is a reduce-scatter then an all-gather, each p - 1
rounds in which every worker sends and receives one n/p chunk (Thakur, Rabenseifner and Gropp,
"Optimization of Collective Communication Operations in MPICH", IJHPCA 19(1), 2005; Patarasuk and
Yuan, "Bandwidth optimal all-reduce algorithms for clusters of workstations", JPDC 69(2), 2009):

    T(p, n) = 2(p - 1)·alpha + 2·(p - 1)/p · n·beta

alpha is the time to start one message, beta the time per byte (1 / bandwidth); the local sums
(gamma·n·(p - 1)/p) are left out, a NumPy add being far faster than any network here.

A training step on p workers is its compute then one Allreduce of the flat gradient buffer (no
overlap: glassnet reduces after the whole backward pass):
- weak scaling (per-worker batch fixed at the measured batch): step = C + T; efficiency C / (C + T).
- strong scaling (global batch fixed at the measured batch, each worker computes batch/p rows):
  step = C/p + T; efficiency = (C / p) / (C / p + T). C/p assumes compute proportional to rows,
  which flatters small shards (a step has fixed costs), so the strong-scaling figures are upper
  bounds; a worker needs at least one row, so p above the batch is not shown.
"""
import argparse
from dataclasses import dataclass


@dataclass(frozen=True)
class Network:
    name: str
    alpha_s: float          # per message
    beta_s_per_byte: float  # 1 / bandwidth


@dataclass(frozen=True)
class Workload:
    name: str
    parameters: int
    batch: int
    step_s: float  # measured compute of one step at `batch` rows, one worker, one thread

    @property
    def gradient_bytes(self):
        return 4 * self.parameters  # float32


def ring_allreduce_s(p, nbytes, alpha_s, beta_s_per_byte):
    """T = 2(p-1)·alpha + 2(p-1)/p·n·beta; 0 for one worker (nothing to reduce)."""
    if p < 1:
        raise ValueError(f"p must be a positive number of workers; received p={p}")
    return 2 * (p - 1) * alpha_s + 2 * (p - 1) / p * nbytes * beta_s_per_byte


def rabenseifner_allreduce_s(p, nbytes, alpha_s, beta_s_per_byte):
    """Recursive halving then doubling (p a power of two): T = 2·log2(p)·alpha + 2(p-1)/p·n·beta.

    Thakur et al. 2005, section 4.4: what MPICH runs for short and mid-sized messages, fewer
    messages than the ring's 2(p-1) for the same bytes.
    """
    if p < 1 or p & (p - 1):
        raise ValueError(f"p must be a power of two for recursive halving; received p={p}")
    return 2 * (p.bit_length() - 1) * alpha_s + 2 * (p - 1) / p * nbytes * beta_s_per_byte


ALGORITHMS = {"ring": ring_allreduce_s, "rabenseifner": rabenseifner_allreduce_s}


def weak_scaling(step_s, allreduce_s):
    """(step time, communication share, efficiency) with the per-worker batch fixed."""
    step = step_s + allreduce_s
    return step, allreduce_s / step, step_s / step


def strong_scaling(step_s, allreduce_s, p):
    """(step time, communication share, efficiency) with the global batch fixed and split p ways."""
    compute = step_s / p
    step = compute + allreduce_s
    return step, allreduce_s / step, compute / step


def rows(workloads, networks, workers, allreduce=ring_allreduce_s):
    """One dict per (workload, network, p): the model's predictions."""
    out = []
    for load in workloads:
        for net in networks:
            for p in workers:
                t = allreduce(p, load.gradient_bytes, net.alpha_s, net.beta_s_per_byte)
                weak = weak_scaling(load.step_s, t)
                strong = strong_scaling(load.step_s, t, p) if p <= load.batch else None
                out.append({"workload": load, "network": net, "p": p, "allreduce_s": t, "weak": weak,
                            "strong": strong})
    return out


def _ms(seconds):
    return f"{seconds * 1e3:.3g}"


def markdown(table_rows):
    lines = ["| Workload (gradient, step at 1 thread) | Network | p | Allreduce ms | Weak: step ms | "
             "Weak: comm. share | Weak: efficiency | Strong: step ms | Strong: comm. share | "
             "Strong: efficiency |",
             "| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"]
    for row in table_rows:
        load, net = row["workload"], row["network"]
        label = f"{load.name} ({load.gradient_bytes / 1e3:,.0f} KB, {_ms(load.step_s)} ms)"
        weak = f"{_ms(row['weak'][0])} | {row['weak'][1]:.0%} | {row['weak'][2]:.0%}"
        strong = "– | – | –"
        if row["strong"] is not None:
            strong = f"{_ms(row['strong'][0])} | {row['strong'][1]:.0%} | {row['strong'][2]:.0%}"
        lines.append(f"| {label} | {net.name} | {row['p']} | {_ms(row['allreduce_s'])} | {weak} | {strong} |")
    return "\n".join(lines)


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    # Defaults: docs/distributed.md's measured inputs (2-core Xeon, glassnet at 1 thread).
    parser.add_argument("--w1-ms", type=float, default=0.134, help="W1 step, batch 32")
    parser.add_argument("--w2-ms", type=float, default=4.0, help="W2 step, batch 128")
    parser.add_argument("--w4-ms", type=float, default=64.6, help="W4 step, batch 128")
    parser.add_argument("--alpha-10g-us", type=float, default=30.0, help="10 Gb/s Ethernet, TCP")
    parser.add_argument("--alpha-100g-us", type=float, default=3.0, help="100 Gb/s, RDMA")
    parser.add_argument("--workers", default="8,64,512")
    parser.add_argument("--algorithm", choices=sorted(ALGORITHMS), default="ring")
    args = parser.parse_args(argv)
    for name in ("w1_ms", "w2_ms", "w4_ms", "alpha_10g_us", "alpha_100g_us"):
        if not getattr(args, name) > 0:
            parser.error(f"--{name.replace('_', '-')} must be a positive number; received {getattr(args, name)}")
    try:
        args.workers = [int(p) for p in args.workers.split(",")]
    except ValueError:
        parser.error(f"--workers must be comma-separated integers like 8,64,512; received {args.workers!r}")
    if any(p < 1 for p in args.workers):
        parser.error(f"--workers must all be at least 1; received {args.workers}")
    return args


def inputs(args):
    """The workloads (parameters from the Keras models of bench/frameworks/keras_api.py) and networks."""
    workloads = [Workload("W1 course 400-25-15-1", 10_431, 32, args.w1_ms / 1e3),
                 Workload("W2 mnist-mlp 784-512-256-10", 535_818, 128, args.w2_ms / 1e3),
                 Workload("W4 convnet", 34_826, 128, args.w4_ms / 1e3)]
    networks = [Network("10 Gb/s", args.alpha_10g_us * 1e-6, 8 / 10e9),
                Network("100 Gb/s", args.alpha_100g_us * 1e-6, 8 / 100e9)]
    return workloads, networks


def main(argv=None):
    args = parse_args(argv)
    workloads, networks = inputs(args)
    print(markdown(rows(workloads, networks, args.workers, ALGORITHMS[args.algorithm])))


if __name__ == "__main__":
    main()
