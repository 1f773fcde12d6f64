"""shuffle: TensorFlow's buffer semantics and seeded determinism, on elements and on array rows."""
import subprocess
import sys

import numpy as np
import pytest

import glassnet as tf
from glassnet.data import Dataset


def order(dataset):
    return [int(v) for v in dataset.as_numpy_iterator()]


SOURCES = {"rows of an array": lambda n: Dataset.from_tensor_slices(np.arange(n)),
           "elements": lambda n: Dataset.range(n)}


@pytest.mark.parametrize("source", SOURCES)
def test_a_buffer_only_mixes_locally_as_tensorflows(source):
    make = SOURCES[source]
    assert order(make(20).shuffle(1, seed=0)) == list(range(20))  # a buffer of one keeps the order
    for seed in range(8):
        shuffled = order(make(3000).shuffle(10, seed=seed))
        assert sorted(shuffled) == list(range(3000))
        # an element enters the buffer after the first `buffer_size - 1 + position` have: it can
        # come out at most buffer_size - 1 places early
        assert all(value - position <= 9 for position, value in enumerate(shuffled))
    assert order(make(3000).shuffle(10, seed=1)) != list(range(3000))


@pytest.mark.parametrize("source", SOURCES)
def test_a_full_buffer_draws_every_order(source):
    firsts = {order(SOURCES[source](4).shuffle(4, seed=seed))[0] for seed in range(60)}
    assert firsts == {0, 1, 2, 3}


def test_rows_and_elements_come_out_in_the_same_order_for_one_seed():
    assert order(Dataset.from_tensor_slices(np.arange(50)).shuffle(50, seed=7)) == \
        order(Dataset.range(50).shuffle(50, seed=7))


def test_each_pass_reshuffles_unless_told_not_to():
    dataset = Dataset.range(30).shuffle(30, seed=2)
    first, second = order(dataset), order(dataset)
    assert first != second and sorted(first) == sorted(second)
    assert order(Dataset.range(30).shuffle(30, seed=2)) == first  # a new dataset, the same seed: same orders
    fixed = Dataset.range(30).shuffle(30, seed=2, reshuffle_each_iteration=False)
    assert order(fixed) == order(fixed)
    repeated = order(Dataset.range(10).shuffle(10, seed=2).repeat(2))
    assert repeated[:10] != repeated[10:] and sorted(repeated[:10]) == sorted(repeated[10:])


def test_the_global_seed_decides_an_unseeded_shuffle():
    tf.random.set_seed(5)
    first = order(Dataset.range(30).shuffle(30))
    tf.random.set_seed(5)
    assert order(Dataset.range(30).shuffle(30)) == first
    tf.keras.utils.set_random_seed(5)
    assert order(Dataset.range(30).shuffle(30)) == first


def test_the_same_seed_gives_the_same_batches_in_a_new_process():
    program = ("import numpy as np, glassnet as tf\n"
               "ds = tf.data.Dataset.from_tensor_slices(np.arange(100)).shuffle(30, seed=11).batch(7)\n"
               "print([b.tolist() for b in ds.as_numpy_iterator()], [b.tolist() for b in ds.as_numpy_iterator()])\n"
               "tf.random.set_seed(3)\n"
               "print([int(v) for v in tf.data.Dataset.range(20).shuffle(20).as_numpy_iterator()])\n")
    runs = [subprocess.run([sys.executable, "-c", program], capture_output=True, text=True, check=True).stdout
            for _ in range(2)]
    assert runs[0] == runs[1] and runs[0].count("[") > 10


def test_shuffle_after_repeat_mixes_across_passes_and_is_infinite():
    dataset = Dataset.from_tensor_slices(np.arange(5)).repeat().shuffle(3, seed=0)
    assert int(dataset.cardinality()) == tf.data.INFINITE_CARDINALITY
    taken = order(dataset.take(20))
    assert taken != list(range(5)) * 4  # mixed, and within a buffer's reach of the input order
    assert all(value - position % 5 <= 2 for position, value in enumerate(taken[:5]))
    assert len(taken) == 20 and set(taken) == set(range(5))
