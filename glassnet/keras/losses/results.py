"""Checking what a loss or metric function returned, before it is reduced.

A user's `fn(y_true, y_pred)` may return a Tensor, an array, a list or a Python
number. Anything that is not numbers (a string, None, ragged lists) or that has
another batch size than y_pred would otherwise fail deep inside the reduction,
or worse, be averaged into a wrong number; these checks name the function and
what it returned instead.
"""
import numpy as np

from glassnet.autodiff import Tensor


def per_sample_values(result, y_pred_shape, returned_by, what="losses", check_batch=True):
    """`result` as an ndarray (a Tensor's own array), or a ValueError.

    Accepted: a scalar, or one value per sample, shape (batch,) or (batch, ...).

    Args:
        result: what the function returned.
        y_pred_shape: the shape of the predictions it was given.
        returned_by: who returned it, e.g. "The loss function 'my_loss'".
        what: what it should have returned, e.g. 'losses' or 'metric values'.
        check_batch: whether a result with another batch size is refused.
    """
    value = result.value if isinstance(result, Tensor) else _as_array(result)
    batch = y_pred_shape[0] if len(y_pred_shape) else 1
    if value is None or value.dtype.kind not in "biuf":
        raise ValueError(
            f"{returned_by} returned {_describe(result)}. Expected the per-sample {what}: a Tensor or "
            f"array of numbers, shape ({batch},) for this batch, or a scalar."
        )
    if check_batch and value.ndim and len(y_pred_shape) and value.shape[0] != batch:
        raise ValueError(
            f"{returned_by} returned {what} of shape {value.shape} for a batch of {batch} (y_pred of "
            f"shape {tuple(y_pred_shape)}). Expected one value per sample, shape ({batch},) or "
            f"({batch}, ...), or a scalar."
        )
    return value


def _as_array(value):
    """`value` as a NumPy array, or None when NumPy cannot make one (ragged lists)."""
    try:
        return np.asarray(value)
    except (ValueError, TypeError):
        return None


def _describe(value, limit=80):
    """`value`'s repr, shortened, with its type: "'abc' (a str)"."""
    if value is None:
        return "None"
    text = repr(value)
    text = text if len(text) <= limit else text[:limit] + "..."
    return f"{text} (a {type(value).__name__})"
