"""The docstring examples run, and the clipping helpers on hand-worked numbers."""
import doctest
import importlib

import numpy as np
import pytest

from glassnet.autodiff import Variable
from glassnet.keras.optimizers import clipping

MODULES = ["__init__", "optimizer", "sgd", "adam", "adamw", "rmsprop", "adagrad", "schedules",
           "clipping", "slots", "arguments", "gradients"]


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples(name):
    module = importlib.import_module("glassnet.keras.optimizers" + ("" if name == "__init__" else f".{name}"))
    result = doctest.testmod(module, extraglobs={"np": np, "Variable": Variable})
    assert result.failed == 0


def test_clip_by_norm():
    # [3, 4] has norm 5 -> scaled to norm 2: [1.2, 1.6]; a small gradient is unchanged
    np.testing.assert_allclose(clipping.clip_by_norm(np.array([3.0, 4.0], "float32"), 2.0), [1.2, 1.6], rtol=1e-6)
    small = np.array([0.3, 0.4], "float32")
    np.testing.assert_array_equal(clipping.clip_by_norm(small, 2.0), small)
    np.testing.assert_array_equal(clipping.clip_by_norm(np.zeros(2, "float32"), 1.0), [0, 0])


def test_clip_by_global_norm():
    # joint norm of [3] and [4] is 5 -> everything scaled by 1/5
    clipped = clipping.clip_by_global_norm([np.array([3.0], "float32"), np.array([4.0], "float32")], 1.0)
    np.testing.assert_allclose(np.concatenate(clipped), [0.6, 0.8], rtol=1e-6)
    assert all(g.dtype == np.float32 for g in clipped)
    zeros = clipping.clip_by_global_norm([np.zeros(2, "float32")], 1.0)
    np.testing.assert_array_equal(zeros[0], [0, 0])
    assert np.all(np.isnan(clipping.clip_by_global_norm([np.array([np.inf, 1.0], "float32")], 1.0)[0]))


def test_clip_by_value_and_precedence():
    g = np.array([-2.0, 0.5, 3.0], "float32")
    np.testing.assert_array_equal(clipping.clip_by_value(g, 1.0), [-1.0, 0.5, 1.0])
    # clipnorm wins over the others: norm of g is sqrt(4 + 0.25 + 9) = 3.64
    by_norm = clipping.clip_gradients([g], clipnorm=1.0, clipvalue=0.1)[0]
    np.testing.assert_allclose(by_norm, g / np.sqrt(13.25), rtol=1e-6)
    assert clipping.clip_gradients([g])[0] is g
