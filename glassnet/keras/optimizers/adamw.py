"""AdamW: Adam with decoupled weight decay on by default."""
from glassnet.keras.optimizers.adam import Adam
from glassnet.keras.optimizers.arguments import DefaultLearningRate


class AdamW(Adam):
    """Adam plus decoupled weight decay, ``w -= w * weight_decay * lr`` before each update.

    Every optimizer accepts ``weight_decay``; AdamW differs only in requiring it and in
    its default of 0.004.

    Args:
        learning_rate: default 0.001.
        weight_decay: default 0.004; None is an error.
        beta_1, beta_2, epsilon, amsgrad: as :class:`Adam`.

    >>> opt = AdamW(learning_rate=0.001, weight_decay=0.01)
    """

    def __init__(
        self,
        learning_rate=DefaultLearningRate(0.001),  # noqa: B008 - a float, marked as the default
        weight_decay=0.004, beta_1=0.9, beta_2=0.999, epsilon=1e-7, amsgrad=False, **kwargs,
    ):
        if weight_decay is None:
            raise ValueError(
                "Invalid `weight_decay`: AdamW needs a non-negative float. Received: weight_decay=None"
            )
        super().__init__(learning_rate, beta_1=beta_1, beta_2=beta_2, epsilon=epsilon,
                         amsgrad=amsgrad, weight_decay=weight_decay, **kwargs)
