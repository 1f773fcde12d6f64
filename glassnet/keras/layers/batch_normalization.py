"""BatchNormalization: normalize each channel by the batch's statistics while training, by
their moving averages at inference (Ioffe and Szegedy, 2015)."""
import numpy as np

from glassnet.autodiff import ops
from glassnet.autodiff.ops.normalization import moments, normalize
from glassnet.autodiff.tape import not_recording
from glassnet.keras import constraints, initializers, regularizers
from glassnet.keras import validation as check
from glassnet.keras.layers import batch_renormalization
from glassnet.keras.layers.layer import Layer


class BatchNormalization(Layer):
    """Normalizes each channel (the entries along `axis`) to zero mean and unit variance.

    While training (``training=True``, as in ``fit``) it uses the mean and the biased variance of
    the current batch, over every axis but `axis`, and folds them into its moving statistics:

        moving_mean = moving_mean * momentum + batch_mean * (1 - momentum)
        moving_variance = moving_variance * momentum + batch_variance * (1 - momentum)

    At inference (``predict``, ``evaluate``, a plain call) it uses the moving statistics instead.
    Either way the output is ``gamma * (x - mean) / sqrt(variance + epsilon) + beta``.

    With a `mask` (one entry per step, channels last; e.g. after ``Embedding(mask_zero=True)``) the
    batch statistics count only the unmasked steps, as Keras's do.

    As in Keras 3, ``layer.trainable = False`` runs the layer in inference mode even under
    ``training=True``: a frozen layer neither learns nor updates its moving statistics.

    Args:
        axis: the channels axis (an int): -1 after Dense or a channels-last Conv2D.
        momentum: how much of the moving statistics each training step keeps.
        epsilon: added to the variance before the square root.
        center: whether to learn the offset `beta`; scale: whether to learn the scale `gamma`.
        beta_initializer, gamma_initializer, moving_mean_initializer, moving_variance_initializer,
        beta_regularizer, gamma_regularizer, beta_constraint, gamma_constraint: as Dense's.
        synchronized: accepted for Keras's signature; glassnet runs in one process, so the batch
            statistics are always those of the whole batch.
        renorm: whether to use batch renormalization (Ioffe, 2017; see batch_renormalization.py),
            which adds the non-trainable weights moving_stddev, renorm_mean and renorm_stddev.
        renorm_clipping: a dict with optional keys ``'rmax'``, ``'rmin'``, ``'dmax'`` bounding the
            renorm correction; renorm_momentum: the momentum of the renorm statistics.

    Weights, in Keras's order: gamma, beta (trainable), moving_mean, moving_variance (not
    trainable), each of shape ``(input_shape[axis],)``. Input and output shapes are the same.

    >>> layer = BatchNormalization()
    >>> x = np.array([[1.0, 10.0], [3.0, 30.0]])
    >>> np.round(layer(x, training=True).numpy(), 4)   # batch statistics: mean (2, 20), variance (1, 100)
    array([[-0.9995, -1.    ],
           [ 0.9995,  1.    ]], dtype=float32)
    >>> np.round(layer.moving_mean.numpy(), 2)   # 0.99 * 0 + 0.01 * (2, 20)
    array([0.02, 0.2 ], dtype=float32)
    """

    supports_masking = True  # passes a mask on to its output, as in Keras

    def __init__(self, axis=-1, momentum=0.99, epsilon=1e-3, center=True, scale=True, beta_initializer="zeros",
                 gamma_initializer="ones", moving_mean_initializer="zeros", moving_variance_initializer="ones",
                 beta_regularizer=None, gamma_regularizer=None, beta_constraint=None, gamma_constraint=None,
                 renorm=False, renorm_clipping=None, renorm_momentum=0.99, synchronized=False, **kwargs):
        owner = "BatchNormalization"
        axis = check.integer("axis", axis, owner=owner)
        momentum = check.fraction("momentum", momentum, owner=owner)
        epsilon = check.non_negative("epsilon", epsilon, owner=owner)
        center = check.boolean("center", center, owner=owner)
        scale = check.boolean("scale", scale, owner=owner)
        synchronized = check.boolean("synchronized", synchronized, owner=owner)
        renorm = check.boolean("renorm", renorm, owner=owner)
        if renorm:
            renorm_clipping = batch_renormalization.check_clipping(renorm_clipping)
        super().__init__(**kwargs)
        self.axis, self.momentum, self.epsilon = axis, momentum, epsilon
        self.center, self.scale, self.synchronized = center, scale, synchronized
        self.renorm, self.renorm_clipping = renorm, renorm_clipping
        self.renorm_momentum = check.fraction("renorm_momentum", renorm_momentum, owner=owner)
        self.beta_initializer = initializers.get(beta_initializer)
        self.gamma_initializer = initializers.get(gamma_initializer)
        self.moving_mean_initializer = initializers.get(moving_mean_initializer)
        self.moving_variance_initializer = initializers.get(moving_variance_initializer)
        self.beta_regularizer = _optional_regularizer(beta_regularizer)
        self.gamma_regularizer = _optional_regularizer(gamma_regularizer)
        self.beta_constraint = constraints.get(beta_constraint)
        self.gamma_constraint = constraints.get(gamma_constraint)
        self.gamma = self.beta = self.moving_mean = self.moving_variance = None
        self._input_rank = None

    def build(self, input_shape):
        channels = _channels(self, input_shape)
        shape = (channels,)
        if self.scale:
            self.gamma = self.add_weight(shape=shape, name="gamma", initializer=self.gamma_initializer,
                                         regularizer=self.gamma_regularizer, constraint=self.gamma_constraint,
                                         autocast=False)
        if self.center:
            self.beta = self.add_weight(shape=shape, name="beta", initializer=self.beta_initializer,
                                        regularizer=self.beta_regularizer, constraint=self.beta_constraint,
                                        autocast=False)
        self.moving_mean = self.add_weight(shape=shape, name="moving_mean", initializer=self.moving_mean_initializer,
                                           trainable=False, autocast=False)
        self.moving_variance = self.add_weight(shape=shape, name="moving_variance", trainable=False,
                                               initializer=self.moving_variance_initializer, autocast=False)
        if self.renorm:
            batch_renormalization.add_weights(self, shape)
        self._input_rank = len(input_shape)
        self.built = True

    def call(self, inputs, training=None, mask=None):
        if inputs.dtype.kind != "f":  # integer inputs are normalized as floats, as Keras's are
            inputs = ops.cast(inputs, dtype=self.dtype)
        axis = self.axis % inputs.ndim
        gamma, beta = (None if w is None else self._broadcastable(w, inputs.ndim) for w in (self.gamma, self.beta))
        if training and self.trainable:
            reduced = tuple(a for a in range(inputs.ndim) if a != axis)
            if mask is not None:
                return self._normalize_masked(inputs, mask, gamma, beta, reduced)
            mean, variance = moments(inputs, axes=reduced)
            if self.renorm:
                return self._renormalize(inputs, mean.value, variance.value, gamma, beta, reduced)
            self._update_moving_statistics(mean, variance)
            return normalize(inputs, gamma, beta, axes=reduced, epsilon=self.epsilon,
                             mean=mean.value, variance=variance.value)
        return self._normalize_with_moving_statistics(inputs, gamma, beta)

    def _normalize_masked(self, inputs, mask, gamma, beta, reduced):
        """Training with a mask (one entry per step, e.g. from Embedding(mask_zero=True)): the batch
        statistics count only the unmasked steps, as Keras's do (``sum / (count + 1e-7)``); composed
        from ops, so the gradient flows through the masked mean and variance."""
        mask = getattr(mask, "value", mask)
        if np.ndim(mask) != inputs.ndim - 1 or self.axis % inputs.ndim != inputs.ndim - 1:
            raise ValueError(f"BatchNormalization layer '{self.name}': the mask provided should be one dimension "
                             f"less than the inputs, whose channels come last (axis=-1). Received: mask.shape="
                             f"{np.shape(mask)}, inputs.shape={tuple(inputs.shape)}, axis={self.axis}")
        weights = np.asarray(mask, dtype=inputs.dtype)[..., None]
        count = ops.sum(weights, axis=reduced, keepdims=True) + 1e-7
        mean = ops.sum(inputs * weights, axis=reduced, keepdims=True) / count
        centered = (inputs - mean) * weights
        variance = ops.sum(centered * centered, axis=reduced, keepdims=True) / count
        if self.renorm:
            gamma, beta = batch_renormalization.scale_and_offset(self, mean.value, variance.value, gamma, beta)
            batch_renormalization.update_statistics(self, mean.value, variance.value)
        else:
            self._update_moving_statistics(mean, variance)
        return _affine(inputs, mean, variance, gamma, beta, self.epsilon)

    def _renormalize(self, inputs, mean, variance, gamma, beta, reduced):
        """Batch renormalization (see batch_renormalization.py): the same fused normalization with
        the corrected scale and offset."""
        scale, offset = batch_renormalization.scale_and_offset(self, mean, variance, gamma, beta)
        batch_renormalization.update_statistics(self, mean, variance)
        return normalize(inputs, scale, offset, axes=reduced, epsilon=self.epsilon, mean=mean, variance=variance)

    def _broadcastable(self, weight, ndim):
        """`weight` shaped to broadcast along the channels axis of an input of rank `ndim`."""
        if self.axis % ndim == ndim - 1:
            return weight
        shape = [1] * ndim
        shape[self.axis % ndim] = weight.shape[0]
        return ops.reshape(weight, shape=tuple(shape))

    def _update_moving_statistics(self, mean, variance):
        with not_recording():
            for moving, batch in ((self.moving_mean, mean), (self.moving_variance, variance)):
                batch = ops.reshape(batch, shape=moving.shape)
                moving.assign(moving * self.momentum + batch * (1.0 - self.momentum))

    def _normalize_with_moving_statistics(self, inputs, gamma, beta):
        """Affine in x, so two ops over the input suffice (see _affine)."""
        mean, variance = (self._broadcastable(w, inputs.ndim) for w in (self.moving_mean, self.moving_variance))
        return _affine(inputs, mean, variance, gamma, beta, self.epsilon)

    def compute_output_shape(self, input_shape):
        _channels(self, input_shape)
        return tuple(input_shape)

    def _check_input(self, shape):
        """The rank and the number of channels the layer was built for (Keras's InputSpec)."""
        if self._input_rank is None:
            return
        channels = self.moving_mean.shape[0]
        if len(shape) != self._input_rank or shape[self.axis % len(shape)] not in (channels, None):
            raise ValueError(
                f"Input 0 of layer '{self.name}' is incompatible with the layer: it was built for inputs of rank "
                f"{self._input_rank} with {channels} channels on axis {self.axis}, but received input with shape "
                f"{tuple(shape)}."
            )

    def get_config(self):
        return {
            **super().get_config(),
            "axis": self.axis, "momentum": self.momentum, "epsilon": self.epsilon,
            "center": self.center, "scale": self.scale,
            "beta_initializer": initializers.serialize(self.beta_initializer),
            "gamma_initializer": initializers.serialize(self.gamma_initializer),
            "moving_mean_initializer": initializers.serialize(self.moving_mean_initializer),
            "moving_variance_initializer": initializers.serialize(self.moving_variance_initializer),
            "beta_regularizer": regularizers.serialize(self.beta_regularizer),
            "gamma_regularizer": regularizers.serialize(self.gamma_regularizer),
            "beta_constraint": constraints.serialize(self.beta_constraint),
            "gamma_constraint": constraints.serialize(self.gamma_constraint),
            "synchronized": self.synchronized, "renorm": self.renorm,
            "renorm_clipping": self.renorm_clipping, "renorm_momentum": self.renorm_momentum,
        }


def _affine(inputs, mean, variance, gamma, beta, epsilon):
    """Keras's ``x * inv + (beta - mean * inv)``, ``inv = gamma / sqrt(variance + epsilon)``, from ops."""
    inv = ops.divide(1.0, ops.sqrt(variance + epsilon))
    if gamma is not None:
        inv = inv * gamma
    shift = -mean * inv if beta is None else beta - mean * inv
    return inputs * inv + shift


def _optional_regularizer(regularizer):
    return None if regularizer is None else regularizers.get(regularizer)


def _channels(layer, input_shape):
    """The size of `input_shape` along the layer's axis, which must exist and be known."""
    rank = len(input_shape)
    if not -rank <= layer.axis < rank:
        raise ValueError(f"Axis {layer.axis} of layer '{layer.name}' is out of bounds for input shape "
                         f"{tuple(input_shape)}. Received: axis={layer.axis}")
    channels = input_shape[layer.axis]
    if channels is None:
        raise ValueError(f"Layer '{layer.name}' needs a known size on its axis {layer.axis}. Received input_shape="
                         f"{tuple(input_shape)}")
    return channels
