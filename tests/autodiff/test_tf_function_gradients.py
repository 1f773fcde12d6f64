"""Every differentiable tensor function of tf.*, tf.math, tf.linalg and keras.ops: its GradientTape
gradient against central finite differences in float64 (check_gradients), on arrays away from
kinks and ties. The integer-valued ones (argsort, argmax, one_hot, shape, range) give None, as in TF.
"""
import numpy as np
import pytest

import glassnet as tf
from glassnet.autodiff import GradientTape, Variable, check_gradients
from glassnet.keras import ops as kops

RNG = np.random.default_rng(13)
A = RNG.normal(size=(3, 4))  # distinct values: no ties in max/sort
B = RNG.normal(size=(4, 2))
V = RNG.normal(size=(5,))
POS = RNG.uniform(0.5, 2.0, size=(3, 4))
T3 = RNG.normal(size=(2, 3, 4))

# name -> (function of Tensors, inputs). Each output is multiplied by fixed weights before summing
# (see _weighted), so a gradient that is right only for an all-ones upstream gradient fails.
CASES = {
    "reduce_sum_axis1": (lambda x: tf.reduce_sum(x, axis=1), [A]),
    "reduce_sum_keepdims": (lambda x: tf.reduce_sum(x, axis=[0, 1], keepdims=True), [A]),
    "reduce_mean_axis0": (lambda x: tf.reduce_mean(x, axis=0), [A]),
    "reduce_max_axis1": (lambda x: tf.reduce_max(x, axis=1), [A]),
    "reduce_min_all": (lambda x: tf.reduce_min(x), [A]),
    "reduce_prod_axis1": (lambda x: tf.reduce_prod(x, axis=1), [A]),
    "reduce_prod_axes": (lambda x: tf.reduce_prod(x, axis=[0, 2], keepdims=True), [T3]),
    "reduce_prod_with_a_zero": (lambda x: tf.reduce_prod(x, axis=0), [np.array([[0.0, 2.0], [3.0, 0.0], [4.0, 5.0]])]),
    "matmul": (lambda a, b: tf.matmul(a, b), [A, B]),
    "matmul_transpose_b": (lambda a, b: tf.matmul(a, b, transpose_b=True), [A, B.T]),
    "matmul_transpose_a": (lambda a, b: tf.linalg.matmul(a, b, transpose_a=True), [A.T, B]),
    "square_sqrt_exp_log": (lambda x: tf.sqrt(x) + tf.square(x) + tf.exp(x) + tf.math.log(x), [POS]),
    "abs": (lambda x: tf.abs(x), [A]),
    "maximum_minimum": (lambda x, y: tf.maximum(x, y) + 2 * tf.minimum(x, y), [A, A[::-1] * 0.7]),
    "reshape": (lambda x: tf.reshape(x, [2, -1]), [A]),
    "transpose_perm": (lambda x: tf.transpose(x, perm=[2, 0, 1]), [T3]),
    "concat": (lambda x, y: tf.concat([x, y], axis=0), [A, POS]),
    "stack_axis1": (lambda x, y: tf.stack([x, y], axis=1), [A, POS]),
    "unstack": (lambda x: tf.unstack(x, axis=1)[2] * 3 + tf.unstack(x)[0][1], [A]),
    "gather": (lambda x: tf.gather(x, [2, 0, 2]), [A]),
    "gather_axis1_2d_indices": (lambda x: tf.gather(x, [[1, 1], [2, 0]], axis=1), [T3]),
    "gather_nd_elements": (lambda x: tf.gather_nd(x, [[0, 1], [2, 3], [0, 1]]), [A]),
    "gather_nd_rows": (lambda x: tf.gather_nd(x, [[1], [0]]), [T3]),
    "where": (lambda x, y: tf.where(A > 0, x, y), [A, POS]),
    "where_broadcast": (lambda x, y: tf.where([True, False, True, False], x, y), [A, V[:1]]),
    "sigmoid_softmax_relu": (lambda x: tf.nn.sigmoid(x) + tf.nn.softmax(x) + tf.nn.relu(x), [A]),
    "l2_normalize_axis1": (lambda x: tf.linalg.l2_normalize(x, axis=1), [A]),
    "math_l2_normalize": (lambda x: tf.math.l2_normalize(x, axis=0), [A]),
    "norm_euclidean": (lambda x: tf.norm(x), [A]),
    "norm_axis1": (lambda x: tf.linalg.norm(x, axis=1), [A]),
    "norm_ord1": (lambda x: tf.norm(x, ord=1, axis=0), [A]),
    "norm_inf": (lambda x: tf.norm(x, ord=np.inf, axis=1), [A]),
    "norm_p3": (lambda x: tf.norm(x, ord=3, axis=1), [A]),
    "norm_matrix_fro": (lambda x: tf.norm(x, axis=[1, 2]), [T3]),
    "norm_matrix_1": (lambda x: tf.norm(x, ord=1, axis=[0, 1]), [A]),
    "norm_matrix_inf": (lambda x: tf.norm(x, ord=np.inf, axis=(-2, -1), keepdims=True), [T3]),
    "norm_matrix_2": (lambda x: tf.norm(x, ord=2, axis=[0, 1]), [A]),
    "expand_dims_squeeze": (lambda x: tf.squeeze(tf.expand_dims(x, 1) * 2, axis=1), [A]),
    "add_n": (lambda x, y: tf.add_n([x, y, x]), [A, POS]),
    "sort": (lambda x: tf.sort(x), [A]),
    "sort_descending_axis0": (lambda x: tf.sort(x, axis=0, direction="DESCENDING"), [A]),
    "clip_by_value": (lambda x: tf.clip_by_value(x, -0.5, 0.5), [A]),
    "tile": (lambda x: tf.tile(x, [2, 3]), [A]),
    "pad_constant": (lambda x: tf.pad(x, [[1, 0], [2, 1]], constant_values=3.0), [A]),
    "pad_reflect": (lambda x: tf.pad(x, [[2, 1], [1, 3]], mode="REFLECT"), [A]),
    "pad_symmetric": (lambda x: tf.pad(x, [[3, 1], [0, 4]], mode="SYMMETRIC"), [A]),
    "cumsum": (lambda x: tf.cumsum(x, axis=1), [A]),
    "cumsum_exclusive_reverse": (lambda x: tf.math.cumsum(x, axis=0, exclusive=True, reverse=True), [A]),
    "reduce_logsumexp": (lambda x: tf.math.reduce_logsumexp(x * 30.0, axis=1), [A]),  # exp(30 x) shifted
    "reduce_variance_std": (lambda x: tf.math.reduce_variance(x, axis=0) + tf.math.reduce_std(x, axis=0), [A]),
    "top_k_values": (lambda x: tf.math.top_k(x, k=2).values, [A]),
    "trace": (lambda x: tf.linalg.trace(x), [T3]),
    "ops_take_flat": (lambda x: kops.take(x, [0, -1, 5]), [A]),
    "ops_take_along_axis": (lambda x: kops.take_along_axis(x, np.array([[0], [3], [1]]), axis=1), [A]),
    "ops_dot": (lambda a, b: kops.dot(a, b), [A, B]),
    "ops_dot_vectors": (lambda a, b: kops.dot(a, b), [V, V[::-1]]),
    "ops_matmul_vector": (lambda a, b: kops.matmul(a, b), [A, V[:4]]),
    "ops_norm_default": (lambda x: kops.norm(x), [A]),
    "ops_norm_nuc": (lambda x: kops.norm(x, ord="nuc"), [A]),
    "ops_norm_minus2": (lambda x: kops.norm(x, ord=-2), [A]),
    "ops_cumsum_flat": (lambda x: kops.cumsum(x), [A]),
    "ops_max_initial": (lambda x: kops.max(x, axis=1, initial=0.1), [A]),
    "ops_tile_short_repeats": (lambda x: kops.tile(x, [2]), [A]),
    "ops_erf_tanh": (lambda x: kops.erf(x) + kops.tanh(x), [A]),
}


