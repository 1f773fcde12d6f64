"""The tape: records ops while gradients are wanted, then runs them backwards."""
import numpy as np

from glassnet.autodiff import observe
from glassnet.autodiff.convert import convert_to_tensor
from glassnet.autodiff.tensor import Tensor

# Tapes currently recording, innermost last. Ops only build graph nodes while this is not empty.
_active_tapes = []


def is_recording():
    return bool(_active_tapes)


def _watching_variables():
    return any(tape.watch_accessed_variables for tape in _active_tapes)


def is_tracked(tensor):
    """True when gradients may flow into `tensor`: a watched tensor, a trainable variable read
    under a tape that watches accessed variables, or the result of an op on one of those."""
    if tensor._node is not None or tensor._watched:
        return True
    return getattr(tensor, "trainable", False) and _watching_variables()


class not_recording:  # noqa: N801 - a context manager, named for the with-statement
    """Suspend every recording tape: what runs inside is never part of a gradient."""

    def __enter__(self):
        self._suspended = list(_active_tapes)
        _active_tapes.clear()

    def __exit__(self, *exc_info):
        _active_tapes[:] = self._suspended


class GradientTape:
    """Record operations for automatic differentiation.

    Every trainable :class:`Variable` read inside the ``with`` block is watched
    automatically; other tensors can be watched with :meth:`watch`.

    >>> from glassnet.autodiff import Variable
    >>> w = Variable(np.array(3.0, dtype="float32"))
    >>> with GradientTape() as tape:
    ...     y = w * w
    >>> print(tape.gradient(y, w).numpy())   # dy/dw = 2w
    6.0
    """

    def __init__(self, persistent=False, watch_accessed_variables=True):
        self.persistent = persistent
        self.watch_accessed_variables = watch_accessed_variables
        self._used = False
        self._watched = []

    def __enter__(self):
        _active_tapes.append(self)
        return self

    def __exit__(self, *exc_info):
        _active_tapes.remove(self)
        for tensor in self._watched:  # watching lasts as long as this tape records
            tensor._watched -= 1
        self._watched = []

    def watch(self, tensor):
        """Record operations on `tensor` (or each tensor of a list) while this tape is active."""
        for t in tensor if isinstance(tensor, (list, tuple)) else [tensor]:
            if not isinstance(t, Tensor):
                raise TypeError(f"watch() expects Tensors or Variables. Received: {type(t).__name__}")
            if all(t is not seen for seen in self._watched):
                t._watched += 1  # a count: several active tapes may watch one tensor
                self._watched.append(t)

    def gradient(self, target, sources, output_gradients=None):
        """d(sum of target)/d(source) for each source, ``None`` where unconnected.

        As in TensorFlow, a source the tape did not watch (a constant Tensor without
        ``tape.watch``, a Variable with ``trainable=False``) or that the target does not depend
        on gets ``None``, not zeros; a target that is not a Tensor, or sources that are not
        Tensors or Variables (a NumPy array, a Python float), raise a TypeError.

        Args:
            target: the Tensor to differentiate (one Tensor: sum several first).
            sources: a Tensor or Variable, or a list of them.
            output_gradients: optional array of the target's shape that weights each of its
                elements: the gradient of ``sum(output_gradients * target)``.
        """
        target = _checked_target(target)
        single = isinstance(sources, Tensor)
        source_list = [sources] if single else _checked_sources(sources)
        seed = None if output_gradients is None else _checked_output_gradients(output_gradients, target)
        if self._used and not self.persistent:
            raise RuntimeError(
                "A non-persistent GradientTape can only be used to compute one set of "
                "gradients. Use GradientTape(persistent=True) to call gradient() again."
            )
        self._used = True
        if self._backward_is_recorded():
            from glassnet.autodiff import higher_order  # imports the ops, which import this module

            wrapped = higher_order.backward(target, source_list, seed)
        else:
            grads = backward(target, source_list, None if seed is None else np.asarray(seed))
            wrapped = [None if g is None else Tensor(np.asarray(g)) for g in grads]  # 0-d: a scalar
        return wrapped[0] if single else wrapped

    def _backward_is_recorded(self):
        """True when a tape records this gradient computation, so it can be differentiated
        again: another tape is recording, or this one is persistent and inside its ``with``
        block (a non-persistent tape stops recording its own gradient, as TF's does)."""
        return any(tape is not self for tape in _active_tapes) or (self.persistent and self in _active_tapes)


