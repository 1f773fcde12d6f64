"""SGD: gradient descent, optionally with (Nesterov) momentum."""
import numpy as np

from glassnet.keras import validation as check
from glassnet.keras.optimizers.arguments import DefaultLearningRate
from glassnet.keras.optimizers.optimizer import Optimizer


class SGD(Optimizer):
    """Stochastic gradient descent.

    Without momentum: ``w -= lr * g``. With momentum ``mu`` (velocity ``m`` starts at 0)::

        m = mu * m - lr * g
        w += m                      # plain momentum
        w += mu * m - lr * g        # nesterov=True (with the new m)

    Args:
        learning_rate: default 0.01.
        momentum: float in [0, 1]; 0 keeps no state.
        nesterov: use Nesterov momentum.
        **kwargs: the common :class:`Optimizer` arguments (``weight_decay``, ``clipnorm``, ...).

    >>> opt = SGD(learning_rate=0.1, momentum=0.9)
    """

    def __init__(
        self,
        learning_rate=DefaultLearningRate(0.01),  # noqa: B008 - a float, marked as the default
        momentum=0.0, nesterov=False, **kwargs,
    ):
        self.momentum = check.fraction("momentum", momentum)
        self.nesterov = check.boolean("nesterov", nesterov)
        super().__init__(learning_rate, **kwargs)

    def build(self, variables):
        if self.built:
            return
        super().build(variables)
        if self.momentum != 0:
            self.add_optimizer_variables(variables, "momentum")

    def _update(self, gradient, w, slots, learning_rate):
        step = gradient * learning_rate
        if self.momentum == 0:
            w -= step
            return
        m = slots["momentum"]
        m *= self.momentum
        m -= step
        if self.nesterov:
            w += np.subtract(m * self.momentum, step, out=step)
        else:
            w += m

    def get_config(self):
        config = super().get_config()
        config.update({"momentum": self.momentum, "nesterov": self.nesterov})
        return config
