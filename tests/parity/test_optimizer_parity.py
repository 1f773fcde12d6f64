"""Every optimizer and option, glassnet against Keras: steps from identical weights and gradients.

Each case starts both optimizers on the same two variables (a (3, 4) kernel and a
(4,) bias) and applies the same three gradients; the weights are compared after
every step, so the first step and the state it leaves (momentum, velocity,
accumulators, amsgrad's maximum) are all checked.
"""
import keras
import numpy as np
import pytest
from parity_tools import assert_close

from glassnet.autodiff import Variable
from glassnet.keras import optimizers

BASE = [
    ("SGD", {}), ("SGD", {"momentum": 0.9}), ("SGD", {"momentum": 0.5, "nesterov": True}),
    ("Adam", {}), ("Adam", {"amsgrad": True}), ("Adam", {"beta_1": 0.5, "beta_2": 0.9, "epsilon": 1e-3}),
    ("AdamW", {}), ("AdamW", {"weight_decay": 0.1, "amsgrad": True}),
    ("RMSprop", {}), ("RMSprop", {"momentum": 0.9}), ("RMSprop", {"centered": True}),
    ("RMSprop", {"rho": 0.5, "momentum": 0.3, "centered": True, "epsilon": 1e-4}),
    ("Adagrad", {}), ("Adagrad", {"initial_accumulator_value": 0.5, "epsilon": 1e-3}),
]
OPTIONS = {
    "plain": {},
    "weight_decay": {"weight_decay": 0.05},
    "clipnorm": {"clipnorm": 0.5},
    "clipvalue": {"clipvalue": 0.3},
    "global_clipnorm": {"global_clipnorm": 0.7},
    "exponential_decay": {"schedule": ("ExponentialDecay", {"decay_steps": 2, "decay_rate": 0.5})},
    "exponential_staircase": {"schedule": ("ExponentialDecay",
                                           {"decay_steps": 2, "decay_rate": 0.5, "staircase": True})},
    "inverse_time_decay": {"schedule": ("InverseTimeDecay", {"decay_steps": 1, "decay_rate": 0.5})},
    "piecewise_constant": {"schedule": ("PiecewiseConstantDecay", {})},
    "cosine_decay": {"schedule": ("CosineDecay", {"decay_steps": 3, "alpha": 0.1})},
    "ema": {"use_ema": True, "ema_momentum": 0.9},
    "ema_overwrite": {"use_ema": True, "ema_momentum": 0.5, "ema_overwrite_frequency": 2},
    "accumulate": {"gradient_accumulation_steps": 2},
    "accumulate_clip_decay": {"gradient_accumulation_steps": 2, "global_clipnorm": 0.7, "weight_decay": 0.05,
                              "schedule": ("ExponentialDecay", {"decay_steps": 1, "decay_rate": 0.5})},
}
LEARNING_RATE = 0.1


def _learning_rate(library, options):
    """A float, or the same schedule built from `library` (keras.optimizers or glassnet's)."""
    if "schedule" not in options:
        return LEARNING_RATE
    name, arguments = options["schedule"]
    if name == "PiecewiseConstantDecay":
        return library.schedules.PiecewiseConstantDecay(boundaries=[0, 1], values=[0.1, 0.05, 0.02])
    return getattr(library.schedules, name)(LEARNING_RATE, **arguments)


def _make(library, name, base, options):
    extra = {k: v for k, v in options.items() if k != "schedule"}
    return getattr(library, name)(learning_rate=_learning_rate(library, options), **base, **extra)


# AdamW with the extra weight_decay option is AdamW's own base case, so it is left out,
# as is an option that would set one of the base case's arguments again.
CASES = [pytest.param(seed, name, base, option, id=f"{name}-{base}-{option}")
         for seed, ((name, base), option) in enumerate((b, o) for b in BASE for o in OPTIONS)
         if not (name == "AdamW" and option == "weight_decay") and not set(base) & set(OPTIONS[option])]


@pytest.mark.parametrize("seed, name, base, option", CASES)
def test_optimizer_steps(seed, name, base, option):
    rng = np.random.default_rng(seed)
    start = [rng.normal(size=(3, 4)).astype("float32"), rng.normal(size=4).astype("float32")]
    gradients = [[rng.normal(scale=2.0, size=w.shape).astype("float32") for w in start] for _ in range(3)]
    keras_vars = [keras.Variable(w) for w in start]
    glassnet_vars = [Variable(w.copy()) for w in start]
    keras_opt = _make(keras.optimizers, name, base, OPTIONS[option])
    glassnet_opt = _make(optimizers, name, base, OPTIONS[option])
    for step, grads in enumerate(gradients, start=1):
        keras_opt.apply_gradients(list(zip(grads, keras_vars)))
        glassnet_opt.apply_gradients(list(zip([g.copy() for g in grads], glassnet_vars)))
        for which, (mine, theirs) in enumerate(zip(glassnet_vars, keras_vars)):
            assert_close(mine.numpy(), np.asarray(theirs.value), family="optimizer", seed=seed,
                         what=f"{name}({base}, {option}) variable {which} after step {step}")
    expected_iterations = 3 // OPTIONS[option].get("gradient_accumulation_steps", 1)
    iterations = keras_opt.iterations
    assert int(glassnet_opt.iterations.numpy()) == int(np.asarray(getattr(iterations, "value", iterations))) \
        == expected_iterations
    # Every optimizer variable (slots, moving averages, accumulators), in Keras's order.
    assert [tuple(v.shape) for v in glassnet_opt.variables] == [tuple(v.shape) for v in keras_opt.variables]
    for i, (mine, theirs) in enumerate(zip(glassnet_opt.variables, keras_opt.variables)):
        assert_close(mine.numpy(), np.asarray(theirs.value), family="optimizer", seed=seed,
                     what=f"{name}({base}, {option}) optimizer variable {i} ({mine.name}) after step 3")
