"""The hinge loss classes: a function from margin.py as a Loss object."""
from glassnet.keras.losses.wrapper import BuiltinLoss
from glassnet.keras.losses.margin import categorical_hinge, hinge, squared_hinge


class Hinge(BuiltinLoss):
    """mean(max(1 - t * y_pred, 0)) per sample, targets t in {-1, 1} (0/1 converted)."""

    def __init__(self, reduction="sum_over_batch_size", name="hinge", dtype=None):
        super().__init__(hinge, reduction, name, dtype)


class SquaredHinge(BuiltinLoss):
    """mean(max(1 - t * y_pred, 0)^2) per sample, targets t in {-1, 1} (0/1 converted)."""

    def __init__(self, reduction="sum_over_batch_size", name="squared_hinge", dtype=None):
        super().__init__(squared_hinge, reduction, name, dtype)


class CategoricalHinge(BuiltinLoss):
    """max(max_wrong - right + 1, 0) per sample, for one-hot targets."""

    def __init__(self, reduction="sum_over_batch_size", name="categorical_hinge", dtype=None):
        super().__init__(categorical_hinge, reduction, name, dtype)
