"""The argument checks of `TensorBoard`: Keras's accepted forms, glassnet's clear errors, and
the warnings for the options glassnet does not support."""
import warnings

import numpy as np

from glassnet.keras import validation as check

_OWNER = "TensorBoard"
# What is left out when an unsupported option is asked for.
_UNSUPPORTED = {
    "profile_batch": "glassnet has no profiler, so no trace is written",
    "embeddings_freq": "nothing is written for TensorBoard's Projector (it reads TensorFlow checkpoints)",
}


def update_freq(value):
    """``"epoch"``, or the number of batches between batch-level writes (``"batch"`` is 1)."""
    if value in ("batch", "epoch"):
        return 1 if value == "batch" else value
    if isinstance(value, str):
        check.fail("update_freq", value, "'batch', 'epoch' or a positive integer", _OWNER)
    return check.integer("update_freq", value, minimum=1, owner=_OWNER)


def profile_range(profile_batch):
    """(start, stop) from Keras's forms: N, ``"start,stop"`` or (start, stop); (0, 0) is off.
    Errors with Keras's message."""
    message = ("profile_batch must be a non-negative integer or 2-tuple of positive integers. A pair of positive "
               f"integers signifies a range of batches to profile. Found: {profile_batch}")
    value = profile_batch
    if isinstance(value, str):
        try:
            value = [int(part) for part in value.split(",")]
        except ValueError:
            raise ValueError(message) from None
        value = value[0] if len(value) == 1 else value
    if _is_int(value):
        start = stop = int(value)
    elif isinstance(value, (tuple, list)) and len(value) == 2 and all(_is_int(v) for v in value):
        start, stop = (int(v) for v in value)
    else:
        raise ValueError(message)
    if start < 0 or stop < start:
        raise ValueError(message)
    return start, stop


def embeddings_metadata(value):
    if value is not None and not isinstance(value, (str, dict)):
        check.fail("embeddings_metadata", value, "None, a file name, or a dict of layer names to file names",
                   _OWNER, TypeError)
    return value


def warn_unsupported(**options):
    """One warning for each of `profile_batch`, `embeddings_freq` that is asked for."""
    for name, value in options.items():
        if value:
            warnings.warn(f"TensorBoard: `{name}={value!r}` is not supported and is ignored: {_UNSUPPORTED[name]}. "
                          "Scalars, histograms and the model's config are written as usual.", stacklevel=3)


def _is_int(value):
    return isinstance(value, (int, np.integer)) and not isinstance(value, bool)
