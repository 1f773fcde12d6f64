"""Layers that rearrange the values of each sample without changing them: Reshape, Permute and
RepeatVector. The batch axis is never touched."""
import math
import numbers

from glassnet.autodiff import ops
from glassnet.autodiff.ops.indexing import repeat
from glassnet.keras import validation as check
from glassnet.keras.layers.layer import Layer
from glassnet.keras.layers.spatial_arguments import require_rank


class Reshape(Layer):
    """Reshapes each sample to `target_shape`: ``(batch, *input_shape) -> (batch, *target_shape)``.

    Args:
        target_shape: a tuple of ints, without the batch axis; one entry may be -1, inferred
            from the sample's size.

    >>> Reshape((2, -1))(np.zeros((4, 6))).shape.as_list()
    [4, 2, 3]
    """

    _built_at_init = True  # stateless: Keras builds it when constructed

    def __init__(self, target_shape, **kwargs):
        target_shape = _target_shape(target_shape)
        super().__init__(**kwargs)
        self.target_shape = target_shape
        self.built = True

    def call(self, inputs):
        return ops.reshape(inputs, shape=(inputs.shape[0], *self._resolved(tuple(inputs.shape))))

    def _resolved(self, input_shape):
        """The target shape with its -1 worked out from `input_shape` (None while a size is unknown)."""
        sample = input_shape[1:]
        if -1 not in self.target_shape:
            if None not in sample and math.prod(sample) != math.prod(self.target_shape):
                self._refuse(input_shape)
            return self.target_shape
        if None in sample:
            return tuple(None if d == -1 else d for d in self.target_shape)
        known = math.prod(d for d in self.target_shape if d != -1)
        if known == 0 or math.prod(sample) % known:
            self._refuse(input_shape)
        return tuple(math.prod(sample) // known if d == -1 else d for d in self.target_shape)

    def _refuse(self, input_shape):
        raise ValueError(
            f"Reshape layer '{self.name}' cannot reshape samples of shape {tuple(input_shape[1:])} "
            f"({math.prod(input_shape[1:])} values; input shape {tuple(input_shape)}) to target_shape="
            f"{self.target_shape}: the total size of each sample must be unchanged."
        )

    def _check_input(self, shape):
        if not shape:
            raise ValueError(f"Reshape layer '{self.name}' needs inputs with a batch axis. Received input of shape ()")
        self._resolved(tuple(shape))

    def compute_output_shape(self, input_shape):
        return (input_shape[0], *self._resolved(tuple(input_shape)))

    def get_config(self):
        return {**super().get_config(), "target_shape": self.target_shape}


def _target_shape(target_shape):
    expected = "a tuple of non-negative integers, with at most one -1 for a size to infer"
    try:
        dims = tuple(target_shape)
    except TypeError:
        check.fail("target_shape", target_shape, expected, "Reshape")
    if not all(isinstance(d, numbers.Integral) and not isinstance(d, bool) and d >= -1 for d in dims) \
            or dims.count(-1) > 1:
        check.fail("target_shape", target_shape, expected, "Reshape")
    return tuple(int(d) for d in dims)


class Permute(Layer):
    """Permutes the axes of each sample: ``dims=(2, 1)`` swaps the two axes after the batch.

    Args:
        dims: a permutation of ``1..n`` (the batch axis, 0, stays first).

    >>> Permute((2, 1))(np.zeros((4, 2, 3))).shape.as_list()
    [4, 3, 2]
    """

    def __init__(self, dims, **kwargs):
        try:
            dims = tuple(dims)
        except TypeError:
            dims = None
        if dims is None or not all(isinstance(d, numbers.Integral) and not isinstance(d, bool) for d in dims) \
                or sorted(dims) != list(range(1, len(dims) + 1)):
            raise ValueError("Invalid permutation argument `dims` for Permute Layer. The set of indices in `dims` "
                             f"must be consecutive and start from 1 (a permutation of 1..n). Received dims={dims}")
        super().__init__(**kwargs)
        self.dims = tuple(int(d) for d in dims)

    def call(self, inputs):
        return ops.transpose(inputs, axes=(0, *self.dims))

    def _check_input(self, shape):
        require_rank(self, shape, len(self.dims) + 1, f"the batch and the {len(self.dims)} axes of dims={self.dims}")

    def compute_output_shape(self, input_shape):
        return (input_shape[0], *(input_shape[d] for d in self.dims))

    def get_config(self):
        return {**super().get_config(), "dims": self.dims}


class RepeatVector(Layer):
    """Repeats each sample's vector `n` times: ``(batch, features) -> (batch, n, features)``.

    >>> RepeatVector(3)(np.array([[1.0, 2.0]])).numpy().tolist()
    [[[1.0, 2.0], [1.0, 2.0], [1.0, 2.0]]]
    """

    def __init__(self, n, **kwargs):
        if not isinstance(n, numbers.Integral) or isinstance(n, bool):
            raise TypeError(f"Expected an integer value for `n` of RepeatVector, got {type(n)}. Received: n={n!r}")
        n = check.integer("n", n, minimum=1, owner="RepeatVector")
        super().__init__(**kwargs)
        self.n = n

    def call(self, inputs):
        rows = ops.reshape(inputs, shape=(inputs.shape[0], 1, inputs.shape[1]))
        return repeat(rows, repeats=self.n, axis=1)

    def _check_input(self, shape):
        require_rank(self, shape, 2, "(batch, features)")

    def compute_output_shape(self, input_shape):
        return (input_shape[0], self.n, input_shape[1])

    def get_config(self):
        return {**super().get_config(), "n": self.n}