def _weighted(fn):
    weights = {}

    def weighted(*xs):
        out = fn(*xs)
        key = tuple(out.shape)
        if key not in weights:
            weights[key] = np.random.default_rng(len(key)).uniform(0.5, 1.5, size=key)
        return out * weights[key]

    return weighted


@pytest.mark.parametrize("name", CASES)
def test_gradient_matches_finite_differences(name):
    fn, inputs = CASES[name]
    grads = check_gradients(_weighted(fn), *inputs)
    assert any(np.abs(g).sum() > 0 for g in grads)  # a gradient that is all zeros checks nothing


def test_sort_gradient_returns_to_the_original_places():
    x = Variable(np.array([3.0, 1.0, 2.0]))
    with GradientTape() as tape:
        y = tf.reduce_sum(tf.sort(x) * [1.0, 10.0, 100.0])
    np.testing.assert_array_equal(tape.gradient(y, x).numpy(), [100.0, 1.0, 10.0])


def test_gather_repeated_index_adds_its_gradients():
    x = Variable(np.array([1.0, 2.0, 3.0]))
    with GradientTape() as tape:
        y = tf.reduce_sum(tf.gather(x, [2, 2, 0]))
    np.testing.assert_array_equal(tape.gradient(y, x).numpy(), [1.0, 0.0, 2.0])


