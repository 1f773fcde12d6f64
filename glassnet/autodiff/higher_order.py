"""Second and higher derivatives: the backward pass, recorded on an outer tape.

TensorFlow records a gradient computation on every outer tape that is recording, so the
gradient can be differentiated again::

    x = Variable(3.0)
    with GradientTape() as outer:
        with GradientTape() as inner:
            y = x * x * x
        dy = inner.gradient(y, x)      # 3 x^2 = 27, with a graph back to x
    d2y = outer.gradient(dy, x)        # 6 x = 18

For that the backward pass must be made of recorded ops. Each primitive therefore states its
backward twice, one under the other in its module:

* its NumPy backward, the closure its forward returns (``lambda g: g / (2 * out)``). Training
  runs this: plain arrays, in-place updates, buffers reused, nothing recorded.
* its backward on Tensors, registered with ``@differentiable_backward(op)``, written with
  glassnet's own ops (``g / (2 * out)`` with Tensors), so an outer tape records it.

Why two, rather than one backward that works on both arrays and Tensors (autograd's way)?
One that dispatched on its input type would cost the training loop a check in every op, and
the NumPy backwards use what Tensors cannot: ``np.add.at``, ``out=`` buffers, in-place
``*=``, values computed in the forward (a Tensor backward needs the op's *result*, with its
graph, not the bare array). Most Tensor backwards read as the NumPy ones with ``np.`` gone;
``sum_to`` takes both, so the broadcasting rule stays in one place.

:meth:`GradientTape.gradient` decides once per call: when no other tape is recording (and
this tape is not a persistent one asked inside its own ``with`` block) it runs the NumPy
backward as always. Otherwise :func:`backward` below walks the same graph, in the same order,
calling each op's Tensor backward with the op's output Tensor as ``out``.

An op with no Tensor backward (``singular_values``, a custom primitive) still gets
its first derivative, from its NumPy backward; that gradient is marked so that an outer tape
asking for its derivative raises an error naming the op, never a silent zero or None.

Where this differs from TF: a variable a gradient does not depend on at all gets None, and so
does one it depends on only through a piecewise-constant factor (a relu's mask: TF gives
zeros there). The graph is shared by all tapes, as for first derivatives, so an outer tape
that did not watch a tensor an inner tape watched may still give a gradient for it.
"""
import numpy as np

from glassnet.autodiff.ops import add
from glassnet.autodiff.tape import _topological_order
from glassnet.autodiff.tensor import Node, Tensor


def backward(target, sources, seed):
    """Gradients (Tensors, recorded on the recording tapes) of `target` with respect to `sources`.

    `seed` is the gradient of the target: None for ones, or an array or Tensor of its shape.
    """
    seed = Tensor(np.ones_like(target.value)) if seed is None else _as_seed(seed, target.dtype)
    grads = {id(target): seed}
    source_ids = {id(s) for s in sources}
    for tensor in _topological_order(target):
        grad = grads.get(id(tensor)) if id(tensor) in source_ids else grads.pop(id(tensor), None)
        if grad is None:
            continue
        input_grads = _input_gradients(tensor, grad)
        for position, parent in tensor._node.edges:
            parent_grad = input_grads[position]
            if parent_grad is not None:
                key = id(parent)
                grads[key] = add(grads[key], parent_grad) if key in grads else parent_grad
    return [grads.get(id(s)) for s in sources]


def _as_seed(seed, dtype):
    if isinstance(seed, Tensor):  # keeps its graph: the gradient may be differentiated through it too
        return seed
    return Tensor(np.asarray(seed).astype(dtype, copy=False))


def _input_gradients(tensor, grad):
    """The gradients of the inputs of `tensor`'s op, as a tuple, from its Tensor backward."""
    node = tensor._node
    rule = getattr(node.op, "differentiable_backward", None)
    if rule is None:
        return _unrecordable(node, grad)
    input_grads = rule(grad, *node.inputs, out=tensor, **node.settings)
    return input_grads if isinstance(input_grads, tuple) else (input_grads,)


def _unrecordable(node, grad):
    """First derivatives from the NumPy backward, each marked: differentiating it raises."""
    name = getattr(node.op, "__name__", None) or getattr(node.backward, "__qualname__", "an op")
    arrays = node.backward(grad.value)
    arrays = arrays if isinstance(arrays, tuple) else (arrays,)
    depends_on = [(0, grad)] + [(0, parent) for _, parent in node.edges]
    return tuple(None if a is None else Tensor(np.asarray(a), Node(_refuse(name), depends_on))
                 for a in arrays)


def _refuse(name):
    def backward(g):
        raise NotImplementedError(
            f"Second-order gradients through `{name}` are not supported: it has a gradient, but no "
            f"backward written with differentiable ops (@differentiable_backward), so the outer "
            f"GradientTape cannot differentiate that gradient again. Compute this part with ops "
            f"that have one, or take only first-order gradients through `{name}`."
        )

    return backward
