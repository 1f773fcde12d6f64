"""Discretization: numbers to the index of the bin they fall in (boundaries given, or quantiles from adapt)."""
import numpy as np

from glassnet import backend
from glassnet.autodiff import convert_to_tensor, ops
from glassnet.keras.layers.index_encoding import OUTPUT_MODES, check_output_mode, encode
from glassnet.keras.layers.layer import Layer
from glassnet.keras.layers.lookup_data import adapt_batches


class Discretization(Layer):
    """Bins numbers: with boundaries ``[0., 1., 2.]``, ``x < 0`` is bin 0, ``0 <= x < 1`` bin 1, ...,
    ``x >= 2`` bin 3.

    Args:
        bin_boundaries: the sorted boundaries (``len + 1`` bins).
        num_bins: instead, how many bins :meth:`adapt` makes from the data's quantiles.
        epsilon: the quantile approximation's tolerance (Keras's summary algorithm).
        output_mode: "int" (bin indices, int32), "one_hot", "multi_hot" or "count" (floats).
        sparse: only False.

    >>> Discretization(bin_boundaries=[0.0, 1.0, 2.0])(np.array([[-1.5, 1.0, 3.4, 0.5]])).numpy()
    array([[0, 2, 3, 1]], dtype=int32)
    """

    def __init__(self, bin_boundaries=None, num_bins=None, epsilon=0.01, output_mode="int", sparse=False,
                 dtype=None, name=None, **kwargs):
        super().__init__(dtype=dtype, name=name, **kwargs)
        if sparse:
            raise ValueError("`sparse=True` cannot be used with glassnet (no sparse tensors). "
                             f"Received: sparse={sparse}")
        check_output_mode(output_mode, OUTPUT_MODES, "Discretization")
        if num_bins is not None and num_bins < 0:
            raise ValueError(f"`num_bins` must be greater than or equal to 0. Received: `num_bins={num_bins}`")
        if num_bins is not None and bin_boundaries is not None:
            raise ValueError(
                "Both `num_bins` and `bin_boundaries` should not be set. "
                f"Received: `num_bins={num_bins}` and `bin_boundaries={bin_boundaries}`"
            )
        if num_bins is None and bin_boundaries is None:
            raise ValueError("You need to set either `num_bins` or `bin_boundaries`.")
        self.bin_boundaries = bin_boundaries
        self.num_bins = num_bins
        self.epsilon = epsilon
        self.output_mode = output_mode
        self.sparse = False
        self.summary = None if bin_boundaries else _empty_summary()

    def adapt(self, data, steps=None):
        """Set `bin_boundaries` to `num_bins` quantiles of `data` (an array, a Dataset or batches)."""
        if self.num_bins is None:
            raise ValueError(
                "Cannot adapt a Discretization layer that has been initialized with `bin_boundaries`, "
                "use `num_bins` instead."
            )
        self.summary = _empty_summary()
        for batch in adapt_batches(data, steps, lists_are_batches=True):
            values = np.asarray(batch).astype("float32")
            self.summary = _merge_summaries(_summarize(values, self.epsilon), self.summary, self.epsilon)
        self.bin_boundaries = _compress_summary(self.summary, 1.0 / self.num_bins)[0, :-1].tolist()

    def call(self, inputs):
        if self.bin_boundaries is None:
            raise ValueError(
                "You need to either pass the `bin_boundaries` argument at construction time or call "
                "`adapt(dataset)` before you can start using the `Discretization` layer."
            )
        values = ops.to_numpy(inputs).astype(backend.floatx())  # Keras's input_dtype
        indices = np.digitize(values, np.asarray(self.bin_boundaries, dtype=values.dtype)).astype("int32")
        dtype = "int32" if self.output_mode == "int" else self.dtype
        return convert_to_tensor(encode(indices, self.output_mode, len(self.bin_boundaries) + 1, dtype))

    @property
    def _symbolic_output_dtype(self):
        return "int32" if self.output_mode == "int" else self.dtype

    def compute_output_shape(self, input_shape):
        input_shape = tuple(input_shape)
        if self.output_mode == "int":
            return input_shape
        depth = len(self.bin_boundaries) + 1 if self.bin_boundaries is not None else self.num_bins
        if self.output_mode == "one_hot":
            if input_shape and input_shape[-1] == 1 and len(input_shape) > 1:
                return input_shape[:-1] + (depth,)
            return input_shape + (depth,)
        if len(input_shape) >= 2:
            return (input_shape[0], *input_shape[2:], depth)
        return (depth,)

    def get_config(self):
        return {"bin_boundaries": self.bin_boundaries, "num_bins": self.num_bins, "epsilon": self.epsilon,
                "output_mode": self.output_mode, "sparse": self.sparse, "name": self.name, "dtype": self.dtype}

    @classmethod
    def from_config(cls, config):
        # an adapted layer saves both: its boundaries and the num_bins it was made with
        if config.get("bin_boundaries") is not None and config.get("num_bins") is not None:
            config = dict(config)
            bin_boundaries = config.pop("bin_boundaries")
            layer = cls(**config)
            layer.bin_boundaries = bin_boundaries
            return layer
        return cls(**config)


# Keras's quantile summary (keras/src/layers/preprocessing/discretization.py), step for step,
# so that adapt finds the same boundaries: a summary is [values; weights].
def _empty_summary():
    return np.array([[], []], dtype="float32")


def _summarize(values, epsilon):
    values = np.sort(np.reshape(values, [-1]))
    step = max(np.size(values) / (1.0 / epsilon), 1)
    boundaries = values[int(step - 1)::int(step)]
    return np.stack([boundaries, np.ones_like(boundaries) * step])


def _merge_summaries(prev_summary, next_summary, epsilon):
    merged = np.concatenate((prev_summary, next_summary), axis=1)
    merged = np.take(merged, np.argsort(merged[0]), axis=1)
    return _compress_summary(merged, epsilon)


def _compress_summary(summary, epsilon):
    if summary.shape[1] * epsilon < 1:
        return summary
    percents = epsilon + np.arange(0.0, 1.0, epsilon)
    cum_weights = summary[1].cumsum()
    cum_weight_percents = cum_weights / cum_weights[-1]
    new_bins = np.interp(percents, cum_weight_percents, summary[0])
    cum_weights = np.interp(percents, cum_weight_percents, cum_weights)
    new_weights = cum_weights - np.concatenate((np.array([0]), cum_weights[:-1]))
    return np.stack((new_bins, new_weights)).astype("float32")
