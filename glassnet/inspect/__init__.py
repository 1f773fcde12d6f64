"""``glassnet.inspect``: what ``fit`` does, laid open. ``explain(model)`` shows the model as the
math it computes (also ``model.explain()``)."""
from glassnet.inspect.explain import Explanation, explain

__all__ = ["Explanation", "explain"]