def test_reduce_max_ties_share_the_gradient():
    x = Variable(np.array([2.0, 1.0, 2.0]))
    with GradientTape() as tape:
        y = tf.reduce_max(x)
    np.testing.assert_array_equal(tape.gradient(y, x).numpy(), [0.5, 0.0, 0.5])


def test_cast_between_floats_passes_the_gradient_in_the_source_dtype():
    x = Variable(np.array([1.0, 2.0], dtype="float32"))
    with GradientTape() as tape:
        y = tf.reduce_sum(tf.cast(x, tf.float64) * np.array([2.0, 3.0]))
    grad = tape.gradient(y, x)
    assert grad.dtype == np.float32
    np.testing.assert_array_equal(grad.numpy(), [2.0, 3.0])


def test_clip_by_value_passes_the_gradient_inside_and_on_the_bounds():
    x = Variable(np.array([-2.0, -1.0, 0.0, 1.0, 2.0]))
    with GradientTape() as tape:
        y = tf.reduce_sum(tf.clip_by_value(x, -1.0, 1.0))
    np.testing.assert_array_equal(tape.gradient(y, x).numpy(), [0.0, 1.0, 1.0, 1.0, 0.0])


@pytest.mark.parametrize("fn", [
    pytest.param(lambda x: tf.argsort(x), id="argsort"),
    pytest.param(lambda x: tf.argmax(x), id="argmax"),
    pytest.param(lambda x: tf.math.argmin(x), id="argmin"),
    pytest.param(lambda x: tf.one_hot(tf.cast(x, tf.int32), 3), id="one_hot"),
    pytest.param(lambda x: tf.shape(x), id="shape"),
    pytest.param(lambda x: tf.range(tf.size(x)), id="range"),
    pytest.param(lambda x: tf.where(x > 0), id="where_coordinates"),
    pytest.param(lambda x: tf.cast(x, tf.int32), id="cast_to_int"),
    pytest.param(lambda x: tf.math.top_k(x, k=2).indices, id="top_k_indices"),
    pytest.param(lambda x: tf.equal(x, 2.0), id="equal"),
    pytest.param(lambda x: tf.round(x), id="round"),
])
def test_integer_valued_functions_give_no_gradient(fn):
    x = Variable(np.array([0.5, 2.0, 1.0]))
    with GradientTape() as tape:
        y = fn(x)
    assert tape.gradient(y, x) is None
