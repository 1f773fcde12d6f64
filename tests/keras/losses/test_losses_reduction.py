"""The Loss pipeline: reductions, sample weights, custom losses, configs."""
import numpy as np
import pytest

from glassnet.autodiff import check_gradients, ops
from glassnet.keras import losses

Y = np.array([[0.0], [1.0], [2.0], [3.0]])
P = np.array([[1.0], [1.0], [4.0], [1.0]])
PER_SAMPLE = np.array([1.0, 0.0, 4.0, 4.0])  # (y - p)^2 per row
W = np.array([1.0, 2.0, 0.0, 3.0])


@pytest.mark.parametrize("reduction, expected", [
    ("sum_over_batch_size", (1 + 0 + 0 + 12) / 4),  # sum(l w) / 4 elements, not / sum(w)
    ("mean", (1 + 0 + 0 + 12) / 4),
    ("sum", 1 + 0 + 0 + 12),
    ("mean_with_sample_weight", (1 + 0 + 0 + 12) / 6),
])
def test_weighted_reductions(reduction, expected):
    loss = losses.MeanSquaredError(reduction=reduction)
    assert float(loss(Y, P, sample_weight=W)) == pytest.approx(expected)


@pytest.mark.parametrize("reduction", [None, "none"])
def test_no_reduction_gives_weighted_per_sample_losses(reduction):
    loss = losses.MeanSquaredError(reduction=reduction)
    np.testing.assert_allclose(loss(Y, P).numpy(), PER_SAMPLE)
    np.testing.assert_allclose(loss(Y, P, sample_weight=W).numpy(), PER_SAMPLE * W)


def test_unweighted_default_is_the_mean():
    assert float(losses.MeanSquaredError()(Y, P)) == pytest.approx(PER_SAMPLE.mean())


@pytest.mark.parametrize("weights", [W, W.reshape(4, 1), W.tolist()])
def test_sample_weight_shapes_align(weights):
    assert float(losses.MeanSquaredError()(Y, P, sample_weight=weights)) == pytest.approx(13 / 4)


def test_scalar_sample_weight_scales():
    assert float(losses.MeanSquaredError()(Y, P, sample_weight=2.0)) == pytest.approx(2 * PER_SAMPLE.mean())


def test_all_zero_weights_give_zero_not_nan():
    loss = losses.MeanSquaredError(reduction="mean_with_sample_weight")
    assert float(loss(Y, P, sample_weight=np.zeros(4))) == 0.0


def test_bad_sample_weight_shape_names_the_argument():
    with pytest.raises(ValueError, match=r"sample_weight of shape \(3,\).*\(4,\)"):
        losses.MeanSquaredError()(Y, P, sample_weight=np.ones(3))


@pytest.mark.parametrize("reduction", ["sum_over_batch_size", "sum", "mean_with_sample_weight", None])
def test_gradients_through_weights_and_reductions(reduction):
    loss = losses.BinaryCrossentropy(reduction=reduction)
    y = np.array([[1.0], [0.0], [1.0]])
    check_gradients(lambda p: loss(y, p, sample_weight=np.array([0.5, 2.0, 1.0])), np.array([[0.3], [0.6], [0.9]]))


def test_weighted_float32_stays_float32():
    out = losses.MeanSquaredError()(Y, P.astype("float32"), sample_weight=np.array([1.0, 2.0, 0.0, 3.0]))
    assert out.dtype == np.float32


def test_custom_loss_subclass():
    class MeanCubedError(losses.Loss):
        def call(self, y_true, y_pred):
            return ops.sum(ops.abs(y_pred - y_true) ** 3, axis=-1) / y_pred.shape[-1]

    loss = MeanCubedError()
    assert loss.name.startswith("mean_cubed_error")
    # rows: |1 - 0|^3 = 1 and |2 - 0|^3 = 8: (1 + 8) / 2
    assert float(loss(np.array([[0.0], [0.0]]), np.array([[1.0], [2.0]]))) == 4.5
    check_gradients(lambda p: loss(np.zeros((2, 1)), p), np.array([[1.0], [-2.0]]))


def test_base_loss_call_is_abstract():
    with pytest.raises(NotImplementedError, match="call"):
        losses.Loss()(np.zeros(2), np.zeros(2))


def test_get_config_and_from_config_round_trip():
    loss = losses.BinaryCrossentropy(from_logits=True, label_smoothing=0.1, reduction="sum", name="bce_x")
    config = loss.get_config()
    assert config == {"name": "bce_x", "reduction": "sum", "from_logits": True, "label_smoothing": 0.1, "axis": -1}
    clone = losses.BinaryCrossentropy.from_config(config)
    assert clone.from_logits is True and clone.label_smoothing == 0.1 and clone.reduction == "sum"
    assert losses.SparseCategoricalCrossentropy(ignore_class=3).get_config()["ignore_class"] == 3
    assert losses.Huber(delta=2.0).get_config() == {"name": "huber_loss", "reduction": "sum_over_batch_size",
                                                    "delta": 2.0}
    assert losses.MeanSquaredError().get_config() == {"name": "mean_squared_error",
                                                      "reduction": "sum_over_batch_size"}


def test_default_names_and_attributes():
    assert losses.BinaryCrossentropy().name == "binary_crossentropy"
    assert losses.CategoricalCrossentropy().name == "categorical_crossentropy"
    assert losses.SparseCategoricalCrossentropy().name == "sparse_categorical_crossentropy"
    assert losses.MeanSquaredError().name == "mean_squared_error"
    assert losses.MeanAbsoluteError().name == "mean_absolute_error"
    assert losses.Huber().name == "huber_loss"
    bce = losses.BinaryCrossentropy()
    assert (bce.from_logits, bce.label_smoothing, bce.axis, bce.reduction) == (False, 0.0, -1, "sum_over_batch_size")
    assert bce.dtype == "float32"


def test_label_smoothing_numpy_scalar_does_not_upcast():
    loss = losses.BinaryCrossentropy(label_smoothing=np.float64(0.1))
    assert loss(np.array([[1.0]]), np.array([[0.7]], dtype="float32")).dtype == np.float32
