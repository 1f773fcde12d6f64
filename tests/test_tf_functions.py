"""tf.* tensor functions: values against hand-computed answers and TensorFlow's documented
semantics (dtypes, defaults, index layouts), clear errors for bad input, and a clear error for a
name glassnet does not have."""
import re
from pathlib import Path

import numpy as np
import pytest

import glassnet as tf
from glassnet import Tensor
from glassnet.keras import ops as kops

M = np.array([[1.0, 5.0, 2.0], [7.0, 3.0, 4.0]], dtype="float32")


def _eq(result, expected, dtype=None):
    assert isinstance(result, Tensor)
    expected = np.asarray(expected)
    np.testing.assert_allclose(result.numpy(), expected, rtol=1e-6)
    assert result.shape == expected.shape
    if dtype is not None:
        assert result.dtype == np.dtype(dtype)


def test_reductions():
    _eq(tf.reduce_sum(M, axis=1), [8.0, 14.0], "float32")
    _eq(tf.reduce_mean(M, axis=0, keepdims=True), [[4.0, 4.0, 3.0]])
    _eq(tf.reduce_max(M, axis=[0, 1]), 7.0)
    _eq(tf.reduce_min(M, axis=-1), [1.0, 3.0])
    _eq(tf.reduce_prod(M, axis=1), [10.0, 84.0])
    _eq(tf.math.reduce_sum(M), 22.0)
    ints = np.array([[1, 2], [3, -6]], dtype="int32")
    _eq(tf.reduce_sum(ints, axis=1), [3, -3], "int32")  # not NumPy's int64
    _eq(tf.reduce_mean(ints, axis=0), [2, -2], "int32")  # TF's integer mean truncates toward zero
    _eq(tf.reduce_prod(ints), -36, "int32")
    _eq(tf.cumsum(ints, axis=1), [[1, 3], [3, -3]], "int32")


def test_matmul_transposes():
    a = np.arange(6.0).reshape(2, 3)
    _eq(tf.matmul(a, a, transpose_b=True), a @ a.T)
    _eq(tf.linalg.matmul(a, a, transpose_a=True), a.T @ a)
    _eq(tf.matmul(np.ones((4, 2, 3)), np.ones((3, 5))), np.full((4, 2, 5), 3.0))


def test_elementwise():
    _eq(tf.square([-3.0]), [9.0])
    _eq(tf.sqrt([4.0]), [2.0])
    _eq(tf.abs([-2.0, 3.0]), [2.0, 3.0])
    _eq(tf.maximum([1.0, 5.0], 3.0), [3.0, 5.0], "float32")
    _eq(tf.minimum([1.0, 5.0], [2.0, 2.0]), [1.0, 2.0])
    _eq(tf.math.exp([0.0]), [1.0])
    _eq(tf.math.log([1.0]), [0.0])
    _eq(tf.add_n([[1.0, 2.0], [3.0, 4.0], [5.0, 6.0]]), [9.0, 12.0])
    _eq(tf.clip_by_value([-2.0, 0.5, 3.0], -1.0, 1.0), [-1.0, 0.5, 1.0])


