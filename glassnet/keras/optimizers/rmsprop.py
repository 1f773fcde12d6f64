"""RMSprop: divide the gradient by a running root mean square of its recent values."""
import numpy as np

from glassnet.keras import validation as check
from glassnet.keras.optimizers.arguments import DefaultLearningRate
from glassnet.keras.optimizers.optimizer import Optimizer


class RMSprop(Optimizer):
    """RMSprop as Keras computes it::

        v = rho * v + (1 - rho) * g**2
        a = rho * a + (1 - rho) * g                  # centered only
        denominator = v + epsilon                    # centered: v - a**2 + epsilon
        increment = lr * g / sqrt(denominator)       # epsilon is *inside* the sqrt
        m = momentum * m + increment; w -= m         # momentum > 0
        w -= increment                               # otherwise

    Args:
        learning_rate: default 0.001.
        rho: decay of the running average of g**2, in [0, 1).
        momentum: float in [0, 1]; 0 keeps no momentum state.
        epsilon: default 1e-7.
        centered: normalise by the estimated variance instead of the raw second moment.
        **kwargs: the common :class:`Optimizer` arguments.

    >>> opt = RMSprop()      # what compile(optimizer="rmsprop") makes
    """

    def __init__(
        self,
        learning_rate=DefaultLearningRate(0.001),  # noqa: B008 - a float, marked as the default
        rho=0.9, momentum=0.0, epsilon=1e-7, centered=False, **kwargs,
    ):
        self.rho = check.fraction("rho", rho, include_one=False)
        self.momentum = check.fraction("momentum", momentum)
        self.epsilon = check.non_negative("epsilon", epsilon)
        self.centered = check.boolean("centered", centered)
        super().__init__(learning_rate, **kwargs)

    def build(self, variables):
        if self.built:
            return
        super().build(variables)
        # Keras's order: all velocities, then all momentums, then all average gradients.
        self.add_optimizer_variables(variables, "velocity")
        if self.momentum > 0:
            self.add_optimizer_variables(variables, "momentum")
        if self.centered:
            self.add_optimizer_variables(variables, "average_gradient")

    def _update(self, gradient, w, slots, learning_rate):
        v = slots["velocity"]
        v *= self.rho
        v += np.square(gradient) * (1 - self.rho)
        denominator = self._centered_denominator(gradient, slots) if self.centered else v + self.epsilon
        increment = np.multiply(gradient, learning_rate)
        increment /= np.sqrt(denominator, out=denominator)
        if self.momentum > 0:
            m = slots["momentum"]
            m *= self.momentum
            m += increment
            increment = m
        w -= increment

    def _centered_denominator(self, gradient, slots):
        """``v - a**2 + epsilon`` after updating the average gradient ``a``."""
        a = slots["average_gradient"]
        a *= self.rho
        a += gradient * (1 - self.rho)
        denominator = np.subtract(slots["velocity"], np.square(a))
        denominator += self.epsilon
        return denominator

    def get_config(self):
        config = super().get_config()
        config.update({"rho": self.rho, "momentum": self.momentum, "epsilon": self.epsilon,
                       "centered": self.centered})
        return config
