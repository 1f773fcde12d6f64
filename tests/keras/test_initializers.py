"""keras.initializers: shapes, dtypes, bounds and statistics on big draws, seeding,
lookup and serialization (semantics §4)."""
import math

import numpy as np
import pytest

from glassnet import random as glassnet_random
from glassnet.keras import initializers as init

SHAPE = (400, 600)  # 240,000 draws: sample std within ~0.3% of the true one
FAN_IN, FAN_OUT = SHAPE
N = math.prod(SHAPE)


@pytest.fixture(autouse=True)
def _seeded():
    glassnet_random.set_seed(1234)  # statistics are then the same on every run


def _check_stats(w, mean, std):
    assert abs(w.mean() - mean) < 5 * std / math.sqrt(N)
    assert w.std() == pytest.approx(std, rel=0.015)


UNIFORM = {  # class: limit L, with U(-L, L)
    init.GlorotUniform: math.sqrt(6 / (FAN_IN + FAN_OUT)),  # sqrt(6/1000) = 0.0775
    init.HeUniform: math.sqrt(6 / FAN_IN),
    init.LecunUniform: math.sqrt(3 / FAN_IN),
}


@pytest.mark.parametrize("cls", UNIFORM, ids=lambda c: c.__name__)
def test_variance_scaling_uniform_bounds_and_std(cls):
    limit = UNIFORM[cls]
    w = cls()(SHAPE)
    assert w.shape == SHAPE and w.dtype == np.float32
    assert np.abs(w).max() <= limit
    assert np.abs(w).max() > 0.99 * limit  # fills the whole range
    _check_stats(w, 0.0, limit / math.sqrt(3))  # Var U(-L, L) = L^2 / 3


NORMAL = {  # class: target std sqrt(scale / n) after truncation
    init.GlorotNormal: math.sqrt(2 / (FAN_IN + FAN_OUT)),
    init.HeNormal: math.sqrt(2 / FAN_IN),
    init.LecunNormal: math.sqrt(1 / FAN_IN),
}


@pytest.mark.parametrize("cls", NORMAL, ids=lambda c: c.__name__)
def test_variance_scaling_truncated_normal_bounds_and_std(cls):
    std = NORMAL[cls]
    raw_std = std / 0.87962566103423978  # Keras's constant: truncation narrows by this factor
    w = cls()(SHAPE)
    assert w.dtype == np.float32
    assert np.abs(w).max() <= 2 * raw_std * (1 + 1e-6)  # nothing beyond two raw stddevs
    assert np.abs(w).max() > 1.9 * raw_std
    _check_stats(w, 0.0, std)


def test_untruncated_normal_has_tails():
    std = math.sqrt(3.0 / FAN_OUT)
    w = init.VarianceScaling(scale=3.0, mode="fan_out", distribution="untruncated_normal")(SHAPE)
    _check_stats(w, 0.0, std)
    assert np.abs(w).max() > 3 * std  # 240,000 normal draws all but surely reach 3 sigma


def test_normal_distribution_name_means_truncated():
    vs = init.VarianceScaling(distribution="normal")
    assert vs.distribution == "truncated_normal"
    assert init.VarianceScaling(distribution="Uniform").distribution == "uniform"


@pytest.mark.parametrize(
    "shape, fans",
    [((), (1, 1)), ((7,), (7, 7)), ((3, 5), (3, 5)), ((3, 3, 16, 32), (144, 288)), ((5, 4, 6), (20, 30))],
)
def test_compute_fans(shape, fans):
    # conv (3,3,16,32): receptive field 9, so fan_in = 9*16, fan_out = 9*32.
    assert init.compute_fans(shape) == fans


def test_conv_shape_uses_receptive_field():
    w = init.GlorotUniform()((3, 3, 16, 32))
    assert np.abs(w).max() <= math.sqrt(6 / (144 + 288))


def test_fan_of_zero_is_treated_as_one():
    w = init.HeUniform()((0, 3))
    assert w.shape == (0, 3)
    assert init.HeUniform()((1,)).shape == (1,)  # L = sqrt(6 / max(1, 1))


def test_random_normal_uniform_and_truncated():
    _check_stats(init.RandomNormal()(SHAPE), 0.0, 0.05)
    _check_stats(init.RandomNormal(mean=1.0, stddev=2.0)(SHAPE), 1.0, 2.0)
    u = init.RandomUniform(minval=-1.0, maxval=3.0)(SHAPE)
    assert u.min() >= -1.0 and u.max() < 3.0
    _check_stats(u, 1.0, 4 / math.sqrt(12))  # width 4: std = 4 / sqrt(12)
    t = init.TruncatedNormal(mean=0.5, stddev=0.1)(SHAPE)
    assert np.all(np.abs(t - 0.5) <= 0.2 + 1e-7)
    _check_stats(t, 0.5, 0.1 * 0.87962566103423978)  # a normal cut at 2 sigma keeps 0.8796 of its std


