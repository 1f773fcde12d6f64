"""Cross-entropy losses: Keras's numbers, float64 reference formulas, gradients."""
import numpy as np
import pytest

from glassnet.autodiff import GradientTape, Tensor, check_gradients
from glassnet.keras import losses

EPS = 1e-7
RNG = np.random.default_rng(0)


def ref_bce(t, p, ls=0.0, from_logits=False):
    """Per-sample BCE in float64, written from the formula."""
    t = t * (1 - ls) + 0.5 * ls
    if from_logits:
        p = 1 / (1 + np.exp(-p))
    q = np.clip(p, EPS, 1 - EPS)
    return np.mean(-(t * np.log(q) + (1 - t) * np.log(1 - q)), axis=-1)


def ref_cce(t, p, ls=0.0, from_logits=False):
    t = t * (1 - ls) + ls / t.shape[-1]
    if from_logits:
        log_q = p - p.max(-1, keepdims=True)
        log_q = log_q - np.log(np.exp(log_q).sum(-1, keepdims=True))
    else:
        log_q = np.log(np.clip(p / p.sum(-1, keepdims=True), EPS, 1 - EPS))
    return -np.sum(t * log_q, axis=-1)


def probabilities(shape):
    p = RNG.uniform(0.05, 0.95, shape)
    return p


# --- Keras's own numbers (keras-semantics §6) ------------------------------------------

def test_bce_of_a_certain_wrong_prediction_is_minus_log_eps():
    # p = 0 is clipped to 1e-7: -log(1e-7) = 16.118095
    loss = losses.BinaryCrossentropy()(np.array([[1.0]]), np.array([[0.0]], dtype="float32"))
    assert loss.dtype == np.float32
    assert float(loss) == pytest.approx(16.118095, abs=1e-5)


def test_bce_from_logits_is_not_clipped():
    # t = 1, x = -100: -log_sigmoid(-100) = 100 + log(1 + e^-100) = 100.0
    loss = losses.BinaryCrossentropy(from_logits=True)(np.array([[1.0]]), np.array([[-100.0]], dtype="float32"))
    assert float(loss) == pytest.approx(100.0, rel=1e-6)


def test_bce_on_a_2_by_3_target():
    y = np.array([[0.0, 0.0, 1.0], [0.0, 1.0, 0.0]])
    p = np.array([[0.1, 0.2, 0.6], [0.1, 0.7, 0.2]], dtype="float32")
    # row 0: -(log 0.9 + log 0.8 + log 0.6) / 3 = (0.1053605 + 0.2231436 + 0.5108256) / 3 = 0.2797766
    # row 1: -(log 0.9 + log 0.7 + log 0.8) / 3 = (0.1053605 + 0.3566749 + 0.2231436) / 3 = 0.2283930
    np.testing.assert_allclose(losses.binary_crossentropy(y, p).numpy(), [0.2797766, 0.228393], rtol=1e-6)
    assert float(losses.BinaryCrossentropy()(y, p)) == pytest.approx(0.2540848, rel=1e-6)


def test_cce_renormalises_probabilities():
    # [1, 1, 2] / 4 = [0.25, 0.25, 0.5]: -log 0.5 = log 2
    loss = losses.categorical_crossentropy(np.array([0.0, 0.0, 1.0]), np.array([1.0, 1.0, 2.0], dtype="float32"))
    assert float(loss) == pytest.approx(np.log(2), rel=1e-6)


def test_bce_saturated_other_side_uses_float32_clip():
    # 1 - 1e-7 rounds to 0.99999988 in float32, so -log(1 - q) = -log(1.1920929e-7) = 15.942385
    loss = losses.BinaryCrossentropy()(np.array([[0.0]]), np.array([[1.0]], dtype="float32"))
    assert float(loss) == pytest.approx(15.942385, rel=1e-5)


# --- against float64 reference formulas ------------------------------------------------

@pytest.mark.parametrize("ls", [0.0, 0.2])
@pytest.mark.parametrize("from_logits", [False, True])
def test_bce_matches_reference(ls, from_logits):
    t = RNG.integers(0, 2, (5, 3)).astype(float)
    p = RNG.normal(size=(5, 3)) if from_logits else probabilities((5, 3))
    got = losses.binary_crossentropy(t, p, from_logits=from_logits, label_smoothing=ls).numpy()
    np.testing.assert_allclose(got, ref_bce(t, p, ls, from_logits), rtol=1e-12)
    loss = losses.BinaryCrossentropy(from_logits=from_logits, label_smoothing=ls)
    assert float(loss(t, p)) == pytest.approx(ref_bce(t, p, ls, from_logits).mean(), rel=1e-12)


