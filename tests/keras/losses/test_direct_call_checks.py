"""Losses called directly (a GradientTape loop, a metric, tf.nn) check their targets as fit does,
and a loss function that returns something other than numbers is named in the error."""
import numpy as np
import pytest

import glassnet as tf
from glassnet import nn
from glassnet.autodiff import GradientTape, Tensor
from glassnet.keras import Sequential, losses, optimizers
from glassnet.keras.keras_tensor import KerasTensor
from glassnet.keras.layers import Dense, Input
from glassnet.keras.losses import lookup, targets

P3 = np.array([[0.2, 0.3, 0.5], [0.6, 0.3, 0.1], [0.1, 0.1, 0.8], [0.3, 0.4, 0.3]], dtype="float32")


# --- 1. the label checks of fit, on every path ----------------------------------------------------

def test_sparse_labels_out_of_range_in_a_tape_loop():
    logits = Tensor(np.log(P3))
    for labels, bad in (([0, 5, 1, 7], 7), ([0, -1, 1, 2], -1)):
        with GradientTape():
            with pytest.raises(ValueError, match=rf"Invalid `y_true`.*label {bad} out of range for 3 classes"):
                losses.SparseCategoricalCrossentropy(from_logits=True)(np.array(labels), logits)


def test_sparse_labels_checked_in_the_function_and_the_metric():
    with pytest.raises(ValueError, match="label 3 out of range for 3 classes"):
        losses.sparse_categorical_crossentropy(np.array([0, 3, 1, 2]), P3)
    with pytest.raises(ValueError, match="label 3 out of range for 3 classes"):
        tf.keras.metrics.SparseCategoricalCrossentropy().update_state(np.array([0, 3, 1, 2]), P3)


def test_ignore_class_may_lie_outside_the_classes():
    loss = losses.SparseCategoricalCrossentropy(ignore_class=-1)
    assert float(loss(np.array([2, -1, 2, -1]), P3)) > 0


def test_a_single_unbatched_row_keeps_working():
    # One label for one (K,) row of probabilities, as Keras allows: -log 0.5.
    assert float(losses.SparseCategoricalCrossentropy()(np.array(2), P3[0])) == pytest.approx(np.log(2))
    with pytest.raises(ValueError, match=r"one integer label per row of y_pred.*received y_true of shape \(\)"):
        losses.sparse_categorical_crossentropy(np.array(2), P3)


def test_binary_crossentropy_refuses_labels_0_to_2():
    y = np.array([[0], [1], [2], [2]])
    p = np.full((4, 1), 0.5, dtype="float32")
    with pytest.raises(ValueError, match=r"targets in \[0, 1\].*y_true contains 2.0 at index \(2, 0\)"):
        losses.BinaryCrossentropy()(y, p)
    with pytest.raises(ValueError, match=r"targets in \[0, 1\].*y_true contains 2 at index \(2, 0\)"):
        losses.binary_crossentropy(y, p)


def test_targets_must_be_finite_numbers():
    with pytest.raises(ValueError, match=r"y_true contains NaN or inf at index \(1, 0\)"):
        losses.MeanSquaredError()(np.array([[0.0], [np.nan]]), np.zeros((2, 1)))
    with pytest.raises(TypeError, match="numeric targets. Received y_true of dtype <U1"):
        losses.mean_absolute_error(np.array([["a"], ["b"]]), np.zeros((2, 1)))


def test_tf_nn_cross_entropies_check_their_labels():
    with pytest.raises(ValueError, match=r"sigmoid_cross_entropy_with_logits.*\[0, 1\].*labels contains 2.0"):
        nn.sigmoid_cross_entropy_with_logits(labels=[0.0, 2.0], logits=[0.0, 0.0])
    with pytest.raises(ValueError, match=r"softmax_cross_entropy_with_logits.*labels contains NaN"):
        nn.softmax_cross_entropy_with_logits([[0.0, np.nan]], [[0.0, 0.0]])
    with pytest.raises(ValueError, match=r"Invalid `axis` for softmax_cross_entropy_with_logits.*axis=2"):
        nn.softmax_cross_entropy_with_logits([[0.0, 1.0]], [[0.0, 0.0]], axis=2)
    assert float(nn.sigmoid_cross_entropy_with_logits(labels=1.0, logits=0.0)) == pytest.approx(np.log(2))


