"""Every example in glassnet's docstrings runs and prints what it shows.

Each module's examples see the module's own globals and ``np``; anything else an example uses it
imports itself, as a reader trying it in a fresh interpreter would have to.
"""
import doctest
import importlib
import importlib.util
import pkgutil

import numpy as np
import pytest

import glassnet

# ``python -m glassnet`` would run the command line on import.
MODULES = sorted(info.name for info in pkgutil.walk_packages(glassnet.__path__, "glassnet.")
                 if not info.name.endswith(".__main__"))


def test_every_module_is_found():
    assert len(MODULES) > 50
    assert {"glassnet.autodiff.tape", "glassnet.keras.models.sequential", "glassnet.nn"} <= set(MODULES)


# Modules whose examples draw pictures: matplotlib is the optional `plots` extra.
DRAWING = ("glassnet.keras.utils.model_visualization",)


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples(name):
    if name.startswith(DRAWING) and importlib.util.find_spec("matplotlib") is None:
        pytest.skip("its examples draw with matplotlib, the optional `plots` extra, which is not installed")
    module = importlib.import_module(name)
    finder = doctest.DocTestFinder(exclude_empty=True)
    runner = doctest.DocTestRunner(optionflags=doctest.ELLIPSIS)
    for test in finder.find(module, name, globs={**vars(module), "np": np}):
        runner.run(test)
    assert runner.failures == 0, f"{runner.failures} of {runner.tries} examples in {name} failed (printed above)"


def test_examples_are_found():
    """A finder that silently found nothing would pass every module."""
    finder = doctest.DocTestFinder(exclude_empty=True)
    tape = importlib.import_module("glassnet.autodiff.tape")
    examples = [example for test in finder.find(tape) for example in test.examples]
    assert any("GradientTape()" in example.source for example in examples)