@pytest.mark.parametrize("ls", [0.0, 0.3])
@pytest.mark.parametrize("from_logits", [False, True])
def test_cce_matches_reference(ls, from_logits):
    t = np.eye(4)[RNG.integers(0, 4, 6)]
    p = RNG.normal(size=(6, 4)) if from_logits else probabilities((6, 4))
    got = losses.categorical_crossentropy(t, p, from_logits=from_logits, label_smoothing=ls).numpy()
    np.testing.assert_allclose(got, ref_cce(t, p, ls, from_logits), rtol=1e-12)
    loss = losses.CategoricalCrossentropy(from_logits=from_logits, label_smoothing=ls)
    assert float(loss(t, p)) == pytest.approx(ref_cce(t, p, ls, from_logits).mean(), rel=1e-12)


@pytest.mark.parametrize("from_logits", [False, True])
@pytest.mark.parametrize("label_shape", [(6,), (6, 1)])
def test_sparse_cce_equals_cce_of_one_hot(from_logits, label_shape):
    labels = RNG.integers(0, 4, 6)
    p = RNG.normal(size=(6, 4)) if from_logits else probabilities((6, 4))
    got = losses.SparseCategoricalCrossentropy(from_logits=from_logits)(labels.reshape(label_shape), p)
    assert float(got) == pytest.approx(ref_cce(np.eye(4)[labels], p, 0.0, from_logits).mean(), rel=1e-12)


def test_sparse_cce_out_of_range_label_is_an_error():
    # Keras-JAX one-hot encodes label 5 of 3 classes to zeros: loss 0 and no gradient for that
    # row, silently. glassnet refuses it, as fit does.
    p = np.array([[0.25, 0.25, 0.5], [0.2, 0.3, 0.5]])
    with pytest.raises(ValueError, match=r"Invalid `y_true`.*label 5 out of range for 3 classes"):
        losses.sparse_categorical_crossentropy(np.array([2, 5]), p)


def test_sparse_cce_ignore_class_averages_over_valid_entries():
    # labels [2, -1]: only row 0 counts, -log 0.5; Keras scales by total/(valid + eps) = 2/(1 + 1e-7)
    p = np.array([[0.25, 0.25, 0.5], [0.5, 0.25, 0.25]])
    loss = losses.SparseCategoricalCrossentropy(ignore_class=-1)
    assert float(loss(np.array([2, -1]), p)) == pytest.approx(np.log(2) * 2 / 2 / (1 + 1e-7), rel=1e-12)
    none = losses.SparseCategoricalCrossentropy(ignore_class=-1, reduction=None)(np.array([2, -1]), p)
    np.testing.assert_allclose(none.numpy(), [np.log(2), 0.0])
    assert float(losses.SparseCategoricalCrossentropy(ignore_class=-1, reduction="sum")(
        np.array([2, -1]), p)) == pytest.approx(np.log(2))


def test_kl_divergence_matches_reference():
    t = probabilities((4, 3))
    t /= t.sum(-1, keepdims=True)
    p = probabilities((4, 3))
    expected = np.sum(t * np.log(t / p), axis=-1)
    np.testing.assert_allclose(losses.kl_divergence(t, p).numpy(), expected, rtol=1e-12)
    assert float(losses.KLDivergence()(t, p)) == pytest.approx(expected.mean(), rel=1e-12)


# --- gradients --------------------------------------------------------------------------

@pytest.mark.parametrize("options", [
    {}, {"from_logits": True}, {"label_smoothing": 0.1}, {"from_logits": True, "label_smoothing": 0.25},
])
def test_bce_gradients(options):
    t = RNG.integers(0, 2, (4, 3)).astype(float)
    p = RNG.normal(size=(4, 3)) if options.get("from_logits") else probabilities((4, 3))
    check_gradients(lambda x: losses.BinaryCrossentropy(**options)(t, x), p)


@pytest.mark.parametrize("options", [
    {}, {"from_logits": True}, {"label_smoothing": 0.2}, {"from_logits": True, "label_smoothing": 0.1},
])
def test_cce_gradients(options):
    t = np.eye(3)[[0, 2, 1, 1]]
    p = RNG.normal(size=(4, 3)) if options.get("from_logits") else probabilities((4, 3))
    check_gradients(lambda x: losses.CategoricalCrossentropy(**options)(t, x), p)


@pytest.mark.parametrize("options", [{}, {"from_logits": True}, {"ignore_class": 1}])
def test_sparse_cce_gradients(options):
    labels = np.array([0, 2, 1, 1])
    p = RNG.normal(size=(4, 3)) if options.get("from_logits") else probabilities((4, 3))
    check_gradients(lambda x: losses.SparseCategoricalCrossentropy(**options)(labels, x), p)


