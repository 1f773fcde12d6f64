"""``tf.get_logger()``: glassnet's standard-library logger."""
import logging


def get_logger():
    """The ``logging.Logger`` named ``'glassnet'``; ``get_logger().setLevel('ERROR')`` works as in TF."""
    return logging.getLogger("glassnet")
