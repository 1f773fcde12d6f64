"""The target checks of direct loss calls against Keras: what both refuse, what both accept (with
the same numbers), and the one deliberate difference (labels Keras-JAX turns into a silent loss)."""
import keras
import numpy as np
import pytest
from parity_tools import assert_close

from glassnet.keras import losses, optimizers

rng = np.random.default_rng(11)
P = rng.dirichlet(np.ones(3), size=4).astype("float32")          # (4, 3) probabilities
LOGITS = rng.normal(size=(4, 3)).astype("float32")

SHAPE_CHECKED = ["CategoricalCrossentropy", "KLDivergence", "MeanSquaredError", "MeanAbsoluteError",
                 "MeanAbsolutePercentageError", "MeanSquaredLogarithmicError", "Huber", "LogCosh",
                 "Hinge", "SquaredHinge", "CategoricalHinge", "BinaryCrossentropy"]


@pytest.mark.parametrize("name", SHAPE_CHECKED)
def test_both_refuse_targets_of_another_width(name):
    y_true = np.zeros((4, 2), "float32")
    with pytest.raises((TypeError, ValueError)):
        getattr(keras.losses, name)()(y_true, P)
    with pytest.raises(ValueError, match=r"\(4, 2\).*\(4, 3\)"):
        getattr(losses, name)()(y_true, P)


def test_both_refuse_an_axis_outside_the_rank():
    y_true = np.eye(3, dtype="float32")[[0, 1, 2, 0]]
    with pytest.raises(ValueError, match="axis 5"):
        keras.losses.CategoricalCrossentropy(axis=5)(y_true, P)
    with pytest.raises(ValueError, match="axis=5"):
        losses.CategoricalCrossentropy(axis=5)(y_true, P)


# Targets at the edges of what the checks accept: both libraries give the same number.
ACCEPTED = [
    ("MeanSquaredError", {}, np.zeros((1, 3), "float32"), P),                  # one row broadcast
    ("MeanAbsoluteError", {}, rng.normal(size=4).astype("float32"), P[:, :1]),  # (n,) with (n, 1)
    ("Huber", {}, rng.normal(size=(4, 1)).astype("float32"), P),               # a column broadcast
    ("BinaryCrossentropy", {}, np.array([0.0, 1.0, 0.3, 1.0], "float32"), P[:, :1]),
    ("BinaryCrossentropy", {}, np.array([[0], [1], [1], [0]], "int64"), P[:, :1]),
    ("SparseCategoricalCrossentropy", {}, np.array([2.0, 0.0, 1.0, 2.0], "float32"), P),
    ("SparseCategoricalCrossentropy", {}, np.array([[2], [2], [2], [2]], "int32"), P),
    ("SparseCategoricalCrossentropy", {"from_logits": True, "ignore_class": -1}, np.array([-1, 0, 2, -1]), LOGITS),
    ("CategoricalCrossentropy", {"axis": -1}, np.eye(3, dtype="float32")[[2, 0, 1, 1]], P),
    ("Hinge", {}, np.array([[-1.0], [1.0], [1.0], [-1.0]], "float32"), LOGITS[:, :1]),
    ("Hinge", {}, np.array([-1.0, 1.0, 1.0, -1.0], "float32"), LOGITS[:, 0]),          # two 1-D arrays
    ("SparseCategoricalCrossentropy", {}, np.array(2), P[0]),                          # one unbatched row
    ("sparse_categorical_crossentropy", {}, np.array([2]), P[0]),
    ("SparseCategoricalCrossentropy", {}, np.zeros((2, 2), "int32"), P.reshape(2, 2, 3)),  # a sequence
    ("MeanSquaredError", {}, P[..., None], P),                                         # (4, 3, 1) vs (4, 3)
    ("mean_squared_error", {}, P[0], P[1]),
    ("categorical_crossentropy", {}, np.eye(3, dtype="float32")[2], P[0]),
]


@pytest.mark.parametrize("name, options, y_true, y_pred", ACCEPTED,
                         ids=[f"{name}-{i}" for i, (name, *_) in enumerate(ACCEPTED)])
def test_both_accept_targets_at_the_edges(name, options, y_true, y_pred):
    if name[0].islower():   # the loss function, per sample
        expected = getattr(keras.losses, name)(y_true, y_pred, **options)
        actual = getattr(losses, name)(y_true, y_pred, **options)
    else:
        expected = getattr(keras.losses, name)(**options)(y_true, y_pred)
        actual = getattr(losses, name)(**options)(y_true, y_pred)
    assert_close(actual, expected, family="forward", what=f"{name}({options}) on edge targets")


def test_labels_keras_jax_turns_into_a_silent_loss_are_refused():
    # Keras-JAX returns numbers here (label 7 one-hot encodes to zeros; label 2 makes BCE negative
    # for some predictions) and trains on them; glassnet refuses both, as its fit does.
    labels = np.array([0, 7, 1, 2])
    assert np.isfinite(float(keras.losses.SparseCategoricalCrossentropy()(labels, P)))
    with pytest.raises(ValueError, match="label 7 out of range for 3 classes"):
        losses.SparseCategoricalCrossentropy()(labels, P)
    bits = np.array([[0.0], [1.0], [2.0], [2.0]], "float32")
    assert np.isfinite(float(keras.losses.BinaryCrossentropy()(bits, P[:, :1])))
    with pytest.raises(ValueError, match=r"targets in \[0, 1\]"):
        losses.BinaryCrossentropy()(bits, P[:, :1])


def test_a_target_row_broadcast_over_the_batch_is_refused():
    # Keras broadcasts a (3,) y_true over a (4, 3) y_pred; glassnet's fit refuses a (n,) target
    # for a (n, 3) output (with n = 3 it would broadcast silently), and so do direct calls.
    row = np.zeros(3, "float32")
    assert np.isfinite(float(keras.losses.MeanSquaredError()(row, P)))
    with pytest.raises(ValueError, match=r"y_true of shape \(3,\) with y_pred of shape \(4, 3\)"):
        losses.MeanSquaredError()(row, P)


def test_optimizer_none_as_keras():
    assert keras.optimizers.get(None) is None and optimizers.get(None) is None
