"""Checks of the targets y against the predictions' shape, one per kind of loss.

Each check runs in two places, with the same code:

- fit/evaluate call `loss.validate_targets(y, output_shape)` once on the whole
  `y`, before training (the batch axis of `output_shape` is None);
- every built-in loss function calls `check_targets` on its own concrete
  arguments, so a loss called in a GradientTape loop fails as fit would.

They catch the mistakes that would otherwise train silently on a wrong loss
(labels 0..9 with a 3-unit output, a (n,) target broadcast against a (n, 3)
output, 0..K-1 labels given to binary_crossentropy), each with the fix in the
message. Each is a few vectorised passes over `y`.
"""
import numbers
from typing import NamedTuple

import numpy as np

from glassnet.keras import validation as check
from glassnet.keras.keras_tensor import KerasTensor
from glassnet.keras.losses.alignment import aligned_shapes


class Names(NamedTuple):
    """What the messages call the targets and the predictions (in full, and after a comma)."""
    target: str
    output: str
    short_output: str


FIT = Names("y", "the model's output", "the output")
CALL = Names("y_true", "y_pred", "y_pred")
LOGITS = Names("labels", "logits", "logits")  # tf.nn's argument names


def check_targets(check_fn, loss_name, y_true, y_pred, names=CALL, **options):
    """Run `check_fn` on a loss function's own arguments, where they hold values.

    Symbolic tensors (KerasTensor) have no values to check and pass.
    """
    if isinstance(y_true, KerasTensor) or isinstance(y_pred, KerasTensor):
        return
    check_fn(loss_name, y_true, np.shape(getattr(y_pred, "value", y_pred)), names=names, **options)


def _numeric(loss_name, y, names):
    y = np.asarray(getattr(y, "value", y))
    if y.dtype.kind not in "biuf":
        raise TypeError(f"{loss_name} needs numeric targets. Received {names.target} of dtype {y.dtype}.")
    if y.dtype.kind == "f" and not np.isfinite(y).all():
        raise ValueError(f"{loss_name}: {names.target} contains NaN or inf at index {_first(~np.isfinite(y))}.")
    return y


def _per_sample(loss_name, y, names):
    """`y` as a numeric array of at least one axis (one target per sample)."""
    y = _numeric(loss_name, y, names)
    if y.ndim == 0:
        raise ValueError(
            f"{loss_name} needs one target per sample; received a scalar {names.target}={y!r}.")
    return y


def _first(bad):
    """The index of the first True in `bad`, as a plain tuple or int."""
    index = tuple(int(i) for i in np.unravel_index(np.argmax(bad), bad.shape))
    return index[0] if len(index) == 1 else index


def _same_shape(shape, output_shape):
    """True when two aligned shapes agree on every axis (None, fit's batch axis, matches any size)."""
    return len(shape) == len(output_shape) and all(
        a == b or b is None for a, b in zip(shape, output_shape, strict=True)
    )


def _check_axis(loss_name, axis, output_shape, names):
    """`axis` must name an axis of the predictions: an integer in [-rank, rank)."""
    rank = len(output_shape)
    if isinstance(axis, bool) or not isinstance(axis, numbers.Integral) or not -rank <= axis < rank:
        expected = f"an integer in [{-rank}, {rank}), an axis of {names.output} of shape {output_shape}"
        check.fail("axis", axis, expected, owner=loss_name)


def check_regression(loss_name, y, output_shape, names=FIT, **options):
    """y must line up with the output, column for column (a size-1 axis may broadcast)."""
    y = _per_sample(loss_name, y, names)
    output_shape = tuple(output_shape)
    shape, out = aligned_shapes(y.shape, output_shape)
    if len(shape) == len(out) and all(a == b or a == 1 or b == 1 or b is None for a, b in zip(shape, out)):
        return
    t, o, _ = names
    if len(shape) == len(out) and all(a == b or a == 1 or b == 1 for a, b in zip(shape[1:], out[1:])):
        raise ValueError(
            f"{loss_name} needs one target per prediction: {t} has shape {y.shape}, "
            f"{names.short_output} {output_shape} ({shape[0]} rows against {out[0]})."
        )
    raise ValueError(
        f"{loss_name} cannot compare {t} of shape {y.shape} with {o} of shape {output_shape}: "
        f"a {_n(y.shape)} target with a {_n(output_shape)} output does not line up. Give {t} one "
        f"column per output unit (shape {_n(output_shape)}), or change the last layer to match "
        f"{t}. (Integer class labels with a softmax output need "
        f"loss='sparse_categorical_crossentropy'.)"
    )


def _n(shape):
    """'(n, 3)' for (None, 3) or (60000, 3): the batch size is not the point."""
    return "(" + ", ".join(["n"] + [str(d) for d in shape[1:]]) + (",)" if len(shape) == 1 else ")")


def check_binary(loss_name, y, output_shape, names=FIT, axis=-1, **options):
    """Same shape as the output (after (n,) vs (n, 1) alignment), values in [0, 1]."""
    y = _per_sample(loss_name, y, names)
    output_shape = tuple(output_shape)
    _check_axis(loss_name, axis, output_shape, names)
    if not _same_shape(*aligned_shapes(y.shape, output_shape)):
        raise _not_same_shape(
            loss_name, y.shape, output_shape, names,
            "For 0/1 labels use a Dense(1, activation='sigmoid') output; for integer labels 0..K-1 "
            "with a K-unit softmax output use loss='sparse_categorical_crossentropy'.",
        )
    _check_unit_interval(loss_name, y, names)


