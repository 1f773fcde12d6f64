"""Layer: the base class of everything that holds weights and transforms tensors."""
import numpy as np

from glassnet import backend
from glassnet.autodiff import Tensor, Variable, convert_to_tensor, ops
from glassnet.keras import initializers, naming
from glassnet.keras.keras_tensor import KerasTensor


class Layer:
    """A callable that builds its weights from the first input shape it sees.

    Subclasses implement ``build(input_shape)`` (creating weights with
    :meth:`add_weight`), ``call(inputs, training=False)`` and
    ``compute_output_shape(input_shape)``.

    Args:
        name: unique name; defaults to the snake_case class name, numbered (``dense_1``).
        trainable: whether the layer's weights are updated by fit.
        dtype: the dtype of weights and outputs; defaults to ``backend.floatx()`` at construction.
        input_shape: legacy Keras argument: the shape of one sample, e.g. ``(400,)``.
    """

    def __init__(self, name=None, trainable=True, dtype=None, input_shape=None, input_dim=None):
        if name is not None and not isinstance(name, str):
            raise TypeError(f"name must be a string. Received: name={name!r}")
        self.name = name or naming.unique_name(naming.snake_case(type(self).__name__))
        self.dtype = backend.standardize_dtype(dtype).name
        self.trainable = trainable
        self.built = False
        self._weights = []
        self._regularized = []  # (regularizer, variable) pairs, for `losses`
        self._path_prefix = ""
        self.input = None
        self.output = None
        if input_dim is not None:
            input_shape = (input_dim,)
        self._batch_input_shape = None if input_shape is None else (None, *_as_shape(input_shape, "input_shape"))

    # --- weights ------------------------------------------------------------
    def add_weight(self, shape=None, initializer=None, dtype=None, trainable=True, autocast=True,
                   regularizer=None, constraint=None, aggregation="none", overwrite_with_gradient=False,
                   name=None):
        """Create a Variable of `shape` owned by this layer (Keras's signature and defaults).

        `initializer` defaults to ``'glorot_uniform'`` for float weights and ``'zeros'`` otherwise;
        `regularizer` adds its penalty to :attr:`losses`; `constraint` is applied by the optimizer
        after each update.
        """
        dtype = backend.standardize_dtype(dtype or self.dtype)
        shape = () if shape is None else tuple(shape)
        if initializer is None:
            initializer = "glorot_uniform" if dtype.kind == "f" else "zeros"
        value = initializers.get(initializer)(shape, dtype=dtype)
        path = f"{self._path_prefix}{self.name}/{name}"
        variable = Variable(np.asarray(value, dtype=dtype), trainable=trainable, name=name, path=path,
                            constraint=constraint)
        self._weights.append(variable)
        if regularizer is not None:
            self._regularized.append((regularizer, variable))
        return variable

    @property
    def weights(self):
        """Every variable, in creation order (Keras's get_weights order)."""
        return list(self._weights)

    @property
    def trainable_weights(self):
        return [w for w in self._weights if w.trainable] if self.trainable else []

    @property
    def non_trainable_weights(self):
        return [w for w in self._weights if not (w.trainable and self.trainable)]

    trainable_variables = trainable_weights
    non_trainable_variables = non_trainable_weights
    variables = weights

    @property
    def losses(self):
        """The regularization penalties of this layer's current weights (scalar Tensors)."""
        return [regularizer(variable) for regularizer, variable in self._regularized]

    def get_weights(self):
        """The weights as NumPy arrays (copies), in creation order; ``[]`` before build."""
        return [np.array(w.value) for w in self._weights]

    def set_weights(self, weights):
        """Set the weights from a list of array-likes (nested lists and int/float64 arrays are cast)."""
        arrays = _check_weight_list(weights, self._weights, f"layer '{self.name}'")
        for variable, array in zip(self._weights, arrays):
            variable.assign(array)

    def count_params(self):
        if not self.built:
            raise ValueError(
                f"You tried to call count_params on layer '{self.name}', but the layer isn't built. "
                "Build it first, e.g. by calling it on data or with build(input_shape)."
            )
        return int(sum(w.value.size for w in self._weights))

    # --- building and calling ------------------------------------------------
    def build(self, input_shape):
        self.built = True

    def call(self, inputs, training=False):
        return inputs

    def compute_output_shape(self, input_shape):
        return tuple(input_shape)

    def __call__(self, inputs, training=None):
        if isinstance(inputs, KerasTensor):
            return self._call_symbolic(inputs)
        inputs = self._convert_input(inputs)
        if not self.built:
            self._build_from_shape((None, *inputs.shape[1:]))
        self._check_input(inputs.shape)
        return self.call(inputs, training=bool(training))

    def _call_symbolic(self, inputs):
        if not self.built:
            self._build_from_shape(inputs.shape)
        self._check_input(inputs.shape)
        self.input = inputs
        shape = self.compute_output_shape(tuple(inputs.shape))
        self.output = KerasTensor(shape, self.dtype, name=self.name, history=(self, inputs))
        return self.output

    def _build_from_shape(self, input_shape):
        self._batch_input_shape = tuple(input_shape)
        self.build(tuple(input_shape))
        self.built = True

    def _convert_input(self, inputs):
        """A Tensor of the layer's dtype; the cast stays on the tape when the input is on it."""
        tensor = inputs if isinstance(inputs, Tensor) else convert_to_tensor(np.asarray(inputs))
        if tensor.dtype == self.dtype:
            return tensor
        return ops.cast(tensor, dtype=self.dtype)

    def _check_input(self, shape):
        """Subclasses with a fixed input size override this to name the mismatch."""

    def get_config(self):
        return {"name": self.name, "trainable": self.trainable, "dtype": self.dtype}

    def __repr__(self):
        return f"<{type(self).__name__} name={self.name}, built={self.built}>"


def _as_shape(shape, argument):
    """A tuple of dimensions (positive ints, None where unknown) from a tuple, list or bare int
    (``Input(shape=14)``). Strings and floats are refused even where int() would take them, as in Keras."""
    from glassnet.keras import validation as check

    if isinstance(shape, (int, np.integer)) and not isinstance(shape, bool):
        shape = (shape,)
    try:
        dims = None if isinstance(shape, str) else tuple(shape)
    except TypeError:  # not iterable
        dims = None
    if dims is None or not all(d is None or (isinstance(d, (int, np.integer)) and not isinstance(d, bool)
                                             and d >= 1) for d in dims):
        check.fail(argument, shape, "a tuple of positive integers (None for an unknown size), e.g. (400,)")
    return tuple(None if d is None else int(d) for d in dims)


def _check_weight_list(weights, variables, owner):
    """Convert `weights` to arrays matching `variables`, or raise naming the mismatch."""
    if not isinstance(weights, (list, tuple)):
        raise TypeError(f"set_weights expects a list of arrays. Received: {type(weights).__name__}")
    if len(weights) != len(variables):
        raise ValueError(
            f"You called set_weights(weights) on {owner} with a weight list of length {len(weights)}, "
            f"but it was expecting {len(variables)} weights."
        )
    arrays = []
    for variable, value in zip(variables, weights):
        array = np.asarray(getattr(value, "value", value), dtype=variable.dtype)
        if array.shape != variable.value.shape:
            raise ValueError(
                f"{owner.capitalize()} weight '{variable.path}' has shape {variable.value.shape}, "
                f"which is not compatible with the provided weight shape {array.shape}."
            )
        arrays.append(array)
    return arrays
