"""LayerNormalization: normalize each sample over its feature axes (Ba et al., 2016)."""
import warnings

from glassnet.autodiff import ops
from glassnet.autodiff.ops.normalization import normalize
from glassnet.keras import constraints, initializers, regularizers
from glassnet.keras import validation as check
from glassnet.keras.layers.layer import Layer

_RMS_SCALING_WARNING = (
    "You passed `rms_scaling=True`, which is deprecated. This argument incorrectly scales the input by the "
    "variance, not the root mean square. To correctly use RMS Normalization, please use "
    "`keras.layers.RMSNormalization` instead."
)


class LayerNormalization(Layer):
    """Normalizes each sample over `axis`, independently of the rest of the batch: the same in
    training and at inference.

    Computes Keras 3's ``x * inv + (beta - mean * inv)`` with ``inv = gamma / sqrt(variance + epsilon)``,
    the mean and the biased variance taken over `axis` for each sample; that is
    ``gamma * (x - mean) / sqrt(variance + epsilon) + beta``.

    Args:
        axis: an int or a list of ints, the axes to normalize over (-1: the features).
        epsilon: added to the variance before the square root.
        center: whether to learn the offset `beta`; scale: whether to learn the scale `gamma`.
        beta_initializer, gamma_initializer, beta_regularizer, gamma_regularizer, beta_constraint,
        gamma_constraint: as Dense's.
        rms_scaling: Keras's deprecated option (it warns): ``x / sqrt(variance + epsilon) * gamma``,
            no centering and no `beta`.

    Weights: gamma then beta, each of shape ``tuple(input_shape[a] for a in sorted(axis))``.
    Input and output shapes are the same.

    >>> layer = LayerNormalization()
    >>> np.round(layer(np.array([[1.0, 2.0, 3.0]])).numpy(), 4)   # mean 2, variance 2/3
    array([[-1.2238,  0.    ,  1.2238]], dtype=float32)
    """

    supports_masking = True  # passes a mask on to its output, as in Keras

    def __init__(self, axis=-1, epsilon=1e-3, center=True, scale=True, beta_initializer="zeros",
                 gamma_initializer="ones", beta_regularizer=None, gamma_regularizer=None, beta_constraint=None,
                 gamma_constraint=None, **kwargs):
        rms_scaling = check.boolean("rms_scaling", kwargs.pop("rms_scaling", False), owner="LayerNormalization")
        if rms_scaling:
            warnings.warn(_RMS_SCALING_WARNING, UserWarning, stacklevel=2)
        super().__init__(**kwargs)
        self.axis = _axis(axis)
        self.epsilon = check.non_negative("epsilon", epsilon, owner="LayerNormalization")
        self.center = check.boolean("center", center, owner="LayerNormalization")
        self.scale = check.boolean("scale", scale, owner="LayerNormalization")
        self.rms_scaling = rms_scaling
        self.beta_initializer = initializers.get(beta_initializer)
        self.gamma_initializer = initializers.get(gamma_initializer)
        self.beta_regularizer = None if beta_regularizer is None else regularizers.get(beta_regularizer)
        self.gamma_regularizer = None if gamma_regularizer is None else regularizers.get(gamma_regularizer)
        self.beta_constraint = constraints.get(beta_constraint)
        self.gamma_constraint = constraints.get(gamma_constraint)
        self.autocast = False  # as Keras: a float64 input is normalized in float64, then cast
        self.gamma = self.beta = None

    def build(self, input_shape):
        _check_axes(self, input_shape)
        self.axis = sorted(self.axis) if isinstance(self.axis, list) else [self.axis]  # Keras keeps the list
        shape = tuple(input_shape[a] for a in self.axis)
        if None in shape:
            raise ValueError(f"Layer '{self.name}' needs known sizes on its axes {self.axis}. Received input_shape="
                             f"{tuple(input_shape)}")
        if self.scale or self.rms_scaling:
            self.gamma = self.add_weight(shape=shape, name="gamma", initializer=self.gamma_initializer,
                                         regularizer=self.gamma_regularizer, constraint=self.gamma_constraint,
                                         autocast=False)
        if self.center and not self.rms_scaling:
            self.beta = self.add_weight(shape=shape, name="beta", initializer=self.beta_initializer,
                                        regularizer=self.beta_regularizer, constraint=self.beta_constraint,
                                        autocast=False)
        self.built = True

    def call(self, inputs):
        if inputs.dtype.kind != "f":
            inputs = ops.cast(inputs, dtype=self.dtype)
        ndim = inputs.ndim
        axes = tuple(a % ndim for a in self.axis)
        gamma, beta = (None if w is None else self._broadcastable(w, inputs.shape) for w in (self.gamma, self.beta))
        if self.rms_scaling:
            centered = inputs - ops.mean(inputs, axis=axes, keepdims=True)
            variance = ops.mean(centered * centered, axis=axes, keepdims=True)
            outputs = inputs * ops.divide(1.0, ops.sqrt(variance + self.epsilon))
            outputs = outputs if gamma is None else outputs * gamma
        else:
            outputs = normalize(inputs, gamma, beta, axes=axes, epsilon=self.epsilon)
        return outputs if outputs.dtype == self.dtype else ops.cast(outputs, dtype=self.dtype)

    def _broadcastable(self, weight, input_shape):
        """`weight` reshaped as Keras reshapes it: to the input's rank, its sizes on `axis`
        (kept as one vector when `axis` is the last axis alone)."""
        ndim = len(input_shape)
        if weight.ndim == ndim or self.axis == [ndim - 1]:
            return weight
        shape = [1] * ndim
        for a in self.axis:
            shape[a] = input_shape[a]
        return ops.reshape(weight, shape=tuple(shape))

    def compute_output_shape(self, input_shape):
        _check_axes(self, input_shape)
        return tuple(input_shape)

    def _check_input(self, shape):
        if self.gamma is None and self.beta is None:
            return
        weight = self.gamma if self.gamma is not None else self.beta
        axes = self.axis if all(-len(shape) <= a < len(shape) for a in self.axis) else None
        if axes is None or tuple(shape[a] for a in axes) != tuple(weight.shape):
            raise ValueError(
                f"Input 0 of layer '{self.name}' is incompatible with the layer: it was built for sizes "
                f"{tuple(weight.shape)} on axes {self.axis}, but received input with shape {tuple(shape)}."
            )

    def get_config(self):
        return {
            **super().get_config(),
            "axis": self.axis, "epsilon": self.epsilon, "center": self.center, "scale": self.scale,
            "rms_scaling": self.rms_scaling,
            "beta_initializer": initializers.serialize(self.beta_initializer),
            "gamma_initializer": initializers.serialize(self.gamma_initializer),
            "beta_regularizer": regularizers.serialize(self.beta_regularizer),
            "gamma_regularizer": regularizers.serialize(self.gamma_regularizer),
            "beta_constraint": constraints.serialize(self.beta_constraint),
            "gamma_constraint": constraints.serialize(self.gamma_constraint),
        }


def _axis(axis):
    if isinstance(axis, (list, tuple)) and all(check.is_real(a) and int(a) == a for a in axis):
        return [int(a) for a in axis]
    if isinstance(axis, int) and not isinstance(axis, bool):
        return axis
    raise TypeError(f"Invalid `axis` for LayerNormalization: expected an int or a list/tuple of ints. "
                    f"Received: axis={axis!r}")


def _check_axes(layer, input_shape):
    rank = len(input_shape)
    for a in layer.axis if isinstance(layer.axis, list) else [layer.axis]:
        if not -rank <= a < rank:
            raise ValueError(f"Axis {a} of layer '{layer.name}' is out of bounds for input shape "
                             f"{tuple(input_shape)}. Received: axis={layer.axis}")
