"""Merge layers: combine a list of inputs into one (``Add``, ``Concatenate``, ``Dot``, ...).

Keras's semantics: elementwise merges take inputs of the same rank whose sizes agree (a size 1
broadcasts), ``Concatenate`` joins along `axis`, ``Dot`` contracts one axis of each of two
inputs (the cosine similarity of two towers with ``normalize=True``). Shape mismatches are
refused before any work, naming the shapes: when the layer is built (symbolic inputs), and on
every call with arrays (their real shapes, batch sizes included).
"""
import numpy as np

from glassnet.autodiff import Tensor, ops
from glassnet.keras.layers.layer import Layer


class Merge(Layer):
    """The base of the merge layers: a list of inputs in, one tensor out."""

    min_inputs = 1
    supports_masking = True

    def compute_mask(self, inputs, previous_mask):
        """Keras's rule: a step is kept where any input keeps it; unmasked if any input is."""
        if previous_mask is None or any(mask is None for mask in previous_mask):
            return None
        return Tensor(np.logical_or.reduce([_mask_values(mask) for mask in previous_mask]))

    def build(self, input_shape):
        shapes = _shape_list(input_shape, type(self).__name__)
        if len(shapes) < self.min_inputs:
            raise ValueError(f"A merge layer should be called on a list of at least {self.min_inputs} input"
                             f"{'s' if self.min_inputs > 1 else ''}. Received {len(shapes)} inputs. "
                             f"Full input_shape received: {input_shape}")
        self._merge_shapes = shapes
        self._check_shapes(shapes)

    def _check_shapes(self, shapes):
        _check_batch_sizes(shapes)
        self.compute_output_shape(shapes)

    def _maybe_build(self, inputs, args=(), kwargs=None):
        self._check_arrays(inputs)  # the build's shapes have no batch size: check the real ones first
        super()._maybe_build(inputs, args, kwargs)

    def _check_arrays(self, inputs):
        if isinstance(inputs, (list, tuple)) and all(isinstance(x, Tensor) for x in inputs):
            self._check_shapes([tuple(x.shape) for x in inputs])

    def compute_output_shape(self, input_shape):
        shapes = _shape_list(input_shape, type(self).__name__)
        output = shapes[0]
        for shape in shapes[1:]:
            output = _broadcast_shape(output, shape)
        return output

    def call(self, inputs):
        if not isinstance(inputs, (list, tuple)):
            raise ValueError(f"A merge layer should be called on a list of inputs. Received: inputs={inputs} "
                             "(not a list of tensors)")
        self._check_arrays(inputs)  # a built layer called again, on other shapes
        return self._merge_function(list(inputs))

    def get_build_config(self):
        shapes = self.__dict__.get("_merge_shapes")
        return None if not self.built or shapes is None else {"input_shape": [list(shape) for shape in shapes]}

    def build_from_config(self, config):
        shape = (config or {}).get("input_shape")
        if shape is not None and not self.built:
            self._build_from_shape([tuple(s) for s in shape])


class Add(Merge):
    """The elementwise sum of the inputs."""

    def _merge_function(self, inputs):
        output = inputs[0]
        for x in inputs[1:]:
            output = ops.add(output, x)
        return output


class Subtract(Merge):
    """``inputs[0] - inputs[1]``, for exactly two inputs."""

    def _check_shapes(self, shapes):
        if len(shapes) != 2:
            raise ValueError(f"A `Subtract` layer should be called on exactly 2 inputs. Received: input_shape={shapes}")
        super()._check_shapes(shapes)

    def _merge_function(self, inputs):
        if len(inputs) != 2:
            raise ValueError(f"A `Subtract` layer should be called on exactly 2 inputs. Received: inputs={inputs}")
        return ops.subtract(inputs[0], inputs[1])


class Multiply(Merge):
    """The elementwise product of the inputs."""

    def _merge_function(self, inputs):
        output = inputs[0]
        for x in inputs[1:]:
            output = ops.multiply(output, x)
        return output


class Average(Merge):
    """The elementwise mean of the inputs."""

    def _merge_function(self, inputs):
        return ops.divide(Add._merge_function(self, inputs), len(inputs))


class Maximum(Merge):
    """The elementwise maximum of the inputs."""

    def _merge_function(self, inputs):
        return _merge_unmasked(ops.maximum, inputs)


class Minimum(Merge):
    """The elementwise minimum of the inputs."""

    def _merge_function(self, inputs):
        return _merge_unmasked(ops.minimum, inputs)


