"""Accuracy metrics: thresholds, ties, label shapes, running means, weights."""
import numpy as np
import pytest

from glassnet.autodiff import Tensor
from glassnet.keras import metrics


def test_binary_accuracy_threshold_is_strict():
    # predictions [0.7, 0.2, 0.5, 0.6] -> [1, 0, 0 (0.5 is not > 0.5), 1]; targets [1, 0, 1, 0]
    y = np.array([[1], [0], [1], [0]])
    p = np.array([[0.7], [0.2], [0.5], [0.6]], dtype="float32")
    np.testing.assert_array_equal(metrics.binary_accuracy(y, p), [1, 1, 0, 0])
    m = metrics.BinaryAccuracy()
    m.update_state(y, p)
    assert m.result() == 0.5


def test_binary_accuracy_custom_threshold_and_soft_labels():
    y = np.array([[1.0], [0.0], [0.7]])  # 0.7 is never equal to 0 or 1
    p = np.array([[0.8], [0.75], [0.9]])
    # threshold 0.78: predictions [1, 0, 1] -> matches [1, 1, 0]
    assert metrics.BinaryAccuracy(threshold=0.78)(y, p) == pytest.approx(2 / 3)


def test_binary_accuracy_averages_columns_per_sample():
    y = np.array([[1, 0, 1], [0, 0, 0]])
    p = np.array([[0.9, 0.1, 0.2], [0.6, 0.4, 0.1]])
    # row 0: [1, 0, 0] vs [1, 0, 1] -> 2/3; row 1: [1, 0, 0] vs [0, 0, 0] -> 2/3
    np.testing.assert_allclose(metrics.binary_accuracy(y, p), [2 / 3, 2 / 3], rtol=1e-6)


def test_binary_accuracy_aligns_n_with_n1():
    assert metrics.BinaryAccuracy()(np.array([1, 0, 1]), np.array([[0.9], [0.6], [0.8]])) == pytest.approx(2 / 3)


def test_categorical_accuracy_ties_go_to_the_first_maximum():
    y = np.array([[1, 0, 0], [0, 1, 0], [0, 0, 1]])
    p = np.array([[0.4, 0.4, 0.2], [0.4, 0.4, 0.2], [0.3, 0.3, 0.4]])
    # argmax of the tied rows is 0: right for row 0, wrong for row 1; row 2 right
    np.testing.assert_array_equal(metrics.categorical_accuracy(y, p), [1, 0, 1])


@pytest.mark.parametrize("labels", [np.array([1, 2, 0]), np.array([[1], [2], [0]]), np.array([1.0, 2.0, 0.0])])
def test_sparse_categorical_accuracy_label_shapes(labels):
    p = np.array([[0.1, 0.8, 0.1], [0.5, 0.3, 0.2], [0.5, 0.5, 0.0]])
    # argmax: [1, 0, 0 (tie -> first)] vs labels [1, 2, 0]
    out = metrics.sparse_categorical_accuracy(labels, p)
    assert out.shape == (3,) and out.dtype == np.float32
    np.testing.assert_array_equal(out, [1, 0, 1])


def test_running_mean_over_batches_and_reset():
    m = metrics.SparseCategoricalAccuracy()
    p = np.eye(3)
    m.update_state(np.array([0, 1, 2]), p)  # 3 right
    m.update_state(np.array([1]), p[:1])    # 1 wrong
    assert m.result() == 0.75               # (3 + 0) / 4 samples, not the mean of batch means
    m.reset_state()
    assert m.result() == 0.0
    m.update_state(np.array([2]), p[2:])
    assert m.result() == 1.0


def test_sample_weights():
    m = metrics.BinaryAccuracy()
    y = np.array([[1], [0], [1]])
    p = np.array([[0.9], [0.8], [0.1]])  # right, wrong, wrong
    m.update_state(y, p, sample_weight=np.array([3.0, 1.0, 0.0]))
    assert m.result() == 0.75  # (3 * 1 + 1 * 0 + 0 * 0) / (3 + 1 + 0)


def test_tensors_are_accepted():
    m = metrics.CategoricalAccuracy()
    assert m(Tensor(np.eye(2)), Tensor(np.array([[0.9, 0.1], [0.6, 0.4]]))) == 0.5


def test_names_and_config():
    assert metrics.BinaryAccuracy().name == "binary_accuracy"
    assert metrics.CategoricalAccuracy().name == "categorical_accuracy"
    assert metrics.SparseCategoricalAccuracy().name == "sparse_categorical_accuracy"
    config = metrics.BinaryAccuracy(threshold=0.7).get_config()
    assert config == {"name": "binary_accuracy", "dtype": "float32", "threshold": 0.7}
    assert metrics.BinaryAccuracy.from_config(config).threshold == 0.7


@pytest.mark.parametrize("threshold", [0, 1, 1.5, -0.1, "0.5"])
def test_threshold_must_be_inside_0_1(threshold):
    with pytest.raises(ValueError, match=r"threshold.*\(0, 1\)"):
        metrics.BinaryAccuracy(threshold=threshold)


def test_exact_accuracy():
    assert metrics.Accuracy()(np.array([1, 2, 3, 4]), np.array([1, 2, 0, 4])) == 0.75
