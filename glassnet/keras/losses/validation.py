"""Checks of the whole target array `y` against the model's output shape.

fit/evaluate call `loss.validate_targets(y, output_shape)` once, before any
training, so that mistakes which would otherwise train silently on a wrong
loss (labels 0..9 with a 3-unit output, a (n,) target broadcast against a
(n, 3) output, 0..K-1 labels given to binary_crossentropy) fail at once with
the fix in the message. Each check is a few vectorised passes over `y`.
"""
import numpy as np

from glassnet.keras.losses import crossentropy, margin, regression
from glassnet.keras.losses.alignment import aligned_shapes


def _numeric(loss_name, y):
    y = np.asarray(getattr(y, "value", y))
    if y.dtype.kind not in "biuf":
        raise TypeError(f"{loss_name} needs numeric targets. Received y of dtype {y.dtype}.")
    if y.dtype.kind == "f" and not np.all(np.isfinite(y)):
        raise ValueError(f"{loss_name}: y contains NaN or inf at index {_first(~np.isfinite(y))}.")
    if y.ndim == 0:
        raise ValueError(f"{loss_name} needs one target per sample; received a scalar y={y!r}.")
    return y


def _first(bad):
    """The index of the first True in `bad`, as a plain tuple or int."""
    index = tuple(int(i) for i in np.unravel_index(np.argmax(bad), bad.shape))
    return index[0] if len(index) == 1 else index


def _same_features(shape, output_shape):
    """True when two aligned shapes agree everywhere except the batch axis."""
    return len(shape) == len(output_shape) and all(
        a == b or b is None for a, b in zip(shape[1:], output_shape[1:], strict=True)
    )


def check_regression(loss_name, y, output_shape, **options):
    """y must line up with the output, column for column (a size-1 column may broadcast)."""
    y = _numeric(loss_name, y)
    output_shape = tuple(output_shape)
    shape, out = aligned_shapes(y.shape, output_shape)
    compatible = len(shape) == len(out) and all(
        a == b or a == 1 or b == 1 or b is None for a, b in zip(shape[1:], out[1:], strict=True)
    )
    if not compatible:
        raise ValueError(
            f"{loss_name} cannot compare y of shape {y.shape} with the model's output of shape "
            f"{output_shape}: a {_n(y.shape)} target with a {_n(output_shape)} output does not "
            f"line up. Give y one column per output unit (shape {_n(output_shape)}), or change "
            f"the last layer to match y. (Integer class labels with a softmax output need "
            f"loss='sparse_categorical_crossentropy'.)"
        )


def _n(shape):
    """'(n, 3)' for (None, 3) or (60000, 3): the batch size is not the point."""
    return "(" + ", ".join(["n"] + [str(d) for d in shape[1:]]) + (",)" if len(shape) == 1 else ")")


def check_binary(loss_name, y, output_shape, **options):
    """Same shape as the output (after (n,) vs (n, 1) alignment), values in [0, 1]."""
    y = _numeric(loss_name, y)
    output_shape = tuple(output_shape)
    shape, out = aligned_shapes(y.shape, output_shape)
    if not _same_features(shape, out):
        raise ValueError(
            f"{loss_name} needs y and the model's output to have the same shape: y has shape "
            f"{y.shape}, the output {output_shape}. For 0/1 labels use a Dense(1, "
            f"activation='sigmoid') output; for integer labels 0..K-1 with a K-unit softmax "
            f"output use loss='sparse_categorical_crossentropy'."
        )
    bad = (y < 0) | (y > 1)
    if np.any(bad):
        index = _first(bad)
        raise ValueError(
            f"{loss_name} expects targets in [0, 1] (0/1 labels or probabilities), but y "
            f"contains {y[index].item()!r} at index {index}. For class labels 0..K-1 use "
            f"loss='sparse_categorical_crossentropy' with a K-unit output; map -1/1 labels "
            f"to 0/1 with (y + 1) / 2."
        )


def check_categorical(loss_name, y, output_shape, **options):
    """One-hot (or soft) targets of exactly the output's shape."""
    y = _numeric(loss_name, y)
    output_shape = tuple(output_shape)
    if _same_features(y.shape, output_shape):
        return
    classes = output_shape[-1]
    if y.ndim == len(output_shape) - 1 or (y.shape[-1] == 1 and classes != 1):
        raise ValueError(
            f"{loss_name} expects one-hot targets of shape {_n(output_shape)} matching the "
            f"model's output {output_shape}, but y has shape {y.shape}, which looks like "
            f"integer class labels. Use loss='sparse_categorical_crossentropy' for labels "
            f"0..{classes - 1 if classes else 'K-1'}, or one-hot encode y."
        )
    raise ValueError(
        f"{loss_name} needs y and the model's output to have the same shape: y has shape "
        f"{y.shape}, the output {output_shape}. Give the last layer one unit per column of y."
    )


def check_sparse(loss_name, y, output_shape, ignore_class=None, **options):
    """Integer labels in [0, K), one per row: shape (n,) or (n, 1) for a (n, K) output."""
    y = _numeric(loss_name, y)
    output_shape = tuple(output_shape)
    labels_shape = y.shape[:-1] if y.ndim == len(output_shape) and y.shape[-1] == 1 else y.shape
    expected = output_shape[:-1]
    if len(labels_shape) != len(expected) or not _same_features(labels_shape, expected):
        raise ValueError(
            f"{loss_name} expects one integer label per sample, y of shape (n,) or (n, 1) for "
            f"the model's output {output_shape}; received y of shape {y.shape}. One-hot "
            f"targets need loss='categorical_crossentropy' (or np.argmax(y, axis=-1))."
        )
    counted = y if ignore_class is None else y[y != ignore_class]
    if y.dtype.kind == "f" and np.any(counted != np.floor(counted)):
        value = counted[counted != np.floor(counted)][0].item()
        raise ValueError(
            f"{loss_name} expects integer class labels, but y contains {value!r}. Probability "
            f"or one-hot targets need loss='categorical_crossentropy'."
        )
    _check_label_range(loss_name, counted, output_shape[-1])


def _check_label_range(loss_name, labels, classes):
    if classes is None or labels.size == 0:
        return
    low, high = labels.min(), labels.max()
    if low >= 0 and high < classes:
        return
    if high >= classes:
        fix = (f"Give the last layer one unit per class (labels 0..{int(high)} need "
               f"Dense({int(high) + 1})), or re-encode y to 0..{classes - 1}.")
        label = int(high)
    else:
        fix = f"Class labels cannot be negative: re-encode y to 0..{classes - 1}."
        label = int(low)
    raise ValueError(
        f"Invalid `y` for {loss_name}: label {label} out of range for {classes} classes: "
        f"labels must be in [0, {classes}). {fix}"
    )


# Which check belongs to which built-in loss function (the loss classes wrap these).
CHECKS = {
    crossentropy.binary_crossentropy: check_binary,
    crossentropy.categorical_crossentropy: check_categorical,
    crossentropy.sparse_categorical_crossentropy: check_sparse,
    crossentropy.kl_divergence: check_regression,
    regression.mean_squared_error: check_regression,
    regression.mean_absolute_error: check_regression,
    regression.mean_absolute_percentage_error: check_regression,
    regression.mean_squared_logarithmic_error: check_regression,
    regression.huber: check_regression,
    regression.log_cosh: check_regression,
    margin.hinge: check_regression,
    margin.squared_hinge: check_regression,
    margin.categorical_hinge: check_regression,
}
