"""Bad arguments a new user might pass: each fails at once with an error that names the argument,
the value received and what was expected (the error types are Keras 3's where Keras checks)."""
import re

import numpy as np
import pytest

import glassnet as tf
from glassnet import backend, random
from glassnet.autodiff import GradientTape, Variable
from glassnet.keras import layers, utils


def _raises(error, text):
    return pytest.raises(error, match=re.escape(text))


@pytest.mark.parametrize("value", ["no", 1, None, 0.0])
def test_dense_use_bias_must_be_a_bool(value):
    with _raises(TypeError, f"Invalid `use_bias` for Dense: expected True or False. Received: use_bias={value!r}"):
        layers.Dense(2, use_bias=value)


def test_dense_use_bias_takes_numpy_bools():
    assert layers.Dense(2, use_bias=np.bool_(False)).use_bias is False


@pytest.mark.parametrize("make", [
    lambda dtype: layers.Dense(2, dtype=dtype),
    lambda dtype: layers.Dropout(0.5, dtype=dtype),
    lambda dtype: layers.Input(shape=(3,), dtype=dtype),
    lambda dtype: tf.keras.losses.MeanSquaredError(dtype=dtype),
    backend.standardize_dtype,
], ids=["Dense", "Dropout", "Input", "loss", "standardize_dtype"])
@pytest.mark.parametrize("dtype", ["floaty", 5])
def test_unknown_dtype_is_refused_by_name(make, dtype):
    with _raises(ValueError, f"Invalid `dtype`: expected a NumPy dtype or its name, such as 'float32' or "
                             f"'int32'. Received: dtype={dtype!r}"):
        make(dtype)


@pytest.mark.parametrize("dtype, name", [("float64", "float64"), (np.float16, "float16"), (tf.int32, "int32"),
                                         (None, "float32")])
def test_known_dtypes_still_resolve(dtype, name):
    assert backend.standardize_dtype(dtype).name == name


@pytest.mark.parametrize("shape", ["a", "3", (2.5,), (-1,), (0,), (True,), 2.0, object()])
def test_input_shape_must_be_positive_integers(shape):
    with _raises(ValueError, f"Invalid `shape`: expected a tuple of positive integers (None for an unknown "
                             f"size), e.g. (400,). Received: shape={shape!r}"):
        layers.Input(shape=shape)


@pytest.mark.parametrize("shape, expected", [(3, (None, 3)), ([4, np.int64(2)], (None, 4, 2)),
                                             ((None, 5), (None, None, 5)), (np.array([6]), (None, 6))])
def test_good_input_shapes_still_work(shape, expected):
    assert tuple(layers.Input(shape=shape).shape) == expected


@pytest.mark.parametrize("rate", [-0.1, 1.5, "half", None, True, float("nan")])
def test_dropout_rate_must_be_in_zero_one(rate):
    with _raises(ValueError, f"Invalid `rate` for Dropout: expected a float in [0, 1]. Received: rate={rate!r}"):
        layers.Dropout(rate)


@pytest.mark.parametrize("seed", ["x", -1, 1.5])
def test_dropout_seed_must_be_a_non_negative_integer(seed):
    with _raises(ValueError, f"Invalid `seed` for Dropout: expected a non-negative integer. Received: seed={seed!r}"):
        layers.Dropout(0.5, seed=seed)


@pytest.mark.parametrize("noise_shape", ["x", 2.5, (0, 1), ("a",)])
def test_dropout_noise_shape_must_be_a_shape(noise_shape):
    with _raises(ValueError, f"Invalid `noise_shape`: expected a tuple of positive integers (None for an "
                             f"unknown size), e.g. (400,). Received: noise_shape={noise_shape!r}"):
        layers.Dropout(0.5, noise_shape=noise_shape)


@pytest.mark.parametrize("noise_shape", [(1,), (4, 2), (1, 1, 3)])
def test_dropout_noise_shape_must_fit_the_input(noise_shape):
    layer = layers.Dropout(0.5, noise_shape=noise_shape)
    with _raises(ValueError, f"noise_shape={noise_shape} does not fit an input of shape (4, 3)"):
        layer(np.ones((4, 3), dtype="float32"), training=True)


def test_dropout_noise_shape_shares_the_mask_along_its_ones():
    random.set_seed(3)
    out = layers.Dropout(0.5, noise_shape=(None, 1))(np.ones((50, 3), dtype="float32"), training=True).numpy()
    assert np.all(out == out[:, :1])  # each row all kept (2.0) or all dropped (0.0)
    assert set(np.unique(out)) == {0.0, 2.0}


def test_dropout_takes_numpy_numbers():
    layer = layers.Dropout(np.float32(0.25), seed=np.int64(3))
    assert (layer.rate, layer.seed) == (0.25, 3)


