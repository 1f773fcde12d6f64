"""Symptoms read from the model's outputs on the sample, against its loss and its labels."""
import numpy as np

from glassnet.inspect.diagnosis.findings import Finding

_CATEGORICAL = ("categorical_crossentropy", "sparse_categorical_crossentropy")
_REGRESSION = ("mean_squared_error", "mean_absolute_error", "huber_loss", "log_cosh",
               "mean_squared_logarithmic_error", "mean_absolute_percentage_error")
# The closed range of each bounded output activation.
_RANGES = {"sigmoid": (0.0, 1.0), "softmax": (0.0, 1.0), "tanh": (-1.0, 1.0), "relu": (0.0, np.inf),
           "relu6": (0.0, 6.0), "softplus": (0.0, np.inf), "elu": (-1.0, np.inf)}


class LossInfo:
    """The compiled loss as the checks need it: its name and whether it takes logits."""

    def __init__(self, model):
        state = getattr(model, "_compile_state", None)
        loss = None if state is None else state.loss_fn
        self.name = getattr(loss, "name", None)
        self.from_logits = bool(getattr(loss, "_fn_kwargs", {}).get("from_logits", False))

    @property
    def wants_probabilities(self):
        return self.name in _CATEGORICAL and not self.from_logits


def row_sums(y_pred, loss, th):
    """AUTOTRAINER: a categorical loss reads each output row as probabilities summing to 1."""
    if not loss.wants_probabilities or np.ndim(y_pred) < 2:
        return []
    sums = np.sum(y_pred, axis=-1)
    if np.max(sums) <= th["output_sum_max"]:
        return []
    return [Finding("output_sums", f"{loss.name} reads each output row as probabilities summing to 1, but rows "
                    f"sum to up to {np.max(sums):.3g} (limit {th['output_sum_max']:g}): the output layer does not "
                    "produce a distribution, so the loss and its gradient are wrong.",
                    "give the last layer activation='softmax', or leave it linear and compile with "
                    f"{_class_name(loss.name)}(from_logits=True).")]


def label_range(y_pred, y, activation, loss, th):
    """DeepDiagnosis's out-of-range check: labels the output activation cannot reach, or a
    linear output spanning far more than the labels do."""
    if y is None or loss.name == "sparse_categorical_crossentropy" or loss.from_logits:
        return []  # class indices, or logits: neither is on the labels' scale
    y = np.asarray(y, dtype=np.float64)
    low, high = float(np.min(y)), float(np.max(y))
    if activation in _RANGES:
        reach = _RANGES[activation]
        if low < reach[0] or high > reach[1]:
            return [Finding("output_range", f"the labels run from {low:.4g} to {high:.4g}, but the last layer's "
                            f"{activation} can only output values in [{reach[0]:g}, {reach[1]:g}]: the model can "
                            "never match them.", _range_fix(activation, loss))]
        return []
    if loss.name in _REGRESSION and activation in (None, "linear"):
        return _span(np.asarray(y_pred, dtype=np.float64), low, high, th)
    return []


def _span(y_pred, low, high, th):
    span, label_span = float(np.ptp(y_pred)), high - low
    if label_span <= 0 or span <= th["output_span_factor"] * label_span:
        return []
    return [Finding("output_range", f"the outputs span {span:.4g} ({np.min(y_pred):.4g} to {np.max(y_pred):.4g}), "
                    f"more than {th['output_span_factor']:g} times the labels' span {label_span:.4g} "
                    f"({low:.4g} to {high:.4g}).",
                    "scale the inputs (and the targets), and lower the learning rate.")]


def _range_fix(activation, loss):
    if loss.name == "binary_crossentropy":
        return ("binary_crossentropy needs labels 0 or 1: for integer classes 0..K-1 use K output units with "
                "activation='softmax' and SparseCategoricalCrossentropy.")
    return (f"pick an output activation whose range holds the labels (linear for any real value), or scale the "
            f"labels into the {activation}'s range.")


def _class_name(loss_name):
    return "".join(part.capitalize() for part in loss_name.split("_"))
