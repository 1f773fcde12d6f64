"""How callbacks speak: a line on ``sys.stdout``, and the optimizer's learning rate as a float."""
import sys

import numpy as np


def print_msg(message):
    """Write `message` and a newline to the current ``sys.stdout``, then flush.

    ``sys.stdout`` is looked up at each call, so redirections (and pytest's
    ``capsys``) made after import are honoured.
    """
    sys.stdout.write(f"{message}\n")
    sys.stdout.flush()


def read_learning_rate(optimizer):
    """The optimizer's current learning rate as a Python float.

    ``optimizer.learning_rate`` may be a variable with ``.numpy()`` (float32,
    so 0.1 reads back as 0.10000000149011612, as in Keras) or a plain number.
    """
    if not hasattr(optimizer, "learning_rate"):
        raise ValueError(f"The optimizer must have a `learning_rate` attribute. Received: {optimizer!r}")
    rate = optimizer.learning_rate
    return float(np.asarray(rate.numpy() if hasattr(rate, "numpy") else rate))
