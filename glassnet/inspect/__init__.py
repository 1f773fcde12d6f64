"""``glassnet.inspect``: what ``fit`` does, laid open. ``explain(model)`` shows the model as the
math it computes (also ``model.explain()``); ``check_gradients(model, x, y)`` compares backprop
with finite differences, weight by weight; ``step(model, x, y)`` runs one training step and
returns it laid open: every layer's inputs, pre-activation, output, gradients and update.
``Diagnostics()`` is a callback that watches fit and warns about training failures."""
from glassnet.inspect.diagnostics import Diagnostics, TrainingWarning
from glassnet.inspect.explain import Explanation, explain
from glassnet.inspect.gradients import GradientReport, check_gradients
from glassnet.inspect.trace import LayerTrace, Trace, step

__all__ = ["Diagnostics", "Explanation", "GradientReport", "LayerTrace", "Trace", "TrainingWarning",
           "check_gradients", "explain", "step"]
