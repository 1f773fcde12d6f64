"""The thresholds Diagnostics judges by: the published detectors' values, each overridable.

Each keyword of :class:`~glassnet.inspect.Diagnostics` below is one threshold; the default is
the value the cited paper uses (docs/diagnostics.md maps each to its check and test).
AUTOTRAINER: Zhang et al., ICSE 2021. DeepDiagnosis: Wardat et al., ICSE 2022. UMLAUT:
Schoop et al., CHI 2021.
"""
import math

DEFAULTS = {
    # AUTOTRAINER: vanishing when first/last layer gradient-norm ratio < 1e-3 and the first
    # layer's gradient norm < 1e-4 (beta_1, beta_2); DeepDiagnosis: mean |gradient| < 1e-7.
    "vanishing_ratio": 1e-3,
    "vanishing_norm": 1e-4,
    "vanishing_mean": 1e-7,
    # AUTOTRAINER: exploding when the ratio > 70 (beta_3), on NaN/inf, or a loss >= 1e3.
    "exploding_ratio": 70.0,
    "exploding_loss": 1e3,
    # AUTOTRAINER: dying ReLU when >= 70% of gradients are zero (gamma); DeepDiagnosis: dead
    # nodes when >= 70% of a ReLU layer's outputs are <= 0.
    "dead_share": 0.7,
    # DeepDiagnosis: saturated when > 50% of a sigmoid/tanh layer's inputs lie beyond +-5.
    "saturation_z": 5.0,
    "saturation_share": 0.5,
    # AUTOTRAINER: a hidden layer's mean |output| >= 10 is unstable.
    "output_mean_max": 10.0,
    # AUTOTRAINER: with a probability loss, output rows summing to more than 1.1.
    "output_sum_max": 1.1,
    # DeepDiagnosis: a linear output spanning more than 10 times the labels' span.
    "output_span_factor": 10.0,
    # DeepDiagnosis: weight variance outside [1e-5, 10]; lr * |dW| / |W| outside [1e-5, 1e-1].
    "weight_var_min": 1e-5,
    "weight_var_max": 10.0,
    "update_min": 1e-5,
    "update_max": 1e-1,
    # DeepDiagnosis: inputs outside [-1, 1] (as a cause, once a symptom is seen).
    "input_min": -1.0,
    "input_max": 1.0,
    # DeepDiagnosis: a layer output or the loss unchanged over N = 5 epochs (for the loss,
    # "unchanged" = its best improved by less than 0.1%: DeepDiagnosis asks for equal values).
    "window": 5,
    "min_improvement": 1e-3,
    # AUTOTRAINER: judged from 30% of the epochs on; oscillating when swings >= 0.03 make up
    # >= 20% of the epochs (zeta, eta); slow when no epoch improves by 0.01 (delta).
    "judgment_point": 0.3,
    "oscillation_swing": 0.03,
    "oscillation_rate": 0.2,
    "slow_delta": 0.01,
    # UMLAUT: validation loss up while training loss down (UMLAUT: 1 epoch; here 3 in a row,
    # each change larger than AUTOTRAINER's epsilon = 10e-3, so that a small validation set's
    # noise is not taken for overfitting).
    "overfit_epochs": 3,
    "overfit_delta": 1e-2,
}


def resolve(overrides):
    """The defaults with `overrides` applied; a TypeError names an unknown keyword, a
    ValueError a value that is not a finite number."""
    unknown = sorted(set(overrides) - set(DEFAULTS))
    if unknown:
        raise TypeError(f"Diagnostics() got an unexpected keyword argument {unknown[0]!r}. "
                        f"Thresholds it accepts: {', '.join(sorted(DEFAULTS))}.")
    for name, value in overrides.items():
        if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
            raise ValueError(f"Diagnostics threshold `{name}` must be a finite number. Received: {name}={value!r}")
    for name in ("window", "overfit_epochs"):
        if name in overrides and (int(overrides[name]) != overrides[name] or overrides[name] < 1):
            raise ValueError(f"`{name}` must be a positive integer. Received: {name}={overrides[name]!r}")
    return {**DEFAULTS, **overrides}
