"""The examples in the losses' docstrings run and print what they show."""
import doctest
import importlib

import numpy as np
import pytest

from glassnet.autodiff import ops

MODULES = ["alignment", "crossentropy", "loss", "lookup", "margin", "regression", "wrapper"]


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples(name):
    module = importlib.import_module(f"glassnet.keras.losses.{name}")
    globs = {**vars(module), "np": np, "ops": ops}
    finder = doctest.DocTestFinder()
    runner = doctest.DocTestRunner(optionflags=doctest.ELLIPSIS)
    for test in finder.find(module, globs=globs):
        runner.run(test)
    assert runner.failures == 0
    assert runner.tries > 0
