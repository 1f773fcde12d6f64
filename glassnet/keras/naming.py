"""Keras-style automatic names: ``dense``, ``dense_1``, ... counted per session."""
import re

_counters = {}


def snake_case(class_name):
    """``'Dense'`` -> ``'dense'``, ``'BatchNormalization'`` -> ``'batch_normalization'``,
    ``'RMSprop'`` -> ``'rm_sprop'`` (Keras's own rule, quirks included)."""
    name = re.sub(r"(.)([A-Z][a-z]+)", r"\1_\2", class_name)
    return re.sub(r"([a-z])([A-Z])", r"\1_\2", name).lower()


def unique_name(base):
    """``base`` the first time, then ``base_1``, ``base_2``, ..."""
    count = _counters.get(base, 0)
    _counters[base] = count + 1
    return base if count == 0 else f"{base}_{count}"


def reset():
    """Forget all counters (``keras.backend.clear_session()``)."""
    _counters.clear()