def _checked_target(target):
    if target is None or isinstance(target, (list, tuple, dict)):
        raise TypeError(
            "Invalid `target` for gradient(): expected the Tensor to differentiate, computed inside the "
            f"tape's `with` block (for several targets, their sum). Received: target={target!r}"
        )
    return convert_to_tensor(target)  # a constant has no path to any source: every gradient is None


def _checked_sources(sources):
    try:
        source_list = list(sources)
    except TypeError:  # not iterable
        source_list = None
    if source_list is None or not all(isinstance(s, Tensor) for s in source_list):
        bad = "" if source_list is None or not isinstance(sources, (list, tuple)) else next(
            f" (sources[{i}] is a {type(s).__name__})" for i, s in enumerate(source_list) if not isinstance(s, Tensor))
        raise TypeError(
            "Invalid `sources` for gradient(): expected a Tensor or Variable, or a list of them. "
            f"Received: sources={sources!r}{bad}"
        )
    return source_list


def _checked_output_gradients(output_gradients, target):
    if isinstance(output_gradients, (list, tuple)) and len(output_gradients) == 1 \
            and isinstance(output_gradients[0], (Tensor, np.ndarray)):
        output_gradients = output_gradients[0]  # TF's form: one gradient per target, in a list
    # A Tensor stays one: under an outer tape the gradient is differentiated through it too.
    seed = output_gradients if isinstance(output_gradients, Tensor) else np.asarray(output_gradients)
    if seed.shape != target.shape:
        raise ValueError(
            f"Invalid `output_gradients` for gradient(): expected an array of the target's shape "
            f"{tuple(target.shape)}. Received: output_gradients of shape {tuple(seed.shape)}"
        )
    return seed


def _topological_order(root):
    """Nodes reachable from `root`, each after every tensor that uses it (iterative DFS,
    so deep graphs cannot hit Python's recursion limit)."""
    order, visited = [], set()
    stack = [(root, False)]
    while stack:
        tensor, inputs_done = stack.pop()
        if inputs_done:
            order.append(tensor)
            continue
        if id(tensor) in visited or tensor._node is None:
            continue
        visited.add(id(tensor))
        stack.append((tensor, True))
        stack.extend((t, False) for _, t in tensor._node.edges)
    return reversed(order)


def backward(target, sources, output_gradient=None):
    """Gradients (ndarrays) of `target` with respect to each tensor in `sources`.

    Gradients are accumulated in a dictionary local to this call, never on the
    tensors themselves, so calling it twice gives the same answer twice.
    """
    if observe.watchers:  # inspect.step also asks for the gradients at each layer's output
        return observe.watchers[-1].watch_backward(target, sources, output_gradient, _backward)
    return _backward(target, sources, output_gradient)


def _backward(target, sources, output_gradient=None):
    seed = np.ones_like(target.value) if output_gradient is None else np.asarray(output_gradient)
    grads = {id(target): seed.astype(target.dtype, copy=False)}
    source_ids = {id(s) for s in sources}
    for tensor in _topological_order(target):
        # Intermediate gradients are dropped once used; a source's is kept for the answer.
        grad = grads.get(id(tensor)) if id(tensor) in source_ids else grads.pop(id(tensor), None)
        if grad is None:
            continue
        node = tensor._node
        input_grads = node.backward(grad)
        if not isinstance(input_grads, tuple):  # single-input ops may return a bare array
            input_grads = (input_grads,)
        for position, parent in node.edges:
            parent_grad = input_grads[position]
            if parent_grad is not None:
                key = id(parent)
                grads[key] = grads[key] + parent_grad if key in grads else parent_grad
    return [grads.get(id(s)) for s in sources]
