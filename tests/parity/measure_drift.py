"""Measure how far Keras's own float32 results drift from its float64 results: the tolerance source.

Usage (from the repository root; takes a few minutes)::

    python tests/parity/measure_drift.py

It runs every parity case in Keras twice, each in a fresh process: once in
float32, once in float64 (JAX with ``jax_enable_x64`` and ``floatx`` float64,
from the same float32 initial weights and data), then prints, per family, the
worst ``|k32 - k64| / max(1, |k64|)`` and the case it came from. Twice that worst
drift, rounded up to 1, 2 or 5 times a power of ten, is the family's tolerance in
``parity_tools.TOLERANCE``: a correct float32 implementation may drift as far from
the exact result as Keras does, in the other direction.
"""
import math
import os
import pickle
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))


def _setup(precision):
    os.environ["KERAS_BACKEND"] = "jax"
    sys.path.insert(0, HERE)
    import jax
    if precision == "float64":
        jax.config.update("jax_enable_x64", True)
    import keras
    keras.config.set_floatx(precision)
    return keras


def _forward_results(keras, dtype):
    import numpy as np
    import test_activation_parity as act
    import test_loss_parity as loss_tests
    import test_metric_parity as metric_tests
    from parity_data import draw, sample_weight

    def cast(a):
        return None if a is None else (a.astype(dtype) if a.dtype.kind == "f" else a)

    results = {}
    for name in act.NAMES:
        x = act._inputs(seed=1)
        x = np.clip(x, -80, 80) if name == "exponential" else x
        results[f"activation {name}"] = np.asarray(keras.activations.get(name)(cast(x)))
    for param in loss_tests.CASES:
        seed, name, options, data, reduction, weights = param.values
        y_true, y_pred = draw(data, seed)
        loss = getattr(keras.losses, name)(reduction=reduction, **options)
        results[f"loss {param.id}"] = np.asarray(loss(cast(y_true), cast(y_pred),
                                                      sample_weight=cast(sample_weight(weights, seed))))
    for seed, (name, options, data) in enumerate(metric_tests.METRICS):
        y_true, y_pred = draw(data, seed)
        metric = getattr(keras.metrics, name)(**options)
        metric.update_state(cast(y_true), cast(y_pred), sample_weight=cast(sample_weight("per_sample", seed)))
        results[f"metric {name} {options} {data}"] = np.asarray(metric.result())
    return results


def _optimizer_results(keras, dtype):
    import numpy as np
    import test_optimizer_parity as opt_tests
    results = {}
    for param in opt_tests.CASES:
        seed, name, base, option = param.values
        rng = np.random.default_rng(seed)
        start = [rng.normal(size=(3, 4)).astype("float32"), rng.normal(size=4).astype("float32")]
        gradients = [[rng.normal(scale=2.0, size=w.shape).astype("float32") for w in start] for _ in range(3)]
        variables = [keras.Variable(w.astype(dtype), dtype=dtype) for w in start]
        optimizer = opt_tests._make(keras.optimizers, name, base, opt_tests.OPTIONS[option])
        for step, grads in enumerate(gradients, start=1):
            optimizer.apply_gradients(list(zip([g.astype(dtype) for g in grads], variables)))
            for which, v in enumerate(variables):
                results[f"optimizer {param.id} var {which} step {step}"] = np.asarray(v.value)
    return results


def _fit_results(keras, dtype, initial):
    import random_models
    import test_fit_parity
    results, weights = {}, {}
    for seed in range(test_fit_parity.FIRST_SEED, test_fit_parity.FIRST_SEED + test_fit_parity.N_CASES):
        case = random_models.draw_case(seed)
        run = random_models.run_case(keras, case, weights=initial.get(seed), dtype=dtype)
        weights[seed] = run["initial_weights"]
        for key, values in run["history"].items():
            for epoch, value in enumerate(values):
                results[f"fit seed {seed} History[{key}] epoch {epoch}"] = value
        for key, value in run["evaluate"].items():
            results[f"fit seed {seed} evaluate[{key}]"] = value
        results[f"fit seed {seed} predict"] = run["predict"]
        for i, w in enumerate(run["weights"]):
            results[f"fit seed {seed} weight {i}"] = w
    return results, weights


def _expression_results(dtype):
    import jax.numpy as jnp
    import numpy as np
    import test_expression_gradients as tests
    if dtype == "float64":
        # Keras 3.15.1's ops.tanh computes in float32 whatever its input (its result_type of
        # float64 and a Python float is float32), which would hide tanh's float32 rounding here.
        tests.KERAS["tanh"] = jnp.tanh
    results = {}
    for first in range(0, tests.N_CASES, tests.CHUNK):
        for seed, (value, grads) in enumerate(tests.keras_chunk(first, dtype), start=first):
            results[f"expression seed {seed} value"] = np.asarray(value)
            for i, grad in enumerate(grads):
                results[f"expression seed {seed} gradient x{i}"] = np.asarray(grad)
    return results


def worker(precision, path, initial_path=None):
    keras = _setup(precision)
    initial = {}
    if initial_path:
        with open(initial_path, "rb") as f:
            initial = pickle.load(f)["initial"]
    fit, weights = _fit_results(keras, precision, initial)
    out = {"forward": _forward_results(keras, precision), "optimizer": _optimizer_results(keras, precision),
           "fit": fit, "expression": _expression_results(precision), "initial": weights}
    with open(path, "wb") as f:
        pickle.dump(out, f)


def _round_up(value):
    """The smallest of 1, 2 or 5 times a power of ten that is >= value."""
    exponent = math.floor(math.log10(value))
    for mantissa in (1, 2, 5, 10):
        if mantissa * 10**exponent >= value:
            return mantissa * 10**exponent


def main(keep=None):
    sys.path.insert(0, HERE)
    from parity_tools import scaled_error
    with tempfile.TemporaryDirectory() as tmp:
        folder = keep or tmp
        f32, f64 = os.path.join(folder, "f32.pkl"), os.path.join(folder, "f64.pkl")
        if not (keep and os.path.exists(f64)):
            subprocess.run([sys.executable, __file__, "--worker", "float32", f32], check=True)
            subprocess.run([sys.executable, __file__, "--worker", "float64", f64, f32], check=True)
        with open(f32, "rb") as a, open(f64, "rb") as b:
            single, double = pickle.load(a), pickle.load(b)
    for family in ("forward", "optimizer", "fit", "expression"):
        errors = sorted((scaled_error(single[family][key], double[family][key])[0], key)
                        for key in single[family])
        drift = [e for e, _ in errors]
        quantile = {q: drift[min(len(drift) - 1, int(q * len(drift)))] for q in (0.5, 0.99, 0.999)}
        print(f"{family}: {len(errors)} values; drift median {quantile[0.5]:.2e}, 99% {quantile[0.99]:.2e}, "
              f"99.9% {quantile[0.999]:.2e}, worst {drift[-1]:.2e}")
        for error, where in errors[-8:][::-1]:
            print(f"    {error:.2e}  {where}")


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "--worker":
        worker(*sys.argv[2:])
    else:
        main(keep=sys.argv[2] if len(sys.argv) > 2 and sys.argv[1] == "--keep" else None)
