"""Small compositions of the autodiff ops that the loss functions share."""
from glassnet.autodiff import ops


def mean(x, axis=-1):
    """The mean over one axis, as a sum divided by the axis length.

    Dividing by a Python int keeps x's dtype (float32 stays float32).
    """
    return ops.sum(x, axis=axis) / x.shape[axis]