def test_symbolic_values_are_not_checked():
    symbolic = KerasTensor((None, 3))
    targets.check_targets(targets.check_sparse, "sparse_categorical_crossentropy", symbolic, P3)
    targets.check_targets(targets.check_sparse, "sparse_categorical_crossentropy", np.array([9]), symbolic)


# The data each check refuses, and (y, y_pred) it accepts.
BAD_TARGETS = {
    targets.check_binary: [np.array([[0.0], [2.0]]), np.zeros((2, 3))],
    targets.check_categorical: [np.array([[0.0], [1.0]]), np.zeros((2, 4))],
    targets.check_sparse: [np.array([0, 7]), np.array([0.5, 1.0]), np.eye(3)[:2]],
    targets.check_regression: [np.zeros((2, 2)), np.zeros(2), np.array([[np.inf] * 3] * 2)],
}
PREDICTIONS = {check: np.full((2, 1 if check is targets.check_binary else 3), 0.5, "float32")
               for check in BAD_TARGETS}


def test_every_built_in_function_names_its_targets_check():
    assert all(fn.target_check in BAD_TARGETS for fn in lookup.FUNCTIONS)


@pytest.mark.parametrize("fn", lookup.FUNCTIONS, ids=lambda fn: fn.__name__)
def test_direct_calls_refuse_what_fit_refuses(fn):
    check = fn.target_check
    y_pred = PREDICTIONS[check]
    for y in BAD_TARGETS[check]:
        with pytest.raises((ValueError, TypeError)) as in_fit:
            losses.LossFunctionWrapper(fn).validate_targets(y, (None, *y_pred.shape[1:]))
        with pytest.raises(type(in_fit.value)):
            fn(y, y_pred)
        with pytest.raises(type(in_fit.value)):
            losses.LossFunctionWrapper(fn)(y, y_pred)


# --- 2. clear errors instead of internal ones -------------------------------------------------------

@pytest.mark.parametrize("cls", [cls for cls in lookup.CLASSES if cls not in (
    losses.Loss, losses.LossFunctionWrapper, losses.BinaryCrossentropy, losses.SparseCategoricalCrossentropy)],
    ids=lambda cls: cls.__name__)
def test_mismatched_shapes_name_both(cls):
    with pytest.raises(ValueError, match=r"y_true (of shape|has shape) \(4, 2\).*y_pred.*\(4, 3\)"):
        cls()(np.zeros((4, 2)), P3)


def test_binary_and_sparse_shape_mismatches_name_both():
    with pytest.raises(ValueError, match=r"same shape: y_true has shape \(4, 2\), y_pred \(4, 3\)"):
        losses.BinaryCrossentropy()(np.zeros((4, 2)), P3)
    with pytest.raises(ValueError, match=r"one integer label per row of y_pred.*\(4, 3\).*y_true of shape \(4, 2\)"):
        losses.SparseCategoricalCrossentropy()(np.zeros((4, 2)), P3)


def test_batch_mismatch_and_broadcast_rows():
    with pytest.raises(ValueError, match=r"one target per prediction: y_true has shape \(5, 1\), y_pred \(4, 3\)"):
        losses.mean_squared_error(np.zeros((5, 1)), P3)
    # One target row broadcast against every prediction is fine, as in Keras: mean of P3^2.
    assert float(losses.MeanSquaredError()(np.zeros((1, 3)), P3)) == pytest.approx(np.mean(P3 ** 2))


