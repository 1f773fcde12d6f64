"""Checking the gradients handed to an optimizer, before any variable changes."""
import warnings

import numpy as np


def checked_gradients(grads, variables):
    """The gradients as ndarrays (None kept), after checking count and shapes."""
    grads = list(grads)
    if len(grads) != len(variables):
        raise ValueError(f"Got {len(grads)} gradients for {len(variables)} variables; expected one per variable.")
    arrays = [None if g is None else np.asarray(getattr(g, "value", g)) for g in grads]
    for g, v in zip(arrays, variables, strict=True):
        if g is not None and g.shape != v.value.shape:
            raise ValueError(
                f"The gradient for variable '{v.path}' has shape {g.shape}, but the variable has shape {v.value.shape}."
            )
    return arrays


def drop_missing(grads, variables):
    """Skip variables without a gradient (warning, as Keras does); all missing is an error."""
    missing = [v.path for g, v in zip(grads, variables, strict=True) if g is None]
    if len(missing) == len(variables):
        raise ValueError(f"No gradients provided for any variable: {missing}.")
    if missing:
        warnings.warn(
            f"Gradients do not exist for variables {missing} when minimizing the loss. "
            "If using `model.compile()`, did you forget to provide a `loss` argument?", stacklevel=3,
        )
        pairs = [(g, v) for g, v in zip(grads, variables, strict=True) if g is not None]
        return [g for g, _ in pairs], [v for _, v in pairs]
    return grads, variables
