"""Top-k accuracy: ranks, ties, shapes and sorted ids."""
import numpy as np
import pytest

from glassnet.keras import metrics

SCORES = np.array([[0.1, 0.6, 0.3], [0.5, 0.2, 0.3], [0.4, 0.4, 0.2]], dtype="float32")
LABELS = np.array([2, 1, 1])      # ranks 2, 3, and 1 (tied with the best: counts as in)


def test_sparse_ranks_with_ties_counting_in():
    np.testing.assert_array_equal(metrics.sparse_top_k_categorical_accuracy(LABELS, SCORES, k=1), [0, 0, 1])
    np.testing.assert_array_equal(metrics.sparse_top_k_categorical_accuracy(LABELS, SCORES, k=2), [1, 0, 1])


def test_one_hot_targets_and_label_column_shape():
    one_hot = np.eye(3, dtype="float32")[LABELS]
    np.testing.assert_array_equal(metrics.top_k_categorical_accuracy(one_hot, SCORES, k=2), [1, 0, 1])
    out = metrics.sparse_top_k_categorical_accuracy(LABELS[:, None], SCORES, k=2)
    assert out.shape == (3, 1)


def test_classes_running_mean_with_weights():
    m = metrics.SparseTopKCategoricalAccuracy(k=2)
    m.update_state(LABELS, SCORES, sample_weight=[1.0, 2.0, 1.0])
    assert float(m.result()) == pytest.approx(2 / 4)
    t = metrics.TopKCategoricalAccuracy(k=1)
    t.update_state(np.eye(3)[LABELS], SCORES)
    assert float(t.result()) == pytest.approx(1 / 3)


def test_from_sorted_ids():
    ids = np.argsort(-SCORES, axis=-1, kind="stable")     # [[1, 2, 0], [0, 2, 1], [0, 1, 2]]
    m = metrics.SparseTopKCategoricalAccuracy(k=2, from_sorted_ids=True)
    m.update_state(LABELS, ids)
    assert float(m.result()) == pytest.approx(2 / 3)       # 2 in row 0's first two, 1 in row 2's
    assert m.get_config()["from_sorted_ids"] is True
    assert "from_sorted_ids" not in metrics.SparseTopKCategoricalAccuracy().get_config()


def test_bad_k_is_named():
    with pytest.raises(ValueError, match="`k`"):
        metrics.TopKCategoricalAccuracy(k=0)
