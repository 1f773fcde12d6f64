"""Every loss is a differentiable function of y_true too, as in Keras.

An actor-critic (Keras's CartPole example) passes the critic's output as y_true:
``huber_loss(value, return)``. So each loss, function and class, is checked against central
finite differences in float64 with respect to both arguments; tests/parity/test_loss_parity.py
checks the same gradients against JAX.
"""
import numpy as np
import pytest

import glassnet as tf
from glassnet import keras
from glassnet.autodiff import GradientTape, Tensor, check_gradients
from glassnet.keras import losses

RNG = np.random.default_rng(3)


def _away_from(values, kinks, margin=0.05):
    """`values` moved so none lies within `margin` of a kink (finite differences must not cross one)."""
    for kink in kinks:
        near = np.abs(values - kink) < margin
        values = np.where(near, kink + margin * np.where(values >= kink, 1.0, -1.0) * 2, values)
    return values


def _regression(shape=(4, 3)):
    t = _away_from(RNG.normal(size=shape), [0.0])
    p = t + _away_from(RNG.normal(size=shape), [0.0, 0.5, -0.5, 1.0, -1.0])  # errors away from the deltas
    return t, p


def _probabilities(shape=(4, 3)):
    return RNG.uniform(0.05, 0.95, shape)


def _soft_targets(shape=(4, 3)):
    t = RNG.uniform(0.1, 1.0, shape)
    return t / t.sum(-1, keepdims=True)


def _logits(shape=(4, 3)):
    return RNG.normal(scale=2.0, size=shape)


def _hinge_data():
    # Targets that are not all 0/1 (those are converted to -1/1, a jump finite differences would cross).
    t = RNG.choice([-1.0, 1.0], (4, 3)) * RNG.uniform(0.5, 1.5, (4, 3))
    p = RNG.normal(size=(4, 3))
    margin = _away_from(1.0 - t * p, [0.0])
    return t, (1.0 - margin) / t


# (class, options, function, data)
CASES = [
    (losses.MeanSquaredError, {}, losses.mean_squared_error, _regression),
    (losses.MeanAbsoluteError, {}, losses.mean_absolute_error, _regression),
    (losses.MeanAbsolutePercentageError, {}, losses.mean_absolute_percentage_error, _regression),
    (losses.MeanSquaredLogarithmicError, {}, losses.mean_squared_logarithmic_error,
     lambda: (np.abs(_regression()[0]), np.abs(_regression()[1]))),
    (losses.Huber, {}, losses.huber, _regression),
    (losses.Huber, {"delta": 0.5}, losses.huber, lambda: _regression()),
    (losses.LogCosh, {}, losses.log_cosh, _regression),
    (losses.BinaryCrossentropy, {}, losses.binary_crossentropy, lambda: (_probabilities(), _probabilities())),
    (losses.BinaryCrossentropy, {"label_smoothing": 0.2}, losses.binary_crossentropy,
     lambda: (_probabilities(), _probabilities())),
    (losses.BinaryCrossentropy, {"from_logits": True}, losses.binary_crossentropy,
     lambda: (_probabilities(), _logits())),
    (losses.BinaryCrossentropy, {"from_logits": True, "label_smoothing": 0.1}, losses.binary_crossentropy,
     lambda: (_probabilities(), _logits())),
    (losses.CategoricalCrossentropy, {}, losses.categorical_crossentropy,
     lambda: (_soft_targets(), _probabilities())),
    (losses.CategoricalCrossentropy, {"label_smoothing": 0.3}, losses.categorical_crossentropy,
     lambda: (_soft_targets(), _probabilities())),
    (losses.CategoricalCrossentropy, {"from_logits": True}, losses.categorical_crossentropy,
     lambda: (_soft_targets(), _logits())),
    (losses.CategoricalCrossentropy, {"from_logits": True, "label_smoothing": 0.1}, losses.categorical_crossentropy,
     lambda: (_soft_targets(), _logits())),
    (losses.KLDivergence, {}, losses.kl_divergence, lambda: (_soft_targets(), _probabilities())),
    (losses.Hinge, {}, losses.hinge, _hinge_data),
    (losses.SquaredHinge, {}, losses.squared_hinge, _hinge_data),
    (losses.CategoricalHinge, {}, losses.categorical_hinge, lambda: (_soft_targets(), _logits())),
    (losses.Poisson, {}, losses.poisson, lambda: (RNG.poisson(2.0, (4, 3)) + RNG.uniform(0, 0.5, (4, 3)),
                                                  RNG.uniform(0.2, 4.0, (4, 3)))),
    (losses.CosineSimilarity, {}, losses.cosine_similarity, _regression),
    (losses.CosineSimilarity, {"axis": 0}, losses.cosine_similarity, _regression),
]
IDS = [f"{cls.__name__}-{options}" for cls, options, _, _ in CASES]


@pytest.mark.parametrize("cls, options, fn, data", CASES, ids=IDS)
def test_loss_object_gradients_of_both_arguments(cls, options, fn, data):
    t, p = data()
    # axis=0 reduces the batch axis: one loss per column, which per-sample weights cannot weigh.
    weights = None if options.get("axis") == 0 else RNG.uniform(0.5, 2.0, t.shape[0])
    grad_t, grad_p = check_gradients(lambda a, b: cls(**options)(a, b, sample_weight=weights), t, p)
    assert np.abs(grad_t).max() > 1e-3  # a real gradient, not the zeros of a constant target


