"""Symptoms read from the loss curves (one value per epoch, as fit logs them).

Each function takes the recorded ``loss`` (and ``val_loss``) lists, the thresholds and,
where the paper judges only part-way through training, the planned number of epochs.
"""
import math

from glassnet.inspect.diagnosis.findings import Finding

_LR_FIX = "lower the learning rate (try 10 times smaller), or use Adam with its default 0.001"


def loss_size(loss, th):
    """A negative loss (AUTOTRAINER), or one at or above `exploding_loss` (AUTOTRAINER's exploding)."""
    value = loss[-1]
    if not math.isfinite(value):
        return []  # the non-finite loss has its own check, per batch
    if value < 0:
        return [Finding("negative_loss", f"the loss is {value:.4g}, below 0: crossentropy, MSE and glassnet's other "
                        "built-in losses are never negative for valid labels, so the labels do not fit the loss, or "
                        "a loss you wrote can go below 0 (then the optimizer drives it to minus infinity).",
                        "crossentropy needs labels in [0, 1] (or class indices for the sparse one); check y, "
                        "and the sign of a loss you wrote yourself.")]
    if value >= th["exploding_loss"]:
        return [Finding("exploding_gradient", f"the loss is {value:.4g} (at or above {th['exploding_loss']:g}): "
                        "the weights are being pushed far from any good solution.",
                        f"{_LR_FIX}; scale the inputs and, for regression, the targets.")]
    return []


def not_decreasing(loss, th):
    """DeepDiagnosis: the loss has not decreased over the last `window` epochs (flat or rising).
    DeepDiagnosis asks for exactly equal values; float noise needs a tolerance: the best loss
    of the window must beat the best before it by `min_improvement` (relative)."""
    window = int(th["window"])
    if len(loss) <= window or not all(math.isfinite(v) for v in loss):
        return []
    best_before, best_recent = min(loss[:-window]), min(loss[-window:])
    if best_recent < best_before - th["min_improvement"] * abs(best_before):
        return []
    start = loss[-window - 1]
    trend = "rose" if loss[-1] > start + th["min_improvement"] * abs(start) else "stayed flat"
    return [Finding("loss_not_decreasing", f"the loss {trend} over the last {window} epochs "
                    f"({loss[-window - 1]:.4g} -> {loss[-1]:.4g}; best before them {best_before:.4g}, improved by "
                    f"less than {th['min_improvement']:.1%}).",
                    f"if it rose or jumps around: {_LR_FIX}. If it is flat: look for saturated or dead units "
                    "(warned below, if any), scale the inputs, or raise a tiny learning rate.")]


def slow(loss, th, epochs):
    """AUTOTRAINER's slow convergence: from `judgment_point` of the epochs on, no epoch has
    lowered the loss by `slow_delta` (relative) or more."""
    if not _judged(loss, th, epochs):
        return []
    gains = [(a - b) / abs(a) for a, b in zip(loss, loss[1:]) if a]
    best = max(gains, default=0.0)
    if best >= th["slow_delta"]:
        return []
    return [Finding("slow_convergence", f"after {len(loss)} epochs the loss has never dropped by "
                    f"{th['slow_delta']:.0%} from one epoch to the next (best: {best:.2%}; now {loss[-1]:.4g}).",
                    "raise the learning rate (e.g. Adam 0.001 to 0.01), or look for saturated or dead units "
                    "and unscaled inputs.")]


def oscillating(loss, th, epochs):
    """AUTOTRAINER's oscillation (unstable training), read on the loss: paired local peaks and
    troughs that differ by `oscillation_swing` (relative) make up `oscillation_rate` of the epochs."""
    if not _judged(loss, th, epochs):
        return []
    peaks = [b for a, b, c in zip(loss, loss[1:], loss[2:]) if b >= a and b >= c]
    troughs = [b for a, b, c in zip(loss, loss[1:], loss[2:]) if b <= a and b <= c]
    swings = sum(1 for p, t in zip(peaks, troughs) if p - t >= th["oscillation_swing"] * abs(t))
    if swings < th["oscillation_rate"] * len(loss) or swings == 0:
        return []
    return [Finding("oscillating_loss", f"the loss went up and down {swings} times in {len(loss)} epochs by "
                    f"{th['oscillation_swing']:.0%} or more (limit: {th['oscillation_rate']:.0%} of the epochs): "
                    "the steps overshoot.", f"{_LR_FIX}, or use a larger batch size.")]


def overfitting(loss, val_loss, th):
    """UMLAUT (and AUTOTRAINER's 'test turns bad'): the validation loss rose while the training
    loss fell, each by more than `overfit_delta` (AUTOTRAINER's epsilon), `overfit_epochs`
    epochs in a row."""
    need, delta = int(th["overfit_epochs"]), th["overfit_delta"]
    if len(val_loss) != len(loss) or len(loss) <= need or None in val_loss[-need - 1:]:
        return []
    pairs = list(zip(zip(loss, loss[1:]), zip(val_loss, val_loss[1:])))[-need:]
    if not all(t0 - t1 > delta and v1 - v0 > delta for (t0, t1), (v0, v1) in pairs):
        return []
    return [Finding("overfitting", f"over the last {need} epochs the training loss fell ({loss[-need - 1]:.4g} -> "
                    f"{loss[-1]:.4g}) while the validation loss rose ({val_loss[-need - 1]:.4g} -> "
                    f"{val_loss[-1]:.4g}): the model memorizes the training rows.",
                    "stop earlier (callbacks.EarlyStopping(monitor='val_loss', restore_best_weights=True)), get "
                    "more data, or regularize (kernel_regularizer=L2(0.01), Dropout).")]


def _judged(loss, th, epochs):
    """AUTOTRAINER judges these only after `judgment_point` of the planned epochs (and 3 at least)."""
    return len(loss) >= max(3, th["judgment_point"] * (epochs or 0)) and all(math.isfinite(v) for v in loss)
