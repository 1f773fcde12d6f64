"""LossFunctionWrapper: a Loss object around a per-sample loss function.

Every built-in loss class is one of these (BinaryCrossentropy wraps
binary_crossentropy with its options), and so is every string or plain
function given to `compile(loss=...)`.
"""
import inspect

import numpy as np

from glassnet.keras.losses import compiled
from glassnet.keras.losses.alignment import squeeze_or_expand_to_same_rank
from glassnet.keras.losses.loss import Loss
from glassnet.keras.losses.targets import sparse_labels


class LossFunctionWrapper(Loss):
    """Wrap `fn(y_true, y_pred, **kwargs)` -> per-sample losses as a Loss.

    Args:
        fn: the loss function.
        reduction, name, dtype: as for Loss; `name` defaults to fn's name.
        **kwargs: options passed to `fn` on every call (e.g. from_logits=True).

    >>> from glassnet.keras.losses import mean_squared_error
    >>> loss = LossFunctionWrapper(mean_squared_error)
    >>> float(loss(np.array([1.0, 2.0]), np.array([[2.0], [4.0]])))   # (1 + 4) / 2
    2.5
    """

    def __init__(self, fn, reduction="sum_over_batch_size", name=None, dtype=None, **kwargs):
        if not callable(fn):
            raise TypeError(f"Expected `fn` to be a loss function. Received: fn={fn!r}")
        super().__init__(reduction=reduction, name=name or getattr(fn, "__name__", None), dtype=dtype)
        self.fn = fn
        self._fn_kwargs = kwargs

    def call(self, y_true, y_pred):
        y_true, y_pred = squeeze_or_expand_to_same_rank(y_true, y_pred)
        return self.fn(y_true, y_pred, **self._fn_kwargs)

    def sample_mask(self, y_true, y_pred):
        ignore_class = self._fn_kwargs.get("ignore_class")
        return None if ignore_class is None else sparse_labels(y_true, y_pred) != ignore_class

    def validate_targets(self, y_true, output_shape):
        """Run the built-in checks that belong to `fn` (none for a user's function)."""
        check = getattr(self.fn, "target_check", None)
        if check is not None:
            check(self.fn.__name__, y_true, output_shape, **self._fn_kwargs)

    def _compiled(self, y_pred_dtype):
        """This loss as array functions for fit's compiled training step (see compiled.py), for
        predictions of `y_pred_dtype`; None where only the tape computes it as ``__call__`` does."""
        overridden = (type(self).__call__ is not Loss.__call__ or type(self).call is not LossFunctionWrapper.call
                      or type(self).sample_mask is not LossFunctionWrapper.sample_mask)
        dtype = self._compute_dtype(np.empty(0, y_pred_dtype))
        if overridden or dtype != y_pred_dtype:  # the tape would cast y_pred first
            return None
        return compiled.compile_loss(self.fn, self._fn_kwargs, self.reduction, dtype)

    def _compiled_key(self):
        """Everything :meth:`_compiled` depends on, to compare before reusing its result."""
        return type(self), self.fn, self.reduction, self._dtype, self._explicit_dtype, tuple(self._fn_kwargs.items())

    def get_config(self):
        config = super().get_config()
        config["fn"] = getattr(self.fn, "__name__", repr(self.fn))
        config.update(_keyword_defaults(self.fn))
        config.update(self._fn_kwargs)
        return config

    @classmethod
    def from_config(cls, config):
        from glassnet.keras.losses.lookup import get_function

        config = dict(config)
        return cls(get_function(config.pop("fn")), **config)


class BuiltinLoss(LossFunctionWrapper):
    """Base of the built-in loss classes: the function is fixed by the class, and its
    options are constructor arguments, kept as attributes and listed by get_config."""

    def __init__(self, fn, reduction, name, dtype, **options):
        super().__init__(fn, reduction=reduction, name=name, dtype=dtype, **options)
        for key, value in options.items():
            setattr(self, key, value)

    def get_config(self):
        return {**Loss.get_config(self), **self._fn_kwargs}

    @classmethod
    def from_config(cls, config):
        return cls(**config)


def _keyword_defaults(fn):
    """The options of `fn` with their defaults, e.g. {'from_logits': False, ...}."""
    try:
        parameters = inspect.signature(fn).parameters.values()
    except (TypeError, ValueError):
        return {}
    return {p.name: p.default for p in parameters if p.default is not inspect.Parameter.empty}
