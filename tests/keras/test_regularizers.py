"""keras.regularizers: penalty values (no 1/2 factor), gradients, lookup and
validation (semantics §8)."""
import math

import numpy as np
import pytest

from glassnet.autodiff import GradientTape, Tensor, Variable, check_gradients
from glassnet.keras import regularizers

W = np.array([[0.5, -1.0], [2.0, -0.25]], dtype="float32")
# sum|w| = 0.5 + 1 + 2 + 0.25 = 3.75; sum w^2 = 0.25 + 1 + 4 + 0.0625 = 5.3125


@pytest.mark.parametrize(
    "regularizer, expected",
    [
        (regularizers.L1(), 0.01 * 3.75),
        (regularizers.L1(0.1), 0.1 * 3.75),
        (regularizers.L2(), 0.01 * 5.3125),  # no 1/2 factor
        (regularizers.L2(0.5), 0.5 * 5.3125),
        (regularizers.L1L2(l1=0.1, l2=0.2), 0.1 * 3.75 + 0.2 * 5.3125),
        (regularizers.L1L2(), 0.0),  # both default to 0
        (regularizers.L1L2(l2=0.3), 0.3 * 5.3125),
    ],
    ids=repr,
)
def test_penalty_values(regularizer, expected):
    penalty = regularizer(W)
    assert isinstance(penalty, Tensor) and penalty.shape == ()
    assert penalty.dtype == np.float32  # float factors never upcast float32 weights
    assert float(penalty) == pytest.approx(expected, rel=1e-6)


def test_penalty_gradients_match_finite_differences_and_formulas():
    w = np.array([[0.3, -1.2], [2.0, -0.7]])  # away from 0, where |w| has a kink
    (grad_l1,) = check_gradients(regularizers.L1(0.1), w)
    np.testing.assert_allclose(grad_l1, 0.1 * np.sign(w))
    (grad_l2,) = check_gradients(regularizers.L2(0.2), w)
    np.testing.assert_allclose(grad_l2, 2 * 0.2 * w)
    (grad_both,) = check_gradients(regularizers.L1L2(0.1, 0.2), w)
    np.testing.assert_allclose(grad_both, 0.1 * np.sign(w) + 0.4 * w)


def test_gradient_reaches_a_variable_through_the_tape():
    kernel = Variable(W)
    with GradientTape() as tape:
        penalty = regularizers.L2(0.01)(kernel)
    np.testing.assert_allclose(tape.gradient(penalty, kernel).numpy(), 0.02 * W, rtol=1e-6)


def test_lowercase_names_are_the_same_classes():
    assert regularizers.l1 is regularizers.L1
    assert regularizers.l2 is regularizers.L2
    assert regularizers.l1_l2 is regularizers.L1L2
    reg = regularizers.l2(0.02)
    assert type(reg) == regularizers.l2 and reg.l2 == 0.02  # noqa: E721 - what course code does


def test_factors_are_stored_as_floats():
    assert regularizers.L1(1).l1 == 1.0 and isinstance(regularizers.L1(1).l1, float)
    assert regularizers.L2(None).l2 == 0.01  # None means the default
    assert (regularizers.L1L2(None, None).l1, regularizers.L1L2(None, None).l2) == (0.0, 0.0)


@pytest.mark.parametrize("name, cls", [("l1", regularizers.L1), ("l2", regularizers.L2), ("L1", regularizers.L1),
                                       ("L2", regularizers.L2), ("L1L2", regularizers.L1L2),
                                       ("l1l2", regularizers.L1L2)])
def test_get_by_name(name, cls):
    reg = regularizers.get(name)
    assert type(reg) is cls


def test_get_by_name_uses_the_defaults():
    assert regularizers.get("l2").l2 == 0.01
    assert regularizers.get("L1L2").get_config() == {"l1": 0.0, "l2": 0.0}


def test_get_rejects_l1_l2_string_like_keras():
    with pytest.raises(ValueError, match="Could not interpret regularizer identifier: 'l1_l2'") as info:
        regularizers.get("l1_l2")
    assert "L1L2" in str(info.value) and "l2" in str(info.value)


def test_get_other_identifiers():
    reg = regularizers.L1(0.3)
    assert regularizers.get(reg) is reg
    assert regularizers.get(None) is None
    assert type(regularizers.get(regularizers.L2)) is regularizers.L2
    fn = lambda w: 0.0  # noqa: E731
    assert regularizers.get(fn) is fn
    from_dict = regularizers.get({"module": "keras.regularizers", "class_name": "L2", "config": {"l2": 0.05}})
    assert type(from_dict) is regularizers.L2 and from_dict.l2 == 0.05
    with pytest.raises(ValueError, match="regularizer"):
        regularizers.get(0.01)


@pytest.mark.parametrize("bad", [-0.1, math.nan, math.inf, "0.1", True, [0.1]])
def test_factor_validation_names_the_argument(bad):
    for cls, name in ((regularizers.L1, "l1"), (regularizers.L2, "l2")):
        with pytest.raises(ValueError, match=f"Received: {name}="):
            cls(bad)
    with pytest.raises(ValueError, match="Received: l2="):
        regularizers.L1L2(l1=0.1, l2=bad)


def test_serialize_matches_keras():
    assert regularizers.serialize(regularizers.L2(0.01)) == {
        "module": "keras.regularizers", "class_name": "L2", "config": {"l2": 0.01}, "registered_name": None,
    }
    assert regularizers.serialize(regularizers.L1L2(0.1))["config"] == {"l1": 0.1, "l2": 0.0}
    assert regularizers.serialize(None) is None


@pytest.mark.parametrize(
    "original", [regularizers.L1(0.2), regularizers.L2(0.3), regularizers.L1L2(0.1, 0.4)], ids=repr
)
def test_round_trip(original):
    rebuilt = regularizers.deserialize(regularizers.serialize(original))
    assert type(rebuilt) is type(original) and rebuilt.get_config() == original.get_config()
    assert float(rebuilt(W)) == float(original(W))
    assert type(original).from_config(original.get_config()).get_config() == original.get_config()


def test_accepts_lists_and_float64():
    assert float(regularizers.L1(1.0)([1.0, -2.0])) == 3.0
    assert regularizers.L2(1.0)(np.array([3.0])).dtype == np.float64  # the weight's own dtype


def test_docstring_examples_run():
    import doctest

    result = doctest.testmod(regularizers)
    assert result.attempted > 0 and result.failed == 0
