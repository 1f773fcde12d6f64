"""Models: ``glassnet.keras.models.Sequential`` and ``Model``."""
from glassnet.keras.models.model import Model
from glassnet.keras.models.sequential import Sequential

__all__ = ["Model", "Sequential"]
