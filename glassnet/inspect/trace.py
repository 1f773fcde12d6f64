"""``trace = inspect.step(model, x, y)``: one training step of ``fit``, laid open.

The step is fit's own: the same forward pass (``training=True``), loss, backward pass and
optimizer update, run on the tape. While it runs, glassnet/autodiff/observe.py lets this
module watch: each layer call hands over its inputs and outputs, the fused dense op its
pre-activation ``z``, the tape the gradient of the loss at every layer's output, and the
optimizer the gradients it receives and the weights before it writes. Nothing is computed a
second time, so the numbers shown are the numbers trained with: the gradients and updates
equal, bit for bit, what ``fit`` applies for the same batch (tests/inspect/test_step.py).

Afterwards the model is put back as it was (weights, optimizer state, metrics, random state),
unless ``apply=True`` keeps the step.
"""
import numpy as np

from glassnet.autodiff import Tensor, observe, tape
from glassnet.inspect import state
from glassnet.inspect.table import Table
from glassnet.keras import validation as check


def step(model, x, y=None, sample_weight=None, apply=False):
    """Run one training step of `model` on the batch ``(x, y)`` and return its :class:`Trace`.

    Args:
        model: a compiled model (Sequential or subclassed; a custom ``train_step`` is run as written).
        x, y, sample_weight: one batch, as ``train_on_batch`` takes it.
        apply: keep the step's changes (weights, optimizer state); by default the model is
            left exactly as it was.

    >>> import glassnet
    >>> model = glassnet.keras.Sequential([glassnet.keras.Input((2,)), glassnet.keras.layers.Dense(1)])
    >>> model.compile(optimizer="sgd", loss="mse")
    >>> trace = glassnet.inspect.step(model, np.ones((4, 2)), np.zeros((4, 1)))
    >>> [g.shape for g in trace.layers[0].grads]   # dJ/dW and dJ/db
    [(2, 1), (1,)]
    """
    apply = check.boolean("apply", apply)
    model._assert_compiled(training=True)
    x, y, sample_weight = model._prepare_arrays(x, y, sample_weight)
    custom = model._overridden("train_step")
    model.optimizer._ensure_built(model.trainable_weights)  # as fit does first: the state to keep includes the slots
    recorder = _Recorder()
    with state.kept(model, keep=not apply) as before, observe.watching(recorder):
        model._check_targets(x, y, validate=not custom)
        if custom:
            from glassnet.keras.trainers.trainer import _as_step_data  # trainer imports models: import late
            model.train_step(_as_step_data((x, y, sample_weight)))
            y_pred = None
        else:
            _, y_pred = model._training_step()(x, y, sample_weight)
        updates = {key: variable.value - old for key, (variable, old) in recorder.before.items()}
    return Trace(model, recorder, before, updates, y_pred, len(x), apply)


class LayerTrace:
    """One layer call of a traced step.

    Attributes:
        layer, name: the layer called.
        depth: 0 for a call the step made itself (the model), 1 for the model's layers, ...
        inputs: the input array (a list for several inputs).
        z: the pre-activation, for a layer that has one (Dense), else None.
        a: the output array.
        da: dJ/da, the gradient of the loss at the output (None where none flows).
        weights: ``layer.get_weights()`` before the step.
        grads: dJ/dW for each of those (None for a weight the optimizer does not train).
        updates: the change the optimizer made to each (None likewise).
    """

    def __init__(self, layer, depth, inputs):
        self.layer, self.name, self.depth = layer, layer.name, depth
        self.inputs = _values(inputs)
        self.z = self.a = self.da = None
        self.weights, self.grads, self.updates = [], [], []
        self._outputs = None

    @property
    def activation(self):
        """The name of the layer's activation function ('relu', ...), or None."""
        function = getattr(self.layer, "activation", None)
        return getattr(function, "__name__", None)

    def __repr__(self):
        return f"<LayerTrace {self.name}: a{_shape(self.a)}, {len(self.weights)} weights>"


