"""fit's training step without the tape, for a model that is a chain of Dense layers.

A model offers its chain through ``Model._dense_chain()``: a Sequential of Dense layers, or a
functional model whose graph takes its one input through Dense layers, one after another, to its
one output. The tape rebuilds the graph on every batch; for such a chain the graph never changes,
so this plan runs the very same op functions in a fixed order: each layer's fused dense op
(forward, then backward), the loss as array functions (losses/compiled.py: the same alignment,
fused loss op and reduction the loss object runs), and the optimizer's own update. It computes
what the tape computes, bit for bit (tests/keras/trainers/test_fast_path_fuzz.py).

A plan holds for the state it was built from. :func:`signature` lists every part of that state
the arithmetic depends on, and :class:`CachedPlan` builds a new plan whenever it changes. Where
no plan computes what the tape does (another layer, an activation without a fused form, a
regularizer, a loss that is not one fused op, an overridden step), there is none: the tape trains.
"""
import operator

import numpy as np

from glassnet.autodiff import ops
from glassnet.keras.layers.dense import Dense
from glassnet.keras.losses.wrapper import LossFunctionWrapper
from glassnet.keras.optimizers import flat
from glassnet.keras.trainers.trainer import Trainer

# Attribute readers that run in C: the signature is computed once per epoch and per train_on_batch.
_KERNEL, _BIAS, _ACTIVATION = (operator.attrgetter(name) for name in ("kernel", "bias", "activation"))
_CONSTRAINT = operator.attrgetter("constraint")
# Trainer methods whose override means the step is no longer the default one.
_STEP_METHODS = ("train_step", "compute_loss", "_compute_loss", "_tape_step")


def signature(model, layers):
    """What a plan for `model`, whose Dense chain is `layers` (or None), depends on: (a tuple to compare
    with ==, the variables it names by id).

    Layers, activations, the loss and the optimizer compare by identity (none defines ``==``);
    variables enter by id (a Tensor's ``==`` is elementwise), and the second item keeps them
    alive, so no id is reused meanwhile. The trainable variables stand for every trainable flag
    (the model's, the layers', their own); the rest enters as the values the plan reads: each
    layer's class, activation, kernel and bias, the loss's options, whether the optimizer can
    update its flat buffers at once (and which buffers), whether any trainable variable has a
    constraint, whether any layer adds a penalty, and the dtype.
    """
    if layers is None:
        return (type(model), None), None  # no plan, whatever the rest is
    loss, optimizer, variables = model._compile_state.loss_fn, model.optimizer, model.trainable_weights
    weights = [*variables, *map(_KERNEL, layers), *map(_BIAS, layers)]
    constraints = [*map(_CONSTRAINT, variables)]
    key = (type(model), model.dtype, bool(model.losses), optimizer._can_apply_flat_gradient(variables),
           constraints.count(None) < len(constraints),
           loss._compiled_key() if isinstance(loss, LossFunctionWrapper) else None,
           loss, optimizer, getattr(optimizer, "_flat", None), *layers, *map(_ACTIVATION, layers),
           len(variables), *map(id, weights))
    return key, weights


class CachedPlan:
    """The plan for a model's current state, rebuilt when its :func:`signature` changes."""

    def __init__(self):
        self.key, self.weights, self.plan = None, None, None

    def get(self, model):
        layers = model._dense_chain()
        key, weights = signature(model, layers)
        try:
            same = key == self.key
        except (TypeError, ValueError):  # an option or buffer that compares elementwise: call it changed
            same = False
        if not same:
            self.key, self.weights, self.plan = key, weights, DensePlan.build(model, layers)
        return self.plan


class DensePlan:
    """One compiled training step for a model's chain of Dense layers; :meth:`build` returns None
    where it would not compute what the tape computes."""

    def __init__(self, model, layers, loss, writes_flat_gradient):
        self.layers = layers
        self.variables = model.trainable_weights
        self.loss, self.optimizer, self.writes_flat_gradient = loss, model.optimizer, writes_flat_gradient
        positions = {id(v): i for i, v in enumerate(self.variables)}
        # Per layer, the positions of its kernel's and bias's gradients among the variables (None: frozen).
        self.slots = [(positions.get(id(layer.kernel)), positions.get(id(layer.bias))) for layer in self.layers]
        trains = [slots != (None, None) for slots in self.slots]
        self.first = trains.index(True)  # the layers before it need no backward pass
        # As the tape: a layer computes d(loss)/d(inputs) only when an earlier layer trains.
        self.forward_steps = [(layer.kernel, layer.bias, layer._fused_activation(), any(trains[:i]))
                              for i, layer in enumerate(self.layers)]
        if writes_flat_gradient:  # gradients land straight in the optimizer's flat gradient buffer, last layer first
            views = flat.views(self.optimizer._flat[2], self.variables)
            outs = [tuple(None if i is None else views[i] for i in slots) for slots in self.slots]
            self.flat_gradient_outs = outs[self.first:][::-1]

    @classmethod
    def build(cls, model, layers):
        """The plan for `model`'s Dense chain `layers` (or None), or None where it would not compute
        what the tape computes."""
        variables = model.trainable_weights
        # A class's methods do not change: checking them here, once, is enough.
        if not layers or any(getattr(type(model), name, None) is not getattr(Trainer, name, None)
                             for name in _STEP_METHODS):
            return None
        if any(type(layer) is not Dense or layer._fused_activation() is False for layer in layers):
            return None
        dtype = np.dtype(model.dtype)
        weights = [w for layer in layers for w in (layer.kernel, layer.bias) if w is not None]
        own = {id(w) for w in weights}
        if (model.losses or not variables or len(own) != len(weights) or any(id(v) not in own for v in variables)
                or any(w.dtype != dtype for w in weights)):
            return None
        loss = model._compile_state.loss_fn
        loss = loss._compiled(dtype) if isinstance(loss, LossFunctionWrapper) else None
        if loss is None:
            return None
        constrained = any(getattr(v, "constraint", None) is not None for v in variables)
        return cls(model, layers, loss, model.optimizer._can_apply_flat_gradient(variables) and not constrained)

    def __call__(self, x, y, sample_weight):
        """Forward, loss, backward and update. Returns (loss value, predictions)."""
        backwards = []
        outputs = x
        for kernel, bias, activation, input_gradient in self.forward_steps:
            outputs, backward = ops.dense.forward(outputs, kernel.value, None if bias is None else bias.value,
                                                  activation=activation, input_gradient=input_gradient)
            backwards.append(backward)
        value, loss_backward = self.loss(y, outputs, sample_weight)
        grad = loss_backward()
        if self.writes_flat_gradient:
            for backward, out in zip(reversed(backwards), self.flat_gradient_outs):  # down to the first that trains
                grad = backward(grad, out=out)[0]
            self.optimizer._apply_flat_gradient()
        else:  # clipping, EMA, accumulation, constraints, ...: the optimizer's full apply, as the tape
            self.optimizer.apply(self._gradients(backwards, grad), self.variables)
        return value, outputs

    def _gradients(self, backwards, grad):
        """The variables' gradients, in their order, from the layers' backward passes."""
        grads = [None] * len(self.variables)
        for i in range(len(backwards) - 1, self.first - 1, -1):
            grad, kernel_grad, bias_grad = backwards[i](grad)
            self._collect(grads, i, kernel_grad, bias_grad)
        return grads

    def _collect(self, grads, i, kernel_grad, bias_grad):
        kernel_slot, bias_slot = self.slots[i]
        if kernel_slot is not None:
            grads[kernel_slot] = kernel_grad
        if bias_slot is not None:
            grads[bias_slot] = bias_grad
