"""StringLookup, IntegerLookup and Discretization.adapt against Keras 3.15.1.

Keras's lookup layers (and Discretization.adapt) need TensorFlow, which CI does not have: every
expected value below is a literal printed by the same call on keras.layers (Keras 3.15.1 on
TensorFlow 2.21), named in the comment above it. Eager one-hot/multi-hot/count outputs are int64
there and float32 here (the dtype of Keras's symbolic output, see docs/differences-from-keras.md).
"""
import numpy as np
import pytest

from glassnet import keras

L = keras.layers
DATA = np.array([["a", "c", "d"], ["d", "z", "b"], ["b", "c", "a"], ["e", "a", "a"]])


def test_adapt_orders_by_count_then_by_token_descending():
    layer = L.StringLookup()
    layer.adapt(DATA)
    # StringLookup().adapt(DATA); get_vocabulary(), vocabulary_size(), call
    assert layer.get_vocabulary() == ["[UNK]", "a", "d", "c", "b", "z", "e"]
    assert layer.vocabulary_size() == 7
    out = layer(np.array([["a", "q"], ["e", "b"]])).numpy()
    assert out.dtype == np.int64 and out.tolist() == [[1, 0], [6, 4]]
    # StringLookup().adapt(["b","a","c","B","aa","b","a"]): ties by token, high to low
    tie = L.StringLookup()
    tie.adapt(np.array(["b", "a", "c", "B", "aa", "b", "a"]))
    assert tie.get_vocabulary() == ["[UNK]", "b", "a", "c", "aa", "B"]


def test_mask_token_max_tokens_and_bytes_inputs():
    layer = L.StringLookup(mask_token="", max_tokens=4)
    layer.adapt(DATA)
    # StringLookup(mask_token="", max_tokens=4).adapt(DATA)
    assert layer.get_vocabulary() == ["", "[UNK]", "a", "d"]
    assert layer(np.array([["a", "", "zz"]])).numpy().tolist() == [[2, 0, 1]]
    assert layer(np.array([[b"a", b"", b"zz"]], dtype=object)).numpy().tolist() == [[2, 0, 1]]


@pytest.mark.parametrize("mode, mask, inputs, expected", [
    # StringLookup(vocabulary=["a","b","c"], output_mode=mode, mask_token=mask)(inputs)
    ("one_hot", None, ["a", "x", "c"], [[0, 1, 0, 0], [1, 0, 0, 0], [0, 0, 0, 1]]),
    ("one_hot", None, [["a"], ["x"]], [[0, 1, 0, 0], [1, 0, 0, 0]]),
    ("multi_hot", "", [["a", "", "c"], ["x", "x", "b"]], [[0, 1, 0, 1], [1, 0, 1, 0]]),
    ("count", None, [["a", "a", "c"], ["x", "x", "b"]], [[0, 2, 0, 1], [2, 0, 1, 0]]),
])
def test_encoded_output_modes(mode, mask, inputs, expected):
    layer = L.StringLookup(vocabulary=["a", "b", "c"], output_mode=mode, mask_token=mask)
    out = layer(np.array(inputs)).numpy()
    assert out.dtype == np.float32 and out.tolist() == expected
    assert layer.get_vocabulary()[0] == "[UNK]"  # no mask index outside "int" mode


def test_tf_idf_adapt_weights_and_outputs():
    layer = L.StringLookup(output_mode="tf_idf")
    layer.adapt(np.array([["a", "a", "c"], ["b", "c", "c"], ["a", "d", "e"]]))
    # the same call on keras.layers; idf_weights_const: log(1 + 3 / (1 + document count)), OOV the mean
    assert layer.get_vocabulary() == ["[UNK]", "c", "a", "e", "d", "b"]
    np.testing.assert_allclose(layer.idf_weights, [0.8270333409309387, 0.6931471824645996, 0.6931471824645996,
                                                   0.9162907600402832, 0.9162907600402832, 0.9162907600402832])
    out = layer(np.array([["a", "a", "z"], ["c", "e", "d"]])).numpy()
    np.testing.assert_allclose(out, [[0.8270333409309387, 0.0, 1.3862943649291992, 0.0, 0.0, 0.0],
                                     [0.0, 0.6931471824645996, 0.0, 0.9162907600402832, 0.9162907600402832, 0.0]])


