"""sample_from_datasets, choose_from_datasets and Dataset.random: order, structure, cardinality, errors, seeds.

The expected orders of choose_from_datasets and the cardinalities were taken from TensorFlow 2.21 by
hand; sample_from_datasets's orders are glassnet's own (TensorFlow's come from Philox), so only what
TensorFlow guarantees is checked: every element once, in each input's order, repeatable with a seed.
"""
import subprocess
import sys

import numpy as np
import pytest

import glassnet as tf
from glassnet.data import Dataset


def values(dataset):
    return [v.tolist() if isinstance(v, np.ndarray) else v.item() for v in dataset.as_numpy_iterator()]


def test_sample_gives_every_element_once_in_each_inputs_order():
    a, b = Dataset.range(3), Dataset.range(10, 15)
    out = values(Dataset.sample_from_datasets([a, b], weights=[0.5, 0.5], seed=1))
    assert sorted(out) == [0, 1, 2, 10, 11, 12, 13, 14]
    assert [v for v in out if v < 10] == [0, 1, 2] and [v for v in out if v >= 10] == [10, 11, 12, 13, 14]


def test_sample_stop_on_empty_dataset_ends_at_the_first_empty_draw():
    a, b = Dataset.range(3), Dataset.range(10, 15)
    for seed in range(10):
        out = values(Dataset.sample_from_datasets([a, b], seed=seed, stop_on_empty_dataset=True))
        full = values(Dataset.sample_from_datasets([a, b], seed=seed))
        assert out == full[:len(out)] and (out.count(2) or out.count(14))  # stopped after one ran out
        assert len(out) < len(full) or out[-1] in (2, 14)


def test_sample_weights_set_the_proportions():
    ones, zeros = Dataset.from_tensors(1).repeat(), Dataset.from_tensors(0).repeat()
    draws = values(Dataset.sample_from_datasets([ones, zeros], weights=[0.9, 0.1], seed=0).take(2000))
    assert 0.87 < np.mean(draws) < 0.93
    assert set(values(Dataset.sample_from_datasets([ones, zeros], weights=[1.0, 0.0], seed=0).take(50))) == {1}


def test_sample_is_repeatable_with_a_seed_and_with_the_global_seed():
    make = lambda **kw: Dataset.sample_from_datasets([Dataset.range(20), Dataset.range(100, 120)], **kw)  # noqa: E731
    dataset = make(seed=4)
    assert values(dataset) == values(dataset) == values(make(seed=4))
    assert any(values(make(seed=s)) != values(make(seed=4)) for s in range(5, 8))
    tf.random.set_seed(9)
    first = values(make())
    tf.random.set_seed(9)
    assert values(make()) == first


def test_sample_is_repeatable_in_a_new_process():
    program = ("import glassnet as tf\n"
               "D = tf.data.Dataset\n"
               "print([int(v) for v in D.sample_from_datasets([D.range(9), D.range(50, 59)], seed=3)])\n")
    runs = [subprocess.run([sys.executable, "-c", program], capture_output=True, text=True, check=True).stdout
            for _ in range(2)]
    assert runs[0] == runs[1] and runs[0].count(",") == 17


def test_sample_structure_spec_and_cardinality_as_tensorflow():
    a = Dataset.from_tensor_slices((np.arange(3), np.ones((3, 2), np.float32)))
    dataset = Dataset.sample_from_datasets([a, a], seed=0)
    assert dataset.element_spec == (tf.TensorSpec((), np.int64), tf.TensorSpec((2,), tf.float32))
    x, y = next(iter(dataset))
    assert x.shape == () and y.shape == (2,)
    # TensorFlow 2.21: -2 for finite inputs, -1 once one input is endless (with stop_on_empty_dataset too)
    assert int(dataset.cardinality()) == -2
    endless = Dataset.sample_from_datasets([Dataset.range(3).repeat(), Dataset.range(2)], stop_on_empty_dataset=True)
    assert int(endless.cardinality()) == -1
    assert tf.data.experimental.sample_from_datasets([a, a], seed=0).element_spec == dataset.element_spec


