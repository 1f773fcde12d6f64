"""Five steps of every optimizer and option against independent float64 references.

Each reference below is written from the formulas (Keras 3's, as documented in the
optimizers' docstrings) with plain float64 NumPy and no code shared with the package.
"""
import numpy as np
import pytest

from glassnet.autodiff import Tensor, Variable
from glassnet.keras import optimizers
from glassnet.keras.optimizers import schedules

SHAPES = [(3, 4), (4,)]
STEPS = 5


def make_problem(seed=0, dtype="float32"):
    rng = np.random.default_rng(seed)
    weights = [rng.normal(size=s).astype(dtype) for s in SHAPES]
    grads = [[rng.normal(size=s).astype(dtype) for s in SHAPES] for _ in range(STEPS)]
    return weights, grads


def run_optimizer(optimizer, weights, grads, as_tensor=False):
    variables = [Variable(w, path=f"model/layer/v{i}") for i, w in enumerate(weights)]
    for step_grads in grads:
        wrapped = [Tensor(g) if as_tensor else g for g in step_grads]
        optimizer.apply_gradients(zip(wrapped, variables, strict=True))
    return [v.numpy() for v in variables]


# --- float64 references ------------------------------------------------------------
def ref_clip(grads, clipnorm=None, global_clipnorm=None, clipvalue=None):
    if clipnorm:
        return [g * clipnorm / max(np.sqrt(np.sum(g * g)), clipnorm) for g in grads]
    if global_clipnorm:
        norm = np.sqrt(sum(np.sum(g * g) for g in grads))
        return [g * global_clipnorm / max(norm, global_clipnorm) for g in grads]
    if clipvalue:
        return [np.minimum(np.maximum(g, -clipvalue), clipvalue) for g in grads]
    return grads


def reference(update, weights, grads, lr_at=lambda step: 0.01, weight_decay=None, **clip):
    """Run `update(state, i, g, w, lr, t) -> new w` in float64 with Keras's step order."""
    ws = [w.astype(np.float64) for w in weights]
    state = {}
    for step, step_grads in enumerate(grads):
        gs = ref_clip([g.astype(np.float64) for g in step_grads], **clip)
        lr = lr_at(step)
        if weight_decay is not None:
            ws = [w - w * weight_decay * lr for w in ws]
        ws = [update(state, i, g, w, lr, step + 1) for i, (g, w) in enumerate(zip(gs, ws, strict=True))]
    return ws


def sgd_update(momentum=0.0, nesterov=False):
    def update(state, i, g, w, lr, t):
        if momentum == 0:
            return w - lr * g
        m = state[i] = momentum * state.get(i, 0.0) - lr * g
        return w + (momentum * m - lr * g if nesterov else m)
    return update


def adam_update(beta_1=0.9, beta_2=0.999, epsilon=1e-7, amsgrad=False):
    def update(state, i, g, w, lr, t):
        m, v, v_hat = state.get(i, (0.0, 0.0, 0.0))
        m = beta_1 * m + (1 - beta_1) * g
        v = beta_2 * v + (1 - beta_2) * g * g
        v_hat = np.maximum(v_hat, v)
        state[i] = (m, v, v_hat)
        alpha = lr * np.sqrt(1 - beta_2 ** t) / (1 - beta_1 ** t)
        return w - alpha * m / (np.sqrt(v_hat if amsgrad else v) + epsilon)
    return update


def rmsprop_update(rho=0.9, momentum=0.0, epsilon=1e-7, centered=False):
    def update(state, i, g, w, lr, t):
        v, a, m = state.get(i, (0.0, 0.0, 0.0))
        v = rho * v + (1 - rho) * g * g
        a = rho * a + (1 - rho) * g
        denominator = v - a * a + epsilon if centered else v + epsilon
        increment = lr * g / np.sqrt(denominator)
        m = momentum * m + increment
        state[i] = (v, a, m)
        return w - (m if momentum > 0 else increment)
    return update


def adagrad_update(initial=0.1, epsilon=1e-7):
    def update(state, i, g, w, lr, t):
        acc = state[i] = state.get(i, initial) + g * g
        return w - lr * g / np.sqrt(acc + epsilon)
    return update


