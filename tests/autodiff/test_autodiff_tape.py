"""The tape: topological order, accumulation, reuse, persistence and watching."""
import numpy as np
import pytest

from glassnet.autodiff import GradientTape, Tensor, Variable, ops


def _watched(value):
    return Tensor(np.array(value, dtype="float64"))


def test_reused_node_accumulates_every_path():
    # b = a + a, c = b + b, so c = 4a and dc/da = 4 (micrograd's classic case).
    a = _watched(3.0)
    with GradientTape() as tape:
        tape.watch(a)
        b = a + a
        c = b + b
    assert float(tape.gradient(c, a)) == 4.0


def test_reused_node_in_a_product():
    # c = b * b with b = a + a: c = 4a^2, dc/da = 8a = 24 at a = 3.
    a = _watched(3.0)
    with GradientTape() as tape:
        tape.watch(a)
        b = a + a
        c = b * b
    assert float(tape.gradient(c, a)) == 24.0


def test_diamond_graph():
    # y = x*x + exp(x) shares x between two branches: dy/dx = 2x + e^x.
    x = _watched([0.5, -1.0])
    with GradientTape() as tape:
        tape.watch(x)
        y = x * x + ops.exp(x)
    np.testing.assert_allclose(tape.gradient(y, x).numpy(), 2 * x.numpy() + np.exp(x.numpy()))


def test_persistent_tape_gives_the_same_gradient_twice():
    a = _watched([1.0, 2.0])
    with GradientTape(persistent=True) as tape:
        tape.watch(a)
        b = a * a
        c = b + b  # dc/da = 4a
    first = tape.gradient(c, a).numpy()
    second = tape.gradient(c, a).numpy()
    np.testing.assert_array_equal(first, [4.0, 8.0])
    np.testing.assert_array_equal(second, first)
    np.testing.assert_array_equal(tape.gradient(b, a).numpy(), [2.0, 4.0])  # another target, same tape


def test_non_persistent_tape_refuses_a_second_call():
    a = _watched(1.0)
    with GradientTape() as tape:
        tape.watch(a)
        b = a * 2
    tape.gradient(b, a)
    with pytest.raises(RuntimeError, match="persistent"):
        tape.gradient(b, a)


def test_deep_chain_does_not_hit_the_recursion_limit():
    # 5000 ops deep: a recursive topological sort would exceed Python's limit of 1000.
    x = _watched(1.0)
    with GradientTape() as tape:
        tape.watch(x)
        y = x
        for _ in range(5000):
            y = y + x
    assert float(tape.gradient(y, x)) == 5001.0


def test_unconnected_source_gives_none():
    a, unused = _watched(2.0), _watched(5.0)
    with GradientTape() as tape:
        tape.watch([a, unused])
        y = a * a
    grad_a, grad_unused = tape.gradient(y, [a, unused])
    assert float(grad_a) == 4.0
    assert grad_unused is None


def test_unwatched_tensor_gives_none():
    a = _watched(2.0)
    with GradientTape() as tape:
        y = a * a
    assert tape.gradient(y, a) is None


def test_ops_outside_the_tape_are_not_recorded():
    a = _watched(2.0)
    y = a * a
    with GradientTape() as tape:
        tape.watch(a)
    assert tape.gradient(y, a) is None


def test_trainable_variables_are_watched_automatically():
    w = Variable(np.array([1.0, -2.0], dtype="float32"))
    frozen = Variable(np.array(3.0, dtype="float32"), trainable=False)
    with GradientTape() as tape:
        y = ops.sum(w * w) * frozen  # dy/dw = 2 w * 3
    grad_w, grad_frozen = tape.gradient(y, [w, frozen])
    np.testing.assert_array_equal(grad_w.numpy(), [6.0, -12.0])
    assert grad_frozen is None


def test_gradient_after_variable_assign_uses_new_values():
    w = Variable(np.array([1.0, 2.0], dtype="float32"))
    w.assign([3.0, 4.0])
    with GradientTape() as tape:
        y = w * w
    np.testing.assert_array_equal(tape.gradient(y, w).numpy(), [6.0, 8.0])


def test_gradient_of_a_non_scalar_target_is_of_its_sum():
    x = _watched([1.0, 2.0, 3.0])
    with GradientTape() as tape:
        tape.watch(x)
        y = x * x  # d(sum x^2)/dx = 2x
    np.testing.assert_array_equal(tape.gradient(y, x).numpy(), [2.0, 4.0, 6.0])


def test_output_gradients_weight_the_target():
    x = _watched([1.0, 2.0])
    with GradientTape() as tape:
        tape.watch(x)
        y = x * x
    grad = tape.gradient(y, x, output_gradients=np.array([10.0, 0.5]))
    np.testing.assert_array_equal(grad.numpy(), [20.0, 2.0])  # 2x * weight


def test_gradient_with_respect_to_an_intermediate_tensor():
    x = _watched(2.0)
    with GradientTape() as tape:
        tape.watch(x)
        h = x * 3.0
        y = h * h  # dy/dh = 2h = 12, dy/dx = 2h * 3 = 36
    grad_h, grad_x = tape.gradient(y, [h, x])
    assert (float(grad_h), float(grad_x)) == (12.0, 36.0)


def test_single_source_returns_a_tensor_and_list_returns_a_list():
    x = _watched(2.0)
    with GradientTape(persistent=True) as tape:
        tape.watch(x)
        y = x * x
    single, in_list = tape.gradient(y, x), tape.gradient(y, [x])
    assert isinstance(single, Tensor) and float(single) == 4.0  # dy/dx = 2x
    assert isinstance(in_list, list) and len(in_list) == 1 and float(in_list[0]) == 4.0
