"""Every loss and every option, glassnet against Keras, on the same targets and predictions.

Options: from_logits, label_smoothing, Huber's delta, ignore_class; each with no
sample weights, per-sample weights (n,) and (n, 1); each under every reduction.
Predictions include saturated probabilities (exactly 0 and 1) to check the clipping.
"""
import jax
import jax.numpy as jnp
import keras
import numpy as np
import pytest
from parity_data import draw, sample_weight
from parity_tools import assert_close

from glassnet.autodiff import GradientTape, Variable, ops
from glassnet.keras import losses

REDUCTIONS = ["sum_over_batch_size", "sum", "mean", "mean_with_sample_weight", None]
WEIGHTS = ["none", "per_sample", "column"]

# (class name, constructor options, how to draw the data)
LOSSES = [
    ("MeanSquaredError", {}, "regression"),
    ("MeanSquaredError", {}, "regression_1d_target"),
    ("MeanAbsoluteError", {}, "regression"),
    ("MeanAbsolutePercentageError", {}, "regression"),
    ("MeanSquaredLogarithmicError", {}, "regression"),
    ("Huber", {}, "regression"),
    ("Huber", {"delta": 0.5}, "regression"),
    ("Huber", {"delta": 2.5}, "regression"),
    ("LogCosh", {}, "regression"),
    ("Poisson", {}, "counts"),
    ("CosineSimilarity", {}, "regression"),
    ("CosineSimilarity", {}, "regression_1d_target"),
    ("BinaryCrossentropy", {}, "binary_probs"),
    ("BinaryCrossentropy", {}, "binary_1d_target"),
    ("BinaryCrossentropy", {"label_smoothing": 0.2}, "binary_probs"),
    ("BinaryCrossentropy", {"from_logits": True}, "binary_logits"),
    ("BinaryCrossentropy", {"from_logits": True, "label_smoothing": 0.1}, "binary_logits"),
    ("CategoricalCrossentropy", {}, "categorical_probs"),
    ("CategoricalCrossentropy", {}, "categorical_unnormalised"),
    ("CategoricalCrossentropy", {"label_smoothing": 0.3}, "categorical_probs"),
    ("CategoricalCrossentropy", {"from_logits": True}, "categorical_logits"),
    ("CategoricalCrossentropy", {"from_logits": True, "label_smoothing": 0.1}, "categorical_logits"),
    ("SparseCategoricalCrossentropy", {}, "sparse_probs"),
    ("SparseCategoricalCrossentropy", {}, "sparse_column_labels"),
    ("SparseCategoricalCrossentropy", {"from_logits": True}, "sparse_logits"),
    ("SparseCategoricalCrossentropy", {"ignore_class": 2}, "sparse_probs"),
    ("SparseCategoricalCrossentropy", {"from_logits": True, "ignore_class": 0}, "sparse_logits"),
    ("KLDivergence", {}, "categorical_probs"),
    ("Hinge", {}, "binary_logits"),
    ("Hinge", {}, "signed_logits"),
    ("SquaredHinge", {}, "binary_logits"),
    ("CategoricalHinge", {}, "categorical_logits"),
]


CASES = [
    pytest.param(i, name, options, data, reduction, weights,
                 id=f"{name}-{'-'.join(f'{k}={v}' for k, v in options.items()) or 'defaults'}-{data}"
                    f"-{reduction}-{weights}")
    for i, (name, options, data) in enumerate(LOSSES)
    for reduction in REDUCTIONS
    for weights in WEIGHTS
]


@pytest.mark.parametrize("seed, name, options, data, reduction, weights", CASES)
def test_loss_value(seed, name, options, data, reduction, weights):
    y_true, y_pred = draw(data, seed)
    sw = sample_weight(weights, seed)
    expected = getattr(keras.losses, name)(reduction=reduction, **options)(y_true, y_pred, sample_weight=sw)
    actual = getattr(losses, name)(reduction=reduction, **options)(y_true, y_pred, sample_weight=sw)
    assert_close(actual, expected, family="forward", seed=seed,
                 what=f"{name}({options}, reduction={reduction!r}) on {data} data, weights {weights}")


FUNCTIONS = ["mean_squared_error", "mean_absolute_error", "mean_absolute_percentage_error",
             "mean_squared_logarithmic_error", "huber", "log_cosh", "binary_crossentropy",
             "categorical_crossentropy", "kl_divergence", "hinge", "squared_hinge", "categorical_hinge",
             "poisson", "cosine_similarity"]


@pytest.mark.parametrize("name", FUNCTIONS)
def test_loss_function_per_sample(name):
    kind = {"binary_crossentropy": "binary_probs", "categorical_crossentropy": "categorical_probs",
            "kl_divergence": "categorical_probs", "hinge": "binary_logits",
            "squared_hinge": "binary_logits", "categorical_hinge": "categorical_logits",
            "poisson": "counts"}.get(name, "regression")
    y_true, y_pred = draw(kind, seed=7)
    expected = getattr(keras.losses, name)(y_true, y_pred)
    actual = getattr(losses, name)(y_true, y_pred)
    assert_close(actual, expected, family="forward", what=f"losses.{name} per sample on {kind} data", seed=7)



