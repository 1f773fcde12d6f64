"""The examples in the docstrings run and print what they say."""
import doctest
import importlib

import pytest

MODULES = ["callback", "callback_list", "csv_logger", "early_stopping", "history", "lambda_callback",
           "learning_rate_scheduler", "monitor_callback", "progbar_logger", "reduce_lr_on_plateau",
           "terminate_on_nan"]


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples(name):
    module = importlib.import_module(f"glassnet.keras.callbacks.{name}")
    result = doctest.testmod(module)
    assert result.attempted > 0
    assert result.failed == 0
