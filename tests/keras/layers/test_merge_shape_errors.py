"""Dot, Concatenate and Add refuse inputs whose shapes do not fit, with Keras's messages naming
the shapes received: on symbolic inputs when the graph is built, and on arrays before any
arithmetic (their real shapes, batch sizes included; also when the layer was built before)."""
import re

import numpy as np
import pytest

from glassnet.keras import layers
from glassnet.keras.layers import Input

CASES = {
    "dot": (lambda: layers.Dot(axes=1), [(3,), (4,)], [(3,), (3,)],
            "Incompatible input shapes: axis values 3 (at axis 1) != 4 (at axis 1). Full input shapes: {0}, {1}"),
    "concatenate": (layers.Concatenate, [(3, 5), (4, 6)], [(3, 5), (3, 6)],
                    "A `Concatenate` layer requires inputs with matching shapes except for the concatenation axis. "
                    "Received: input_shape=[{0}, {1}]"),
    "add": (layers.Add, [(3,), (4,)], [(3,), (3,)], "Inputs have incompatible shapes. Received shapes (3,) and (4,)"),
}


@pytest.mark.parametrize("name", list(CASES))
def test_symbolic_inputs_are_refused_when_the_graph_is_built(name):
    make, bad, _, message = CASES[name]
    with pytest.raises(ValueError, match=re.escape(message.format(*((None, *s) for s in bad)))):
        make()([Input(shape) for shape in bad])


@pytest.mark.parametrize("name", list(CASES))
def test_arrays_are_refused_with_their_real_shapes(name):
    make, bad, _, message = CASES[name]
    with pytest.raises(ValueError, match=re.escape(message.format(*((2, *s) for s in bad)))):
        make()([np.ones((2, *shape), "float32") for shape in bad])


@pytest.mark.parametrize("name", list(CASES))
def test_a_built_layer_called_on_other_shapes_is_refused_before_any_arithmetic(name):
    make, bad, good, message = CASES[name]
    layer = make()
    layer([np.ones((2, *shape), "float32") for shape in good])
    with pytest.raises(ValueError, match=re.escape(message.format(*((2, *s) for s in bad)))):
        layer([np.ones((2, *shape), "float32") for shape in bad])  # NumPy's own error before


@pytest.mark.parametrize("make", [layers.Add, lambda: layers.Dot(axes=1)], ids=["add", "dot"])
def test_arrays_of_different_batch_sizes_are_refused(make):
    with pytest.raises(ValueError, match=re.escape("Cannot merge tensors with different batch sizes. Received "
                                                   "tensors with shapes [(2, 3), (5, 3)]")):
        make()([np.ones((2, 3), "float32"), np.ones((5, 3), "float32")])