class Trace:
    """What :func:`step` returns: the batch loss and one :class:`LayerTrace` per layer call.

    ``trace.layers`` are the calls of the model's own layers, in the order the forward pass
    made them; ``trace.calls`` every call, nested ones included; ``trace.layer(name)`` finds one.
    Prints as a per-layer table (shapes, means, norms); renders as a table in a notebook.
    """

    def __init__(self, model, recorder, before, updates, y_pred, batch_size, applied=False):
        self.model, self.batch_size, self.applied = model, batch_size, applied
        self.loss = None if recorder.loss is None else float(np.sum(recorder.loss))
        self.calls = recorder.calls
        for call in self.calls:
            variables = call.layer.weights
            call.weights = [before[id(v)] if id(v) in before else np.array(v.value) for v in variables]
            call.grads = [recorder.grads.get(id(v)) for v in variables]
            call.updates = [updates.get(id(v)) for v in variables]
        roots = [call for call in self.calls if call.depth == 0]
        self.layers = [call for call in self.calls if call.depth == 1] if any(
            call.layer is model for call in roots) else roots
        self.y_pred = y_pred if y_pred is not None or not roots else roots[0].a

    def layer(self, name):
        """The first call of the layer named `name` (or of that Layer object)."""
        for call in self.calls:
            if call.name == name or call.layer is name:
                return call
        raise KeyError(f"No call of a layer {name!r} in this step. Layers called: {[c.name for c in self.calls]}")

    def table(self):
        rows = []
        for call in self.layers:
            first = [f"{call.name} ({type(call.layer).__name__})", call.activation or "", _shape(call.a),
                     _number(_mean(call.a)), _number(_norm(call.da))]
            names = [w.name for w in call.layer.weights] or [""]
            for i, name in enumerate(names):
                cells = first if i == 0 else [""] * len(first)
                rows.append(cells + _weight_cells(call, i, name))
        header = ["layer", "activation", "a: shape", "mean(a)", "|dJ/da|",
                  "weight", "shape", "|W|", "|dJ/dW|", "|update|", "|update|/|W|"]
        return Table(header, rows)

    def _title(self):
        loss = "no loss" if self.loss is None else f"loss {self.loss:.6g}"
        return f'One training step of "{self.model.name}" on a batch of {self.batch_size}: {loss}'

    def _legend(self):
        kept = "applied to the model" if self.applied else "not applied: the model is unchanged"
        return ("a: the layer's output, z: before its activation; dJ/da, dJ/dW: the gradients of the loss J; "
                f"|.|: the Euclidean norm; update: the change the optimizer makes ({kept})")

    def __str__(self):
        return "\n".join([self._title(), self.table().text(), self._legend()])

    __repr__ = __str__

    def _repr_markdown_(self):
        return f"**{self._title()}**\n\n" + self.table().markdown() + f"\n\n{self._legend()}"

    def _repr_html_(self):
        return f"<p><b>{self._title()}</b></p>" + self.table().html() + f"<p>{self._legend()}</p>"


class _Recorder:
    """The watcher of one traced step (see glassnet/autodiff/observe.py for who calls it)."""

    def __init__(self):
        self.calls = []   # LayerTrace, in call order
        self._open = []   # the calls running now, innermost last
        self.loss = None
        self.grads, self.before = {}, {}  # id(variable) -> gradient / (variable, value before the update)

    def watch_call(self, layer, inputs, run):
        if not tape.is_recording():  # a shape probe, or a pass outside the differentiated one
            return run()
        call = LayerTrace(layer, len(self._open), inputs)
        self.calls.append(call)
        self._open.append(call)
        try:
            outputs = run()
        finally:
            self._open.pop()
        call._outputs, call.a = outputs, _values(outputs)
        return outputs

    def note(self, name, value):
        if self._open and tape.is_recording():
            setattr(self._open[-1], name, value)

    def watch_backward(self, target, sources, output_gradient, run):
        """The first backward pass of the step is the loss's: ask it for the layer outputs' gradients too."""
        if self.loss is not None:
            return run(target, sources, output_gradient)
        calls = [call for call in self.calls if isinstance(call._outputs, Tensor)]
        grads = run(target, [*sources, *(call._outputs for call in calls)], output_gradient)
        self.loss = target.value
        for call, grad in zip(calls, grads[len(sources):]):
            call.da = grad
        return grads[:len(sources)]

    def before_update(self, grads, variables):
        for grad, variable in zip(grads, variables):
            if id(variable) not in self.before:  # a second apply in one step adds to the first's change
                self.grads[id(variable)] = np.array(getattr(grad, "value", grad))
                self.before[id(variable)] = (variable, np.array(variable.value))


def _values(structure):
    if isinstance(structure, Tensor):
        return structure.value
    if isinstance(structure, (list, tuple)):
        return [_values(item) for item in structure]
    if isinstance(structure, dict):
        return {key: _values(item) for key, item in structure.items()}
    return structure


def _weight_cells(call, i, name):
    if i >= len(call.weights):
        return ["", "", "", "", "", ""]
    weight, grad, update = call.weights[i], call.grads[i], call.updates[i]
    norm = _norm(weight)
    ratio = None if update is None or not norm else _norm(update) / norm
    return [name, str(weight.shape), _number(norm), _number(_norm(grad)), _number(_norm(update)), _number(ratio)]


def _shape(array):
    return str(tuple(np.shape(array))) if isinstance(array, np.ndarray) else "-"


def _mean(array):
    return float(np.mean(array)) if isinstance(array, np.ndarray) and array.size else None


def _norm(array):
    return float(np.linalg.norm(np.ravel(array))) if isinstance(array, np.ndarray) else None


def _number(value):
    return "-" if value is None else f"{value:.3g}"
