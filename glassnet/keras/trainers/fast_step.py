"""The training step without the tape, for the common case: a stack of Dense layers.

The tape rebuilds the graph on every batch; for a Sequential of Dense layers with a
built-in loss, the graph never changes, so this plan runs the very same op functions
(the fused dense op and the fused loss ops, forward and backward) in a fixed order,
writing the gradients straight into the optimizer's flat buffer. It is an exact
equivalent of the tape path — tests/keras/trainers/test_fast_step.py checks that the
two train bit for bit alike — used only where it applies; everything else takes the tape.
"""
import functools
import math

import numpy as np

from glassnet.autodiff import ops
from glassnet.keras.layers.dense import Dense
from glassnet.keras.losses import crossentropy, fused, regression
from glassnet.keras.losses.wrapper import LossFunctionWrapper
from glassnet.keras.optimizers import flat


def _loss_forward(loss):
    """The fused loss op's forward for a built-in loss with default options, else None."""
    options = dict(loss._fn_kwargs)
    from_logits = options.pop("from_logits", False)
    smoothing, axis = options.pop("label_smoothing", 0.0), options.pop("axis", -1)
    if smoothing or axis != -1 or options.pop("ignore_class", None) is not None:
        return None
    if options or loss.reduction not in ("sum_over_batch_size", "mean"):
        return None
    if loss.fn is crossentropy.binary_crossentropy:
        return (fused.binary_crossentropy_logits if from_logits else fused.binary_crossentropy_probabilities).forward
    if loss.fn in (crossentropy.categorical_crossentropy, crossentropy.sparse_categorical_crossentropy):
        return (fused.softmax_crossentropy if from_logits else fused.categorical_crossentropy_probabilities).forward
    if loss.fn is regression.mean_squared_error:
        return fused.mean_squared_error.forward
    return None


class FastTrainStep:
    """One compiled training step for `model`; :meth:`build` returns None where it does not apply."""

    def __init__(self, model, loss_forward, sparse):
        self.model = model
        self.layers = model.layers
        self.loss_forward = loss_forward
        self.sparse = sparse
        self.activations = [layer._fused_activation() for layer in self.layers]
        self.variables = model.trainable_weights
        _, _, flat_gradient = model.optimizer._flat
        views = iter(flat.views(flat_gradient, self.variables))
        # Per layer, where its (kernel, bias) gradients go.
        self.gradient_views = [(next(views), next(views) if layer.use_bias else None) for layer in self.layers]

    @classmethod
    def build(cls, model):
        loss = model._compile_state.loss_fn
        optimizer = model.optimizer
        layers = getattr(model, "_layers", None)
        if not layers or type(model).call is not _sequential_call() or not isinstance(loss, LossFunctionWrapper):
            return None
        if any(type(layer) is not Dense or layer._fused_activation() is False or layer._regularized
               or not layer.trainable for layer in layers):
            return None
        if loss._explicit_dtype is not None or not optimizer._can_apply_packed(model.trainable_weights):
            return None
        loss_forward = _loss_forward(loss)
        if loss_forward is None:
            return None
        return cls(model, loss_forward, loss.fn is crossentropy.sparse_categorical_crossentropy)

    def still_valid(self):
        """The model, its weights and the optimizer's buffers are what this plan was built for."""
        model = self.model
        return model.layers == self.layers and model.optimizer._can_apply_packed(model.trainable_weights)

    def __call__(self, x, y, sample_weight):
        """Forward, loss, backward and update. Returns (loss value, predictions)."""
        backwards = []
        outputs = x
        for i, (layer, activation) in enumerate(zip(self.layers, self.activations)):
            bias = layer.bias.value if layer.use_bias else None
            outputs, backward = ops.dense.forward(outputs, layer.kernel.value, bias, activation=activation,
                                                  input_gradient=i > 0)
            backwards.append(backward)
        per_sample, loss_backward = self.loss_forward(self._targets(y, outputs), outputs)
        loss_value, grad = self._reduce(per_sample, sample_weight)
        _, grad = loss_backward(grad)
        for backward, views in zip(reversed(backwards), reversed(self.gradient_views)):
            grad, _, _ = backward(grad, out=views)  # kernel and bias gradients land in the flat buffer
        self.model.optimizer._apply_packed()
        return loss_value, outputs

    def _targets(self, y, outputs):
        """y as the loss functions see it: one-hot for sparse labels, ranks aligned, y_pred's dtype."""
        if self.sparse:
            labels = crossentropy.sparse_labels(y, outputs)
            return crossentropy.one_hot(labels, outputs.shape[-1], -1, outputs.dtype)
        y = np.asarray(y, dtype=outputs.dtype)
        return y.reshape(outputs.shape[:-1] + (1,)) if y.ndim == outputs.ndim - 1 else y

    @staticmethod
    def _reduce(per_sample, sample_weight):
        """The mean of the (weighted) per-sample losses, and its gradient with respect to them,
        in the same arithmetic as the tape's multiply and mean ops."""
        share = _mean_gradient(per_sample.shape, per_sample.dtype)
        if sample_weight is None:
            return _mean(per_sample), share
        weights = np.asarray(sample_weight, dtype=per_sample.dtype).reshape(per_sample.shape)
        return _mean(per_sample * weights), share * weights


@functools.lru_cache(maxsize=8)
def _mean_gradient(shape, dtype):
    """d(mean)/d(each) = 1 / count, computed in the losses' dtype as the mean op does. Cached
    (one per batch shape): nothing writes into it, and it is the same array every step."""
    share = np.full(shape, np.ones((), dtype) / math.prod(shape), dtype)
    share.flags.writeable = False
    return share


def _mean(values):
    """np.mean's arithmetic (a pairwise sum, then one division) without its Python wrapper."""
    return np.add.reduce(values, axis=None) / values.size


def _sequential_call():
    from glassnet.keras.models.sequential import Sequential

    return Sequential.call
