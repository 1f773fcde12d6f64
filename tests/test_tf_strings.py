"""tf.strings against TensorFlow 2.21: each expected value is a literal printed by the same call on
TensorFlow (decoded: TensorFlow gives UTF-8 bytes, glassnet Python str)."""
import numpy as np
import pytest

import glassnet as tf

X = np.array([["ÉlAN <br />Vital!", "ABC"]])


def test_lower_and_upper_change_ascii_letters_unless_an_encoding_is_given():
    assert tf.strings.lower(X).numpy().tolist() == [["Élan <br />vital!", "abc"]]
    assert tf.strings.lower(X, encoding="utf-8").numpy().tolist() == [["élan <br />vital!", "abc"]]
    assert tf.strings.upper(X).numpy().tolist() == [["ÉLAN <BR />VITAL!", "ABC"]]
    assert tf.strings.lower(np.array([b"AB"], dtype=object)).numpy().tolist() == ["ab"]


def test_regex_replace_strip_and_length():
    assert tf.strings.regex_replace(X, r"([A-Z])", r"_\1").numpy().tolist() == [["Él_A_N <br />_Vital!", "_A_B_C"]]
    assert tf.strings.regex_replace(X, "[A-Z]", "-", replace_global=False).numpy().tolist() == \
        [["Él-N <br />Vital!", "-BC"]]
    assert tf.strings.length(X).numpy().tolist() == [[18, 3]]
    assert tf.strings.length(X, unit="UTF8_CHAR").numpy().tolist() == [[17, 3]]
    assert tf.strings.strip([" a b \n"]).numpy().tolist() == ["a b"]
    with pytest.raises(TypeError, match="take strings. Received: input of dtype float64"):
        tf.strings.lower(np.array([1.0]))
