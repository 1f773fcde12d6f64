"""GradientTape.gradient's bad arguments, refused before any work (the non-persistent tape still
answers after a refused call), and sources it did not watch, which get None as in TensorFlow."""
import re

import numpy as np
import pytest

import glassnet as tf
from glassnet.autodiff import GradientTape, Variable


def _tape():
    w = Variable(np.array([1.0, 2.0], dtype="float32"))
    with GradientTape() as tape:
        y = w * 3.0
    return tape, y, w


@pytest.mark.parametrize("target", [[1.0], None, (2.0,)], ids=str)
def test_a_target_that_is_not_a_tensor_is_refused(target):
    tape, y, w = _tape()
    with pytest.raises(TypeError, match=re.escape(
            "Invalid `target` for gradient(): expected the Tensor to differentiate, computed inside the tape's "
            f"`with` block (for several targets, their sum). Received: target={target!r}")):
        tape.gradient(target, w)
    np.testing.assert_array_equal(tape.gradient(y, w).numpy(), [3.0, 3.0])


@pytest.mark.parametrize("sources, which", [(np.array([1.0, 2.0]), ""), (1.0, ""), ([1.0], " (sources[0] is a float)")],
                         ids=["numpy", "float", "list of float"])
def test_sources_that_are_not_tensors_or_variables_are_refused(sources, which):
    tape, y, w = _tape()
    with pytest.raises(TypeError, match=re.escape(
            "Invalid `sources` for gradient(): expected a Tensor or Variable, or a list of them. Received: "
            f"sources={sources!r}{which}")):
        tape.gradient(y, sources)
    np.testing.assert_array_equal(tape.gradient(y, w).numpy(), [3.0, 3.0])


def test_a_list_holding_one_bad_source_names_the_list():
    tape, y, w = _tape()
    with pytest.raises(TypeError, match=r"(?s)Received: sources=\[<tf.Variable .*>, 2.0\] \(sources\[1\] is a "
                                        r"float\)$") as error:
        tape.gradient(y, [w, 2.0])
    assert "shape=(2,)" in str(error.value)


def test_sources_the_tape_did_not_watch_get_none_as_in_tensorflow():
    frozen = Variable(np.array([1.0], dtype="float32"), trainable=False)
    constant = tf.constant([2.0])
    w = Variable(np.array([1.0], dtype="float32"))
    with GradientTape(persistent=True) as tape:
        y = frozen * constant * w
    assert tape.gradient(y, [frozen, constant]) == [None, None]
    assert float(tape.gradient(y, w).numpy()[0]) == 2.0  # the watched one: d(1 * 2 * w)/dw
    with GradientTape() as watching:
        watching.watch(constant)
        y = constant * constant
    assert float(watching.gradient(y, constant).numpy()[0]) == 4.0
    # and the docstring says so
    assert "did not watch" in GradientTape.gradient.__doc__ and "gets ``None``" in GradientTape.gradient.__doc__