def test_shapes_and_joins():
    _eq(tf.reshape(M, [3, -1]), M.reshape(3, 2))
    _eq(tf.reshape(M, [np.int64(6)]), M.reshape(6))
    _eq(tf.reshape(M, tf.shape(M.T)), M.reshape(3, 2))
    _eq(tf.reshape([[1.0]], []), 1.0)
    _eq(tf.transpose(np.zeros((2, 3, 4)), perm=[2, 0, 1]), np.zeros((4, 2, 3)))
    _eq(tf.transpose(M), M.T)
    _eq(tf.concat([M, M], axis=1), np.concatenate([M, M], axis=1))
    _eq(tf.stack([M, M], axis=1), np.stack([M, M], axis=1))
    parts = tf.unstack(M, axis=1)
    assert len(parts) == 3
    _eq(parts[1], [5.0, 3.0])
    _eq(tf.expand_dims([1.0, 2.0], -1), [[1.0], [2.0]])
    assert tf.squeeze(np.zeros((1, 3, 1))).shape == (3,)
    assert tf.squeeze(np.zeros((1, 3, 1)), axis=[2]).shape == (1, 3)
    _eq(tf.tile([[1, 2]], [2, 2]), [[1, 2, 1, 2], [1, 2, 1, 2]], "int32")
    _eq(tf.pad([[1, 2]], [[1, 0], [0, 2]]), [[0, 0, 0, 0], [1, 2, 0, 0]])
    _eq(tf.pad([[1.0, 2.0, 3.0]], [[0, 0], [2, 2]], mode="REFLECT"), [[3.0, 2.0, 1.0, 2.0, 3.0, 2.0, 1.0]])
    _eq(tf.pad([[1.0, 2.0, 3.0]], [[0, 0], [2, 2]], mode="SYMMETRIC"), [[2.0, 1.0, 1.0, 2.0, 3.0, 3.0, 2.0]])
    x = tf.constant([1.0, 2.0])
    assert x[tf.newaxis, :].shape == (1, 2) and tf.newaxis is None


def test_gather_and_gather_nd_follow_tensorflow_layouts():
    params = np.arange(24.0).reshape(2, 3, 4)
    _eq(tf.gather(M, [1, 0, 1]), M[[1, 0, 1]])
    _eq(tf.gather(params, [[0, 2]], axis=1), params[:, [[0, 2]]])  # params.shape[:1] + (1, 2) + (4,)
    assert tf.gather(params, [[0, 2]], axis=1).shape == (2, 1, 2, 4)
    # The last axis of indices addresses params' leading axes: here elements, then rows.
    _eq(tf.gather_nd(params, [[0, 1, 2], [1, 2, 3]]), [6.0, 23.0])
    _eq(tf.gather_nd(params, [[1, 0]]), [params[1, 0]])
    _eq(tf.gather_nd(params, [[[1]], [[0]]]), [[params[1]], [params[0]]])
    q = np.array([[1.0, 2.0], [3.0, 4.0], [5.0, 6.0]])
    actions = np.array([1.0, 0.0, 1.0])  # the DQN lab's selection of the taken action's Q-value
    picked = tf.gather_nd(q, tf.stack([tf.range(q.shape[0]), tf.cast(actions, tf.int32)], axis=1))
    _eq(picked, [2.0, 3.0, 6.0], "float64")


def test_one_hot():
    _eq(tf.one_hot([0, 2, 5, -1], 3), [[1, 0, 0], [0, 0, 1], [0, 0, 0], [0, 0, 0]], "float32")
    _eq(tf.one_hot([1], 3, on_value=5, off_value=-1), [[-1, 5, -1]], "int32")
    _eq(tf.one_hot([0, 1], 3, axis=0), [[1, 0], [0, 1], [0, 0]])
    _eq(tf.one_hot([1], 2, dtype=tf.float64), [[0, 1]], "float64")


def test_where():
    _eq(tf.where([True, False], [1.0, 2.0], [3.0, 4.0]), [1.0, 4.0])
    _eq(tf.where(M > 3), [[0, 1], [1, 0], [1, 2]], "int64")


def test_sorting():
    values = [3.0, 1.0, 3.0, 2.0]
    _eq(tf.argsort(values), [1, 3, 0, 2], "int32")
    # Descending keeps equal values in their original order, as TensorFlow's top_k does.
    _eq(tf.argsort(values, direction="DESCENDING"), [0, 2, 3, 1], "int32")
    _eq(tf.argsort(np.array([1, 5, 5, 0], dtype="uint8"), direction="DESCENDING"), [1, 2, 0, 3])
    _eq(tf.sort(M, axis=0, direction="DESCENDING"), [[7.0, 5.0, 4.0], [1.0, 3.0, 2.0]])
    _eq(tf.argmax(M), [1, 0, 1], "int64")  # axis None means 0
    _eq(tf.argmax(M, axis=1, output_type=tf.int32), [1, 0], "int32")
    _eq(tf.math.argmin(M, axis=1), [0, 1], "int64")
    ranked = tf.argsort(np.array([0.2, 0.9, 0.5]), direction="DESCENDING")
    assert ["a", "b", "c"][ranked[0]] == "b"  # the lab indexes a list with the tensor's elements


