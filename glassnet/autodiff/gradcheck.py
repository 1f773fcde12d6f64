"""A public gradient checker: compare the tape's gradients with finite differences."""
import numpy as np

from glassnet.autodiff.tape import GradientTape
from glassnet.autodiff.tensor import Tensor


def numerical_gradient(fn, inputs, index, step=1e-6):
    """Central finite difference of sum(fn(*inputs)) with respect to inputs[index]."""
    x = inputs[index]
    grad = np.zeros_like(x)
    for i in np.ndindex(x.shape):
        original = x[i]
        x[i] = original + step
        upper = np.sum(np.asarray(fn(*[Tensor(v) for v in inputs])))
        x[i] = original - step
        lower = np.sum(np.asarray(fn(*[Tensor(v) for v in inputs])))
        x[i] = original
        grad[i] = (upper - lower) / (2 * step)
    return grad


def check_gradients(fn, *inputs, rtol=1e-5, atol=1e-7, step=1e-6):
    """Check the tape's gradient of `fn` against central finite differences in float64.

    Args:
        fn: a function of Tensors returning a Tensor; its sum is differentiated.
        *inputs: array-likes, converted to float64 (finite differences need the precision).

    Returns the list of analytic gradients. Raises AssertionError naming the input
    and the worst element when they disagree.

    >>> check_gradients(lambda x: x * x, np.array([1.0, 2.0]))
    [array([2., 4.])]
    """
    arrays = [np.array(x, dtype=np.float64) for x in inputs]
    tensors = [Tensor(a) for a in arrays]
    with GradientTape() as tape:
        tape.watch(tensors)
        out = fn(*tensors)
    analytic = tape.gradient(out, tensors)
    results = []
    for index, grad in enumerate(analytic):
        grad = np.zeros_like(arrays[index]) if grad is None else np.broadcast_to(grad.numpy(), arrays[index].shape)
        numeric = numerical_gradient(fn, arrays, index, step)
        if not np.allclose(grad, numeric, rtol=rtol, atol=atol):
            excess = np.abs(grad - numeric) - (atol + rtol * np.abs(numeric))  # how far past the tolerance
            worst = np.unravel_index(np.argmax(excess), grad.shape)
            raise AssertionError(
                f"gradient of input {index} disagrees with finite differences at {worst}: "
                f"analytic {grad[worst]!r}, numerical {numeric[worst]!r}"
            )
        results.append(np.array(grad))
    return results
