"""Hinge metrics: running means of the margin losses (targets 0/1 or -1/1; see losses/margin.py)."""
from glassnet.keras.losses import margin
from glassnet.keras.metrics.mean import MeanMetricWrapper


class Hinge(MeanMetricWrapper):
    """The running mean of hinge: mean(max(1 - y_true * y_pred, 0)), 0/1 targets taken as -1/1.

    >>> m = Hinge()
    >>> m.update_state(np.array([[0.0, 1.0]]), np.array([[0.6, 0.4]]))
    >>> round(float(m.result()), 4)   # (max(1 + 0.6, 0) + max(1 - 0.4, 0)) / 2
    1.1
    """

    def __init__(self, name="hinge", dtype=None):
        super().__init__(margin.hinge, name=name, dtype=dtype)
        self._direction = "down"

    def get_config(self):
        return {"name": self.name, "dtype": self.dtype}


class SquaredHinge(MeanMetricWrapper):
    """The running mean of squared_hinge: mean(max(1 - y_true * y_pred, 0)^2)."""

    def __init__(self, name="squared_hinge", dtype=None):
        super().__init__(margin.squared_hinge, name=name, dtype=dtype)
        self._direction = "down"

    def get_config(self):
        return {"name": self.name, "dtype": self.dtype}


class CategoricalHinge(MeanMetricWrapper):
    """The running mean of categorical_hinge: max(max((1 - y_true) * y_pred) - sum(y_true * y_pred) + 1, 0)."""

    def __init__(self, name="categorical_hinge", dtype=None):
        super().__init__(margin.categorical_hinge, name=name, dtype=dtype)
        self._direction = "down"

    def get_config(self):
        return {"name": self.name, "dtype": self.dtype}