def test_comparisons_logic_and_rounding():
    _eq(tf.equal([1, 2, 3], [1, 0, 3]), [True, False, True], "bool")
    _eq(tf.math.not_equal(M, 5.0), M != 5.0)
    _eq(tf.greater(M, 3.0), M > 3.0)
    _eq(tf.greater_equal(M, 4.0), M >= 4.0)
    _eq(tf.less([1, 2], 2), [True, False])
    _eq(tf.less_equal([1, 2], 2), [True, True])
    _eq(tf.logical_and([True, True], [True, False]), [True, False])
    _eq(tf.logical_or([False, False], [True, False]), [True, False])
    _eq(tf.logical_not([True]), [False])
    _eq(tf.reduce_any([[False, True], [False, False]], axis=1), [True, False])
    _eq(tf.reduce_all([[True, True], [False, True]], axis=0), [False, True])
    _eq(tf.round([0.5, 1.5, 2.5, -0.5]), [0.0, 2.0, 2.0, -0.0], "float32")  # halves to even, as TF
    _eq(tf.floor([1.7, -1.2]), [1.0, -2.0])
    _eq(tf.sign([-2.0, 0.0, 3.0]), [-1.0, 0.0, 1.0])
    accuracy = tf.reduce_mean(tf.cast(tf.equal(tf.argmax(M, axis=1), [1, 1]), tf.float32))
    _eq(accuracy, 0.5, "float32")
    with pytest.raises(ValueError, match=r"Invalid `x` for logical_and: expected a bool tensor"):
        tf.logical_and([1, 0], [True, False])


def test_statistics_and_top_k():
    _eq(tf.math.reduce_variance(M, axis=1), np.var(M, axis=1))
    _eq(tf.math.reduce_std(M), np.std(M))
    _eq(tf.math.reduce_logsumexp([[1000.0, 1000.0]], axis=1), [1000.0 + np.log(2.0)])  # no overflow
    values, indices = tf.math.top_k([1.0, 3.0, 2.0, 3.0], k=3)
    _eq(values, [3.0, 3.0, 2.0])
    _eq(indices, [1, 3, 2], "int32")  # equal values in index order, as TF
    result = tf.nn.top_k(M, k=1)
    _eq(result.values, [[5.0], [7.0]])
    _eq(result.indices, [[1], [0]])
    with pytest.raises(ValueError, match=r"Invalid `k` for top_k: expected at most the last dimension, 3"):
        tf.math.top_k(M, k=4)


def test_creation_and_dtypes():
    _eq(tf.range(4), [0, 1, 2, 3], "int32")
    _eq(tf.range(1, 2, 0.25), [1.0, 1.25, 1.5, 1.75], "float32")
    _eq(tf.range(5, 0, -2), [5, 3, 1], "int32")
    _eq(tf.range(3, dtype=tf.float64), [0.0, 1.0, 2.0], "float64")
    _eq(tf.linspace(0.0, 1.0, 5), [0.0, 0.25, 0.5, 0.75, 1.0], "float32")
    _eq(tf.linspace(0, 1, 3), [0.0, 0.5, 1.0], "float64")  # integer starts: float64, as TensorFlow 2.21
    _eq(tf.zeros((2, 1)), [[0.0], [0.0]], "float32")
    _eq(tf.ones([2], dtype=tf.int32), [1, 1], "int32")
    _eq(tf.zeros_like(np.ones((2,), dtype="int64")), [0, 0], "int64")
    _eq(tf.ones_like(M), np.ones_like(M), "float32")
    _eq(tf.fill([2, 2], 7), [[7, 7], [7, 7]], "int32")
    _eq(tf.fill([2], 0.5), [0.5, 0.5], "float32")
    _eq(tf.constant(2.0, shape=(2, 2)), [[2.0, 2.0], [2.0, 2.0]], "float32")
    _eq(tf.constant([1, 2, 3, 4], shape=[2, 2]), [[1, 2], [3, 4]], "int32")
    _eq(tf.constant([1, 2], dtype=tf.float64), [1.0, 2.0], "float64")
    _eq(tf.convert_to_tensor([1.5]), [1.5], "float32")
    _eq(tf.cast([1.7, -1.7], tf.int32), [1, -1], "int32")
    _eq(tf.shape(np.zeros((2, 5))), [2, 5], "int32")
    _eq(tf.size(np.zeros((2, 5))), 10, "int32")
    _eq(tf.rank(np.zeros((2, 5))), 2, "int32")
    _eq(tf.cumsum([1, 2, 3]), [1, 3, 6])
    _eq(tf.cumsum([1, 2, 3], exclusive=True), [0, 1, 3])
    _eq(tf.cumsum([1, 2, 3], reverse=True), [6, 5, 3])
    _eq(tf.cumsum([1, 2, 3], exclusive=True, reverse=True), [5, 3, 0])