@pytest.mark.parametrize("make", [
    lambda: losses.CategoricalCrossentropy(axis=5)(np.eye(3)[[0, 1, 2, 0]], P3),
    lambda: losses.BinaryCrossentropy(axis=5)(np.zeros((4, 3)), P3),
    lambda: losses.SparseCategoricalCrossentropy(axis=-3)(np.array([0, 1, 2, 0]), P3),
    lambda: losses.categorical_crossentropy(np.eye(3)[[0, 1, 2, 0]], P3, axis=5),
])
def test_axis_out_of_range(make):
    with pytest.raises(ValueError, match=r"Invalid `axis` for \w+: expected an integer in \[-2, 2\), an axis of "
                                         r"y_pred of shape \(4, 3\). Received: axis=(5|-3)"):
        make()


def test_axis_must_be_an_integer():
    with pytest.raises(ValueError, match=r"Invalid `axis`: expected an integer. Received: axis=1.5"):
        losses.CategoricalCrossentropy(axis=1.5)
    with pytest.raises(ValueError, match=r"Invalid `axis` for binary_crossentropy.*Received: axis=1.5"):
        losses.binary_crossentropy(np.zeros((4, 3)), P3, axis=1.5)


def test_fit_refuses_a_bad_axis_before_training():
    model = Sequential([Input((2,)), Dense(3, activation="softmax")])
    model.compile(optimizer="sgd", loss=losses.CategoricalCrossentropy(axis=5))
    before = [w.copy() for w in model.get_weights()]
    with pytest.raises(ValueError, match=r"Invalid `axis`.*the model's output of shape \(None, 3\).*axis=5"):
        model.fit(np.zeros((4, 2)), np.eye(3)[[0, 1, 2, 0]], verbose=0)
    for old, new in zip(before, model.get_weights()):
        np.testing.assert_array_equal(old, new)


def _named_loss(result):
    def my_loss(y_true, y_pred):
        return result
    return my_loss


@pytest.mark.parametrize("result, shown", [
    ("abc", r"returned 'abc' \(a str\)"),
    (None, r"returned None\."),
    (["a", "b"], r"returned \['a', 'b'\] \(a list\)"),
    ([[1.0], [2.0, 3.0]], r"returned \[\[1.0\], \[2.0, 3.0\]\] \(a list\)"),
])
def test_loss_function_returning_no_numbers(result, shown):
    with pytest.raises(ValueError, match=rf"The loss function 'my_loss' {shown}.*per-sample losses.*shape \(4,\)"):
        losses.LossFunctionWrapper(_named_loss(result))(np.zeros((4, 3)), P3)


def test_loss_function_returning_the_wrong_shape():
    with pytest.raises(ValueError, match=r"'my_loss' returned losses of shape \(7,\) for a batch of 4"):
        losses.LossFunctionWrapper(_named_loss(np.zeros(7)))(np.zeros((4, 3)), P3)


def test_loss_subclass_call_returning_a_string():
    class Broken(losses.Loss):
        def call(self, y_true, y_pred):
            return "loss"

    with pytest.raises(ValueError, match=r"Broken.call returned 'loss' \(a str\)"):
        Broken()(np.zeros((4, 3)), P3)


def test_fit_with_a_loss_function_returning_a_string():
    model = Sequential([Input((3,)), Dense(3)])
    model.compile(optimizer="sgd", loss=_named_loss("oops"))
    before = [w.copy() for w in model.get_weights()]
    with pytest.raises(ValueError, match=r"The loss function 'my_loss' returned 'oops'"):
        model.fit(np.zeros((4, 3), "float32"), np.zeros((4, 3), "float32"), verbose=0)
    for old, new in zip(before, model.get_weights()):
        np.testing.assert_array_equal(old, new)


