"""Symptoms read from one traced step: gradients that vanish or explode, dead ReLUs,
saturated sigmoids, runaway activations. Each function takes the layers' :class:`LayerStats`
(in call order) and the thresholds, and returns findings (without the epoch: the caller
knows it)."""
import math

from glassnet.inspect.diagnosis.findings import Finding

_SCALE_FIX = ("scale the inputs (a Normalization layer adapted on x, or x / 255 for pixels) and keep the "
              "default initializers")


def gradients(stats, th):
    """AUTOTRAINER's first/last gradient-norm ratio, DeepDiagnosis's mean |gradient|, and
    non-finite gradients."""
    weighted = [s for s in stats if s.has_weights]
    if not weighted:
        return []
    broken = next((s for s in weighted if not math.isfinite(s.grad_norm)), None)
    if broken is not None:
        return [Finding("exploding_gradient", f"the gradient of the loss with respect to the weights is "
                        f"{broken.grad_norm} (not a finite number).",
                        "lower the learning rate (try 10 times smaller), scale the inputs, or clip the "
                        "gradients (e.g. optimizer=SGD(learning_rate=..., clipnorm=1.0)).", layer=broken.name)]
    return _ratio(weighted, th) + _tiny_mean(weighted, th)


def _ratio(weighted, th):
    first, last = weighted[0], weighted[-1]
    if len(weighted) < 2 or not last.grad_norm:
        return []
    ratio = first.grad_norm / last.grad_norm
    numbers = (f"|dJ/dW| is {first.grad_norm:.3g} in the first layer '{first.name}' and {last.grad_norm:.3g} "
               f"in the last layer '{last.name}' (ratio {ratio:.3g})")
    if ratio < th["vanishing_ratio"] and first.grad_norm < th["vanishing_norm"]:
        return [Finding("vanishing_gradient", f"vanishing gradient: {numbers}, below {th['vanishing_ratio']:g} "
                        f"with a first-layer norm below {th['vanishing_norm']:g}: the early layers hardly learn.",
                        "scale the inputs (saturated sigmoids pass almost no gradient back), use relu in the "
                        "hidden layers, or fewer layers.", layer=first.name)]
    if ratio > th["exploding_ratio"]:
        return [Finding("exploding_gradient", f"exploding gradient: {numbers}, above {th['exploding_ratio']:g}: "
                        "the gradient grows as it flows back, so the first layers take huge steps.",
                        "lower the learning rate, use smaller initial weights (the default glorot_uniform), "
                        "or clip the gradients (clipnorm=1.0).", layer=first.name)]
    return []


def _tiny_mean(weighted, th):
    for s in weighted:
        if s.mean_abs_grad is not None and s.mean_abs_grad < th["vanishing_mean"]:
            return [Finding("vanishing_gradient", f"vanishing gradient: the mean |dJ/dW| is {s.mean_abs_grad:.3g}, "
                            f"below {th['vanishing_mean']:g}: the optimizer has almost nothing to follow.",
                            "check for saturated or dead units in this layer and the ones after it; "
                            f"{_SCALE_FIX}.", layer=s.name)]
    return []


def dead_relu(stats, th):
    """Layers where most ReLU units output 0 for every sampled row: no gradient flows through them."""
    return [Finding("dead_relu", f"{s.dead:.0%} of its relu units output 0 for every sampled row (limit "
                    f"{th['dead_share']:.0%}): a dead unit passes no gradient, so it never recovers.",
                    "lower the learning rate, start the biases at 0 (the default), scale the inputs, or use "
                    "leaky_relu / elu.", layer=s.name)
            for s in stats if s.dead is not None and s.dead >= th["dead_share"]]


def saturated(stats, th):
    """sigmoid/tanh layers whose inputs z mostly lie where the curve is flat."""
    limit = th["saturation_z"]
    return [Finding("saturated", f"{s.saturated:.0%} of the {s.activation} inputs z lie beyond +-{limit:g} (limit "
                    f"{th['saturation_share']:.0%}): there the slope {s.activation}'(z) is "
                    f"{_slope(s.activation, limit):.1g} or less, so these units barely learn.",
                    f"{_SCALE_FIX}.", layer=s.name)
            for s in stats if s.saturated is not None and s.saturated > th["saturation_share"]]


def large_outputs(stats, th):
    """AUTOTRAINER's unstable activations: a hidden layer whose mean |output| reaches the limit."""
    hidden = stats[:-1]
    return [Finding("large_output", f"the mean |output| is {s.mean_abs_output:.3g} (limit "
                    f"{th['output_mean_max']:g}): activations this large make the next layers saturate or blow up.",
                    f"{_SCALE_FIX}, or lower the learning rate.", layer=s.name)
            for s in hidden if s.mean_abs_output >= th["output_mean_max"]]


def first_non_finite(stats):
    """(layer name, what) of the first layer, in call order, whose weights or output are not finite."""
    for s in stats:
        if not s.finite_weights:
            return s.name, "weights"
        if not s.finite_output:
            return s.name, "output"
    return None, None


def _slope(activation, z):
    sigmoid = 1 / (1 + math.exp(-z))
    return sigmoid * (1 - sigmoid) if activation == "sigmoid" else 1 - math.tanh(z) ** 2