def test_random():
    tf.random.set_seed(3)
    x = tf.random.normal((2000,), mean=2.0, stddev=0.5, dtype=tf.float64)
    assert x.dtype == np.float64 and abs(float(np.mean(x)) - 2.0) < 0.05 and abs(float(np.std(x)) - 0.5) < 0.05
    u = tf.random.uniform((1000, 2), minval=-1.0, maxval=3.0)
    assert u.dtype == np.float32 and u.shape == (1000, 2) and -1.0 <= float(np.min(u)) and float(np.max(u)) < 3.0
    np.testing.assert_array_equal(tf.random.normal((3,), seed=5).numpy(), tf.random.normal((3,), seed=5).numpy())
    dice = tf.random.uniform((600,), minval=1, maxval=7, dtype=tf.int32)
    assert dice.dtype == np.int32 and set(np.unique(dice.numpy())) == {1, 2, 3, 4, 5, 6}
    with pytest.raises(ValueError, match=r"Invalid `maxval` for uniform: expected an upper bound"):
        tf.random.uniform((2,), dtype=tf.int32)
    with pytest.raises(ValueError, match=r"Invalid `shape` for normal"):
        tf.random.normal((2, -1))


def test_norms():
    v = np.array([3.0, -4.0])
    assert float(tf.norm(v)) == pytest.approx(5.0)
    assert float(tf.norm(v, ord=1)) == pytest.approx(7.0)
    assert float(tf.norm(v, ord=np.inf)) == pytest.approx(4.0)
    m = np.array([[1.0, -2.0], [3.0, 4.0]])
    assert float(tf.linalg.norm(m)) == pytest.approx(np.sqrt(30.0))  # Frobenius: all elements
    assert float(tf.norm(m, ord=1, axis=[0, 1])) == pytest.approx(6.0)  # largest column sum
    assert float(tf.norm(m, ord=np.inf, axis=[0, 1])) == pytest.approx(7.0)  # largest row sum
    assert float(tf.norm(m, ord=2, axis=[0, 1])) == pytest.approx(np.linalg.norm(m, 2))
    _eq(tf.norm(m, axis=1, keepdims=True), [[np.sqrt(5.0)], [5.0]])
    _eq(tf.linalg.l2_normalize([[3.0, 4.0], [0.0, 0.0]], axis=1), [[0.6, 0.8], [0.0, 0.0]])


def test_math_namespace_shares_the_top_level_functions():
    for name in ("square", "sqrt", "exp", "log", "abs", "maximum", "minimum", "reduce_sum", "reduce_mean",
                 "reduce_max", "reduce_min", "reduce_prod", "argmax", "argmin", "add_n", "cumsum"):
        assert getattr(tf, name) is getattr(tf.math, name), name
    assert tf.math.l2_normalize is tf.nn.l2_normalize is tf.linalg.l2_normalize
    assert tf.matmul is tf.linalg.matmul and tf.norm is tf.linalg.norm
    assert tf.keras.ops.square is tf.math.square and tf.keras.ops.sigmoid is tf.nn.sigmoid
    assert tf.keras.ops.zeros_like is tf.zeros_like and tf.keras.ops.cast is tf.cast


