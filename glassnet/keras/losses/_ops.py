"""Small compositions of the autodiff ops that the loss functions share."""
import numpy as np

from glassnet.autodiff import ops
from glassnet.autodiff.primitive import primitive


def mean(x, axis=-1):
    """The mean over one axis, as a sum divided by the axis length.

    Dividing by a Python int keeps x's dtype (float32 stays float32).
    """
    return ops.sum(x, axis=axis) / x.shape[axis]


def array_valued(t):
    """`t` with a 0-d ndarray value instead of a NumPy scalar.

    NumPy reductions and ufuncs on 0-d arrays return scalars such as np.float32,
    and `np.asarray(tensor)` needs a real array.
    """
    return t if isinstance(t.value, np.ndarray) else _as_ndarray(t)


@primitive
def _as_ndarray(a):
    # The identity, except that a NumPy scalar becomes a 0-d array (np.reshape would keep the scalar).
    return np.asarray(a), lambda g: g
