"""One layer's health in numbers, from one traced step (a ``LayerTrace`` of ``inspect.step``).

Only plain NumPy reductions of arrays the trace already holds: the step itself (forward,
gradients, the optimizer's update) was computed by the very ops ``fit`` runs.
"""
import numpy as np

RELU = frozenset({"relu", "relu6"})          # units that output exactly 0 below the kink, and can die
SQUASHING = frozenset({"sigmoid", "tanh"})   # units whose slope vanishes for large |z|


class LayerStats:
    """Per-layer statistics of one traced step.

    Attributes:
        name, activation: the layer's name and activation name (or None).
        weight_norm: ``sqrt(sum |W|^2)`` over the layer's trainable weights (None without any).
        grad_norm: the same norm of their gradients dJ/dW.
        update_ratio: ``|update| / |W|``: how far one optimizer step moves the weights, relative
            to their size (None without weights, or when |W| is 0).
        mean_abs_grad: mean |dJ/dW| over every trainable weight entry.
        saturated: for sigmoid/tanh layers, the share of pre-activations with ``|z| > saturation_z``.
        dead: for ReLU layers, the share of units whose output is 0 for every sampled row.
        mean_abs_output: mean |a| of the layer's output.
        kernel_variances: the variance of each weight of rank >= 2 (kernels; biases start at 0).
        finite_weights, finite_output: whether every weight and output value is finite.
        output: the layer's output on the sample (kept to see whether it changes).
    """

    def __init__(self, trace, saturation_z):
        self.name, self.activation = trace.name, activation_of(trace)
        trainable = [(w, g, u) for w, g, u in zip(trace.weights, trace.grads, _updates(trace)) if g is not None]
        self.weight_norm = _norm([w for w, _, _ in trainable])
        self.grad_norm = _norm([g for _, g, _ in trainable])
        update_norm = _norm([u for _, _, u in trainable if u is not None])
        self.update_ratio = None
        if update_norm is not None and self.weight_norm:
            self.update_ratio = update_norm / self.weight_norm
        self.mean_abs_grad = _mean_abs([g for _, g, _ in trainable])
        kernels = [w for w, _, _ in trainable if np.ndim(w) >= 2 and np.size(w) > 1]
        self.kernel_variances = [float(np.var(w, ddof=1, dtype=np.float64)) for w in kernels]
        self.output = np.asarray(trace.a)
        self.mean_abs_output = float(np.mean(np.abs(self.output))) if self.output.size else 0.0
        self.finite_weights = all(np.all(np.isfinite(w)) for w in trace.weights)
        self.finite_output = bool(np.all(np.isfinite(self.output)))
        self.saturated = self.dead = None
        z = pre_activation(trace)
        if self.activation in SQUASHING and z is not None:
            self.saturated = float(np.mean(np.abs(z) > saturation_z))
        if self.activation in RELU:
            self.dead = dead_share(z if z is not None else self.output)

    @property
    def has_weights(self):
        return self.weight_norm is not None


def activation_of(trace):
    """The activation a layer applies: its ``activation`` (Dense, Activation), or what an
    activation layer is (ReLU without a negative slope is 'relu'; Softmax is 'softmax')."""
    layer = getattr(trace, "layer", None)
    kind = type(layer).__name__
    if kind == "ReLU":
        return "relu" if not getattr(layer, "negative_slope", 0) else "leaky_relu"
    if kind == "Softmax":
        return "softmax"
    return trace.activation


def pre_activation(trace):
    """z: the fused op's pre-activation, or for a layer that only applies an activation
    (Activation, ReLU: no weights), its input."""
    if trace.z is not None:
        return trace.z
    inputs = getattr(trace, "inputs", None)
    return inputs if not trace.weights and isinstance(inputs, np.ndarray) else None


def dead_share(values):
    """The share of units (columns, after the batch axis) that are <= 0 for every row."""
    values = np.asarray(values)
    if values.ndim == 0 or len(values) == 0:
        return None
    return float(np.mean(np.all(values.reshape(len(values), -1) <= 0, axis=0)))


def _updates(trace):
    return trace.updates if trace.updates is not None else [None] * len(trace.weights)


def _norm(arrays):
    if not arrays:
        return None
    return float(np.sqrt(sum(float(np.sum(np.square(a, dtype=np.float64))) for a in arrays)))


def _mean_abs(arrays):
    size = sum(np.size(a) for a in arrays)
    if not size:
        return None
    return float(sum(float(np.sum(np.abs(a), dtype=np.float64)) for a in arrays) / size)