@pytest.mark.parametrize("module, public", [
    (tf, "tf"), (tf.math, "tf.math"), (tf.linalg, "tf.linalg"), (tf.nn, "tf.nn"), (tf.random, "tf.random"),
    (kops, "keras.ops"),
])
def test_a_missing_name_says_so_and_points_to_the_api_list(module, public):
    message = rf"glassnet has no {public}\.foo; the supported API is listed in docs/api\.md"
    with pytest.raises(AttributeError, match=message):
        module.foo  # noqa: B018
    assert not hasattr(module, "foo")
    assert getattr(module, "foo", 42) == 42


def test_a_subpackage_not_yet_imported_is_still_found():
    assert tf.datasets.__name__ == "glassnet.datasets"


ERRORS = {
    "reduce_sum axis": (lambda: tf.reduce_sum(M, axis=2), r"Invalid `axis` for reduce_sum.*\[-2, 2\).*axis=2"),
    "matmul inner": (lambda: tf.matmul(M, M), r"Invalid `b` for matmul: expected a matrix with 3 rows.*\(2, 3\)"),
    "matmul rank": (lambda: tf.matmul([1.0, 2.0], M), r"Invalid `a` for matmul: expected a tensor of rank >= 2"),
    "reshape": (lambda: tf.reshape(M, [4, 2]), r"Invalid `shape` for reshape: expected a shape with 6 elements"),
    "reshape two -1": (lambda: tf.reshape(M, [-1, -1]), r"Invalid `shape` for reshape: expected a list of non-neg"),
    "concat axis list": (lambda: tf.concat([M, M], axis=[0]), r"Invalid `axis` for concat: expected an integer axis"),
    "transpose": (lambda: tf.transpose(M, perm=[0, 0]), r"Invalid `perm` for transpose"),
    "concat": (lambda: tf.concat([M, M.T], axis=0), r"Invalid `values` for concat.*\(2, 3\), \(3, 2\)"),
    "stack": (lambda: tf.stack([M, M.T]), r"Invalid `values` for stack: expected tensors of one shape"),
    "gather range": (lambda: tf.gather(M, [2]), r"Invalid `indices` for gather: expected indices in \[0, 2\)"),
    "gather floats": (lambda: tf.gather(M, [0.5]), r"Invalid `indices` for gather: expected integer indices"),
    "gather_nd depth": (lambda: tf.gather_nd(M, [[0, 1, 2]]), r"Invalid `indices` for gather_nd"),
    "gather_nd range": (lambda: tf.gather_nd(M, [[2, 0]]), r"Invalid `indices` for gather_nd.*\(2, 3\)"),
    "one_hot depth": (lambda: tf.one_hot([0], -1), r"Invalid `depth` for one_hot.*depth=-1"),
    "argsort direction": (lambda: tf.argsort([1.0], direction="down"), r"Invalid `direction` for argsort.*'ASCENDING'"),
    "where x only": (lambda: tf.where([True], [1.0]), r"Invalid `y` for where: expected both x and y"),
    "squeeze": (lambda: tf.squeeze(M, axis=0), r"Invalid `axis` for squeeze: expected axes of length 1"),
    "tile": (lambda: tf.tile(M, [2]), r"Invalid `multiples` for tile: expected one count per axis"),
    "pad shape": (lambda: tf.pad(M, [[1, 1]]), r"Invalid `paddings` for pad: expected a \[2, 2\] array"),
    "pad reflect": (lambda: tf.pad(M, [[0, 0], [3, 0]], mode="REFLECT"), r"Invalid `paddings` for pad"),
    "norm ord": (lambda: tf.norm(M, ord="fro"), r"Invalid `ord` for norm: expected 'euclidean' or a positive"),
    "norm axis": (lambda: tf.norm(M, axis=[0, 1, 1]), r"Invalid `axis` for norm"),
    "range delta": (lambda: tf.range(0, 5, 0), r"Invalid `delta` for range: expected a non-zero step"),
    "zeros shape": (lambda: tf.zeros([2, -1]), r"Invalid `shape` for zeros: expected a shape"),
    "cast dtype": (lambda: tf.cast(M, "float17"), r"Invalid `dtype`.*float17"),
    "clip bounds": (lambda: tf.clip_by_value(M, 2.0, 1.0), r"Invalid `clip_value_min` for clip_by_value"),
    "add_n shapes": (lambda: tf.add_n([M, M.T]), r"Invalid `inputs` for add_n: expected tensors of the same shape"),
    "unstack num": (lambda: tf.unstack(M, num=3), r"Invalid `num` for unstack: expected the length of axis 0, 2"),
    "argmax output_type": (lambda: tf.argmax(M, output_type=tf.float32), r"Invalid `output_type` for argmax"),
    "cumsum 0-d": (lambda: tf.cumsum(1.0), r"cumsum: expected a tensor with at least 1 dimension"),
    "constant shape": (lambda: tf.constant([1, 2, 3], shape=[2, 2]), r"Invalid `shape` for constant"),
}


