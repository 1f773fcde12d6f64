"""validate_targets: the whole y checked against the model's output before training."""
import numpy as np
import pytest

from glassnet.keras import losses


def test_sparse_labels_out_of_range():
    y = np.array([0, 1, 7, 2])
    with pytest.raises(ValueError, match=r"label 7 out of range for 3 classes: labels must be in \[0, 3\)"):
        losses.SparseCategoricalCrossentropy().validate_targets(y, (None, 3))
    with pytest.raises(ValueError, match=r"label -1 out of range for 3 classes"):
        losses.get("sparse_categorical_crossentropy").validate_targets(np.array([[0], [-1]]), (None, 3))


def test_sparse_labels_valid_and_ignore_class():
    losses.SparseCategoricalCrossentropy().validate_targets(np.arange(60000) % 10, (None, 10))
    losses.SparseCategoricalCrossentropy().validate_targets((np.arange(6) % 3).reshape(6, 1).astype(float), (None, 3))
    losses.SparseCategoricalCrossentropy(ignore_class=-1).validate_targets(np.array([0, -1, 2]), (None, 3))


def test_sparse_non_integer_labels():
    with pytest.raises(ValueError, match=r"integer class labels.*0.5"):
        losses.SparseCategoricalCrossentropy().validate_targets(np.array([0.0, 0.5]), (None, 3))


def test_sparse_given_one_hot_targets():
    with pytest.raises(ValueError, match=r"y of shape \(n,\) or \(n, 1\).*\(4, 3\).*categorical_crossentropy"):
        losses.SparseCategoricalCrossentropy().validate_targets(np.eye(3)[[0, 1, 2, 0]], (None, 3))


def test_bce_targets_outside_0_1():
    with pytest.raises(ValueError, match=r"targets in \[0, 1\].*contains 2 at index 2.*sparse_categorical"):
        losses.BinaryCrossentropy().validate_targets(np.array([0, 1, 2]), (None, 1))
    with pytest.raises(ValueError, match=r"\[0, 1\].*-1"):
        losses.get("bce").validate_targets(np.array([[1.0], [-1.0]]), (None, 1))
    losses.BinaryCrossentropy().validate_targets(np.array([0.0, 0.3, 1.0]), (None, 1))


def test_bce_shape_mismatch():
    with pytest.raises(ValueError, match=r"same shape.*\(5, 3\).*\(None, 1\)"):
        losses.BinaryCrossentropy().validate_targets(np.zeros((5, 3)), (None, 1))


def test_cce_integer_labels_suggest_sparse():
    for y in (np.array([0, 2, 1]), np.array([[0], [2], [1]])):
        with pytest.raises(ValueError, match=r"one-hot.*\(n, 3\).*sparse_categorical_crossentropy"):
            losses.CategoricalCrossentropy().validate_targets(y, (None, 3))
    with pytest.raises(ValueError, match=r"same shape.*\(3, 4\).*\(None, 3\)"):
        losses.get("categorical_crossentropy").validate_targets(np.zeros((3, 4)), (None, 3))
    losses.CategoricalCrossentropy().validate_targets(np.eye(3), (None, 3))


def test_mse_targets_that_cannot_align():
    with pytest.raises(ValueError, match=r"a \(n,\) target with a \(n, 3\) output"):
        losses.MeanSquaredError().validate_targets(np.zeros(10), (None, 3))
    with pytest.raises(ValueError, match=r"\(n, 2\) target with a \(n, 3\) output"):
        losses.get("mae").validate_targets(np.zeros((10, 2)), (None, 3))
    for y in (np.zeros(10), np.zeros((10, 1))):
        losses.MeanSquaredError().validate_targets(y, (None, 1))
    losses.Huber().validate_targets(np.zeros((10, 3)), (None, 3))


def test_non_finite_and_non_numeric_targets():
    with pytest.raises(ValueError, match="NaN or inf at index 1"):
        losses.MeanSquaredError().validate_targets(np.array([0.0, np.nan]), (None, 1))
    with pytest.raises(TypeError, match="numeric"):
        losses.MeanSquaredError().validate_targets(np.array(["a", "b"]), (None, 1))


def test_custom_losses_are_not_checked():
    losses.get(lambda y_true, y_pred: y_pred).validate_targets(np.array([7, 8]), (None, 3))
    losses.Loss().validate_targets(np.array([7, 8]), (None, 3))


def test_validation_checks_every_one_of_60000_rows():
    y = np.random.default_rng(0).integers(0, 10, 60000)
    losses.SparseCategoricalCrossentropy().validate_targets(y, (None, 10))
    y[-1] = 10
    with pytest.raises(ValueError, match=r"label 10 out of range for 10 classes"):
        losses.SparseCategoricalCrossentropy().validate_targets(y, (None, 10))
    floats = y.astype("float32")
    floats[-1] = np.nan
    with pytest.raises(ValueError, match="NaN or inf at index 59999"):
        losses.MeanSquaredError().validate_targets(floats, (None, 1))