def test_sample_errors_name_the_argument():
    a = Dataset.range(3)
    with pytest.raises(ValueError, match=r"`len\(weights\)=1` vs. `len\(datasets\)=2`"):
        Dataset.sample_from_datasets([a, a], weights=[0.5])
    with pytest.raises(ValueError, match="`datasets` should not be empty"):
        Dataset.sample_from_datasets([])
    with pytest.raises(TypeError, match="compatible element specs"):
        Dataset.sample_from_datasets([a, Dataset.range(3).map(lambda x: tf.cast(x, tf.float32))])
    with pytest.raises(ValueError, match="weights"):
        Dataset.sample_from_datasets([a, a], weights=[-1.0, 2.0])
    with pytest.raises(TypeError, match="datasets"):
        Dataset.sample_from_datasets(a)


def test_choose_follows_the_choices_as_tensorflow():
    a, b = Dataset.range(3), Dataset.range(10, 15)
    choices = Dataset.from_tensor_slices(np.array([0, 1, 1, 0, 2], np.int64))
    # TensorFlow 2.21 gave these
    assert values(Dataset.choose_from_datasets([a, b, Dataset.range(100, 102)], choices)) == [0, 10, 11, 1, 100]
    many = Dataset.from_tensor_slices(np.array([0, 0, 0, 0, 1, 1], np.int64))
    assert values(Dataset.choose_from_datasets([a, b], many)) == [0, 1, 2]
    assert values(tf.data.experimental.choose_from_datasets([a, b], many, stop_on_empty_dataset=False)) == \
        [0, 1, 2, 10, 11]
    assert int(Dataset.choose_from_datasets([a, b], Dataset.range(2)).cardinality()) == -2
    endless = Dataset.choose_from_datasets([Dataset.range(3).repeat()], Dataset.range(1).repeat())
    assert int(endless.cardinality()) == -1


def test_choose_errors():
    a = Dataset.range(3)
    with pytest.raises(TypeError, match="scalar `tf.int64`"):
        Dataset.choose_from_datasets([a, a], Dataset.range(2).map(lambda x: tf.cast(x, tf.int32)))
    with pytest.raises(TypeError, match="choice_dataset"):
        Dataset.choose_from_datasets([a, a], [0, 1])
    with pytest.raises(IndexError, match="gave 5, out of range for 2 datasets"):
        values(Dataset.choose_from_datasets([a, a], Dataset.from_tensor_slices(np.array([5], np.int64))))


def test_random_is_endless_int64_and_seeded():
    dataset = Dataset.random(seed=4)
    assert int(dataset.cardinality()) == -1 and dataset.element_spec == tf.TensorSpec((), np.int64)
    first = values(dataset.take(100))
    assert first == values(dataset.take(100)) == values(Dataset.random(seed=4).take(100))
    assert all(0 <= v < 2**32 for v in first) and len(set(first)) == 100
    again = Dataset.random(seed=4, rerandomize_each_iteration=True)
    assert values(again.take(5)) != values(again.take(5))


def test_the_imbalanced_data_tutorials_oversampling_runs():
    # TensorFlow's imbalanced-data tutorial, "Oversampling" with tf.data: balanced batches from 5% positives.
    rng = np.random.default_rng(0)
    x = rng.normal(size=(2000, 4)).astype(np.float32)
    y = (rng.random(2000) < 0.05).astype(np.int64)

    def make_ds(features, labels):
        return Dataset.from_tensor_slices((features, labels)).shuffle(1000, seed=1).repeat()

    pos_ds, neg_ds = make_ds(x[y == 1], y[y == 1]), make_ds(x[y == 0], y[y == 0])
    resampled = Dataset.sample_from_datasets([pos_ds, neg_ds], weights=[0.5, 0.5], seed=2).batch(128).prefetch(2)
    assert int(resampled.cardinality()) == -1
    means = [float(label.numpy().mean()) for _, label in resampled.take(10)]
    assert 0.4 < np.mean(means) < 0.6
    model = tf.keras.Sequential([tf.keras.Input((4,)), tf.keras.layers.Dense(1, activation="sigmoid")])
    model.compile(optimizer="adam", loss="binary_crossentropy")
    history = model.fit(resampled, epochs=2, steps_per_epoch=5, verbose=0)
    assert len(history.history["loss"]) == 2


def test_sample_rerandomize_each_iteration_draws_a_new_order_per_pass():
    dataset = Dataset.sample_from_datasets([Dataset.range(20), Dataset.range(100, 120)], seed=4,
                                           rerandomize_each_iteration=True)
    first, second = values(dataset), values(dataset)
    assert first != second and sorted(first) == sorted(second)