def test_bce_gradient_stops_where_the_clip_holds_and_passes_at_its_edges():
    low, high = np.float32(EPS), np.float32(1) - np.float32(EPS)
    p = Tensor(np.array([[0.0], [low], [0.5], [high], [1.0]], dtype="float32"))
    t = np.array([[1.0], [1.0], [1.0], [0.0], [0.0]], dtype="float32")
    with GradientTape() as tape:
        tape.watch(p)
        loss = losses.BinaryCrossentropy()(t, p)
    grad = tape.gradient(loss, p).numpy()[:, 0]
    # d/dp of -log p = -1/p and of -log(1 - p) = 1/(1 - p), each over the 5 rows of the mean
    expected = np.array([0.0, -1 / low, -1 / 0.5, 1 / (1 - high), 0.0], dtype="float32") / 5
    np.testing.assert_allclose(grad, expected, rtol=1e-6)


def test_ignore_class_gives_ignored_rows_a_zero_gradient():
    p = Tensor(np.array([[0.2, 0.3, 0.5], [0.1, 0.6, 0.3]]))
    with GradientTape() as tape:
        tape.watch(p)
        loss = losses.SparseCategoricalCrossentropy(ignore_class=-1)(np.array([2, -1]), p)
    grad = tape.gradient(loss, p).numpy()
    # d/dp of -log(p2 / sum p) for row 0 = [1, 1, 1 - 1/0.5] / sum p, times total/(valid + eps) / 2
    scale = 2 / (1 + 1e-7) / 2
    np.testing.assert_allclose(grad[0], np.array([1.0, 1.0, -1.0]) * scale, rtol=1e-6)
    assert np.all(grad[1] == 0)


def test_kl_divergence_gradients():
    t = np.array([[0.2, 0.3, 0.5], [0.6, 0.3, 0.1]])
    check_gradients(lambda x: losses.KLDivergence()(t, x), probabilities((2, 3)))


def test_a_watched_y_true_gets_its_gradient_as_in_keras():
    t = Tensor(np.array([[1.0], [0.0]]))
    p = Tensor(np.array([[0.3], [0.4]]))
    with GradientTape() as tape:
        tape.watch([t, p])
        loss = losses.BinaryCrossentropy()(t, p)
    grad_t, grad_p = tape.gradient(loss, [t, p])
    # d/dt of -(t log p + (1 - t) log(1 - p)) = log(1 - p) - log p, averaged over the batch of 2.
    np.testing.assert_allclose(grad_t.numpy(), [[np.log(0.7 / 0.3) / 2], [np.log(0.6 / 0.4) / 2]], rtol=1e-12)
    assert grad_p is not None


# --- shapes ------------------------------------------------------------------------------

def test_bce_object_aligns_a_1d_target_with_a_column_output():
    y = np.array([1.0, 0.0, 1.0])
    p = np.array([[0.8], [0.3], [0.6]])
    expected = -(np.log(0.8) + np.log(0.7) + np.log(0.6)) / 3  # not a (3, 3) broadcast
    assert float(losses.BinaryCrossentropy()(y, p)) == pytest.approx(expected, rel=1e-12)


def test_crossentropy_functions_reject_mismatched_shapes():
    with pytest.raises(ValueError, match=r"same shape.*y_true.shape=\(3,\), y_pred.shape=\(3, 1\)"):
        losses.binary_crossentropy(np.zeros(3), np.full((3, 1), 0.5))
    with pytest.raises(ValueError, match="same shape"):
        losses.CategoricalCrossentropy()(np.array([0, 1, 2]), np.full((3, 3), 1 / 3))
    with pytest.raises(ValueError, match=r"one integer label per row"):
        losses.sparse_categorical_crossentropy(np.eye(3), np.full((3, 3), 1 / 3))


@pytest.mark.parametrize("cls, kwargs, message", [
    (losses.BinaryCrossentropy, {"label_smoothing": 1.5}, r"label_smoothing.*\[0, 1\].*1.5"),
    (losses.CategoricalCrossentropy, {"label_smoothing": -0.1}, r"label_smoothing"),
    (losses.BinaryCrossentropy, {"from_logits": "yes"}, r"from_logits.*'yes'"),
    (losses.SparseCategoricalCrossentropy, {"ignore_class": 0.5}, r"ignore_class.*0.5"),
    (losses.BinaryCrossentropy, {"axis": "last"}, r"axis.*'last'"),
    (losses.BinaryCrossentropy, {"reduction": "average"}, r"reduction.*'average'"),
])
def test_bad_options_fail_at_construction(cls, kwargs, message):
    with pytest.raises((ValueError, TypeError), match=message):
        cls(**kwargs)
