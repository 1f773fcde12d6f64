"""R2Score, CosineSimilarity and LogCoshError on hand-worked values."""
import math
import warnings

import numpy as np
import pytest

from glassnet.keras import metrics

Y = np.array([[1.0, 2.0], [2.0, 4.0], [3.0, 9.0]], dtype="float32")
P = np.array([[1.0, 3.0], [2.0, 4.0], [4.0, 6.0]], dtype="float32")
# column 0: residual 1, total 2 -> 0.5;  column 1: residual 1 + 9 = 10, mean 5, total 26 -> 1 - 10/26


def test_r2_per_column_and_averages():
    columns = [0.5, 1 - 10 / 26]
    for aggregation, expected in [(None, columns), ("uniform_average", np.mean(columns)),
                                  ("variance_weighted_average", (2 * columns[0] + 26 * columns[1]) / 28)]:
        m = metrics.R2Score(class_aggregation=aggregation)
        m.update_state(Y[:2], P[:2])
        m.update_state(Y[2:], P[2:])                   # running sums: the same as one batch
        np.testing.assert_allclose(m.result().numpy(), expected, rtol=1e-6)


def test_adjusted_r2_counts_every_entry_as_keras():
    m = metrics.R2Score(num_regressors=2)
    m.update_state(Y, P)                               # n = 6 entries
    r2 = np.mean([0.5, 1 - 10 / 26])
    assert float(m.result()) == pytest.approx(1 - (1 - r2) * 5 / 3, rel=1e-6)
    many = metrics.R2Score(num_regressors=9)
    many.update_state(Y, P)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        assert float(many.result()) == pytest.approx(r2, rel=1e-6)
    assert "More independent predictors" in str(caught[0].message)


def test_r2_weights_and_errors():
    m = metrics.R2Score(class_aggregation=None)
    m.update_state(Y[:, :1], P[:, :1], sample_weight=[1.0, 1.0, 0.0])   # rows 0, 1: exact -> 1
    assert m.result().numpy().tolist() == [1.0]
    with pytest.raises(ValueError, match="`class_aggregation`"):
        metrics.R2Score(class_aggregation="median")
    with pytest.raises(ValueError, match="`num_regressors`"):
        metrics.R2Score(num_regressors=-1)
    with pytest.raises(ValueError, match="2D inputs"):
        metrics.R2Score().update_state(np.zeros((2, 2, 2)), np.zeros((2, 2, 2)))


def test_cosine_similarity_and_log_cosh():
    c = metrics.CosineSimilarity()
    c.update_state([[1.0, 0.0], [0.0, 0.0]], [[1.0, 1.0], [1.0, 0.0]])   # cos 45 degrees, and a zero vector
    assert float(c.result()) == pytest.approx((math.sqrt(0.5) + 0) / 2, rel=1e-6)
    assert c.get_config() == {"name": "cosine_similarity", "dtype": "float32"}
    lc = metrics.LogCoshError()
    lc.update_state([[0.0, 0.0]], [[1.0, -2.0]])
    assert float(lc.result()) == pytest.approx((math.log(math.cosh(1)) + math.log(math.cosh(2))) / 2, rel=1e-6)
    assert lc.name == "logcosh"
