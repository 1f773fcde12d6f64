"""keras.random and the tf.random / tf.nn samplers: Keras's three kinds of seed, the distributions'
defining properties on large samples, dropout's scaling and gradient, and clear refusals."""
import numpy as np
import pytest

import glassnet as tf
from glassnet import keras


def test_an_integer_seed_is_stateless_and_a_seed_generator_is_not():
    first, again = keras.random.normal((3, 4), seed=7), keras.random.normal((3, 4), seed=7)
    np.testing.assert_array_equal(first.numpy(), again.numpy())
    generator = keras.random.SeedGenerator(1337)
    a, b = keras.random.uniform((5,), seed=generator), keras.random.uniform((5,), seed=generator)
    assert not np.array_equal(a.numpy(), b.numpy())
    replay = keras.random.SeedGenerator(1337)
    np.testing.assert_array_equal(keras.random.uniform((5,), seed=replay).numpy(), a.numpy())
    np.testing.assert_array_equal(keras.random.uniform((5,), seed=replay).numpy(), b.numpy())


def test_no_seed_draws_from_the_global_generator_that_set_seed_resets():
    tf.random.set_seed(3)
    first = [keras.random.normal((4,)).numpy(), keras.random.SeedGenerator().generator.random(2)]
    tf.random.set_seed(3)
    second = [keras.random.normal((4,)).numpy(), keras.random.SeedGenerator().generator.random(2)]
    for x, y in zip(first, second):
        np.testing.assert_array_equal(x, y)


def test_dtypes_follow_floatx_and_the_dtype_argument():
    assert keras.random.normal((2,), seed=1).dtype == tf.float32
    assert keras.random.uniform((2,), dtype="float64", seed=1).dtype == tf.float64
    assert keras.random.randint((2,), 0, 5, seed=1).dtype == tf.int32
    assert tf.random.categorical([[0.0, 1.0]], 3, seed=1).dtype == tf.int64
    assert keras.random.categorical([[0.0, 1.0]], 3, seed=1).dtype == tf.int32
    keras.backend.set_floatx("float64")
    try:
        assert keras.random.normal((2,), seed=1).dtype == tf.float64
    finally:
        keras.backend.set_floatx("float32")


def test_distributions_on_large_samples():
    normal = keras.random.normal((200_000,), mean=2.0, stddev=3.0, seed=0).numpy()
    assert abs(normal.mean() - 2.0) < 0.03 and abs(normal.std() - 3.0) < 0.03
    uniform = keras.random.uniform((200_000,), minval=-1.0, maxval=3.0, seed=0).numpy()
    assert uniform.min() >= -1.0 and uniform.max() < 3.0 and abs(uniform.mean() - 1.0) < 0.02
    integers = keras.random.randint((200_000,), 2, 6, seed=0).numpy()
    assert set(np.unique(integers)) == {2, 3, 4, 5}
    truncated = keras.random.truncated_normal((200_000,), mean=1.0, stddev=0.5, seed=0).numpy()
    assert truncated.min() >= 0.0 and truncated.max() <= 2.0
    # a standard normal cut at +-2 has variance 1 - 4 phi(2) / (2 Phi(2) - 1) = 0.7737
    assert abs(truncated.std() - 0.5 * np.sqrt(0.7737)) < 0.005
    logits = np.log(np.array([[0.2, 0.3, 0.5], [0.9, 0.05, 0.05]]))
    draws = keras.random.categorical(logits, 100_000, seed=0).numpy()
    assert draws.shape == (2, 100_000)
    for row, probabilities in zip(draws, np.exp(logits)):
        np.testing.assert_allclose(np.bincount(row, minlength=3) / 100_000, probabilities, atol=0.01)


def test_dropout_zeroes_at_the_rate_and_keeps_the_mean():
    x = tf.ones((400, 500))
    dropped = keras.random.dropout(x, rate=0.3, seed=0).numpy()
    assert set(np.unique(dropped)) == {0.0, np.float32(1 / 0.7)}
    assert abs((dropped == 0).mean() - 0.3) < 0.01 and abs(dropped.mean() - 1.0) < 0.01
    shared = tf.nn.dropout(tf.ones((6, 50)), rate=0.5, noise_shape=(1, 50), seed=1).numpy()
    assert (shared == shared[0]).all()  # one draw per column, shared by the rows


def test_dropout_and_shuffle_pass_gradients():
    x = tf.Variable(np.arange(12, dtype="float32").reshape(4, 3))
    with tf.GradientTape() as tape:
        y = keras.random.dropout(x, rate=0.5, seed=2)
        total = tf.reduce_sum(y * y)
    np.testing.assert_allclose(tape.gradient(total, x).numpy(), 2 * y.numpy() / 0.5, rtol=1e-6)  # 2y * mask / 0.5
    with tf.GradientTape() as tape:
        shuffled = keras.random.shuffle(x, seed=3)
        total = tf.reduce_sum(shuffled * np.arange(4, dtype="float32")[:, None])
    assert sorted(shuffled.numpy()[:, 0].tolist()) == [0.0, 3.0, 6.0, 9.0]
    rows = [int(v) // 3 for v in shuffled.numpy()[:, 0]]
    expected = np.zeros((4, 3), dtype="float32")
    for position, row in enumerate(rows):
        expected[row] = position
    np.testing.assert_array_equal(tape.gradient(total, x).numpy(), expected)


@pytest.mark.parametrize("call, argument", [
    (lambda: keras.random.normal((2,), seed="x"), "seed"),
    (lambda: keras.random.normal((2,), dtype="int32"), "dtype"),
    (lambda: keras.random.randint((2,), 0, 3, dtype="float32"), "dtype"),
    (lambda: keras.random.dropout(tf.ones((2,)), rate=1.5), "rate"),
    (lambda: keras.random.categorical([0.0, 1.0], 2), "logits"),
    (lambda: keras.random.SeedGenerator(-1), "seed"),
])
def test_bad_arguments_are_named(call, argument):
    with pytest.raises(ValueError, match=argument):
        call()


def test_tensorflow_initializer_names_are_kerass_initializers():
    assert tf.random_normal_initializer is keras.initializers.RandomNormal
    values = tf.random_normal_initializer(mean=1.0, stddev=0.05, seed=4)(shape=(300, 300))
    assert abs(np.mean(values) - 1.0) < 0.001 and abs(np.std(values) - 0.05) < 0.001
    np.testing.assert_array_equal(tf.zeros_initializer()(shape=(2, 3), dtype="float32"), np.zeros((2, 3)))
    np.testing.assert_array_equal(tf.constant_initializer(2.5)(shape=(2,)), [2.5, 2.5])
