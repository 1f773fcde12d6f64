"""``tf.nn``: neural-network functions under TensorFlow's names and argument names.

Inputs may be NumPy arrays, lists or Tensors; results are Tensors built from the
autodiff ops, so they are differentiable. Where TensorFlow's function is Keras's
activation with the same arguments, it is the very same object
(``glassnet.nn.sigmoid is glassnet.keras.activations.sigmoid``). The ``name``
arguments are accepted for compatibility and ignored.

>>> import glassnet as tf
>>> tf.nn.softmax([[1.0, 1.0]]).numpy()
array([[0.5, 0.5]], dtype=float32)
"""
import numpy as np

from glassnet import tensor_args as args
from glassnet.array_ops import top_k  # noqa: F401 - tf.nn.top_k is tf.math.top_k
from glassnet.autodiff import convert_to_tensor, ops
from glassnet.distribute.losses import compute_average_loss, scale_regularization_loss  # noqa: F401
from glassnet.keras import activations
from glassnet.missing import attribute_error as _attribute_error
from glassnet.keras.losses import targets
from glassnet.keras.op_dispatch import dispatch_module as _dispatch_module

sigmoid = activations.sigmoid
tanh = activations.tanh


def relu(features, name=None):
    """``max(features, 0)``."""
    return activations.relu(features)


def relu6(features, name=None):
    """``min(max(features, 0), 6)``."""
    return activations.relu6(features)


def dropout(x, rate, noise_shape=None, seed=None, name=None):
    """Zeroes each entry with probability `rate` and scales the rest by ``1 / (1 - rate)``."""
    from glassnet.keras import random

    return random.dropout(x, rate, noise_shape=noise_shape, seed=seed)


def leaky_relu(features, alpha=0.2, name=None):
    """``features`` where ``features >= 0``, else ``alpha * features``."""
    return activations.leaky_relu(features, negative_slope=alpha)


def elu(features, name=None):
    """``features`` where positive, else ``exp(features) - 1``."""
    return activations.elu(features)


def selu(features, name=None):
    """``1.0507 * elu(features, alpha=1.6733)``."""
    return activations.selu(features)


def softplus(features, name=None):
    """``log(1 + exp(features))``, computed without overflow."""
    return activations.softplus(features)


def softsign(features, name=None):
    """``features / (1 + |features|)``."""
    return activations.softsign(features)


def gelu(features, approximate=False, name=None):
    """Exact ``0.5 x (1 + erf(x / sqrt 2))``, or the tanh approximation."""
    return activations.gelu(features, approximate=approximate)


def silu(features, beta=1.0, name=None):
    """``features * sigmoid(beta * features)``; also called swish."""
    features = convert_to_tensor(features)
    return features * ops.sigmoid(beta * features)


swish = silu


def softmax(logits, axis=None, name=None):
    """``exp(logits) / sum(exp(logits))`` along `axis` (None means the last axis)."""
    return activations.softmax(logits, axis=-1 if axis is None else axis)


def log_softmax(logits, axis=None, name=None):
    """``logits - log(sum(exp(logits)))`` along `axis` (None means the last axis)."""
    return activations.log_softmax(logits, axis=-1 if axis is None else axis)


def _labels_and_logits(labels, logits, function):
    """Float logits and labels of the same dtype and shape, or a ValueError naming `function`."""
    if labels is None or logits is None:
        raise ValueError(f"{function} needs both `labels` and `logits`. Received: labels={labels!r}, logits={logits!r}")
    logits = convert_to_tensor(logits)
    if not np.issubdtype(logits.dtype, np.floating):
        logits = ops.cast(logits, dtype="float32")
    labels = convert_to_tensor(labels)
    if labels.shape != logits.shape:
        raise ValueError(
            f"{function}: `labels` and `logits` must have the same shape. "
            f"Received: labels.shape={tuple(labels.shape)}, logits.shape={tuple(logits.shape)}"
        )
    # Labels take the logits' dtype, so float64 or int labels never upcast float32 work.
    return (labels if labels.dtype == logits.dtype else ops.cast(labels, dtype=logits.dtype)), logits


def sigmoid_cross_entropy_with_logits(labels=None, logits=None, name=None):
    """Elementwise binary cross-entropy from logits ``x`` and labels ``z``.

    Formula: ``z * -log(sigmoid(x)) + (1 - z) * -log(1 - sigmoid(x))``, computed as
    ``softplus(x) - x * z`` (TensorFlow's ``max(x, 0) - x z + log(1 + exp(-|x|))``),
    which neither overflows nor takes log(0).

    Args:
        labels, logits: arrays of the same shape. Output: that shape.

    >>> float(sigmoid_cross_entropy_with_logits(labels=[1.0], logits=[0.0])[0])  # log 2
    0.6931471824645996
    """
    labels, logits = _labels_and_logits(labels, logits, "sigmoid_cross_entropy_with_logits")
    targets.check_probabilities("sigmoid_cross_entropy_with_logits", labels, names=targets.LOGITS)
    return ops.softplus(logits) - logits * labels


def softmax_cross_entropy_with_logits(labels, logits, axis=-1, name=None):
    """Cross-entropy between a distribution `labels` and ``softmax(logits)`` along `axis`.

    Formula: ``-sum(labels * log_softmax(logits), axis)``.

    Args:
        labels, logits: arrays of the same shape, e.g. (batch, classes). Output: the
            shape with `axis` removed, e.g. (batch,).

    >>> float(softmax_cross_entropy_with_logits([[0.0, 1.0]], [[0.0, 0.0]])[0])  # log 2
    0.6931471824645996
    """
    labels, logits = _labels_and_logits(labels, logits, "softmax_cross_entropy_with_logits")
    targets.check_targets(targets.check_categorical, "softmax_cross_entropy_with_logits", labels, logits,
                          names=targets.LOGITS, axis=axis)
    return -ops.sum(labels * ops.log_softmax(logits, axis=axis), axis=axis)


def l2_normalize(x, axis=None, epsilon=1e-12, name=None):
    """``x / sqrt(max(sum(x**2, axis), epsilon))``: unit L2 norm along `axis` (None: all axes).

    >>> l2_normalize([3.0, 4.0]).numpy()
    array([0.6, 0.8], dtype=float32)
    """
    x = convert_to_tensor(x)
    axis = args.axis("axis", axis, x.ndim, "l2_normalize")
    square_sum = ops.sum(ops.square(x), axis=axis, keepdims=True)
    return x / ops.sqrt(ops.maximum(square_sum, epsilon))


# On KerasTensors, each function records a TFOpLambda layer.
_dispatch_module(globals(), "tf.nn", names={"l2_normalize": "tf.math.l2_normalize"})


__getattr__ = _attribute_error(__name__, "tf.nn")