@pytest.mark.parametrize("set_seed", [random.set_seed, utils.set_random_seed], ids=["tf.random", "keras.utils"])
@pytest.mark.parametrize("seed, expected", [
    (-1, "a non-negative integer"), (1.5, "a non-negative integer"), ("1", "a non-negative integer"),
    (None, "a non-negative integer"), (2**32, "an integer in [0, 2**32 - 1]"),
])
def test_set_seed_refuses_what_numpy_cannot_seed(set_seed, seed, expected):
    # Keras's set_random_seed refuses the same (ValueError, "Seed must be between 0 and 2**32 - 1").
    with _raises(ValueError, f"Invalid `seed`: expected {expected}. Received: seed={seed!r}"):
        set_seed(seed)


@pytest.mark.parametrize("seed", [0, 2**32 - 1, np.int64(7)])
def test_set_seed_takes_the_whole_numpy_range(seed):
    random.set_seed(seed)
    first = random.generator().random()
    random.set_seed(seed)
    assert random.generator().random() == first


def _tape_and_target():
    w = Variable(np.array([1.0, 2.0, 3.0], dtype="float32"))
    with GradientTape() as tape:
        y = w * 2.0
    return tape, y, w


@pytest.mark.parametrize("target", [None, []], ids=["None", "list"])
def test_gradient_target_must_be_a_tensor(target):
    tape, _, w = _tape_and_target()
    with _raises(TypeError, "Invalid `target` for gradient(): expected the Tensor to differentiate, computed inside "
                            f"the tape's `with` block (for several targets, their sum). Received: target={target!r}"):
        tape.gradient(target, w)


def test_gradient_of_a_constant_target_is_none():
    tape, _, w = _tape_and_target()
    assert tape.gradient(np.float32(1.0), w) is None


@pytest.mark.parametrize("sources", [None, "w", [None]], ids=str)
def test_gradient_sources_must_be_tensors(sources):
    tape, y, _ = _tape_and_target()
    with _raises(TypeError, f"Invalid `sources` for gradient(): expected a Tensor or Variable, or a list of "
                            f"them. Received: sources={sources!r}"):
        tape.gradient(y, sources)


@pytest.mark.parametrize("output_gradients", [np.ones(4), np.ones((3, 1)), 1.0], ids=["(4,)", "(3, 1)", "()"])
def test_output_gradients_must_have_the_target_shape(output_gradients):
    tape, y, w = _tape_and_target()
    with _raises(ValueError, "Invalid `output_gradients` for gradient(): expected an array of the target's shape "
                             f"(3,). Received: output_gradients of shape {np.shape(output_gradients)}"):
        tape.gradient(y, w, output_gradients=output_gradients)
    # The refused call did no work: the (non-persistent) tape still answers.
    np.testing.assert_array_equal(tape.gradient(y, w).numpy(), [2.0, 2.0, 2.0])


def test_output_gradients_as_tf_writes_them_in_a_list():
    tape, y, w = _tape_and_target()
    grad = tape.gradient(y, w, output_gradients=[np.array([1.0, 0.5, 0.0], dtype="float32")])
    np.testing.assert_array_equal(grad.numpy(), [2.0, 1.0, 0.0])  # d(sum(g * 2w))/dw = 2g


@pytest.mark.parametrize("make, text", [
    (lambda: layers.LeakyReLU(negative_slope="x"), "`negative_slope` for LeakyReLU: expected a non-negative number. "
                                                    "Received: negative_slope='x'"),
    (lambda: layers.LeakyReLU(alpha=-0.5), "Received: negative_slope=-0.5"),
    (lambda: layers.ReLU(max_value=-1), "`max_value` for ReLU: expected a non-negative number. Received: max_value=-1"),
    (lambda: layers.ReLU(negative_slope=None), "Received: negative_slope=None"),
    (lambda: layers.ReLU(threshold="0"), "`threshold` for ReLU: expected a finite number. Received: threshold='0'"),
    (lambda: layers.Input(shape=(3,), batch_size="x"), "`batch_size` for Input: expected a positive integer. "
                                                       "Received: batch_size='x'"),
    (lambda: layers.Input(batch_shape=(None, "a")), "`batch_shape`: expected a tuple of positive integers"),
    (lambda: utils.to_categorical([0, 1], num_classes="3"), "`num_classes`: expected a positive integer. "
                                                            "Received: num_classes='3'"),
    (lambda: random.normal((2,), seed=-1), "`seed`: expected a non-negative integer. Received: seed=-1"),
    (lambda: random.uniform((2,), seed=0.5), "`seed`: expected a non-negative integer. Received: seed=0.5"),
], ids=["leaky-str", "leaky-alpha", "relu-max", "relu-slope", "relu-threshold", "input-batch-size",
        "input-batch-shape", "to-categorical", "normal-seed", "uniform-seed"])
def test_other_arguments_are_checked(make, text):
    with _raises(ValueError, text):
        make()


def test_relu_layer_takes_keras_options():
    # x < 1: 0.2 (x - 1); 1 <= x < 2: x; x >= 2: 2
    layer = layers.ReLU(max_value=2.0, negative_slope=0.2, threshold=1.0)
    out = layer(np.array([[-1.0, 0.5, 1.5, 3.0]], dtype="float32")).numpy()
    np.testing.assert_allclose(out, [[-0.4, -0.1, 1.5, 2.0]], rtol=1e-6)
    assert layer.get_config()["max_value"] == 2.0
