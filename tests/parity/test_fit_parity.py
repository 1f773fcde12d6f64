"""Whole training runs, glassnet against Keras: 200 randomly drawn Sequential models.

Each case (see ``random_models.py``) is built in Keras, its initial weights are
copied into the same glassnet model with ``set_weights``, and both are trained
with ``shuffle=False`` on the same batches. Compared: the History keys (in order)
and every per-epoch value (loss, metrics, and their ``val_`` forms), the
``evaluate`` dict, ``predict`` and the final weights. A failure names the case's
seed; replay one case with ``pytest tests/parity/test_fit_parity.py -k seed_123``
and print its description with ``random_models.draw_case(123)``.

Keras's half of each case runs in a background process, started when the
cases are collected; the cases run last, so that Keras trains while the rest
of the suite runs (``conftest.py``).

Tolerance, and where it comes from
----------------------------------
The error measure is ``|glassnet - keras| / max(1, |keras|)`` per value (see
``parity_tools.py``). The tolerances are derived, not guessed:
``measure_drift.py`` runs these very cases (and the activation, loss, metric and
optimizer cases) in Keras twice, in float32 and in float64 (JAX with
``jax_enable_x64``, ``floatx`` float64, the same initial weights), and records how
far Keras's own float32 results drift from its float64 results. A correct
float32 implementation may drift as far in the other direction, so glassnet is
held to twice Keras's worst drift in each family, rounded up to 1, 2 or 5 times
a power of ten:

Measured on Keras 3.15.1, JAX 0.10.2 (CPU), with ``python tests/parity/measure_drift.py``:

=========  ======  ===========  ===========  ==============  =========
family     values  median drift  99% drift   worst (clean)   tolerance
=========  ======  ===========  ===========  ==============  =========
forward       469  4.3e-8        3.8e-3 (*)   2.3e-7          5e-7
optimizer     828  6.4e-8        2.0e-6       2.1e-6          5e-6
fit          3358  5.3e-8        3.3e-6       1.2e-5          5e-5
=========  ======  ===========  ===========  ==============  =========

"forward" holds the activation, loss, metric and layer cases (the activation
gradients are held to the same tolerance); "optimizer" three steps of each
optimizer case; "fit" every History value, evaluate value, prediction and final
weight of the 200 training runs.

(*) The drift beyond the clean worst (16 forward values, up to 1.0e-2; 8 fit
values, up to 4.1e-3) comes from one cause only: binary cross-entropy on probabilities that
reach the clip at ``1 - 1e-7``. In float32 that bound rounds to ``1 - 1.19e-7``,
so ``-log(1 - q)`` is 15.94 instead of 16.12. That is not rounding noise but a
float32 constant, which glassnet, computing in float32, reproduces exactly
(its error on those very values is below 1e-6), so it is left out of the "worst
(clean)" column. A correct float32 implementation may drift from the exact
result as far as Keras's float32 does, in the other direction, hence twice.

Worst error of glassnet against Keras float32 over the same cases (printed at
the end of every pytest run as "glassnet vs Keras: worst error per family"):
forward 2.7e-7, optimizer 1.1e-7, fit 7.5e-7.
"""
import pytest
import random_models
from parity_tools import assert_close

import glassnet.keras

N_CASES = 200
FIRST_SEED = 1000


def _compare(glassnet_run, keras_run, seed, case):
    where = f"case {case['task']}/{case['loss'][0]}/{case['optimizer'][0]}"
    assert list(glassnet_run["history"]) == list(keras_run["history"]), (
        f"{where}: History keys differ [replay with seed={seed}]\n"
        f"  glassnet: {list(glassnet_run['history'])}\n  keras:    {list(keras_run['history'])}")
    for key, expected in keras_run["history"].items():
        for epoch, (mine, theirs) in enumerate(zip(glassnet_run["history"][key], expected)):
            assert_close(mine, theirs, family="fit", seed=seed, what=f"{where}: History[{key!r}] epoch {epoch}")
    assert sorted(glassnet_run["evaluate"]) == sorted(keras_run["evaluate"]), (
        f"{where}: evaluate keys differ [replay with seed={seed}]: glassnet "
        f"{sorted(glassnet_run['evaluate'])}, keras {sorted(keras_run['evaluate'])}")
    for key, expected in keras_run["evaluate"].items():
        assert_close(glassnet_run["evaluate"][key], expected, family="fit", seed=seed,
                     what=f"{where}: evaluate()[{key!r}]")
    assert_close(glassnet_run["predict"], keras_run["predict"], family="fit", seed=seed, what=f"{where}: predict()")
    for index, (mine, theirs) in enumerate(zip(glassnet_run["weights"], keras_run["weights"])):
        layer, kind = divmod(index, 2)
        assert_close(mine, theirs, family="fit", seed=seed,
                     what=f"{where}: final weights of Dense layer {layer} ({'kernel' if kind == 0 else 'bias'})")


@pytest.mark.parametrize("seed", range(FIRST_SEED, FIRST_SEED + N_CASES), ids=lambda s: f"seed_{s}")
def test_fit_matches_keras(seed):
    case = random_models.draw_case(seed)
    keras_run = random_models.keras_results(seed)
    try:
        glassnet_run = random_models.run_case(glassnet.keras, case, weights=keras_run["initial_weights"])
    except Exception as error:
        raise AssertionError(f"glassnet failed on a case Keras trains [replay with seed={seed}]: {case}") from error
    _compare(glassnet_run, keras_run, seed, case)