class Concatenate(Merge):
    """The inputs joined along `axis` (default -1); every other size must agree."""

    def __init__(self, axis=-1, **kwargs):
        super().__init__(**kwargs)
        self.axis = axis

    def _check_shapes(self, shapes):
        ranks = {len(shape) for shape in shapes}
        error = ValueError("A `Concatenate` layer requires inputs with matching shapes except for the concatenation "
                           f"axis. Received: input_shape={shapes}")
        if len(ranks) != 1:
            raise error
        rank = ranks.pop()
        axis = self.axis % rank
        for position in range(rank):
            sizes = {shape[position] for shape in shapes if shape[position] is not None}
            if position != axis and len(sizes) > 1:
                raise error

    def compute_output_shape(self, input_shape):
        shapes = _shape_list(input_shape, "Concatenate")
        output = list(shapes[0])
        axis = self.axis % len(output)
        sizes = [shape[axis] for shape in shapes]
        output[axis] = None if None in sizes else sum(sizes)
        for position in range(len(output)):  # a known size wins over an unknown one
            if position != axis and output[position] is None:
                output[position] = next((s[position] for s in shapes if s[position] is not None), None)
        return tuple(output)

    def _merge_function(self, inputs):
        return ops.concatenate(*inputs, axis=self.axis)

    def compute_mask(self, inputs, previous_mask):
        """Keras's rule: each mask is spread over its input's shape (all True for an unmasked
        input), the masks are joined along `axis`, and a position is kept if any feature is."""
        if previous_mask is None:
            return None
        spread = []
        for tensor, mask in zip(inputs, previous_mask):
            values = np.ones(tensor.shape, bool) if mask is None else _mask_values(mask)
            if values.ndim < len(tensor.shape):
                values = values[..., None]
            spread.append(np.broadcast_to(values, tensor.shape))
        return Tensor(np.concatenate(spread, axis=self.axis).any(axis=-1))

    def get_config(self):
        return {**super().get_config(), "axis": self.axis}


class Dot(Merge):
    """The dot product of two inputs along `axes` (an int for both, or one per input), of each
    sample; ``normalize=True`` l2-normalises both along those axes first (cosine similarity).
    Inputs of rank 2 (``(batch, n)``) or rank 3."""

    def __init__(self, axes, normalize=False, **kwargs):
        super().__init__(**kwargs)
        if not isinstance(axes, int):
            if not isinstance(axes, (list, tuple)):
                raise TypeError(f"Invalid type for argument `axes`: it should be a list or an int. Received: "
                                f"axes={axes}")
            if len(axes) != 2:
                raise ValueError(f"Invalid format for argument `axes`: it should contain two elements. Received: "
                                 f"axes={axes}")
            if not isinstance(axes[0], int) or not isinstance(axes[1], int):
                raise ValueError(f"Invalid format for argument `axes`: list elements should be integers. Received: "
                                 f"axes={axes}")
        self.axes = axes
        self.normalize = normalize

    def compute_mask(self, inputs, previous_mask):
        return None  # the contracted axes are gone, and Keras drops the mask with them

    def _axes(self, rank1, rank2):
        if isinstance(self.axes, int):
            return [self.axes % rank1, self.axes % rank2] if self.axes < 0 else [self.axes] * 2
        return [axis % rank if axis < 0 else axis for axis, rank in zip(self.axes, (rank1, rank2))]

    def _check_shapes(self, shapes):
        if len(shapes) != 2:
            raise ValueError(f"A `Dot` layer should be called on a list of 2 inputs. Received: input_shape={shapes}")
        _check_batch_sizes(shapes)
        shape1, shape2 = shapes
        axes = self._axes(len(shape1), len(shape2))
        if shape1[axes[0]] != shape2[axes[1]]:
            raise ValueError(f"Incompatible input shapes: axis values {shape1[axes[0]]} (at axis {axes[0]}) != "
                             f"{shape2[axes[1]]} (at axis {axes[1]}). Full input shapes: {shape1}, {shape2}")
        if len(shape1) != len(shape2) or len(shape1) not in (2, 3) or 0 in axes:
            raise ValueError(f"glassnet's Dot takes two inputs of the same rank, 2 or 3, contracted along non-batch "
                             f"axes. Received: input shapes {shape1}, {shape2} with axes={self.axes}")

    def compute_output_shape(self, input_shape):
        shape1, shape2 = (list(shape) for shape in _shape_list(input_shape, "Dot"))
        axes = self._axes(len(shape1), len(shape2))
        shape1.pop(axes[0])
        shape2.pop(axes[1])
        output = shape1 + shape2[1:]
        return tuple(output + [1] if len(output) == 1 else output)

    def _merge_function(self, inputs):
        if len(inputs) != 2:
            raise ValueError(f"A `Dot` layer should be called on exactly 2 inputs. Received: inputs={inputs}")
        x1, x2 = inputs
        axes = self._axes(x1.ndim, x2.ndim)
        if self.normalize:
            x1, x2 = _l2_normalize(x1, axes[0]), _l2_normalize(x2, axes[1])
        if x1.ndim == 2:
            return ops.sum(ops.multiply(x1, x2), axis=1, keepdims=True)
        # rank 3: move the contracted axis of x1 last and that of x2 to axis 1, then matmul
        if axes[0] == 1:
            x1 = ops.transpose(x1, axes=(0, 2, 1))
        if axes[1] == 2:
            x2 = ops.transpose(x2, axes=(0, 2, 1))
        return ops.matmul(x1, x2)

    def get_config(self):
        return {**super().get_config(), "axes": self.axes, "normalize": self.normalize}