def test_invert_gives_bytes_as_tensorflow():
    # StringLookup(vocabulary=["a","b","c"], invert=True[, mask_token=""])(...).numpy()
    out = L.StringLookup(vocabulary=["a", "b", "c"], invert=True)(np.array([[0, 1], [3, 5]])).numpy()
    assert out.tolist() == [[b"[UNK]", b"a"], [b"c", b"[UNK]"]]
    masked = L.StringLookup(vocabulary=["a", "b", "c"], invert=True, mask_token="")
    assert masked(np.array([[0, 1], [4, 5]])).numpy().tolist() == [[b"", b"[UNK]"], [b"c", b"[UNK]"]]
    assert masked.get_vocabulary() == ["", "[UNK]", "a", "b", "c"]


def test_vocabulary_with_special_tokens_padding_and_no_oov():
    given = L.StringLookup(mask_token="", vocabulary=["", "[UNK]", "x", "y"])
    assert given.get_vocabulary() == ["", "[UNK]", "x", "y"]
    assert given(np.array(["x", "y", "q", ""])).numpy().tolist() == [2, 3, 1, 0]
    padded = L.StringLookup(pad_to_max_tokens=True, max_tokens=6, output_mode="multi_hot", vocabulary=["a", "b"])
    assert padded(np.array([["a", "q"]])).numpy().tolist() == [[1, 1, 0, 0, 0, 0]]
    strict = L.StringLookup(vocabulary=["a", "b"], num_oov_indices=0)
    assert strict(np.array(["a", "b"])).numpy().tolist() == [0, 1]
    with pytest.raises(ValueError, match=r"found OOV values \['zz'\], consider setting `num_oov_indices=1`"):
        strict(np.array(["zz"]))
    oov_in_data = L.StringLookup()
    oov_in_data.adapt(np.array(["[UNK]", "a", "a"]))
    assert oov_in_data.get_vocabulary() == ["[UNK]", "a"]


def test_integer_lookup():
    layer = L.IntegerLookup()
    layer.adapt(np.array([[12, 1138, 42], [42, 1000, 36]]))
    # IntegerLookup().adapt(...); then IntegerLookup(vocabulary=..., num_oov_indices=2, mask_token=0)
    assert layer.get_vocabulary() == [-1, 42, 1138, 1000, 36, 12]
    assert layer(np.array([[12, 1000, 7]])).numpy().tolist() == [[5, 3, 0]]
    floormod = L.IntegerLookup(vocabulary=[12, 36, 1138, 42], num_oov_indices=2, mask_token=0)
    assert floormod.get_vocabulary() == [0, -1, -1, 12, 36, 1138, 42]
    assert floormod(np.array([[12, 0, 7, 8, 13]])).numpy().tolist() == [[3, 0, 2, 1, 2]]
    assert L.IntegerLookup(vocabulary=[12, 36], output_mode="one_hot")(np.array([12, 5, 36])).numpy().tolist() \
        == [[0, 1, 0], [1, 0, 0], [0, 0, 1]]
    assert L.IntegerLookup(vocabulary=[12, 36], invert=True)(np.array([[0, 1, 2, 3]])).numpy().tolist() \
        == [[-1, 12, 36, -1]]


# Keras 3.15.1's messages for the same arguments, word for word
@pytest.mark.parametrize("cls, kwargs, message", [
    ("IntegerLookup", {"max_tokens": 1},
     "If `max_tokens` is set for `IntegerLookup`, it must be greater than 1. Received: max_tokens=1"),
    ("IntegerLookup", {"vocabulary_dtype": "int32"},
     "Only `vocabulary_dtype='int64'` is supported at this time. Received: vocabulary_dtype=int32"),
    ("StringLookup", {"max_tokens": 1}, "If set, `max_tokens` must be greater than 1. Received: max_tokens=1"),
    ("StringLookup", {"num_oov_indices": -1},
     "`num_oov_indices` must be greater than or equal to 0. Received: num_oov_indices=-1"),
    ("StringLookup", {"output_mode": "bogus"},
     "Unknown value for `output_mode` argument of StringLookup. Allowed values are: ('int', 'one_hot', "
     "'multi_hot', 'count', 'tf_idf'). Received: output_mode=bogus"),
    ("StringLookup", {"invert": True, "output_mode": "count"},
     "`output_mode` must be `'int'` when `invert` is true. Received: output_mode=count"),
    ("StringLookup", {"pad_to_max_tokens": True},
     "If pad_to_max_tokens is True, must set `max_tokens`. Received: max_tokens=None"),
    ("StringLookup", {"vocabulary": ["a", "a"]}, "The passed vocabulary has at least one repeated term. Please "
     "uniquify your dataset. The repeated terms are: ['a']"),
    ("StringLookup", {"vocabulary": ["a", "", "b"], "mask_token": ""},
     "Found reserved mask token at unexpected location in `vocabulary`. Note that passed `vocabulary` does not "
     "need to include the OOV and mask tokens. Either remove all mask and OOV tokens, or include them only at "
     "the start of the vocabulary in precisely this order: ['', '[UNK]']. Received: mask_token= at vocabulary "
     "index [1]"),
    ("StringLookup", {"vocabulary": ["a", "b", "c"], "max_tokens": 3}, "Attempted to set a vocabulary larger than "
     "the maximum vocab size. Received vocabulary size is 4; `max_tokens` is 3."),
    ("StringLookup", {"output_mode": "tf_idf", "vocabulary": ["a"]}, "When specifying the `vocabulary` argument, "
     "in TF-IDF output mode, the `idf_weights` argument must also be provided."),
    ("StringLookup", {"vocabulary": []}, "Cannot set an empty vocabulary. Received: vocabulary=[]"),
])
def test_argument_errors_match_keras(cls, kwargs, message):
    with pytest.raises(ValueError) as error:
        getattr(L, cls)(**kwargs)
    assert str(error.value) == message


