"""Gradient clipping, applied before an optimizer's update (Keras's three rules).

Each function returns new arrays: the caller's gradients are never changed in place.
"""
import numpy as np


def clip_by_norm(gradient, clipnorm):
    """Rescale one gradient so that its L2 norm is at most `clipnorm`.

    ``g * c / max(||g||, c)`` (unchanged when ``||g|| <= c``).

    >>> clip_by_norm(np.array([3.0, 4.0], "float32"), 1.0)   # norm 5 -> divided by 5
    array([0.6, 0.8], dtype=float32)
    """
    norm = np.sqrt(np.sum(np.square(gradient)))
    # Multiply first, then divide: the order Keras uses, so float32 rounding agrees.
    return gradient * clipnorm / np.maximum(norm, gradient.dtype.type(clipnorm))


def global_norm(gradients):
    """``sqrt(sum over all tensors of sum(g**2))``."""
    return np.sqrt(sum(np.sum(np.square(g)) for g in gradients))


def clip_by_global_norm(gradients, clipnorm):
    """Scale all gradients by one factor so that their joint L2 norm is at most `clipnorm`.

    ``scale = c * min(1 / ||G||, 1 / c)``. A NaN or infinite norm makes every
    gradient NaN, as in Keras, so a diverged step cannot pass unnoticed.

    >>> [g.tolist() for g in clip_by_global_norm([np.array([3.0]), np.array([4.0])], 1.0)]
    [[0.6000000000000001], [0.8]]
    """
    norm = global_norm(gradients)
    with np.errstate(divide="ignore", invalid="ignore"):
        scale = clipnorm * np.minimum(1.0 / norm, 1.0 / clipnorm)
        scale = scale + (norm - norm)  # turns the scale into NaN when the norm is NaN or inf
    return [g * scale.astype(g.dtype) for g in gradients]


def clip_by_value(gradient, clipvalue):
    """Clip every element to ``[-clipvalue, clipvalue]``."""
    return np.clip(gradient, -clipvalue, clipvalue)


def clip_gradients(gradients, clipnorm=None, global_clipnorm=None, clipvalue=None):
    """Apply the first clipping rule that is set, in Keras's order of precedence."""
    if clipnorm:
        return [clip_by_norm(g, clipnorm) for g in gradients]
    if global_clipnorm:
        return clip_by_global_norm(gradients, global_clipnorm)
    if clipvalue:
        return [clip_by_value(g, clipvalue) for g in gradients]
    return gradients
