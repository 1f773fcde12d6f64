"""Adagrad: per-element learning rates scaled by the sum of all past squared gradients."""
import numpy as np

from glassnet.keras import validation as check
from glassnet.keras.optimizers.arguments import DefaultLearningRate
from glassnet.keras.optimizers.optimizer import Optimizer


class Adagrad(Optimizer):
    """Adagrad as Keras computes it (the accumulator starts at ``initial_accumulator_value``)::

        acc += g**2
        w -= lr * g / sqrt(acc + epsilon)

    Args:
        learning_rate: default 0.001.
        initial_accumulator_value: non-negative start of ``acc``; default 0.1.
        epsilon: default 1e-7.
        **kwargs: the common :class:`Optimizer` arguments.

    >>> opt = Adagrad(learning_rate=0.1)
    """

    def __init__(
        self,
        learning_rate=DefaultLearningRate(0.001),  # noqa: B008 - a float, marked as the default
        initial_accumulator_value=0.1, epsilon=1e-7, **kwargs,
    ):
        self.initial_accumulator_value = check.non_negative("initial_accumulator_value",
                                                            initial_accumulator_value)
        self.epsilon = check.non_negative("epsilon", epsilon)
        super().__init__(learning_rate, **kwargs)

    def build(self, variables):
        if self.built:
            return
        super().build(variables)
        self.add_optimizer_variables(
            variables, "accumulator", initializer=self.initial_accumulator_value
        )

    def _update(self, gradient, w, slots, learning_rate):
        accumulator = slots["accumulator"]
        accumulator += np.square(gradient)
        denominator = accumulator + self.epsilon
        update = np.multiply(learning_rate, gradient)
        update /= np.sqrt(denominator, out=denominator)
        w -= update

    def get_config(self):
        config = super().get_config()
        config.update({"initial_accumulator_value": self.initial_accumulator_value,
                       "epsilon": self.epsilon})
        return config
