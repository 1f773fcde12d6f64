"""Where glassnet's W1 training step spends its time: cProfile over `fit`, per step.

    python -m bench.profile_w1 [--epochs 20] [--top 25]

Prints each function's own and cumulative time per training step and how often it runs per step.
cProfile slows Python calls down more than NumPy's C code, so read it for shares and call counts,
not for absolute speed (bench/run.py measures that).
"""
import argparse
import cProfile
import math
import pstats

from bench import data
from bench.frameworks.keras_api import course_model


def profile(epochs, batch=32, samples=1000):
    import glassnet as tf

    x, y = data.course_data(samples)
    tf.keras.utils.set_random_seed(0)
    model = course_model(tf)
    model.fit(x, y, batch_size=batch, epochs=1, verbose=0)  # first-call work stays out of the profile
    profiler = cProfile.Profile()
    profiler.runcall(model.fit, x, y, batch_size=batch, epochs=epochs, verbose=0)
    return pstats.Stats(profiler), epochs * math.ceil(samples / batch)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--epochs", type=int, default=20)
    parser.add_argument("--top", type=int, default=25)
    args = parser.parse_args(argv)
    stats, steps = profile(args.epochs)
    total_calls = sum(entry[1] for entry in stats.stats.values())
    print(f"{steps} steps, {stats.total_tt / steps * 1e6:.0f} µs/step under the profiler, "
          f"{total_calls / steps:.0f} Python-level calls per step\n")
    print(f"{'own µs/step':>12} {'cum µs/step':>12} {'calls/step':>11}  function")
    rows = sorted(stats.stats.items(), key=lambda item: -item[1][2])[:args.top]
    for (filename, line, name), (_, calls, own, cumulative, _) in rows:
        where = filename.split("/glassnet/")[-1] if "/glassnet/" in filename else filename.rsplit("/", 1)[-1]
        print(f"{own / steps * 1e6:12.1f} {cumulative / steps * 1e6:12.1f} {calls / steps:11.2f}  "
              f"{name} ({where}:{line})")


if __name__ == "__main__":
    main()
