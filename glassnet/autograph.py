"""``tf.autograph``: glassnet runs Python as written, so there is nothing to convert or log."""


def set_verbosity(level, alsologtostdout=False):
    """Accepted for compatibility (course notebooks call ``tf.autograph.set_verbosity(0)``)."""
