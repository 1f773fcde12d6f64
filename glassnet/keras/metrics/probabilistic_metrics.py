"""KLDivergence and Poisson: running means of those loss functions (see losses/)."""
from glassnet.keras.losses import crossentropy, regression
from glassnet.keras.metrics.mean import MeanMetricWrapper


class KLDivergence(MeanMetricWrapper):
    """The running mean of kl_divergence: sum(y_true * log(y_true / y_pred)), both clipped to [eps, 1].

    >>> m = KLDivergence()
    >>> m.update_state(np.array([[0.5, 0.5]]), np.array([[0.5, 0.5]]))
    >>> float(m.result())
    0.0
    """

    def __init__(self, name="kl_divergence", dtype=None):
        super().__init__(crossentropy.kl_divergence, name=name, dtype=dtype)

    def get_config(self):
        return {"name": self.name, "dtype": self.dtype}


class Poisson(MeanMetricWrapper):
    """The running mean of poisson: mean(y_pred - y_true * log(y_pred + eps))."""

    def __init__(self, name="poisson", dtype=None):
        super().__init__(regression.poisson, name=name, dtype=dtype)

    def get_config(self):
        return {"name": self.name, "dtype": self.dtype}
