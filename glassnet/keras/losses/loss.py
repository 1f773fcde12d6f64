"""The Loss base class: the pipeline every loss object runs.

    loss(y_true, y_pred, sample_weight)
      1. cast both to the loss dtype (both stay differentiable, as in Keras: a y_true
         the tape tracks gets its gradient too)
      2. per-sample losses   l = self.call(y_true, y_pred), which must be numbers,
                             one per sample or a scalar (see results.py)
      3. weight and reduce   (see reduction.py)

Subclasses implement `call`; `validate_targets` lets fit check the whole `y`
once, before training, and fail with a message instead of a silent wrong loss.
The built-in loss functions run the same checks on their own arguments at every
call (see targets.py), so a loss called in a GradientTape loop fails as fit does.
"""
import numpy as np

from glassnet import backend
from glassnet.autodiff import Tensor
from glassnet.keras import naming
from glassnet.keras.losses.alignment import float_tensor
from glassnet.keras.losses.reduction import reduce_weighted_values, standardize_reduction
from glassnet.keras.losses.results import per_sample_values


class Loss:
    """Base class of losses.

    Args:
        reduction: 'sum_over_batch_size' (default), 'sum', 'mean',
            'mean_with_sample_weight', or None / 'none' for per-sample losses.
        name: defaults to the snake-cased class name, made unique.
        dtype: the computation dtype. By default floatx (float32), except that a
            float64 y_pred is kept in float64 so float64 models train in float64.

    Subclass it by implementing ``call(y_true, y_pred)`` that returns per-sample
    losses from two Tensors:

    >>> from glassnet.autodiff import ops
    >>> class MeanCubedError(Loss):
    ...     def call(self, y_true, y_pred):
    ...         return ops.sum(ops.abs(y_pred - y_true) ** 3, axis=-1) / y_pred.shape[-1]
    >>> float(MeanCubedError()(np.array([[0.0, 0.0]]), np.array([[1.0, 2.0]])))  # (1 + 8) / 2
    4.5
    """

    def __init__(self, reduction="sum_over_batch_size", name=None, dtype=None):
        self.reduction = standardize_reduction(reduction)
        self.name = name or naming.unique_name(naming.snake_case(type(self).__name__))
        self._explicit_dtype = None if dtype is None else backend.standardize_dtype(dtype)
        self._dtype = self._explicit_dtype or backend.standardize_dtype(None)

    @property
    def dtype(self):
        """The computation dtype's name, e.g. 'float32'."""
        return self._dtype.name

    def __call__(self, y_true, y_pred, sample_weight=None):
        dtype = self._compute_dtype(y_pred)
        output_mask = getattr(y_pred, "_keras_mask", None)  # the padded steps of a masked sequence (Keras)
        y_pred = float_tensor(y_pred, dtype)
        y_true = float_tensor(y_true, dtype)
        losses = self._checked_losses(self.call(y_true, y_pred), y_pred, dtype)
        mask = self.sample_mask(y_true, y_pred)
        if output_mask is not None and np.shape(output_mask) == tuple(losses.shape):
            mask = np.asarray(output_mask) if mask is None else np.asarray(mask) & np.asarray(output_mask)
        return reduce_weighted_values(losses, sample_weight, mask, self.reduction)

    def _checked_losses(self, losses, y_pred, dtype):
        """`call`'s result as a Tensor, or an error naming the loss function and what it returned.
        A built-in loss's result is trusted to be its formula's (an `axis` other than -1 may
        reduce the batch axis, as in Keras); a user's function is checked for its batch size."""
        function = getattr(self, "fn", type(self).call)
        builtin = getattr(function, "__module__", "").startswith("glassnet.")
        value = per_sample_values(losses, y_pred.shape, self._function_name(), check_batch=not builtin)
        return losses if isinstance(losses, Tensor) else float_tensor(value, dtype)

    def _function_name(self):
        fn = getattr(self, "fn", None)  # a LossFunctionWrapper's function
        if fn is not None:
            return f"The loss function {getattr(fn, '__name__', fn)!r}"
        return f"{type(self).__name__}.call"

    def call(self, y_true, y_pred):
        """Per-sample losses from the Tensors `y_true` and `y_pred`."""
        raise NotImplementedError(f"{type(self).__name__} must implement call(y_true, y_pred).")

    def sample_mask(self, y_true, y_pred):
        """Booleans marking the per-sample losses that count, or None for all of them."""
        return None

    def validate_targets(self, y_true, output_shape):
        """Check the whole target array `y_true` against the model's output shape.

        Called once by fit/evaluate before any work. The base class accepts
        anything (a custom loss knows its own targets); built-in losses override it.
        """

    def _compute_dtype(self, y_pred):
        if self._explicit_dtype is None and isinstance(y_pred, (Tensor, np.ndarray)):
            if y_pred.dtype == np.float64:
                return y_pred.dtype
        return self._dtype

    def get_config(self):
        config = {"name": self.name, "reduction": self.reduction}
        if self._explicit_dtype is not None:
            config["dtype"] = self.dtype
        return config

    @classmethod
    def from_config(cls, config):
        return cls(**config)

    def __repr__(self):
        return f"<{type(self).__name__} name={self.name!r} reduction={self.reduction!r}>"

