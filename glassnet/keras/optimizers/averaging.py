"""The two options that act around the update itself, as Keras runs them.

Gradient accumulation (``gradient_accumulation_steps=n``): each ``apply`` adds its gradients
to an accumulator; every n-th applies ``(gradients + accumulated) / n`` (then clipping, weight
decay and the update) and empties the accumulators. ``iterations`` counts updates, so it
is the number of applies divided by n, and Adam's step follows it; a learning-rate schedule
is called with the number of applies, as Keras calls it.

Moving average of the weights (``use_ema=True``): after every apply,
``average = m * average + (1 - m) * weight``, with ``m = ema_momentum`` (0 before the
first update, so the average starts at the weights). Every ``ema_overwrite_frequency``
updates, and at the end of ``fit``, the weights are replaced by their averages.
"""
import numpy as np

from glassnet.keras import validation as check


class AveragingMixin:
    """Gradient accumulation and weight averaging for :class:`Optimizer`."""

    def _check_averaging_options(self, use_ema, ema_momentum, ema_overwrite_frequency, gradient_accumulation_steps):
        self.use_ema = check.boolean("use_ema", use_ema)
        self.ema_momentum = check.fraction("ema_momentum", ema_momentum)
        self.ema_overwrite_frequency = check.optional(check.integer, "ema_overwrite_frequency",
                                                      ema_overwrite_frequency, minimum=1)
        self.gradient_accumulation_steps = check.optional(check.integer, "gradient_accumulation_steps",
                                                          gradient_accumulation_steps, minimum=2)

    def _build_averaging(self, variables):
        # Keras creates these before the optimizer's own slots: the order of `variables`.
        if self.use_ema:
            self._averages = [self.add_variable_from_reference(v, "average") for v in variables]
        if self.gradient_accumulation_steps:
            self._accumulators = [self.add_variable_from_reference(v, "gradient_accumulator") for v in variables]

    def _update_count(self):
        """How many updates have been applied (the applies, divided by the accumulation steps)."""
        applies = self._iterations.value
        return applies // self.gradient_accumulation_steps if self.gradient_accumulation_steps else applies

    def _accumulated(self, grads, variables):
        """(the averaged gradients on every n-th apply, else None; the accumulator writes as
        (accumulator, new value) pairs). Nothing is written here: the step writes them."""
        steps = self.gradient_accumulation_steps
        accumulators = [self._accumulators[self._get_variable_index(v)] for v in variables]
        if (self._iterations.value + 1) % steps != 0:
            return None, [(a, g + a.value) for a, g in zip(accumulators, grads, strict=True)]
        averaged = [(g + a.value) / steps for g, a in zip(grads, accumulators, strict=True)]
        return averaged, [(a, 0) for a in accumulators]

    def _update_averages(self):
        first_update = self._update_count() == 0
        for variable, average in zip(self._trainable_variables, self._averages, strict=True):
            w = variable.value
            momentum = np.zeros((), w.dtype) if first_update else np.asarray(self.ema_momentum, w.dtype)
            average.assign(momentum * average.value + (1 - momentum) * w)
        frequency = self.ema_overwrite_frequency
        if frequency and (self._update_count() + 1) % frequency == 0:
            self._overwrite_with_averages(self._trainable_variables)

    def _overwrite_with_averages(self, variables):
        if len(variables) != len(self._averages):
            raise ValueError(
                f"The length of model variables ({len(variables)}) to override does not match the "
                f"length of the moving averages stored in the optimizer ({len(self._averages)}). "
                "Check that the optimizer was used on this model."
            )
        for variable, average in zip(variables, self._averages):
            variable.assign(average)

    def finalize_variable_values(self, var_list):
        """With ``use_ema``, give the variables their moving averages (``fit`` calls this at its end)."""
        if self.use_ema and self.built:
            self._overwrite_with_averages(list(var_list))
