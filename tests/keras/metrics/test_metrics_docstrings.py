"""The examples in the metrics' docstrings run and print what they show."""
import doctest
import importlib

import numpy as np
import pytest

MODULES = ["accuracy_metrics", "lookup", "mean", "regression_metrics"]


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples(name):
    module = importlib.import_module(f"glassnet.keras.metrics.{name}")
    runner = doctest.DocTestRunner(optionflags=doctest.ELLIPSIS)
    for test in doctest.DocTestFinder().find(module, globs={**vars(module), "np": np}):
        runner.run(test)
    assert runner.failures == 0
    assert runner.tries > 0
