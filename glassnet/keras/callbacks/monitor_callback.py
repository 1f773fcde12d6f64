"""`MonitorCallback`: the "did the monitored value improve?" rule of EarlyStopping and friends."""
import numpy as np

from glassnet.keras import validation as check
from glassnet.keras.callbacks.callback import Callback

# Keras metrics whose better direction is up; all others below are down.
_HIGHER_IS_BETTER = {
    "accuracy", "acc", "binary_accuracy", "categorical_accuracy", "sparse_categorical_accuracy",
    "top_k_categorical_accuracy", "sparse_top_k_categorical_accuracy", "auc", "precision",
    "recall", "f1_score", "fbeta_score", "r2_score", "cosine_similarity", "true_positives",
    "true_negatives", "precision_at_recall", "recall_at_precision",
    "sensitivity_at_specificity", "specificity_at_sensitivity", "iou", "mean_iou",
}
_LOWER_IS_BETTER = {
    "loss", "mse", "mae", "mape", "msle", "mean_squared_error", "mean_absolute_error",
    "mean_absolute_percentage_error", "mean_squared_logarithmic_error",
    "root_mean_squared_error", "log_cosh_error", "logcosh", "binary_crossentropy",
    "categorical_crossentropy", "sparse_categorical_crossentropy", "hinge", "squared_hinge",
    "categorical_hinge", "kl_divergence", "kld", "poisson", "false_positives", "false_negatives",
}


class MonitorCallback(Callback):
    """Base of callbacks that watch one logged value and act when it stops improving.

    Args:
        monitor: the log key to watch, e.g. ``"val_loss"``.
        mode: ``"min"``, ``"max"``, or ``"auto"``: ``min`` for ``loss`` and
            ``val_loss`` and error metrics, ``max`` for accuracies, AUC and the
            like (a model metric's own ``_direction`` wins when it has one).
        baseline: the value to beat first; None means the first value counts.
        min_delta: the smallest change that counts as an improvement.

    Improvement: ``current + |min_delta| < best`` in min mode,
    ``current - |min_delta| > best`` in max mode.

    Example:
        >>> watcher = MonitorCallback(monitor="val_accuracy", min_delta=0.01)
        >>> watcher._set_monitor_op()
        >>> watcher._is_improvement(0.905, 0.9), watcher._is_improvement(0.92, 0.9)
        (False, True)
    """

    def __init__(self, monitor="val_loss", mode="auto", baseline=None, min_delta=0):
        super().__init__()
        owner = type(self).__name__
        self.monitor = check.string("monitor", monitor, owner=owner)
        self.mode = check.one_of("mode", mode, ("auto", "min", "max"), owner=owner)
        if baseline is not None:
            check.real("baseline", baseline, owner=owner)
        self.best = baseline
        self.min_delta = abs(check.real("min_delta", min_delta, owner=owner))
        self.monitor_op = None

    def _set_monitor_op(self):
        """Choose the comparison; delayed to the first epoch end, when the model's metrics exist."""
        mode = self.mode if self.mode != "auto" else self._auto_mode()
        self.monitor_op = np.less if mode == "min" else np.greater
        # Signed so that `value - min_delta` moves against the good direction.
        self.min_delta = -abs(self.min_delta) if mode == "min" else abs(self.min_delta)

    def _is_improvement(self, value, reference):
        if reference is None:
            return True
        return bool(self.monitor_op(value - self.min_delta, reference))

    def _auto_mode(self):
        name = self.monitor.removeprefix("val_")
        mode = _mode_from_model(self.model, name)
        if mode is None and name in _HIGHER_IS_BETTER:
            mode = "max"
        if mode is None and name in _LOWER_IS_BETTER:
            mode = "min"
        if mode is None:
            raise ValueError(
                f"{type(self).__name__} received monitor={self.monitor!r}, but cannot tell whether "
                "that metric should be maximized or minimized. Pass mode='max' to keep the "
                "highest value, or mode='min' to keep the lowest.")
        return mode


def _mode_from_model(model, name):
    """'max' or 'min' from a compiled metric's ``_direction`` ('up'/'down'), else None."""
    for metric in getattr(model, "metrics", None) or ():
        # Containers of compiled metrics hold them in their own `.metrics`.
        for inner in getattr(metric, "metrics", None) or (metric,):
            direction = getattr(inner, "_direction", None)
            if getattr(inner, "name", None) == name and direction in ("up", "down"):
                return "max" if direction == "up" else "min"
    return None