# Keras's functional forms: ``layers.add([a, b])`` is ``layers.Add()([a, b])``.
def add(inputs, **kwargs):
    """``Add(**kwargs)(inputs)``."""
    return Add(**kwargs)(inputs)


def subtract(inputs, **kwargs):
    """``Subtract(**kwargs)(inputs)``."""
    return Subtract(**kwargs)(inputs)


def multiply(inputs, **kwargs):
    """``Multiply(**kwargs)(inputs)``."""
    return Multiply(**kwargs)(inputs)


def average(inputs, **kwargs):
    """``Average(**kwargs)(inputs)``."""
    return Average(**kwargs)(inputs)


def maximum(inputs, **kwargs):
    """``Maximum(**kwargs)(inputs)``."""
    return Maximum(**kwargs)(inputs)


def minimum(inputs, **kwargs):
    """``Minimum(**kwargs)(inputs)``."""
    return Minimum(**kwargs)(inputs)


def concatenate(inputs, axis=-1, **kwargs):
    """``Concatenate(axis=axis, **kwargs)(inputs)``."""
    return Concatenate(axis=axis, **kwargs)(inputs)


def dot(inputs, axes=-1, normalize=False, **kwargs):
    """``Dot(axes=axes, normalize=normalize, **kwargs)(inputs)``."""
    return Dot(axes=axes, normalize=normalize, **kwargs)(inputs)


def _l2_normalize(x, axis, epsilon=1e-7):
    """Keras's ``normalize``: ``x * min(rsqrt(sum(x²)), 1/ε)``, written as ``x * (1 / sqrt(max(sum(x²), ε²)))``
    (the same values, and the same order of float32 roundings) from existing ops, since the op layer has
    no l2-normalize or rsqrt."""
    square_sum = ops.sum(ops.square(x), axis=axis, keepdims=True)
    return ops.multiply(x, ops.divide(1.0, ops.sqrt(ops.maximum(square_sum, epsilon * epsilon))))


def _check_batch_sizes(shapes):
    batches = {shape[0] for shape in shapes if shape and shape[0] is not None}
    if len(batches) > 1:
        raise ValueError(f"Cannot merge tensors with different batch sizes. Received tensors with shapes {shapes}")


def _merge_unmasked(merge, inputs):
    """``merge`` (maximum or minimum, which have no neutral value) over the inputs, where a masked
    step of one input takes the other's value instead, as Keras does."""
    output, output_mask = inputs[0], _spread_mask(inputs[0])
    for x in inputs[1:]:
        mask = _spread_mask(x)
        if mask is not None:
            x = ops.where(mask, x, output)
        if output_mask is not None:
            output = ops.where(output_mask, output, x)
        output_mask = None if mask is None or output_mask is None else np.logical_or(output_mask, mask)
        output = merge(output, x)
    return output


def _spread_mask(tensor):
    mask = getattr(tensor, "_keras_mask", None)
    return None if mask is None else np.broadcast_to(_mask_values(mask)[..., None], tensor.shape)


def _mask_values(mask):
    return mask.value if isinstance(mask, Tensor) else np.asarray(mask)


def _shape_list(input_shape, owner):
    if not isinstance(input_shape, (list, tuple)) or not all(isinstance(s, (list, tuple)) for s in input_shape):
        raise ValueError(f"A merge layer ({owner}) should be called on a list of inputs. Received: "
                         f"input_shape={input_shape} (not a list of shapes)")
    return [tuple(shape) for shape in input_shape]


def _broadcast_shape(shape1, shape2):
    if len(shape1) != len(shape2):
        raise ValueError(f"Inputs have incompatible shapes. Received shapes {shape1[1:]} and {shape2[1:]}")
    output = [shape1[0] if shape1[0] is not None else shape2[0]]
    for a, b in zip(shape1[1:], shape2[1:]):
        if a is None or b is None:
            output.append(None)
        elif a == 1 or b == 1 or a == b:
            output.append(max(a, b) if 1 in (a, b) else a)
        else:
            raise ValueError(f"Inputs have incompatible shapes. Received shapes {shape1[1:]} and {shape2[1:]}")
    return tuple(output)
