"""The compiled loss (array functions for fit's plan) equals the loss object on the tape, bit for bit;
the weighting and reduction op is gradient-checked."""
import numpy as np
import pytest

from glassnet.autodiff import GradientTape, Tensor, check_gradients
from glassnet.keras import losses
from glassnet.keras.losses import reduction

RNG = np.random.default_rng(0)
LOSSES = [
    losses.BinaryCrossentropy(), losses.BinaryCrossentropy(from_logits=True),
    losses.BinaryCrossentropy(axis=-2), losses.CategoricalCrossentropy(),
    losses.CategoricalCrossentropy(from_logits=True, axis=-2), losses.SparseCategoricalCrossentropy(),
    losses.SparseCategoricalCrossentropy(from_logits=True), losses.MeanSquaredError(),
    losses.LossFunctionWrapper(losses.mean_squared_error),
]


def _targets(loss, shape):
    if isinstance(loss, losses.SparseCategoricalCrossentropy):
        return RNG.integers(0, shape[-1], shape[:-1])
    if isinstance(loss, losses.CategoricalCrossentropy):
        return np.eye(shape[-1], dtype=np.float32)[RNG.integers(0, shape[-1], shape[:-1])]
    return RNG.integers(0, 2, shape).astype(np.float32)


def _on_tape(loss, y, y_pred, sample_weight):
    prediction = Tensor(y_pred)
    with GradientTape() as tape:
        tape.watch(prediction)
        value = loss(y, prediction, sample_weight=sample_weight)
    return value.numpy(), tape.gradient(value, prediction).numpy()


@pytest.mark.parametrize("reduction_name", ["sum_over_batch_size", "sum", "mean_with_sample_weight", "none"])
@pytest.mark.parametrize("loss", LOSSES, ids=lambda loss: loss.name)
@pytest.mark.parametrize("shape", [(5, 1), (5, 3), (4, 2, 3)])
def test_compiled_loss_equals_the_tape(loss, shape, reduction_name):
    loss.reduction = reduction_name
    y_pred = RNG.uniform(0.05, 0.95, shape).astype(np.float32)
    y = _targets(loss, shape)
    per_sample_shape = np.delete(shape, getattr(loss, "axis", -1))
    weights = RNG.uniform(0, 2, per_sample_shape).astype(np.float32)
    compiled = loss._compiled(np.dtype("float32"))
    for sample_weight in (None, weights):
        value, backward = compiled(y, y_pred, sample_weight)
        expected_value, expected_gradient = _on_tape(loss, y, y_pred, sample_weight)
        np.testing.assert_array_equal(np.asarray(value), expected_value)
        np.testing.assert_array_equal(backward(), expected_gradient)


def test_targets_of_rank_one_less_are_aligned_as_the_tape_aligns_them():
    loss = losses.BinaryCrossentropy()
    y, y_pred = RNG.integers(0, 2, (4, 3)).astype(np.float32), RNG.uniform(0.1, 0.9, (4, 3, 1)).astype(np.float32)
    value, backward = loss._compiled(np.dtype("float32"))(y, y_pred, None)
    expected_value, expected_gradient = _on_tape(loss, y, y_pred, None)
    assert backward().shape == y_pred.shape
    np.testing.assert_array_equal(value, expected_value)
    np.testing.assert_array_equal(backward(), expected_gradient)


@pytest.mark.parametrize("loss", [
    losses.BinaryCrossentropy(label_smoothing=0.1), losses.SparseCategoricalCrossentropy(ignore_class=0),
    losses.MeanAbsoluteError(), losses.BinaryCrossentropy(dtype="float64"), losses.Huber(),
    losses.LossFunctionWrapper(lambda y_true, y_pred: (y_true - y_pred) ** 2),
])
def test_losses_that_are_not_one_fused_op_have_no_compiled_form(loss):
    assert loss._compiled(np.dtype("float32")) is None


@pytest.mark.parametrize("name", ["sum_over_batch_size", "sum", "mean_with_sample_weight", "none"])
@pytest.mark.parametrize("values_shape, weights_shape", [
    ((4,), None), ((4,), (4,)), ((4,), (4, 1)), ((4, 1), (4,)), ((4, 3), (4, 3)), ((4, 3), (4, 1)), ((4, 3), ()),
])
def test_reduce_weighted_gradient(values_shape, weights_shape, name):
    weights = None if weights_shape is None else RNG.uniform(0.5, 2, weights_shape)
    check_gradients(lambda v: reduction.reduce_weighted(v, weights=weights, reduction=name),
                    RNG.normal(size=values_shape))


def test_all_zero_weights_give_a_zero_gradient():
    values = Tensor(np.array([1.0, 2.0]))
    with GradientTape() as tape:
        tape.watch(values)
        loss = reduction.reduce_weighted(values, weights=np.zeros(2), reduction="mean_with_sample_weight")
    assert float(loss.numpy()) == 0.0
    np.testing.assert_array_equal(tape.gradient(loss, values).numpy(), [0.0, 0.0])


@pytest.mark.parametrize("fn, options", [
    (losses.mean_squared_error, {"axis": 0}), (losses.mean_squared_error, {"from_logits": False}),
    (losses.sparse_categorical_crossentropy, {"label_smoothing": 0.0}),
])
def test_options_the_function_does_not_take_leave_it_to_the_tape(fn, options):
    # On the tape these fail with a TypeError; the compiled form must not compute anything instead.
    assert losses.LossFunctionWrapper(fn, **options)._compiled(np.dtype("float32")) is None


@pytest.mark.parametrize("shape", [(4, 3), (4, 2000)])  # a small gradient is cached, a large one broadcast
def test_mean_spreads_the_gradient_over_every_element(shape):
    _, backward = reduction.reduce_weighted.forward(np.ones(shape, np.float32), reduction="mean")
    for g in (1.0, -0.0, 0.0, 3.0):  # +0 and -0 hash alike: the cache must keep them apart
        gradient = backward(np.array(g, np.float32))
        expected = np.full(shape, np.float32(g) / np.float32(np.prod(shape)), np.float32)
        assert gradient.shape == shape and gradient.dtype == np.float32
        np.testing.assert_array_equal(np.signbit(gradient), np.signbit(expected))
        np.testing.assert_array_equal(gradient, expected)
