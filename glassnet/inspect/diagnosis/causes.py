"""Likely causes, looked for once a symptom has been seen (DeepDiagnosis's way: it checks the
inputs' range, the weights' variance and the relative update size only to explain a symptom,
so a healthy model with, say, standardized inputs beyond [-1, 1] hears nothing)."""
import numpy as np

from glassnet.inspect.diagnosis.findings import Finding


def input_range(x, th):
    """Inputs outside [input_min, input_max]."""
    if x is None or np.size(x) == 0:
        return []
    x = np.asarray(x, dtype=np.float64)
    low, high = float(np.min(x)), float(np.max(x))
    if low >= th["input_min"] and high <= th["input_max"]:
        return []
    return [Finding("input_range", f"likely cause: the inputs run from {low:.4g} to {high:.4g}, outside "
                    f"[{th['input_min']:g}, {th['input_max']:g}]: large inputs make large z = x @ W + b.",
                    "add a Normalization layer adapted on x as the first layer (or divide pixels by 255).")]


def weight_variance(stats, th):
    """A kernel whose variance is outside [weight_var_min, weight_var_max]."""
    for s in stats:
        for variance in s.kernel_variances:
            if not th["weight_var_min"] <= variance <= th["weight_var_max"]:
                size = "large" if variance > th["weight_var_max"] else "small"
                return [Finding("weight_variance", f"likely cause: the kernel's variance is {variance:.3g}, outside "
                                f"[{th['weight_var_min']:g}, {th['weight_var_max']:g}] (weights too {size}).",
                                "use the default kernel_initializer ('glorot_uniform'), or he_normal for relu "
                                "layers.", layer=s.name)]
    return []


def update_size(stats, th, learning_rate):
    """An optimizer step that moves a layer's weights by less than update_min or more than
    update_max of their size."""
    rate = "" if learning_rate is None else f" (learning rate {learning_rate:g})"
    for s in stats:
        ratio = s.update_ratio
        if ratio is None or th["update_min"] <= ratio <= th["update_max"]:
            continue
        big = ratio > th["update_max"]
        return [Finding("update_ratio", f"likely cause: one optimizer step changes the weights by {ratio:.3g} of "
                        f"their size (|update| / |W|, expected {th['update_min']:g} to {th['update_max']:g}){rate}.",
                        "lower the learning rate (try 10 times smaller)." if big else
                        "first fix vanishing gradients, saturated or dead units if they are warned about too; "
                        "otherwise raise the learning rate (try 10 times larger).",
                        layer=s.name)]
    return []
