"""TFOpLambda: the layer a tensor function becomes when it is called on KerasTensors.

``tf.linalg.l2_normalize(vu, axis=1)`` on a KerasTensor makes one, named after the function
(``tf.linalg.l2_normalize``, then ``tf.linalg.l2_normalize_1``...) as tf.keras 2 does. It keeps
the function and its other arguments; the KerasTensors among them are its inputs. On real tensors
it calls the same function, so gradients flow through it like through any other op.
"""
import numpy as np

from glassnet.autodiff import Tensor
from glassnet.autodiff.tape import not_recording
from glassnet.keras import naming
from glassnet.keras.keras_tensor import KerasTensor, flatten, map_structure
from glassnet.keras.layers.layer import Layer


class _Slot:
    """Where the `index`-th input goes back among the function's arguments."""

    def __init__(self, index):
        self.index = index


class TFOpLambda(Layer):
    """Calls ``function(*args, **kwargs)`` with its inputs put back where the KerasTensors were.

    Made by the tensor functions themselves (see keras/op_dispatch.py), not by users.
    """

    _untracked_attributes = Layer._untracked_attributes | {"_arguments", "function", "_input_dtypes", "_output_dtypes"}

    def __init__(self, function, api_name, args, kwargs, **layer_kwargs):
        super().__init__(name=naming.unique_name(api_name), autocast=False, **layer_kwargs)
        self.function = function
        self.api_name = api_name
        self._arguments = (args, kwargs)

    @classmethod
    def apply(cls, function, api_name, args, kwargs):
        """The KerasTensor output of `function` called on `args` and `kwargs` (holding KerasTensors)."""
        tensors = []

        def to_slot(value):
            if isinstance(value, KerasTensor):
                tensors.append(value)
                return _Slot(len(tensors) - 1)
            return value
        args, kwargs = map_structure(to_slot, list(args)), map_structure(to_slot, dict(kwargs))
        layer = cls(function, api_name, args, kwargs)
        layer._input_dtypes = [x.dtype for x in tensors]
        outputs = layer(tensors[0] if len(tensors) == 1 else tensors)
        for output, dtype in zip(flatten(outputs), layer._output_dtypes):
            output.dtype = dtype  # a comparison gives bool, argmax int64: the function's, not the layer's
        return outputs

    def call(self, inputs):
        values = [inputs] if len(self._input_count()) == 1 else list(inputs)

        def fill(value):
            return values[value.index] if isinstance(value, _Slot) else value
        args, kwargs = self._arguments
        return self.function(*map_structure(fill, args), **map_structure(fill, kwargs))

    def compute_output_shape(self, input_shape):
        """The function run on zeros twice, unknown sizes taken as 1 then as 2: an output axis whose size
        changes follows an unknown input size, so it is unknown (None) too."""
        one, two = (self._probe(input_shape, size) for size in (1, 2))
        return _unknown_where_different(one, two)

    def _probe(self, input_shape, size):
        shapes = input_shape if len(self._input_count()) > 1 else [input_shape]
        zeros = [Tensor(np.zeros([size if d is None else d for d in shape], dtype=dtype))
                 for shape, dtype in zip(shapes, self._input_dtypes)]
        with np.errstate(all="ignore"), not_recording():
            output = self.call(zeros if len(zeros) > 1 else zeros[0])
        self._output_dtypes = [str(np.asarray(getattr(x, "value", x)).dtype) for x in flatten(output)]
        return map_structure(lambda x: tuple(np.shape(getattr(x, "value", x))), output)

    def _input_count(self):
        args, kwargs = self._arguments
        return [leaf for leaf in flatten([args, kwargs]) if isinstance(leaf, _Slot)]

    def get_config(self):
        hint = "keras.layers.UnitNormalization(axis=...) for l2_normalize, " if "l2_normalize" in self.api_name else ""
        raise NotImplementedError(
            f"Layer '{self.name}' is the function {self.api_name} called on a symbolic tensor, which a saved model "
            "cannot hold (Keras 3 refuses TensorFlow ops in functional models, and could not load the file). Use a "
            f"Keras layer instead ({hint}keras.layers.Add/Multiply/Dot for arithmetic), or a Lambda layer wrapping a "
            "function registered with @keras.saving.register_keras_serializable().")


def _unknown_where_different(one, two):
    """The shapes of two probes merged leaf by leaf (a shape, a tuple of ints, is a leaf)."""
    if isinstance(one, tuple) and all(isinstance(d, int) for d in one):
        return tuple(a if a == b else None for a, b in zip(one, two))
    if isinstance(one, dict):
        return {key: _unknown_where_different(one[key], two[key]) for key in one}
    return type(one)(_unknown_where_different(a, b) for a, b in zip(one, two))