def test_default_ranges():
    assert np.abs(init.RandomUniform()((1000,))).max() <= 0.05
    assert init.TruncatedNormal()((1000,)).std() == pytest.approx(0.05 * 0.8796, rel=0.1)


def test_constant_initializers():
    np.testing.assert_array_equal(init.Zeros()((2, 3)), np.zeros((2, 3)))
    np.testing.assert_array_equal(init.Ones()((4,)), np.ones(4))
    np.testing.assert_array_equal(init.Constant(2.5)((2, 2)), np.full((2, 2), 2.5))
    np.testing.assert_array_equal(init.Constant([1.0, 2.0])((3, 2)), [[1, 2], [1, 2], [1, 2]])
    assert init.Zeros()((2,)).dtype == np.float32
    assert init.Zeros()((2,), dtype="int32").dtype == np.int32
    assert init.Constant(1)((2,), dtype="float64").dtype == np.float64


def test_constant_result_is_writable():
    w = init.Constant(1.0)((2,))
    w[0] = 5.0  # a broadcast view would be read-only
    assert w.tolist() == [5.0, 1.0]


def test_identity_and_orthogonal():
    np.testing.assert_array_equal(init.Identity(gain=2.0)((2, 3)), [[2, 0, 0], [0, 2, 0]])
    q = init.Orthogonal()((6, 4))
    np.testing.assert_allclose(q.T @ q, np.eye(4), atol=1e-5)  # orthonormal columns
    wide = init.Orthogonal(gain=3.0)((3, 5))
    np.testing.assert_allclose(wide @ wide.T, 9 * np.eye(3), atol=1e-4)  # orthogonal rows, scaled
    assert init.Orthogonal()((2, 3, 4)).shape == (2, 3, 4)


def test_requested_dtype():
    for cls in (init.GlorotUniform, init.HeNormal, init.RandomNormal, init.RandomUniform, init.TruncatedNormal):
        assert cls()((3, 2), dtype="float64").dtype == np.float64
        assert cls()((3, 2)).dtype == np.float32


def test_global_seed_makes_weights_reproducible():
    glassnet_random.set_seed(7)
    first = init.GlorotUniform()((4, 3))
    again_without_seed = init.GlorotUniform()((4, 3))
    glassnet_random.set_seed(7)
    second = init.GlorotUniform()((4, 3))
    np.testing.assert_array_equal(first, second)
    assert not np.array_equal(first, again_without_seed)


def test_int_seed_gives_the_same_values_every_call():
    a = init.HeNormal(seed=3)
    first = a((5, 5))
    glassnet_random.set_seed(99)  # the global generator does not affect a seeded initializer
    np.testing.assert_array_equal(a((5, 5)), first)
    np.testing.assert_array_equal(init.HeNormal(seed=3)((5, 5)), first)
    assert not np.array_equal(init.HeNormal(seed=4)((5, 5)), first)


def test_lowercase_names_are_the_same_classes():
    assert init.glorot_uniform is init.GlorotUniform
    assert init.he_normal is init.HeNormal
    assert init.zeros is init.Zeros and init.random_normal is init.RandomNormal
    assert init.Orthogonal is init.OrthogonalInitializer and init.identity is init.IdentityInitializer


@pytest.mark.parametrize("cls, written", [(init.Orthogonal, "Orthogonal"), (init.Identity, "Identity")])
def test_orthogonal_and_identity_are_written_by_keras_names_and_read_by_both(cls, written):
    # Keras 3 writes 'Orthogonal' (an LSTM's recurrent_initializer) and reads either name.
    config = init.serialize(cls())
    assert config["class_name"] == written
    assert type(init.deserialize(config)) is cls
    assert type(init.deserialize({**config, "class_name": written + "Initializer"})) is cls


@pytest.mark.parametrize(
    "name, cls",
    [("glorot_uniform", init.GlorotUniform), ("GlorotUniform", init.GlorotUniform), ("he_normal", init.HeNormal),
     ("lecun_uniform", init.LecunUniform), ("zeros", init.Zeros), ("ones", init.Ones), ("Zeros", init.Zeros),
     ("random_normal", init.RandomNormal), ("truncated_normal", init.TruncatedNormal),
     ("orthogonal", init.OrthogonalInitializer), ("variance_scaling", init.VarianceScaling)],
)
def test_get_by_name(name, cls):
    assert type(init.get(name)) is cls


