"""``check_gradients(model, x, y)``: backprop against central finite differences, weight by weight.

The debugging tool for a layer you wrote yourself: if its ``call`` (or an op it uses) has a
wrong gradient, this says which weight and how far off. The model runs in float64 for the
check (finite differences need the precision) and is put back exactly as it was; dropout and
other training-only randomness are off (``training=False``), so both sides see one function.
The comparison itself is :func:`glassnet.autodiff.check_gradients`'s numerical gradient.
"""
import contextlib
import html

import numpy as np

from glassnet.autodiff import GradientTape, Tensor
from glassnet.autodiff.gradcheck import numerical_gradient


class GradientReport:
    """The relative error of backprop against finite differences, per weight."""

    def __init__(self, rows, tolerance):
        self.rows, self.tolerance = rows, tolerance  # (path, shape, relative error)

    @property
    def max_error(self):
        return max((error for _, _, error in self.rows), default=0.0)

    @property
    def ok(self):
        return self.max_error <= self.tolerance

    def __str__(self):
        width = max((len(path) for path, _, _ in self.rows), default=6)
        lines = [f"{'weight'.ljust(width)}  {'shape':14s}  relative error"]
        lines += [f"{path.ljust(width)}  {str(shape):14s}  {error:.2e}" for path, shape, error in self.rows]
        verdict = "ok: backprop agrees with finite differences" if self.ok else \
            "WRONG: backprop disagrees with finite differences (check the layer or op of the worst weight)"
        lines.append(f"max error {self.max_error:.2e} (tolerance {self.tolerance:g}): {verdict}")
        return "\n".join(lines)

    __repr__ = __str__

    def _repr_markdown_(self):
        rows = "\n".join(f"| `{path}` | {shape} | {error:.2e} |" for path, shape, error in self.rows)
        return f"| weight | shape | relative error |\n| --- | --- | --- |\n{rows}\n\n**{'ok' if self.ok else 'WRONG'}**"

    def _repr_html_(self):
        rows = "".join(f"<tr><td><code>{html.escape(path)}</code></td><td>{html.escape(str(shape))}</td>"
                       f"<td>{error:.2e}</td></tr>" for path, shape, error in self.rows)
        return ("<table><thead><tr><th>weight</th><th>shape</th><th>relative error</th></tr></thead>"
                f"<tbody>{rows}</tbody></table>\n<p><b>{'ok' if self.ok else 'WRONG'}</b></p>")


def check_gradients(model, x, y, sample_weight=None, tolerance=1e-5, step=1e-6):
    """Compare the gradient of the compiled cost (loss and ``model.losses``) with respect to each
    trainable weight against central finite differences, in float64.

    Args:
        model: a compiled model.
        x, y: a small batch (every weight element costs two forward passes).
        tolerance: the largest relative error, ``|backprop - numeric| / max(|backprop|, |numeric|, 1e-8)``,
            that counts as agreeing.

    Returns a :class:`GradientReport` (``ok``, ``max_error``, one row per weight); print it for a verdict.
    """
    if getattr(model, "_compile_state", None) is None:
        raise ValueError("check_gradients needs a compiled model: call model.compile(loss=...) first.")
    x, y, sample_weight = model._prepare_arrays(x, y, sample_weight)
    model._check_targets(x, y)
    variables = model.trainable_weights
    with _in_float64(model):
        arrays = [v._value for v in variables]

        def cost(*values):
            for variable, value in zip(variables, values):
                variable._value = value.value if isinstance(value, Tensor) else value
            y_pred = model(_float64_input(x), training=False)
            return model._compute_loss(x, y, y_pred, sample_weight, training=False)

        with GradientTape() as tape:
            total = cost(*variables)
        analytic = tape.gradient(total, variables)
        rows = []
        for index, (variable, grad) in enumerate(zip(variables, analytic)):
            grad = np.zeros_like(arrays[index]) if grad is None else np.asarray(grad.numpy())
            numeric = numerical_gradient(cost, list(arrays), index, step)
            for v, a in zip(variables, arrays):
                v._value = a
            scale = np.maximum(np.maximum(np.abs(grad), np.abs(numeric)), 1e-8)
            rows.append((variable.path, tuple(arrays[index].shape), float(np.max(np.abs(grad - numeric) / scale))))
    return GradientReport(rows, tolerance)


def _float64_input(x):
    """The batch as the model is called with it (a list of Tensors for several inputs), in float64."""
    arrays = getattr(x, "arrays", None)  # a model with several inputs: InputArrays
    if arrays is not None:
        return [Tensor(array.astype(np.float64)) for array in arrays]
    return Tensor(x.astype(np.float64))


@contextlib.contextmanager
def _in_float64(model):
    """The model's layers and weights in float64 for the block, then exactly as they were."""
    layers = model._flatten_layers()
    dtypes = [layer.dtype for layer in layers]
    variables = model.weights
    values = [v._value for v in variables]
    try:
        for layer in layers:
            layer.dtype = "float64"
        for variable, value in zip(variables, values):
            variable._value = value.astype(np.float64)
        yield
    finally:
        for layer, dtype in zip(layers, dtypes):
            layer.dtype = dtype
        for variable, value in zip(variables, values):
            variable._value = value  # the same arrays: views into the optimizer's flat buffer stay valid
