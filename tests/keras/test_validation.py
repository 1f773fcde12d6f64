"""The shared argument checks: what passes, what each failure says."""
import doctest
import importlib

import numpy as np
import pytest

from glassnet.keras import validation as check


@pytest.mark.parametrize("module", ["glassnet.keras.validation", "glassnet.keras.initializers",
                                    "glassnet.keras.initializers.constant_initializers",
                                    "glassnet.keras.initializers.variance_scaling"])
def test_docstring_examples(module):
    result = doctest.testmod(importlib.import_module(module), optionflags=doctest.ELLIPSIS)
    assert result.failed == 0 and result.attempted > 0


def test_numbers_come_back_as_python_types():
    assert type(check.real("x", np.float64(0.5))) is float
    assert type(check.integer("n", np.int32(3), minimum=1)) is int
    assert check.boolean("flag", np.bool_(True)) is True
    assert check.fraction("rate", 1) == 1.0
    assert check.optional(check.positive, "clipnorm", None) is None


@pytest.mark.parametrize("call, error, message", [
    (lambda: check.real("x", float("nan")), ValueError, "Invalid `x`: expected a finite number. Received: x=nan"),
    (lambda: check.positive("delta", 0), ValueError, "Invalid `delta`: expected a positive number. Received: delta=0"),
    (lambda: check.non_negative("epsilon", -1e-9), ValueError, "expected a non-negative number"),
    (lambda: check.fraction("beta_1", 1.0, include_one=False), ValueError, r"expected a float in \[0, 1\)"),
    (lambda: check.integer("units", 2.5, minimum=1), ValueError, "expected a positive integer. Received: units=2.5"),
    (lambda: check.integer("batch_size", True, minimum=1), ValueError, "batch_size=True"),
    (lambda: check.integer("patience", -1, minimum=0, owner="EarlyStopping"), ValueError,
     "Invalid `patience` for EarlyStopping: expected a non-negative integer"),
    (lambda: check.integer("k", 1, minimum=2), ValueError, "expected an integer >= 2"),
    (lambda: check.boolean("from_logits", 1), TypeError, "expected True or False. Received: from_logits=1"),
    (lambda: check.string("monitor", 3, owner="EarlyStopping"), TypeError, "monitor=3"),
    (lambda: check.one_of("mode", "fan_sum", ("fan_in", "fan_out")), ValueError,
     "expected one of 'fan_in', 'fan_out'. Received: mode='fan_sum'"),
    (lambda: check.one_of("mode", ["auto"], ("auto",)), ValueError, r"Received: mode=\['auto'\]"),
])
def test_failures_name_the_argument_the_value_and_what_was_expected(call, error, message):
    with pytest.raises(error, match=message):
        call()
