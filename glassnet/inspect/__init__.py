"""``glassnet.inspect``: what ``fit`` does, laid open. ``explain(model)`` shows the model as the
math it computes (also ``model.explain()``); ``check_gradients(model, x, y)`` compares backprop
with finite differences, weight by weight."""
from glassnet.inspect.checks import Finding, ModelReport, check_model
from glassnet.inspect.explain import Explanation, explain
from glassnet.inspect.gradients import GradientReport, check_gradients
from glassnet.inspect.lr_find import LRFinderResult, lr_find

__all__ = ["Explanation", "Finding", "GradientReport", "LRFinderResult", "ModelReport", "check_gradients",
           "check_model", "explain", "lr_find"]
