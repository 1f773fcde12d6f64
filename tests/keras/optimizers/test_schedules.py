"""Learning-rate schedules: hand-worked values, float64 formulas, config round trips."""
import math

import numpy as np
import pytest

from glassnet.autodiff import Tensor, Variable
from glassnet.keras.optimizers import schedules


def values(schedule, steps):
    return np.array([schedule(s).numpy() for s in steps])


def test_exponential_decay_matches_the_formula():
    schedule = schedules.ExponentialDecay(0.1, decay_steps=10, decay_rate=0.5)
    steps = np.arange(0, 35, 3)
    np.testing.assert_allclose(values(schedule, steps), 0.1 * 0.5 ** (steps / 10), rtol=1e-6)
    # step 20: 0.1 * 0.5 ** 2 = 0.025
    assert np.isclose(schedule(20).numpy(), 0.025)


def test_exponential_decay_staircase_floors_the_exponent():
    schedule = schedules.ExponentialDecay(1.0, decay_steps=4, decay_rate=0.1, staircase=True)
    # steps 0..3 -> 1, 4..7 -> 0.1, 8 -> 0.01
    np.testing.assert_allclose(values(schedule, [0, 3, 4, 7, 8]), [1, 1, 0.1, 0.1, 0.01], rtol=1e-6)


def test_inverse_time_decay():
    schedule = schedules.InverseTimeDecay(0.5, decay_steps=2, decay_rate=3.0)
    steps = np.arange(8)
    np.testing.assert_allclose(values(schedule, steps), 0.5 / (1 + 3.0 * steps / 2), rtol=1e-6)
    stair = schedules.InverseTimeDecay(0.5, decay_steps=2, decay_rate=3.0, staircase=True)
    # step 3: floor(3/2) = 1 -> 0.5 / (1 + 3) = 0.125
    assert np.isclose(stair(3).numpy(), 0.125)


def test_piecewise_constant_boundaries_are_inclusive_on_the_left_piece():
    schedule = schedules.PiecewiseConstantDecay(boundaries=[2, 5], values=[1.0, 0.5, 0.25])
    np.testing.assert_array_equal(values(schedule, range(8)), [1, 1, 1, 0.5, 0.5, 0.5, 0.25, 0.25])


def test_cosine_decay_matches_the_formula_and_holds_at_the_end():
    schedule = schedules.CosineDecay(0.2, decay_steps=10, alpha=0.1)
    steps = np.arange(15)
    fraction = np.minimum(steps, 10) / 10
    expected = 0.2 * ((1 - 0.1) * 0.5 * (1 + np.cos(math.pi * fraction)) + 0.1)
    np.testing.assert_allclose(values(schedule, steps), expected, rtol=1e-6, atol=1e-8)
    # step >= 10: 0.2 * alpha = 0.02
    assert np.isclose(schedule(100).numpy(), 0.02)


def test_cosine_decay_warmup_then_decay():
    schedule = schedules.CosineDecay(0.0, decay_steps=4, warmup_target=1.0, warmup_steps=2)
    # warmup: 0 -> 0.5 -> then decay from 1.0 over 4 steps: 1, 0.854, 0.5, 0.146, 0
    expected = [0.0, 0.5] + [0.5 * (1 + math.cos(math.pi * k / 4)) for k in range(5)] + [0.0]
    np.testing.assert_allclose(values(schedule, range(8)), expected, atol=1e-7)


def test_results_are_float32_tensors_and_accept_variables():
    schedule = schedules.ExponentialDecay(0.1, 10, 0.9)
    step = Variable(np.array(5, dtype="int32"), trainable=False)
    result = schedule(step)
    assert isinstance(result, Tensor) and result.dtype == np.float32
    assert np.isclose(result.numpy(), 0.1 * 0.9 ** 0.5)


@pytest.mark.parametrize("schedule", [
    schedules.ExponentialDecay(0.1, 10, 0.9, staircase=True),
    schedules.InverseTimeDecay(0.1, 5, 0.5),
    schedules.PiecewiseConstantDecay([10, 20], [0.1, 0.01, 0.001]),
    schedules.CosineDecay(0.1, 100, alpha=0.05, warmup_target=0.2, warmup_steps=10),
])
def test_config_round_trip(schedule):
    config = schedules.serialize(schedule)
    assert config["module"] == "keras.optimizers.schedules"
    assert config["class_name"] == type(schedule).__name__
    restored = schedules.deserialize(config)
    assert type(restored) is type(schedule) and restored.get_config() == schedule.get_config()
    np.testing.assert_array_equal(values(restored, range(0, 40, 7)), values(schedule, range(0, 40, 7)))


def test_exponential_decay_config_keys():
    assert schedules.ExponentialDecay(0.1, 10, 0.9).get_config() == {
        "initial_learning_rate": 0.1, "decay_steps": 10, "decay_rate": 0.9, "staircase": False,
        "name": "ExponentialDecay",
    }


def test_a_custom_schedule_drives_an_optimizer():
    from glassnet.keras.optimizers import SGD

    class Halving(schedules.LearningRateSchedule):
        def __call__(self, step):
            return 0.5 ** int(step)

        def get_config(self):
            return {}

    opt = SGD(Halving())
    w = Variable(np.zeros(1, "float32"))
    for _ in range(3):
        opt.apply_gradients([(np.ones(1, "float32"), w)])
    np.testing.assert_allclose(w.numpy(), [-(1 + 0.5 + 0.25)])
    assert opt.learning_rate.dtype == np.float32 and np.isclose(opt.learning_rate.numpy(), 0.125)


def test_base_class_needs_call_and_config():
    with pytest.raises(NotImplementedError, match="__call__"):
        schedules.LearningRateSchedule()(0)


def test_bad_schedule_arguments_name_themselves():
    with pytest.raises(ValueError, match="decay_steps=-5"):
        schedules.InverseTimeDecay(0.1, decay_steps=-5, decay_rate=0.5)
    with pytest.raises(ValueError, match="initial_learning_rate='a'"):
        schedules.CosineDecay("a", decay_steps=5)
    with pytest.raises(TypeError, match="staircase='no'"):
        schedules.ExponentialDecay(0.1, 10, 0.5, staircase="no")
    with pytest.raises(ValueError, match="Known schedules"):
        schedules.deserialize({"class_name": "Nope", "config": {}})
