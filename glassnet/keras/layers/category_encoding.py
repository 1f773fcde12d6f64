"""CategoryEncoding: integer features (already indices) as one-hot, multi-hot or count vectors."""

from glassnet.autodiff import convert_to_tensor, ops
from glassnet.keras.layers.index_encoding import encode, encoded_shape
from glassnet.keras.layers.layer import Layer


class CategoryEncoding(Layer):
    """Encodes integer indices in ``[0, num_tokens)``.

    Args:
        num_tokens: the size of the encoded axis (indices at or past it add nothing).
        output_mode: "multi_hot" (default; 1 for each index a sample holds), "one_hot" (one
            vector per index; a last axis of size 1 is replaced), or "count" (how often each
            index appears, weighted by ``count_weights`` when the call gives them).
        sparse: only False (glassnet has no sparse tensors).

    Inputs ``(batch, n)`` give ``(batch, num_tokens)``; a rank-1 input is one sample.

    >>> CategoryEncoding(num_tokens=4, output_mode="count")(np.array([[0, 1, 1], [3, 3, 0]])).numpy()
    array([[1., 2., 0., 0.],
           [1., 0., 0., 2.]], dtype=float32)
    """

    def __init__(self, num_tokens=None, output_mode="multi_hot", sparse=False, **kwargs):
        super().__init__(**kwargs)
        if output_mode == "binary":  # Keras's old name
            output_mode = "multi_hot"
        if output_mode not in ("count", "one_hot", "multi_hot"):
            raise ValueError(f"Unknown arg for output_mode: {output_mode}")
        if num_tokens is None:
            raise ValueError(
                "num_tokens must be set to use this layer. If the number of tokens is not known beforehand, "
                "use the IntegerLookup layer instead."
            )
        if num_tokens < 1:
            raise ValueError(f"`num_tokens` must be >= 1. Received: num_tokens={num_tokens}.")
        if sparse:
            raise ValueError("glassnet has no sparse tensors: CategoryEncoding supports sparse=False only. "
                             f"Received: sparse={sparse!r}")
        self.num_tokens = num_tokens
        self.output_mode = output_mode
        self.sparse = False

    def call(self, inputs, count_weights=None):
        if count_weights is not None:
            if self.output_mode != "count":
                raise ValueError(
                    "`count_weights` is not used when `output_mode` is not `'count'`. "
                    f"Received `count_weights={count_weights}`."
                )
            count_weights = ops.to_numpy(count_weights).astype(self.dtype, copy=False)
        indices = ops.to_numpy(inputs)
        return convert_to_tensor(encode(indices, self.output_mode, self.num_tokens, self.dtype, count_weights))

    def compute_output_shape(self, input_shape):
        return encoded_shape(input_shape, self.output_mode, self.num_tokens)

    def get_config(self):
        return {**super().get_config(), "num_tokens": self.num_tokens, "output_mode": self.output_mode}
