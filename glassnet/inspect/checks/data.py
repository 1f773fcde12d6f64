"""Checks of the data against the model: inputs' dtype and scale, labels against the loss.

Thresholds (keyword arguments of ``check_model``):

- ``max_input_abs`` (10): inputs far outside [-1, 1] (DeepDiagnosis checks [-1, 1]; 10 leaves
  room for standardized data, whose values reach 3-5).
- ``max_feature_scale_ratio`` (100): the largest per-feature standard deviation over the
  smallest; counted only when some feature's spread exceeds 1, so scaled images whose border
  pixels barely vary do not trip it.
"""
import numpy as np

from glassnet.inspect.checks.report import Finding

_SAMPLE_ROWS = 2048

# The closed range of each bounded activation (the output can come arbitrarily near the ends).
_RANGES = {"sigmoid": (0, 1), "softmax": (0, 1), "hard_sigmoid": (0, 1), "tanh": (-1, 1), "relu": (0, np.inf),
           "relu6": (0, 6), "softplus": (0, np.inf), "exponential": (0, np.inf), "elu": (-1, np.inf)}


def inputs(facts, x, max_input_abs, max_feature_scale_ratio):
    if isinstance(x, (list, tuple, dict)):  # a model with several inputs: each is checked on its own
        parts = x.values() if isinstance(x, dict) else x
        return [finding for part in parts for finding in inputs(facts, part, max_input_abs, max_feature_scale_ratio)]
    x = np.asarray(x)
    if x.dtype.kind in "biu":
        return [Finding(
            "integer_inputs", None,
            f"x has dtype {x.dtype} (integers, range [{x.min()}, {x.max()}]): networks compute in float32, "
            "and integer data is usually unscaled codes or pixel values.",
            "convert and scale it, e.g. x = x.astype('float32') / 255 for pixels, or a Normalization() "
            "layer adapted on x.")]
    if x.dtype.kind != "f" or x.size == 0 or _normalizes_inputs(facts):
        return []
    return _scale(x.reshape(len(x), -1), max_input_abs, max_feature_scale_ratio)


def _normalizes_inputs(facts):
    return any(type(layer).__name__ == "Normalization" for layer in facts.layers)


def _scale(x, max_input_abs, max_ratio):
    low, high = float(np.nanmin(x)), float(np.nanmax(x))  # no copy of x: it may be all of MNIST
    largest = max(abs(low), abs(high))
    if largest > max_input_abs:
        return [Finding(
            "unscaled_inputs", None,
            f"x ranges over [{low:.4g}, {high:.4g}] (max |x| = {largest:.4g}, above "
            f"{max_input_abs:g}): large inputs make large pre-activations, which saturate sigmoid/tanh "
            "units and need a tiny learning rate.",
            "use a Normalization() layer (adapt it on x) as the first layer, or divide by 255 for pixels.")]
    sample = x[::max(1, len(x) // _SAMPLE_ROWS)].astype(np.float64)  # evenly spaced rows suffice for spreads
    spread = np.nanstd(sample, axis=0)
    spread = spread[spread > 0]
    if spread.size < 2 or spread.max() <= 1 or spread.max() / spread.min() <= max_ratio:
        return []
    return [Finding(
        "unscaled_inputs", None,
        f"x's features differ in scale by a factor of {spread.max() / spread.min():.3g} (standard deviations "
        f"from {spread.min():.3g} to {spread.max():.3g}, more than {max_ratio:g}x): gradient descent then "
        "zigzags along the large features and crawls along the small ones.",
        "use a Normalization() layer (adapt it on x) as the first layer, or standardize each feature.")]


def labels(facts, y):
    """The labels against the loss and the output width (None where either is unknown)."""
    y = np.asarray(y)
    if y.dtype.kind not in "biuf" or y.size == 0:
        return []
    kind, width = facts.loss_kind, facts.output_width
    if kind == "binary":
        return _binary(facts, y)
    if kind == "sparse" and width is not None:
        return _sparse(facts, y, width)
    if kind == "categorical" and width is not None:
        return _categorical(facts, y, width)
    if kind == "regression":
        return _in_output_range(facts, y)
    return []


def _binary(facts, y):
    low, high = float(y.min()), float(y.max())
    if low >= 0 and high <= 1:
        return []
    classes = np.unique(y)
    as_classes = len(classes) <= 1000 and np.all(classes == np.round(classes)) and low >= 0
    fix = (f"these look like class indices {low:g}..{high:g}: use Dense({int(high) + 1}) as the last layer "
           "with SparseCategoricalCrossentropy(from_logits=True)" if as_classes else
           "scale y into [0, 1], or use a regression loss such as MeanSquaredError")
    return [Finding(
        "labels_outside_binary_range", None,
        f"{facts.loss_name} needs labels in [0, 1] (the probability of 'yes'), but y ranges over "
        f"[{low:g}, {high:g}] ({len(classes)} distinct values).", fix + ".")]


def _sparse(facts, y, width):
    if y.ndim >= 2 and y.shape[-1] == width and width > 1:
        return [Finding(
            "one_hot_labels_with_sparse_loss", None,
            f"y has shape {y.shape}, one column per class (one-hot), but {facts.loss_name} takes one "
            "integer class index per sample.",
            "use CategoricalCrossentropy for one-hot y, or pass y.argmax(axis=-1).")]
    low, high = float(y.min()), float(y.max())
    if low >= 0 and high < width:
        return []
    return [Finding(
        "labels_exceed_output_width", facts.output_layer.name if facts.output_layer else None,
        f"{facts.loss_name} needs class indices 0..{width - 1} for the {width} output units, but y ranges "
        f"over [{low:g}, {high:g}].",
        f"give the last layer one unit per class (Dense({max(int(high) + 1, width)}) for labels "
        f"0..{max(int(high), width - 1)}), or map the labels to 0..K-1.")]


def _categorical(facts, y, width):
    columns = y.shape[-1] if y.ndim >= 2 else 1
    if columns == width:
        return []
    if columns == 1:
        return [Finding(
            "integer_labels_with_categorical_loss", None,
            f"y has one value per sample (shape {y.shape}), but {facts.loss_name} takes one-hot rows "
            f"of {width} columns, one per output unit.",
            "use SparseCategoricalCrossentropy for integer labels, or one-hot encode y "
            "(keras.utils.to_categorical).")]
    return [Finding(
        "one_hot_width_mismatch", facts.output_layer.name if facts.output_layer else None,
        f"y has {columns} columns (one-hot classes) but the model has {width} output units.",
        f"make the last layer Dense({columns}), or one-hot encode y with {width} classes.")]


def _in_output_range(facts, y):
    act = facts.output_activation
    if act not in _RANGES:
        return []
    low, high = _RANGES[act]
    y_low, y_high = float(y.min()), float(y.max())
    if low <= y_low and y_high <= high:
        return []
    return [Finding(
        "labels_outside_output_range", facts.output_layer.name,
        f"The last layer '{facts.output_layer.name}' uses {act}, whose outputs lie in "
        f"[{low:g}, {high:g}], but y ranges over [{y_low:.4g}, {y_high:.4g}]: the model cannot reach "
        "those targets.",
        "use activation='linear' on the last layer for an unbounded regression target (or scale y into "
        f"the {act} range).")]