def check_probabilities(loss_name, y, names=FIT):
    """Targets that are 0/1 labels or probabilities, of any shape: numbers in [0, 1]."""
    _check_unit_interval(loss_name, _numeric(loss_name, y, names), names)


def _check_unit_interval(loss_name, y, names):
    """Whole numbers outside [0, 1] are class labels given to a 0/1 loss: refused. Fractions just
    outside it are label noise, which Keras's own GAN example adds on purpose
    (``labels += 0.05 * uniform``): accepted, as Keras computes them."""
    if y.size and (y.min() < 0 or y.max() > 1):  # two reductions: cheaper than a mask on every batch
        bad = ((y < 0) | (y > 1)) & (y == np.round(y))
        if not bad.any():
            return
        index = _first(bad) if y.ndim else ()
        where = f" at index {index}" if y.ndim else ""
        raise ValueError(
            f"{loss_name} expects targets in [0, 1] (0/1 labels or probabilities), but "
            f"{names.target} contains {y[index].item()!r}{where}. For class labels "
            f"0..K-1 use loss='sparse_categorical_crossentropy' with a K-unit output; map -1/1 "
            f"labels to 0/1 with (y + 1) / 2."
        )


def check_categorical(loss_name, y, output_shape, names=FIT, axis=-1, **options):
    """One-hot (or soft) targets of exactly the output's shape."""
    y = _per_sample(loss_name, y, names)
    output_shape = tuple(output_shape)
    _check_axis(loss_name, axis, output_shape, names)
    if _same_shape(y.shape, output_shape):
        return
    t, o, _ = names
    classes = output_shape[-1]
    if y.ndim == len(output_shape) - 1 or (y.shape[-1] == 1 and classes != 1):
        raise ValueError(
            f"{loss_name} expects one-hot targets of the same shape as {o}, {_n(output_shape)}, "
            f"but {t} has shape {y.shape}, which looks like integer class labels. Use "
            f"loss='sparse_categorical_crossentropy' for labels "
            f"0..{classes - 1 if classes else 'K-1'}, or one-hot encode {t}."
        )
    raise _not_same_shape(loss_name, y.shape, output_shape, names,
                          f"Give the last layer one unit per column of {t}.")


def _not_same_shape(loss_name, y_shape, output_shape, names, fix):
    t, o, short_output = names
    return ValueError(
        f"{loss_name} needs {t} and {o} to have the same shape: {t} has shape {y_shape}, "
        f"{short_output} {output_shape}. {fix}"
    )


def check_sparse(loss_name, y, output_shape, names=FIT, ignore_class=None, axis=-1, **options):
    """Integer labels in [0, K), one per row: shape (n,) or (n, 1) for a (n, K) output
    (and a single label for a single (K,) row, as Keras allows)."""
    y = _numeric(loss_name, y, names)
    output_shape = tuple(output_shape)
    _check_axis(loss_name, axis, output_shape, names)
    t, o, _ = names
    labels_shape = y.shape[:-1] if y.ndim == len(output_shape) and y.shape[-1] == 1 else y.shape
    if not _same_shape(labels_shape, output_shape[:-1]):
        raise ValueError(
            f"{loss_name} expects one integer label per row of {o}: {t} of shape (n,) or (n, 1) "
            f"for {o} of shape {output_shape}; received {t} of shape {y.shape}. One-hot "
            f"targets need loss='categorical_crossentropy' (or np.argmax(y, axis=-1))."
        )
    counted = y if ignore_class is None else y[y != ignore_class]
    if y.dtype.kind == "f" and (counted != np.floor(counted)).any():
        value = counted[counted != np.floor(counted)][0].item()
        raise ValueError(
            f"{loss_name} expects integer class labels, but {t} contains {value!r}. Probability "
            f"or one-hot targets need loss='categorical_crossentropy'."
        )
    _check_label_range(loss_name, counted, output_shape[-1], t)


def _check_label_range(loss_name, labels, classes, target):
    if classes is None or labels.size == 0:
        return
    low, high = labels.min(), labels.max()
    if low >= 0 and high < classes:
        return
    if high >= classes:
        fix = (f"Give the last layer one unit per class (labels 0..{int(high)} need "
               f"Dense({int(high) + 1})), or re-encode {target} to 0..{classes - 1}.")
        label = int(high)
    else:
        fix = f"Class labels cannot be negative: re-encode {target} to 0..{classes - 1}."
        label = int(low)
    raise ValueError(
        f"Invalid `{target}` for {loss_name}: label {label} out of range for {classes} classes: "
        f"labels must be in [0, {classes}). {fix}"
    )


def checked_by(check):
    """Mark a built-in loss function with the check of its targets (one of the above): fit and
    evaluate run it once on the whole y before training (LossFunctionWrapper.validate_targets),
    and the function runs it on every call."""
    def mark(fn):
        fn.target_check = check
        return fn
    return mark


def sparse_labels(y_true, y_pred):
    """Integer labels of shape y_pred.shape[:-1], from (n,) or (n, 1) targets that
    `check_sparse` has accepted."""
    labels = np.asarray(getattr(y_true, "value", y_true))
    if labels.ndim == len(y_pred.shape) and labels.shape[-1] == 1:
        labels = labels[..., 0]
    return labels.astype(np.int32)


def one_hot(labels, classes, axis=-1, dtype="float32"):
    """Integer `labels` as one-hot rows; labels outside [0, classes) give all-zero rows."""
    encoded = (np.asarray(labels)[..., None] == np.arange(classes)).astype(dtype)
    return encoded if axis == -1 else np.moveaxis(encoded, -1, axis)