@pytest.mark.parametrize("cls, options, fn, data", CASES, ids=IDS)
def test_loss_function_gradients_of_both_arguments(cls, options, fn, data):
    t, p = data()
    grad_t, _ = check_gradients(lambda a, b: fn(a, b, **options), t, p)
    assert np.abs(grad_t).max() > 1e-3


@pytest.mark.parametrize("shapes", [((4, 3), (4, 1)), ((4, 1), (4, 3)), ((4,), (4, 1))])
def test_mean_squared_error_broadcasts_a_size_1_axis(shapes):
    t, p = RNG.normal(size=shapes[0]), RNG.normal(size=shapes[1])
    check_gradients(lambda a, b: losses.MeanSquaredError()(a, b), t, p)
    check_gradients(lambda a, b: losses.mean_squared_error(a, b), t, p)


def test_mean_squared_error_of_one_prediction_against_three_targets_averages_three():
    # Keras: mean(([1, 2, 3] - 0)^2) = 14 / 3, the mean over the broadcast axis.
    loss = losses.mean_squared_error(np.array([[1.0, 2.0, 3.0]]), np.array([[0.0]]))
    np.testing.assert_allclose(loss.numpy(), [14.0 / 3.0])


def test_huber_of_two_variables_gives_both_a_gradient():
    # The actor-critic case. e = p - t = [0.1, -0.1], inside delta: d/dp = e / 2 (a mean over 2
    # elements of one sample), d/dt = -e / 2.
    t = tf.Variable([[0.3, 0.7]])
    p = tf.Variable([[0.4, 0.6]])
    with tf.GradientTape() as tape:
        loss = keras.losses.Huber()(t, p)
    grad_t, grad_p = tape.gradient(loss, [t, p])
    assert grad_t is not None
    np.testing.assert_allclose(grad_t.numpy(), [[-0.05, 0.05]], rtol=1e-5)
    np.testing.assert_allclose(grad_p.numpy(), [[0.05, -0.05]], rtol=1e-5)


def test_a_target_computed_from_a_variable_gets_its_gradient():
    # huber_loss(tf.expand_dims(value, 0), tf.expand_dims(ret, 0)), value = the critic's w * 2.
    w = tf.Variable(1.5)
    with tf.GradientTape() as tape:
        value = w * 2.0
        loss = keras.losses.Huber()(tf.expand_dims(value, 0), tf.expand_dims(tf.constant(2.5), 0))
    # e = 2.5 - 3.0 = -0.5, inside delta: d loss / d value = -e = 0.5, d value / d w = 2.
    assert float(tape.gradient(loss, w)) == pytest.approx(1.0)


@pytest.mark.parametrize("from_logits", [False, True])
def test_sparse_integer_labels_stay_without_a_gradient(from_logits):
    labels = tf.Variable(np.array([0.0, 2.0, 1.0]))
    p = tf.Variable(_probabilities((3, 3)) if not from_logits else _logits((3, 3)))
    with tf.GradientTape() as tape:
        loss = losses.SparseCategoricalCrossentropy(from_logits=from_logits)(labels, p)
    grad_labels, grad_p = tape.gradient(loss, [labels, p])
    assert grad_labels is None and grad_p is not None


def test_kl_divergence_target_gradient_is_zero_below_the_clip_and_halved_on_its_bound():
    # t = [1, 0, 0.5], p = 0.5 everywhere: d/dt of t log(t / p) = log(t / p) + 1, times the clip's
    # slope: 0.5 at t = 1 (a tie of min(., 1), as on JAX), 0 at t = 0 (clipped to eps), 1 inside.
    t = Tensor(np.array([[1.0, 0.0, 0.5]]))
    with GradientTape() as tape:
        tape.watch(t)
        loss = losses.kl_divergence(t, np.full((1, 3), 0.5))
    expected = [[0.5 * (np.log(2.0) + 1.0), 0.0, 1.0]]
    np.testing.assert_allclose(tape.gradient(loss, t).numpy(), expected, rtol=1e-12)


def _settings_on_the_graph(tensor):
    """The settings of every op on the graph that led to `tensor`."""
    found, stack = [], [tensor]
    while stack:
        node = stack.pop()._node
        if node is not None:
            found.append(node.settings)
            stack.extend(parent for _, parent in node.edges)
    return found


@pytest.mark.parametrize("loss", [losses.MeanSquaredError(), losses.BinaryCrossentropy(),
                                  losses.BinaryCrossentropy(from_logits=True), losses.CategoricalCrossentropy(),
                                  losses.CategoricalCrossentropy(from_logits=True)])
def test_fused_ops_compute_the_target_gradient_only_for_a_tracked_target(loss):
    t, p = _soft_targets(), tf.Variable(_probabilities())
    with tf.GradientTape() as tape:
        untracked = loss(t, p)
        tracked_target = Tensor(t)
        tape.watch(tracked_target)
        tracked = loss(tracked_target, p)
    asked = [s["y_true_grad"] for s in _settings_on_the_graph(untracked) if "y_true_grad" in s]
    assert asked == [False]
    asked = [s["y_true_grad"] for s in _settings_on_the_graph(tracked) if "y_true_grad" in s]
    assert asked == [True]
