"""``keras.backend``: the global float type, epsilon, and clear_session."""
from glassnet.backend import epsilon, floatx, set_epsilon, set_floatx
from glassnet.keras import naming


def clear_session():
    """Reset the automatic layer/model name counters (``dense``, ``dense_1``, ... start again)."""
    naming.reset()


__all__ = ["clear_session", "epsilon", "floatx", "set_epsilon", "set_floatx"]
