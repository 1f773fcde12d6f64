"""TextVectorization against Keras 3.15.1 on TensorFlow 2.21 (Keras's layer needs TensorFlow, CI has
none): each expected value is a literal printed by the same call on keras.layers, named above it.
Encoded outputs are int64 there and float32 here (see docs/differences-from-keras.md)."""
import numpy as np
import pytest

import glassnet as tf
from glassnet import keras

L = keras.layers
TEXTS = np.array(["The Cat sat; on the MAT!", "the dog ate the cat's food.", "Élan VITAL, élan-vital", "a  b\tc"])
# TextVectorization().adapt(TEXTS).get_vocabulary(): only ASCII letters are lowered ("Élan" stays), ties
# ordered by token, high to low
VOCABULARY = ["", "[UNK]", "the", "élanvital", "Élan", "vital", "sat", "on", "mat", "food", "dog", "cats", "cat",
              "c", "b", "ate", "a"]


def test_adapt_and_int_sequences():
    layer = L.TextVectorization()
    layer.adapt(TEXTS)
    assert layer.get_vocabulary() == VOCABULARY
    # layer(["the cat", "zebra the dog ate", ""]): padded to the longest
    out = layer(np.array(["the cat", "zebra the dog ate", ""])).numpy()
    assert out.dtype == np.int64 and out.tolist() == [[2, 12, 0, 0], [1, 2, 10, 15], [0, 0, 0, 0]]
    assert layer(np.array([["the cat"], ["a mat"]])).numpy().tolist() == [[2, 12], [16, 8]]
    batched = L.TextVectorization()
    batched.adapt(tf.data.Dataset.from_tensor_slices(TEXTS).batch(2))  # batches of 2 strings
    assert batched.get_vocabulary() == VOCABULARY


def test_max_tokens_and_output_sequence_length():
    layer = L.TextVectorization(max_tokens=6, output_sequence_length=4)
    layer.adapt(TEXTS)
    assert layer.get_vocabulary() == ["", "[UNK]", "the", "élanvital", "Élan", "vital"]
    assert layer(np.array(["the cat sat on the mat again", "dog"])).numpy().tolist() == [[2, 1, 1, 1], [1, 0, 0, 0]]
    strings = keras.Input(shape=(1,), dtype="string")
    assert (tuple(layer(strings).shape), layer(strings).dtype) == ((None, 4), "int64")


def test_ngrams_count_tf_idf_and_padding():
    # TextVectorization(ngrams=2, output_mode="count").adapt(["a b c", "b c d b c"])
    counts = L.TextVectorization(ngrams=2, output_mode="count")
    counts.adapt(np.array(["a b c", "b c d b c"]))
    assert counts.get_vocabulary() == ["[UNK]", "c", "b c", "b", "d b", "d", "c d", "a b", "a"]
    assert counts(np.array(["b c b", "d"])).numpy().tolist() == [[1, 1, 1, 2, 0, 0, 0, 0, 0],
                                                                [0, 0, 0, 0, 0, 1, 0, 0, 0]]
    # TextVectorization(output_mode="tf_idf").adapt(["a b b", "b c", "c c d"])
    tf_idf = L.TextVectorization(output_mode="tf_idf")
    tf_idf.adapt(np.array(["a b b", "b c", "c c d"]))
    assert tf_idf.get_vocabulary() == ["[UNK]", "c", "b", "d", "a"]
    np.testing.assert_allclose(tf_idf(np.array(["b b z", "d a"])).numpy(),
                               [[0.8047189712524414, 0.0, 1.3862943649291992, 0.0, 0.0],
                                [0.0, 0.0, 0.0, 0.9162907600402832, 0.9162907600402832]])
    padded = L.TextVectorization(output_mode="multi_hot", max_tokens=5, pad_to_max_tokens=True,
                                 vocabulary=["x", "y"])
    assert padded(np.array(["x q"])).numpy().tolist() == [[1, 1, 0, 0, 0]]
    bigrams = L.TextVectorization(ngrams=(2,), output_sequence_length=3)
    bigrams.adapt(np.array(["x y z", "x y"]))
    assert bigrams.get_vocabulary() == ["", "[UNK]", "x y", "y z"]
    assert bigrams(np.array(["x y z w"])).numpy().tolist() == [[2, 3, 1]]


def test_split_and_standardize_options():
    whole = L.TextVectorization(output_mode="multi_hot", standardize=None, split=None, vocabulary=["Yes", "no"])
    assert whole(np.array(["Yes", "yes", "no"])).numpy().tolist() == [1, 1, 1]
    characters = L.TextVectorization(split="character", standardize="lower")
    characters.adapt(np.array(["AbA", "b!"]))
    assert characters.get_vocabulary() == ["", "[UNK]", "b", "a", "!"]
    assert characters(np.array(["ab!", "z"])).numpy().tolist() == [[3, 2, 4], [1, 0, 0]]
    # every punctuation character of Keras's pattern goes; "^_^", "~" and "@" leave nothing
    fixed = L.TextVectorization(vocabulary=["he", "said", "hithere", "1", "x"])
    text = 'he said "hi"-there #1 {x} [y] \\z\\ ^_^ a|b ~ @'
    assert fixed(np.array([text])).numpy().tolist() == [[2, 3, 4, 5, 6, 1, 1, 1]]
    custom = L.TextVectorization(standardize=lambda s: np.char.replace(s.astype(str), "<br />", " "),
                                 vocabulary=["a", "b"])
    assert custom(np.array(["a<br />b"])).numpy().tolist() == [[2, 3]]


@pytest.mark.parametrize("kwargs, message", [
    ({"standardize": "upper"}, "Unknown value for `standardize` argument of TextVectorization. Allowed values are: "
     "('lower_and_strip_punctuation', 'lower', 'strip_punctuation'). Received: standardize=upper"),
    ({"split": "comma"}, "Unknown value for `split` argument of TextVectorization. Allowed values are: "
     "('whitespace', 'character'). Received: split=comma"),
    ({"ngrams": 1.5}, "`ngrams` must be None, an integer, or a tuple of integers. Received: ngrams=1.5"),
    ({"output_mode": "count", "output_sequence_length": 3},
     "`output_sequence_length` must not be set if `output_mode` is not 'int'. Received output_sequence_length=3."),
    ({"output_sequence_length": 2.5}, "`output_sequence_length` must be either None or an integer when "
     "`output_mode` is 'int'. Received: output_sequence_length=2.5"),
])
def test_argument_errors_match_keras(kwargs, message):
    with pytest.raises(ValueError) as error:
        L.TextVectorization(**kwargs)
    assert str(error.value) == message


def test_rank_error_config_and_saved_model(tmp_path):
    layer = L.TextVectorization(max_tokens=6, output_sequence_length=4)
    layer.adapt(TEXTS)
    with pytest.raises(ValueError, match=r"the input rank must be 1 or the last shape dimension must be 1\. "
                                         r"Received: inputs.shape=\(1, 2\) with rank=2"):
        layer(np.array([["a", "b"]]))
    restored = L.TextVectorization.from_config(layer.get_config())
    assert restored.get_vocabulary() == layer.get_vocabulary()
    strings = keras.Input(shape=(1,), dtype="string")
    model = keras.Model(strings, L.Embedding(6, 2)(layer(strings)))
    model.save(tmp_path / "text.keras")
    loaded = keras.models.load_model(tmp_path / "text.keras")
    sample = np.array([["the cat sat"], ["vital"]])
    np.testing.assert_allclose(loaded.predict(sample, verbose=0), model.predict(sample, verbose=0))