@pytest.mark.parametrize("name", ERRORS)
def test_bad_input_fails_clearly(name):
    fn, message = ERRORS[name]
    with pytest.raises(ValueError, match=message):
        fn()


def test_keras_ops_follow_numpy_where_keras_does():
    _eq(kops.argmax(M), 3, "int32")  # axis None: the index in the flattened tensor
    _eq(kops.argsort([3.0, 1.0, 2.0]), [1, 2, 0], "int32")
    _eq(kops.take(M, [0, -1]), [1.0, 4.0])  # flattened, negative from the end
    _eq(kops.cumsum([[1, 2], [3, 4]]), [1, 3, 6, 10])
    _eq(kops.norm(np.array([[1.0, -2.0], [3.0, 4.0]]), ord=1), 6.0)  # a 2-D input with ord: a matrix norm
    _eq(kops.dot(2.0, M), 2 * M)
    _eq(kops.one_hot([1, 3], 3), [[0, 1, 0], [0, 0, 0]], "float32")
    _eq(kops.where([True, False, True])[0], [0, 2])
    _eq(kops.tile([1, 2], [2, 2]), [[1, 2, 1, 2], [1, 2, 1, 2]])
    assert kops.shape(M) == (2, 3)
    assert isinstance(kops.convert_to_numpy(kops.ones((2,))), np.ndarray)
    with pytest.raises(ValueError, match=r"Invalid `indices` for take: expected indices in \[-6, 6\)"):
        kops.take(M, [6])
    with pytest.raises(ValueError, match=r"Invalid `x2` for matmul.*3 elements"):
        kops.matmul(M, M)


def _public_names(module):
    return {n for n, v in vars(module).items()
            if not n.startswith("_") and callable(v) and not isinstance(v, type(np))}


def test_docs_api_lists_every_public_tensor_function():
    text = (Path(__file__).resolve().parents[1] / "docs" / "api.md").read_text()
    listed = set(re.findall(r"`([A-Za-z_0-9.]+)", text))
    listed |= {name.split(".")[-1] for name in listed}
    plumbing = {"convert_to_tensor", "Tensor", "TensorShape", "get_logger", "generator"}
    for module in (tf, tf.math, tf.linalg, tf.nn, tf.random, kops):
        missing = {n for n in _public_names(module) if n not in listed} - plumbing
        assert not missing, f"{module.__name__} functions missing from docs/api.md: {sorted(missing)}"


def test_shapes_take_scalar_tensors_as_tensorflow_does():
    x = tf.ones((3, 4))
    noise = tf.random.normal(shape=(tf.shape(x)[0], tf.shape(x)[1]))
    assert tuple(noise.shape) == (3, 4)
    assert tuple(tf.zeros((tf.shape(x)[0], 1)).shape) == (3, 1)


def test_keras_ops_one_hot_takes_whole_number_float_labels():
    from glassnet.keras import ops
    np.testing.assert_array_equal(ops.one_hot(np.array([2.0, 0.0]), 3).numpy(), [[0, 0, 1], [1, 0, 0]])
    with pytest.raises(ValueError, match="whole-number labels"):
        ops.one_hot(np.array([0.5]), 3)
