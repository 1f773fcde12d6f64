"""Adam: adaptive moment estimation."""
import numpy as np

from glassnet.keras.optimizers import flat
from glassnet.keras import validation as check
from glassnet.keras.optimizers.arguments import DefaultLearningRate
from glassnet.keras.optimizers.optimizer import Optimizer


class Adam(Optimizer):
    """Adam, written exactly as Keras computes it. With ``t = iterations + 1``::

        m += (g - m) * (1 - beta_1)
        v += (g**2 - v) * (1 - beta_2)
        alpha = lr * sqrt(1 - beta_2**t) / (1 - beta_1**t)
        w -= m * alpha / (sqrt(v) + epsilon)

    The bias corrections are folded into ``alpha``, so ``epsilon`` is added to the
    *uncorrected* ``sqrt(v)`` (unlike the paper's ``sqrt(v_hat) + epsilon``).
    With ``amsgrad=True``, ``v_hat = max(v_hat, v)`` replaces ``v`` in the last line.

    Args:
        learning_rate: default 0.001.
        beta_1, beta_2: decay rates of the first and second moments, in [0, 1).
        epsilon: added to ``sqrt(v)``; default 1e-7.
        amsgrad: keep the running maximum of ``v``.
        **kwargs: the common :class:`Optimizer` arguments (``weight_decay``, ``clipnorm``, ...).

    >>> opt = Adam(0.01)
    >>> float(opt.learning_rate.numpy())
    0.009999999776482582
    """

    def __init__(
        self,
        learning_rate=DefaultLearningRate(0.001),  # noqa: B008 - a float, marked as the default
        beta_1=0.9, beta_2=0.999, epsilon=1e-7, amsgrad=False, **kwargs,
    ):
        self.beta_1 = check.fraction("beta_1", beta_1, include_one=False)
        self.beta_2 = check.fraction("beta_2", beta_2, include_one=False)
        self.epsilon = check.non_negative("epsilon", epsilon)
        self.amsgrad = check.boolean("amsgrad", amsgrad)
        super().__init__(learning_rate, **kwargs)

    def build(self, variables):
        if self.built:
            return
        super().build(variables)
        # Keras creates m and v side by side per variable, then all the v_hats after them.
        self.add_optimizer_variables(variables, ["momentum", "velocity"])
        if self.amsgrad:
            self.add_optimizer_variables(variables, "velocity_hat")

    def _update(self, gradient, w, slots, learning_rate):
        alpha = self._alpha(learning_rate, w.dtype.type)
        m, v = slots["momentum"], slots["velocity"]
        # Two reused scratch arrays serve every intermediate: this runs every training step.
        scratch = np.subtract(gradient, m, out=flat.scratch(gradient))
        scratch *= 1 - self.beta_1
        m += scratch
        np.square(gradient, out=scratch)
        scratch -= v
        scratch *= 1 - self.beta_2
        v += scratch
        if self.amsgrad:
            v = np.maximum(slots["velocity_hat"], v, out=slots["velocity_hat"])
        np.sqrt(v, out=scratch)
        scratch += self.epsilon
        update = np.multiply(m, alpha, out=flat.scratch(gradient, 1))
        update /= scratch
        w -= update

    def _alpha(self, learning_rate, float_type):
        """``lr * sqrt(1 - beta_2**t) / (1 - beta_1**t)`` in the variable's precision."""
        t = float_type(self._update_count() + 1)
        beta_1_power = float_type(self.beta_1) ** t
        beta_2_power = float_type(self.beta_2) ** t
        return learning_rate * np.sqrt(1 - beta_2_power) / (1 - beta_1_power)

    def get_config(self):
        config = super().get_config()
        config.update({"beta_1": self.beta_1, "beta_2": self.beta_2, "epsilon": self.epsilon,
                       "amsgrad": self.amsgrad})
        return config
