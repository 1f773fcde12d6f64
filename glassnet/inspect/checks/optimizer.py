"""The learning rate of the compiled optimizer against a sane range.

UMLAUT (CHI 2021) flags a learning rate above 0.01 or below 1e-7, for any optimizer. That
upper bound is what practitioners use for the adaptive optimizers (Adam's default is 0.001,
RMSprop's 0.001), but plain SGD is routinely run at 0.1 (the ResNet and course recipes), so
glassnet allows SGD up to 0.1. Both bounds are keyword arguments of ``check_model``.
"""
import numpy as np

from glassnet.inspect.checks.report import Finding

MAX_LEARNING_RATE = {"SGD": 0.1}  # per optimizer class; every other optimizer: DEFAULT_MAX_LEARNING_RATE
DEFAULT_MAX_LEARNING_RATE = 0.01
MIN_LEARNING_RATE = 1e-7


def learning_rate(optimizer, min_learning_rate, max_learning_rate):
    kind = type(optimizer).__name__
    rate = float(np.asarray(optimizer.learning_rate.numpy()))
    high = max_learning_rate if max_learning_rate is not None else \
        MAX_LEARNING_RATE.get(kind, DEFAULT_MAX_LEARNING_RATE)
    if rate > np.float32(high):  # the rate is a float32 variable: 0.1 is stored as 0.100000001
        return [Finding(
            "learning_rate_too_high", None,
            f"{kind}'s learning rate is {rate:g}, above {high:g}: steps that large usually overshoot, "
            "so the loss jumps around or grows to NaN.",
            f"use {kind}(learning_rate={high / 10:g}) or so, or find a rate with glassnet.inspect.lr_find.")]
    if rate < np.float32(min_learning_rate):
        return [Finding(
            "learning_rate_too_low", None,
            f"{kind}'s learning rate is {rate:g}, below {min_learning_rate:g}: the weights barely move, "
            "so training looks stuck.",
            f"use a rate around {_typical(kind)}, or find one with glassnet.inspect.lr_find.")]
    return []


def _typical(kind):
    return "0.01" if kind == "SGD" else "0.001"
