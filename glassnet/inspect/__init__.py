"""``glassnet.inspect``: what ``fit`` does, laid open. ``explain(model)`` shows the model as the
math it computes (also ``model.explain()``); ``check_gradients(model, x, y)`` compares backprop
with finite differences, weight by weight."""
from glassnet.inspect.diagnostics import Diagnostics, TrainingWarning
from glassnet.inspect.explain import Explanation, explain
from glassnet.inspect.gradients import GradientReport, check_gradients

__all__ = ["Diagnostics", "Explanation", "GradientReport", "TrainingWarning", "check_gradients", "explain"]