def test_calling_before_a_vocabulary_and_adapting_a_fixed_one_fail_as_keras():
    with pytest.raises(RuntimeError, match="you must set the layer's vocabulary before calling it"):
        L.StringLookup(output_mode="one_hot")(np.array(["a"]))
    layer = L.StringLookup(vocabulary=["a"], name="fixed")
    with pytest.raises(ValueError, match="Cannot adapt layer 'fixed' after setting a static vocabulary"):
        layer.adapt(np.array(["a"]))


def test_symbolic_outputs_and_config():
    strings = keras.Input(shape=(1,), dtype="string")
    # keras.Input(shape=(1,), dtype="string") through the layer: shape and dtype
    assert strings.dtype == "string"
    out = L.StringLookup(vocabulary=["a"])(strings)
    assert (tuple(out.shape), out.dtype) == ((None, 1), "int64")
    out = L.StringLookup(vocabulary=["a", "b"], output_mode="one_hot")(strings)
    assert (tuple(out.shape), out.dtype) == ((None, 3), "float32")
    layer = L.StringLookup()
    layer.adapt(np.array(["x", "y", "y"]))
    config = layer.get_config()
    # Keras: "vocabulary": None (the adapted one goes to the file's assets); glassnet keeps it here
    assert {key: config[key] for key in ("vocabulary", "vocabulary_size", "oov_token", "encoding")} == \
        {"vocabulary": ["[UNK]", "y", "x"], "vocabulary_size": 3, "oov_token": "[UNK]", "encoding": "utf-8"}
    assert "vocabulary_dtype" not in config
    restored = L.StringLookup.from_config(config)
    assert restored.get_vocabulary() == ["[UNK]", "y", "x"] and restored.get_config() == config
    restored.adapt(np.array(["z"]))  # still an adapted layer: it can adapt again
    assert restored.get_vocabulary() == ["[UNK]", "z"]


def test_tf_idf_config_round_trip():
    layer = L.StringLookup(output_mode="tf_idf", mask_token="", pad_to_max_tokens=True, max_tokens=6)
    layer.adapt(np.array([["a", "a", "c"], ["b", "c", "c"]]))
    restored = L.StringLookup.from_config(layer.get_config())
    inputs = np.array([["a", "b", "q"], ["c", "", "c"]])
    np.testing.assert_allclose(restored(inputs).numpy(), layer(inputs).numpy())
    assert restored(inputs).shape == (2, 6)


def test_discretization_adapt_quantiles():
    data = (np.arange(40, dtype="float32").reshape(40, 1) * 0.37 % 5.1)
    # Discretization(num_bins=4).adapt(data); Discretization(num_bins=3, epsilon=0.1).adapt([data[:25], data[25:]])
    four = L.Discretization(num_bins=4)
    four.adapt(data)
    np.testing.assert_allclose(four.bin_boundaries, [1.1100000143051147, 2.3000001907348633, 3.4900007247924805])
    three = L.Discretization(num_bins=3, epsilon=0.1)
    three.adapt([data[:25], data[25:]])
    np.testing.assert_allclose(three.bin_boundaries, [1.4776668548583984, 3.079000234603882])
    restored = L.Discretization.from_config(four.get_config())
    assert restored.bin_boundaries == four.bin_boundaries and restored.num_bins == 4