# --- gradients with respect to y_true and y_pred ------------------------------------------------
# Keras's losses are differentiable in both arguments (an actor-critic's critic output is y_true):
# jax.grad of the Keras loss against glassnet's tape, on the same data (saturated probabilities,
# one-hot targets on KLDivergence's clip bounds included), in float64 on both sides. Keras's mean
# keeps its 1/n in float32 even there (its gradient over 3 elements is 0.33333334), so the two
# agree to float32's 1e-7, not float64's; a wrong or missing gradient is off by far more.
# Sparse labels are integers: y_pred only, and None for the labels.

GRADIENT_CASES = [
    pytest.param(i, name, options, data, weights,
                 id=f"{name}-{'-'.join(f'{k}={v}' for k, v in options.items()) or 'defaults'}-{data}-{weights}")
    for i, (name, options, data) in enumerate(LOSSES)
    for weights in ["none", "per_sample"]
]


def _float64(*arrays):
    return [None if a is None or a.dtype.kind in "iu" else a.astype("float64") for a in arrays]


def _keras_gradients(fn, y_true, y_pred, sparse):
    """jax.grad of fn's sum with respect to (y_true, y_pred), or (None, y_pred's) for sparse labels."""
    with jax.enable_x64(True):
        if sparse:
            return None, np.asarray(jax.grad(lambda p: jnp.sum(fn(y_true, p)))(y_pred))
        grads = jax.grad(lambda t, p: jnp.sum(fn(t, p)), argnums=(0, 1))(y_true, y_pred)
        return tuple(np.asarray(g) for g in grads)


def _glassnet_gradients(fn, y_true, y_pred, sparse):
    t = Variable(y_true, trainable=not sparse, dtype=y_true.dtype)
    p = Variable(y_pred, dtype=y_pred.dtype)
    with GradientTape() as tape:
        value = ops.sum(fn(t, p))
    return tape.gradient(value, [t, p])


def _assert_same_gradients(actual, expected, what):
    for which, a, e in zip(["y_true", "y_pred"], actual, expected):
        if e is None:
            assert a is None, f"{what}: integer labels got a gradient"
            continue
        assert a is not None, f"{what}: no gradient w.r.t. {which}"
        np.testing.assert_allclose(a.numpy(), e, rtol=1e-6, atol=1e-7, err_msg=f"{what}, w.r.t. {which}")


@pytest.mark.parametrize("seed, name, options, data, weights", GRADIENT_CASES)
def test_loss_gradients_of_both_arguments(seed, name, options, data, weights):
    y_true, y_pred, sw = _float64(*draw(data, seed), sample_weight(weights, seed))
    sparse = name.startswith("Sparse")
    y_true = draw(data, seed)[0] if sparse else y_true
    keras_loss = getattr(keras.losses, name)(dtype="float64", **options)
    expected = _keras_gradients(lambda t, p: keras_loss(t, p, sample_weight=sw), y_true, y_pred, sparse)
    loss = getattr(losses, name)(dtype="float64", **options)
    actual = _glassnet_gradients(lambda t, p: loss(t, p, sample_weight=sw), y_true, y_pred, sparse)
    _assert_same_gradients(actual, expected, f"gradient of {name}({options}) on {data} data, weights {weights}")


@pytest.mark.parametrize("name", FUNCTIONS)
def test_loss_function_gradients_of_both_arguments(name):
    kind = {"binary_crossentropy": "binary_probs", "categorical_crossentropy": "categorical_probs",
            "kl_divergence": "categorical_probs", "hinge": "binary_logits",
            "squared_hinge": "binary_logits", "categorical_hinge": "categorical_logits",
            "poisson": "counts"}.get(name, "regression")
    y_true, y_pred = _float64(*draw(kind, seed=11))
    expected = _keras_gradients(getattr(keras.losses, name), y_true, y_pred, sparse=False)
    actual = _glassnet_gradients(getattr(losses, name), y_true, y_pred, sparse=False)
    _assert_same_gradients(actual, expected, f"gradient of losses.{name} on {kind} data")


def test_huber_of_two_variables_as_in_the_actor_critic_example():
    # float32, as the example runs: the gradients to float32 rounding.
    t, p = np.array([[0.3, 0.7]], "float32"), np.array([[0.4, 0.6]], "float32")
    expected = jax.grad(lambda a, b: keras.losses.Huber()(a, b), argnums=(0, 1))(t, p)
    tv, pv = Variable(t), Variable(p)
    with GradientTape() as tape:
        value = losses.Huber()(tv, pv)
    for a, e in zip(tape.gradient(value, [tv, pv]), expected):
        assert_close(a, e, family="forward", what="Huber gradients of two Variables")
