"""Strings reach a model only where it takes them (a string Input, StringLookup, TextVectorization)."""
import numpy as np
import pytest

import glassnet as tf


def test_strings_for_a_numeric_model_are_named_before_any_work():
    model = tf.keras.Sequential([tf.keras.Input((2,)), tf.keras.layers.Dense(1)])
    model.compile("adam", "mse")
    with pytest.raises(TypeError, match=r"`x` must be numeric. Received dtype <U1"):
        model.fit(np.array([["a", "b"], ["c", "d"]]), np.array([1.0, 2.0]), verbose=0)


def test_a_model_with_a_string_lookup_takes_strings():
    model = tf.keras.Sequential([tf.keras.Input((1,), dtype="string"),
                                 tf.keras.layers.StringLookup(vocabulary=["a", "b"], output_mode="one_hot"),
                                 tf.keras.layers.Dense(1)])
    model.compile("adam", "mse")
    history = model.fit(np.array([["a"], ["b"], ["c"]]), np.array([1.0, 2.0, 0.0]), verbose=0)
    assert np.isfinite(history.history["loss"][0])