@pytest.mark.parametrize("result, shown", [
    (None, r"returned None\. Expected the per-sample metric values"),
    (np.zeros(7), r"returned metric values of shape \(7,\) for a batch of 4"),
])
def test_metric_function_returning_no_numbers_or_another_batch(result, shown):
    metric = tf.keras.metrics.MeanMetricWrapper(_named_loss(result))
    with pytest.raises(ValueError, match=rf"The metric function 'my_loss' {shown}"):
        metric.update_state(np.zeros((4, 3)), P3)
    model = Sequential([Input((3,)), Dense(3)])
    model.compile(optimizer="sgd", loss="mse", metrics=[_named_loss(result)])
    with pytest.raises(ValueError, match=rf"The metric function 'my_loss' {shown}"):
        model.fit(np.zeros((4, 3), "float32"), np.zeros((4, 3), "float32"), verbose=0)


@pytest.mark.parametrize("result", [
    lambda y_true, y_pred: 2.5,                                      # a Python number
    lambda y_true, y_pred: tf.math.reduce_mean(tf.math.square(y_true - y_pred)),  # a scalar Tensor
    lambda y_true, y_pred: tf.math.square(y_true - y_pred),          # elementwise, (4, 3)
    lambda y_true, y_pred: np.ones(4, dtype="int64"),                # integers per sample
])
def test_numbers_of_any_accepted_shape_pass(result):
    value = losses.LossFunctionWrapper(result)(np.zeros((4, 3)), P3)
    assert np.isfinite(float(value))


def test_optimizer_get_none_as_keras_and_a_class_explained():
    assert optimizers.get(None) is None   # Keras: compile(optimizer=None) builds a model that only evaluates
    with pytest.raises(ValueError, match=r"optimizer class, not an optimizer. Pass an instance: optimizer=Adam\(\)"):
        optimizers.get(optimizers.Adam)


# --- 3. 'crossentropy' is chosen from the shapes alone ----------------------------------------------

def test_resolve_crossentropy_is_a_function_of_the_shapes():
    shapes = [((8,), (None, 3)), ((8, 3), (None, 3)), ((8, 1), (None, 1)), ((8,), (None, 3))]
    names = [losses.resolve_crossentropy(*s).name for s in shapes]
    assert names == ["sparse_categorical_crossentropy", "categorical_crossentropy", "binary_crossentropy",
                     "sparse_categorical_crossentropy"]
    first, again = losses.resolve_crossentropy(*shapes[0]), losses.resolve_crossentropy(*shapes[0])
    assert first is not again and first.get_config() == again.get_config()


def test_resolve_crossentropy_after_a_refused_check():
    sparse = losses.resolve_crossentropy((4,), (None, 3))
    with pytest.raises(ValueError, match="label 5 out of range"):
        sparse.validate_targets(np.array([0, 1, 5, 2]), (None, 3))
    # The refused labels change nothing: one-hot targets now resolve to the categorical loss.
    assert losses.resolve_crossentropy((4, 3), (None, 3)).name == "categorical_crossentropy"
    assert losses.get("crossentropy", (4, 3), (None, 3)).name == "categorical_crossentropy"


def test_label_noise_just_outside_0_1_is_accepted_but_class_labels_are_not():
    """Keras's GAN example adds 0.05 * uniform noise to its 0/1 labels on purpose."""
    from glassnet.keras import losses as keras_losses
    y_pred = np.full((4, 1), 0.5, dtype="float32")
    noisy = np.array([[1.04], [0.02], [1.01], [0.0]], dtype="float32")
    expected = -np.mean(noisy * np.log(0.5) + (1 - noisy) * np.log(0.5))
    assert float(keras_losses.BinaryCrossentropy()(noisy, y_pred).numpy()) == pytest.approx(expected, rel=1e-6)
    with pytest.raises(ValueError, match="expects targets in"):
        keras_losses.BinaryCrossentropy()(np.array([[0.0], [2.0], [1.0], [0.0]], "float32"), y_pred)