def assert_matches(actual, expected, rtol=1e-6, atol=1e-6):
    for a, e in zip(actual, expected, strict=True):
        assert a.dtype == np.float32
        np.testing.assert_allclose(a, e, rtol=rtol, atol=atol)


CASES = {
    "sgd": (lambda: optimizers.SGD(0.05), sgd_update(), 0.05),
    "sgd_momentum": (lambda: optimizers.SGD(0.05, momentum=0.9), sgd_update(0.9), 0.05),
    "sgd_nesterov": (lambda: optimizers.SGD(0.05, momentum=0.9, nesterov=True), sgd_update(0.9, True), 0.05),
    "adam": (lambda: optimizers.Adam(0.01), adam_update(), 0.01),
    "adam_betas": (lambda: optimizers.Adam(0.02, beta_1=0.5, beta_2=0.9, epsilon=1e-3),
                   adam_update(0.5, 0.9, 1e-3), 0.02),
    "adam_amsgrad": (lambda: optimizers.Adam(0.01, amsgrad=True), adam_update(amsgrad=True), 0.01),
    "rmsprop": (lambda: optimizers.RMSprop(0.01), rmsprop_update(), 0.01),
    "rmsprop_momentum": (lambda: optimizers.RMSprop(0.01, momentum=0.5), rmsprop_update(momentum=0.5), 0.01),
    "rmsprop_centered": (lambda: optimizers.RMSprop(0.01, rho=0.8, centered=True),
                         rmsprop_update(rho=0.8, centered=True), 0.01),
    "rmsprop_centered_momentum": (lambda: optimizers.RMSprop(0.01, momentum=0.9, centered=True),
                                  rmsprop_update(momentum=0.9, centered=True), 0.01),
    "adagrad": (lambda: optimizers.Adagrad(0.1), adagrad_update(), 0.1),
    "adagrad_initial": (lambda: optimizers.Adagrad(0.1, initial_accumulator_value=1.0, epsilon=1e-3),
                        adagrad_update(1.0, 1e-3), 0.1),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_five_steps_match_float64_reference(case):
    make, update, lr = CASES[case]
    weights, grads = make_problem(seed=len(case))
    actual = run_optimizer(make(), weights, grads)
    assert_matches(actual, reference(update, weights, grads, lr_at=lambda step: lr))


@pytest.mark.parametrize("case", ["sgd_momentum", "adam", "rmsprop_centered", "adagrad"])
def test_weight_decay_is_decoupled_and_uses_current_lr(case):
    make, update, lr = CASES[case]
    optimizer = make()
    optimizer.weight_decay = 0.1  # the attribute the update reads
    weights, grads = make_problem(seed=3)
    actual = run_optimizer(optimizer, weights, grads)
    assert_matches(actual, reference(update, weights, grads, lr_at=lambda step: lr, weight_decay=0.1))


def test_adamw_is_adam_with_default_decay_0_004():
    weights, grads = make_problem(seed=4)
    actual = run_optimizer(optimizers.AdamW(0.01), weights, grads)
    expected = reference(adam_update(), weights, grads, lr_at=lambda step: 0.01, weight_decay=0.004)
    assert_matches(actual, expected)
    # The decay really acted: plain Adam ends elsewhere.
    plain = reference(adam_update(), weights, grads, lr_at=lambda step: 0.01)
    assert not np.allclose(actual[0], plain[0], rtol=1e-6, atol=1e-7)


@pytest.mark.parametrize("clip", [{"clipnorm": 1.0}, {"global_clipnorm": 1.5}, {"clipvalue": 0.3}])
@pytest.mark.parametrize("case", ["sgd", "adam", "rmsprop"])
def test_gradient_clipping(case, clip):
    make, update, lr = CASES[case]
    optimizer = make()
    for key, value in clip.items():
        setattr(optimizer, key, value)
    weights, grads = make_problem(seed=5)
    actual = run_optimizer(optimizer, weights, grads)
    assert_matches(actual, reference(update, weights, grads, lr_at=lambda step: lr, **clip))
    # The clip was active: unclipped updates differ.
    unclipped = reference(update, weights, grads, lr_at=lambda step: lr)
    assert not np.allclose(actual[0], unclipped[0], rtol=1e-5, atol=1e-6)


def test_clip_option_given_to_constructor():
    weights, grads = make_problem(seed=6)
    actual = run_optimizer(optimizers.SGD(0.1, clipvalue=0.2), weights, grads)
    assert_matches(actual, reference(sgd_update(), weights, grads, lr_at=lambda s: 0.1, clipvalue=0.2))


def test_schedule_drives_the_learning_rate_per_step():
    schedule = schedules.ExponentialDecay(0.1, decay_steps=2, decay_rate=0.5)
    weights, grads = make_problem(seed=7)
    actual = run_optimizer(optimizers.SGD(schedule), weights, grads)
    # Step k (from 0) uses 0.1 * 0.5 ** (k / 2): 0.1, 0.0707, 0.05, 0.0354, 0.025.
    expected = reference(sgd_update(), weights, grads, lr_at=lambda k: 0.1 * 0.5 ** (k / 2))
    assert_matches(actual, expected)


def test_schedule_with_adam_and_weight_decay():
    schedule = schedules.PiecewiseConstantDecay([1, 3], [0.1, 0.01, 0.001])
    weights, grads = make_problem(seed=8)
    actual = run_optimizer(optimizers.AdamW(schedule, weight_decay=0.05), weights, grads)
    lrs = [0.1, 0.1, 0.01, 0.01, 0.001]  # steps 0,1 <= 1; 2,3 <= 3; 4 > 3
    expected = reference(adam_update(), weights, grads, lr_at=lambda k: lrs[k], weight_decay=0.05)
    assert_matches(actual, expected)


def test_tensor_gradients_are_accepted():
    weights, grads = make_problem(seed=9)
    actual = run_optimizer(optimizers.Adam(0.01), weights, grads, as_tensor=True)
    assert_matches(actual, reference(adam_update(), weights, grads, lr_at=lambda s: 0.01))


def test_float64_variables_are_updated_in_float64():
    weights, grads = make_problem(seed=10, dtype="float64")
    optimizer = optimizers.Adam(0.1)
    variables = [Variable(w) for w in weights]
    for step_grads in grads:
        optimizer.apply_gradients(zip(step_grads, variables, strict=True))
    # The lr variable is float32, so the reference uses float32(0.1) too, as Keras does.
    lr = float(np.float32(0.1))
    expected = reference(adam_update(), weights, grads, lr_at=lambda s: lr)
    for v, e in zip(variables, expected, strict=True):
        assert v.dtype == np.float64
        assert all(slot.dtype == np.float64 for slot in optimizer.variables[2:])
        np.testing.assert_allclose(v.numpy(), e, rtol=1e-12, atol=1e-13)


def test_hand_computed_first_adam_step():
    # Keras casts the betas to float32 before 1 - beta_2 ** t, which shows at t = 1:
    #   1 - float32(0.999) = 0.00099998713, sqrt = 0.031622573; 1 - float32(0.9) = 0.099999964
    #   alpha = 0.5 * 0.031622573 / 0.099999964 = 0.15811343
    #   g = 2:  m = 0.2, v = 0.004, sqrt(v) + 1e-7 = 0.06324565
    #           step = 0.2 * 0.15811343 / 0.06324565 = 0.49999585  ->  w = 1 - step = 0.50000415
    #   g = -4: m = -0.4, v = 0.016, sqrt(v) + 1e-7 = 0.12649121
    #           step = -0.4 * 0.15811343 / 0.12649121 = -0.49999626  ->  w = -2 - step = -1.5000037
    w = Variable(np.array([1.0, -2.0], dtype="float32"))
    optimizers.Adam(0.5).apply_gradients([(np.array([2.0, -4.0], dtype="float32"), w)])
    np.testing.assert_allclose(w.numpy(), [0.50000415, -1.5000037], rtol=2e-7)


def test_hand_computed_sgd_momentum_steps():
    w = Variable(np.array([1.0], dtype="float32"))
    opt = optimizers.SGD(0.1, momentum=0.5)
    g = np.array([1.0], dtype="float32")
    opt.apply_gradients([(g, w)])  # m = -0.1, w = 0.9
    opt.apply_gradients([(g, w)])  # m = 0.5 * -0.1 - 0.1 = -0.15, w = 0.75
    np.testing.assert_allclose(w.numpy(), [0.75], rtol=1e-6)
    np.testing.assert_allclose(opt.variables[2].numpy(), [-0.15], rtol=1e-6)
