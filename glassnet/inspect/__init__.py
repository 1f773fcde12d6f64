"""``glassnet.inspect``: what ``fit`` does, laid open.

- ``explain(model)`` (also ``model.explain()``): the model as the math it computes;
- ``step(model, x, y)``: one training step laid open: each layer's inputs, pre-activation,
  output, gradients and update, the very arrays fit uses;
- ``check_gradients(model, x, y)``: backprop against finite differences, weight by weight;
- ``check_model(model, x, y)``: the mistakes visible before training (a loss that does not fit
  the output, unscaled inputs, a learning rate out of range, ...);
- ``lr_find(model, x, y)``: the learning-rate range test, on a copy of the model;
- ``Diagnostics()``: a callback that watches fit from the inside and warns (``TrainingWarning``)
  about training failures: vanishing or exploding gradients, saturated or dead units, a loss
  that is NaN, does not decrease, oscillates or overfits.
"""
from glassnet.inspect.checks import Finding, ModelReport, check_model
from glassnet.inspect.diagnostics import Diagnostics, TrainingWarning
from glassnet.inspect.explain import Explanation, explain
from glassnet.inspect.gradients import GradientReport, check_gradients
from glassnet.inspect.lr_find import LRFinderResult, lr_find
from glassnet.inspect.trace import LayerTrace, Trace, step

__all__ = ["Diagnostics", "Explanation", "Finding", "GradientReport", "LRFinderResult", "LayerTrace", "ModelReport",
           "Trace", "TrainingWarning", "check_gradients", "check_model", "explain", "lr_find", "step"]
