"""Checks of the layers alone: they need neither data nor a compiled loss."""
import numpy as np

from glassnet.inspect.checks.facts import activation_name
from glassnet.inspect.checks.report import Finding


def missing_activation(facts):
    """A linear Dense followed by a Dense: two linear maps compose into one, so the hidden
    layer adds parameters but no power (NeuraLint's "missing activation" rule)."""
    if not facts.sequential:
        return []  # call() decides the order of a subclassed model's layers
    stack = [layer for layer in facts.layers if type(layer).__name__ != "Dropout"]  # dropout is linear too
    findings = []
    for layer, following in zip(stack, stack[1:]):
        if type(layer).__name__ == "Dense" and type(following).__name__ == "Dense" \
                and activation_name(layer) == "linear":
            findings.append(Finding(
                "missing_activation", layer.name,
                f"Dense layer '{layer.name}' ({layer.units} units) has no activation and feeds Dense layer "
                f"'{following.name}': two linear layers in a row compute one linear map, so '{layer.name}' "
                "adds weights but nothing a single layer could not do.",
                f"give '{layer.name}' a non-linear activation, e.g. Dense({layer.units}, activation='relu')."))
    return findings


def softmax_on_one_unit(facts):
    """softmax over a single unit is exp(z) / exp(z) = 1 whatever z: the output never changes."""
    findings = []
    for i, layer in enumerate(facts.layers):
        units = getattr(layer, "units", None)
        if activation_name(layer) == "softmax" and units is None and i > 0:
            units = getattr(facts.layers[i - 1], "units", None)  # a Softmax layer after a Dense
        if activation_name(layer) == "softmax" and units == 1:
            findings.append(Finding(
                "softmax_on_one_unit", layer.name,
                f"'{layer.name}' applies softmax to 1 unit: softmax normalises over the units, so its "
                "output is always exactly 1 and no gradient flows back.",
                "for a yes/no output use activation='sigmoid' with BinaryCrossentropy; for K classes use "
                "K units with softmax."))
    return findings


def dropout_rate(facts, max_dropout):
    """Dropout that drops more than it keeps (UMLAUT: rate > 0.5) slows or stops learning."""
    return [Finding(
        "dropout_rate_high", layer.name,
        f"Dropout '{layer.name}' has rate={layer.rate:g}: it zeroes {layer.rate:.0%} of its inputs at every "
        f"training step (more than {max_dropout:g}), which makes learning slow and noisy.",
        f"use a rate of at most {max_dropout:g}, e.g. Dropout(0.2) to Dropout(0.5).")
        for layer in facts.layers if type(layer).__name__ == "Dropout" and layer.rate > max_dropout]


def normalization_not_adapted(facts):
    """A Normalization layer that was never adapted (nor given mean and variance) is the identity."""
    findings = []
    for layer in facts.layers:
        if type(layer).__name__ != "Normalization" or layer._fixed is not None:
            continue
        if layer.built and not (np.all(layer.mean.numpy() == 0) and np.all(layer.variance.numpy() == 1)):
            continue
        findings.append(Finding(
            "normalization_not_adapted", layer.name,
            f"Normalization layer '{layer.name}' has not been adapted: its mean is 0 and its variance 1, "
            "so it passes the inputs through unchanged.",
            f"call {layer.name}.adapt(x_train) before training (or pass mean= and variance=)."))
    return findings
