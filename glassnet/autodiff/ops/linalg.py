"""Linear algebra beyond the matrix product."""
import numpy as np

from glassnet.autodiff.primitive import primitive


@primitive
def singular_values(a):
    """Singular values of the matrices in the last two axes, largest first.

    The gradient of ``s_i`` is ``u_i v_i^T`` (distinct singular values assumed, as every
    framework does).
    """
    u, s, vh = np.linalg.svd(a, full_matrices=False)

    def backward(g):
        return (u * g[..., None, :]) @ vh

    return s, backward