def test_get_other_identifiers():
    instance = init.HeUniform(seed=1)
    assert init.get(instance) is instance
    assert init.get(None) is None
    assert type(init.get(init.Ones)) is init.Ones
    fn = lambda shape, dtype=None: np.zeros(shape)  # noqa: E731
    assert init.get(fn) is fn
    from_dict = init.get({"class_name": "RandomNormal", "config": {"stddev": 2.0, "seed": 5}})
    assert (type(from_dict), from_dict.stddev, from_dict.seed) == (init.RandomNormal, 2.0, 5)


def test_get_unknown_name_lists_known_names():
    with pytest.raises(ValueError, match="Could not interpret initializer identifier") as info:
        init.get("glorot_unifrom")
    assert "'glorot_unifrom'" in str(info.value)
    assert "glorot_uniform" in str(info.value) and "he_normal" in str(info.value)
    with pytest.raises(ValueError, match="initializer"):
        init.get(42)


def test_serialize_matches_keras():
    assert init.serialize(init.GlorotUniform()) == {
        "module": "keras.initializers", "class_name": "GlorotUniform",
        "config": {"seed": None, "input_axes": None, "output_axes": None}, "registered_name": None,
    }
    assert init.serialize(init.Zeros()) == {
        "module": "keras.initializers", "class_name": "Zeros", "config": {}, "registered_name": None,
    }
    assert init.serialize(init.RandomUniform(seed=2))["config"] == {"minval": -0.05, "maxval": 0.05, "seed": 2}
    assert init.serialize(init.VarianceScaling(2.0, "fan_out", "uniform"))["config"] == {
        "scale": 2.0, "mode": "fan_out", "distribution": "uniform", "seed": None,
        "input_axes": None, "output_axes": None,
    }


@pytest.mark.parametrize("original", [init.GlorotNormal(seed=3), init.RandomNormal(0.1, 0.2, seed=4),
                                      init.Constant(0.5), init.VarianceScaling(0.5, "fan_avg", "uniform", seed=1),
                                      init.Orthogonal(gain=2.0, seed=6)], ids=repr)
def test_serialize_round_trip_gives_the_same_values(original):
    rebuilt = init.deserialize(init.serialize(original))
    assert type(rebuilt) is type(original) and rebuilt.get_config() == original.get_config()
    np.testing.assert_array_equal(rebuilt((4, 4)), original((4, 4)))
    np.testing.assert_array_equal(original.clone()((4, 4)), original((4, 4)))


def test_input_and_output_axes_choose_the_fans():
    vs = init.VarianceScaling(scale=1.0, mode="fan_in", distribution="uniform", input_axes=(0, 1), output_axes=(2,))
    assert vs._fan((2, 3, 50)) == 6  # fan_in = 2 * 3
    assert np.abs(vs((2, 3, 50))).max() <= math.sqrt(3 / 6)


@pytest.mark.parametrize(
    "make, error, text",
    [
        (lambda: init.VarianceScaling(scale=0.0), ValueError, "scale=0.0"),
        (lambda: init.VarianceScaling(scale=-1), ValueError, "scale=-1"),
        (lambda: init.VarianceScaling(mode="fan_sum"), ValueError, "mode='fan_sum'"),
        (lambda: init.VarianceScaling(distribution="gamma"), ValueError, "distribution='gamma'"),
        (lambda: init.GlorotUniform(seed=1.5), TypeError, "seed=1.5"),
        (lambda: init.RandomNormal(seed="a"), TypeError, "seed='a'"),
        (lambda: init.Constant("x"), TypeError, "value='x'"),
    ],
)
def test_bad_constructor_arguments(make, error, text):
    with pytest.raises(error, match=text.replace("(", r"\(").replace(".", r"\.")):
        make()


@pytest.mark.parametrize("shape", [(2, -1), (2.0, 3), "3x4", None])
def test_bad_shape_names_the_argument(shape):
    with pytest.raises(ValueError, match="shape"):
        init.GlorotUniform()(shape)


def test_int_dtype_for_random_initializer_is_rejected():
    with pytest.raises(ValueError, match="dtype='int32'"):
        init.RandomNormal()((2,), dtype="int32")


def test_identity_and_orthogonal_reject_bad_ranks():
    with pytest.raises(ValueError, match="2-D"):
        init.Identity()((2, 2, 2))
    with pytest.raises(ValueError, match="rank >= 2"):
        init.Orthogonal()((3,))


def test_docstring_examples_run():
    import doctest

    result = doctest.testmod(init)
    assert result.attempted > 0 and result.failed == 0
