"""glassnet's tf.* functions against real TensorFlow's answers, recorded in tests/fixtures/tf_semantics
by make_tf_semantics.py (TensorFlow is not needed here).

Each case calls one function (``tf.reduce_sum``, ``tf.linalg.norm``, ``t[..., tf.newaxis]``...) and
checks the values, the dtype name, the shape and, for differentiable cases, the gradient of
``reduce_sum(output * w)`` for fixed weights w, within float32 tolerance. Where TensorFlow raised,
glassnet must raise too (a ValueError, TypeError or IndexError for TF's InvalidArgumentError).
The few places glassnet differs on purpose are listed in EXPECTED_DIFFERENCES with the reason, and
in docs/differences-from-keras.md; they are strict xfails, so one that starts to agree fails.
"""
import json
from pathlib import Path

import numpy as np
import pytest

import glassnet as tf

# Some cases take sqrt(-2), log(0) or the mean of nothing on purpose.
pytestmark = pytest.mark.filterwarnings("ignore::RuntimeWarning")

FIXTURE = Path(__file__).parent / "fixtures" / "tf_semantics"
RECORD = json.loads((FIXTURE / "tf_semantics.json").read_text())
with np.load(FIXTURE / "tf_semantics.npz") as _npz:
    ARRAYS = dict(_npz)

_PROMOTION = ("with a Python float beside an integer tensor, or two tensors of different dtypes, TensorFlow "
              "raises; glassnet promotes as NumPy does (an int input to tf.add gives the float answer)")
_TF_LOG = "glassnet also has tf.log, TensorFlow 1's name; TensorFlow 2 has only tf.math.log"
_INT_INPUT = ("TensorFlow has no integer kernel for this float function and raises; glassnet computes it "
              "(NumPy's float64), so an int argument such as tf.sqrt(2) works")
EXPECTED_DIFFERENCES = {
    **{id_: _INT_INPUT for id_ in (
        "sqrt_int32", "sqrt_python_int", "exp_int32", "exp_python_int", "math_sqrt_int32", "math_sqrt_python_int",
        "math_exp_int32", "math_exp_python_int", "math_log_int32", "math_log_python_int", "nn_sigmoid_int",
        "math_sigmoid_int", "sigmoid_int", "nn_softmax_int", "linalg_l2_normalize_int", "math_l2_normalize_int",
        "nn_l2_normalize_int", "linalg_norm_int", "norm_int", "reduce_variance_int")},
    **{id_: _PROMOTION for id_ in (
        "maximum_int_tensor_float", "minimum_int_tensor_float", "math_maximum_int_tensor_float",
        "math_minimum_int_tensor_float", "add_array_then_tensor", "maximum_array_then_tensor",
        "matmul_array_then_tensor", "multiply_array_then_tensor", "add_python_int_then_float",
        "maximum_python_int_then_float", "multiply_python_int_then_float")},
    "gather_batch_dims_above_axis": "TensorFlow documents batch_dims <= axis, yet gives an unbatched gather for "
                                    "batch_dims=1, axis=0; glassnet refuses it",
    "one_hot_float_indices": "TensorFlow takes a float32 array of whole numbers as indices (not a list of floats); "
                             "glassnet refuses float indices",
    "constant_list_of_np_float64": "a list of NumPy float64 scalars is float64 in TensorFlow, float32 here (every "
                                   "Python list is read as Python numbers)",
    "convert_to_tensor_list_of_np_float64": "as constant_list_of_np_float64",
    "clip_by_value_min_above_max": "TensorFlow returns clip_value_min everywhere; glassnet refuses "
                                   "clip_value_min > clip_value_max, a mistake",
    **{id_: _TF_LOG for id_ in ("log", "log_float64", "log_int32", "log_python_float", "log_python_int",
                                "log_np_float64_scalar")},
}

# TensorFlow's error classes, and the Python ones glassnet raises for the same mistake.
_ERRORS = {"AttributeError": (AttributeError,)}
_BAD_INPUT = (ValueError, TypeError, IndexError)


def decode(value):
    """A case's argument, as the user would write it for glassnet (see make_tf_semantics.py)."""
    if isinstance(value, dict):
        if "nd" in value:
            return ARRAYS[value["nd"]].copy()
        if "tensor" in value:
            return tf.constant(ARRAYS[value["tensor"]])
        if "np" in value:
            return np.dtype(value["np"]).type(value["v"])
        if "dtype" in value:
            return getattr(tf, value["dtype"])
        if "tuple" in value:
            return tuple(decode(v) for v in value["tuple"])
        if "slice" in value:
            return slice(*value["slice"])
        if "newaxis" in value:
            return tf.newaxis
        if "ellipsis" in value:
            return Ellipsis
        raise ValueError(value)
    if isinstance(value, list):
        return [decode(v) for v in value]
    return value


def _function(name):
    target = tf
    for part in name.split("."):
        target = getattr(target, part)
    return target


def _call(fn, args, kwargs):
    if fn == "__getitem__":
        return tf.constant(args[0])[args[1]]
    return _function(fn)(*args, **kwargs)


def _grad_paths(grad):
    if not grad:
        return []
    return [list(grad)] if all(isinstance(p, int) for p in grad) else [list(p) for p in grad]


def _at(args, path):
    for i in path:
        args = args[i]
    return args


def _put(args, path, value):
    _at(args, path[:-1])[path[-1]] = value


def _check_array(actual, expected, dtype_name, what):
    assert isinstance(actual, tf.Tensor), f"{what}: a {type(actual).__name__}, not a Tensor"
    assert actual.dtype.name == dtype_name, f"{what}: dtype {actual.dtype.name}, TensorFlow's {dtype_name}"
    assert tuple(actual.shape) == expected.shape, f"{what}: shape {tuple(actual.shape)}, TensorFlow's {expected.shape}"
    if expected.dtype.kind == "f":
        tolerance = 1e-6 if expected.dtype == np.float32 else 1e-12
        np.testing.assert_allclose(actual.numpy(), expected, rtol=tolerance * 4, atol=tolerance, err_msg=what)
    else:
        np.testing.assert_array_equal(actual.numpy(), expected, err_msg=what)


def check_case(case):
    args = decode(case["args"])
    kwargs = {k: decode(v) for k, v in case["kwargs"].items()}
    if "error" in case:
        with pytest.raises(_ERRORS.get(case["error"], _BAD_INPUT)):
            _call(case["fn"], args, kwargs)
        return
    paths = case.get("grad_paths", [])
    with tf.GradientTape(persistent=True) as tape:
        sources = []
        for path in paths:
            source = tf.constant(_at(args, path))
            tape.watch(source)
            _put(args, path, source)
            sources.append(source)
        result = _call(case["fn"], args, kwargs)
        results = list(result) if case["multi"] else [result]
        loss = tf.reduce_sum(results[0] * ARRAYS[f"{case['id']}/w"]) if paths else None
    assert isinstance(result, (list, tuple)) == case["multi"]
    assert len(results) == len(case["outputs"])
    for i, (actual, expected) in enumerate(zip(results, case["outputs"])):
        _check_array(actual, ARRAYS[expected["key"]], expected["dtype"], f"output {i}")
    if paths:
        grads = tape.gradient(loss, sources)
        for path, actual, expected in zip(paths, grads, case["grads"]):
            what = f"gradient for args{path}"
            if expected is None:
                assert actual is None, f"{what}: TensorFlow has none"
            else:
                assert actual is not None, f"{what}: None, TensorFlow has one"
                _check_array(actual, ARRAYS[expected["key"]], expected["dtype"], what)


def _params():
    for case in RECORD["cases"]:
        reason = EXPECTED_DIFFERENCES.get(case["id"])
        marks = [pytest.mark.xfail(strict=True, reason=reason)] if reason else []
        yield pytest.param(case, id=case["id"], marks=marks)


@pytest.mark.parametrize("case", list(_params()))
def test_matches_tensorflow(case):
    check_case(case)


def test_every_expected_difference_is_a_case():
    ids = {case["id"] for case in RECORD["cases"]}
    assert set(EXPECTED_DIFFERENCES) <= ids


@pytest.mark.parametrize("name", sorted(RECORD["printed"]))
def test_prints_as_tensorflow(name):
    record = RECORD["printed"][name]
    t = tf.constant(decode(record["value"]))
    assert str(t) == record["str"]
    assert t.dtype.name == record["dtype"]
    assert t.shape == tuple(record["shape"]) and t.shape.as_list() == record["shape"]
    assert np.array_equal(t.numpy(), np.asarray(decode(record["value"]), dtype=record["dtype"]))


def test_fixture_is_small():
    assert sum(f.stat().st_size for f in FIXTURE.iterdir() if f.suffix in (".json", ".npz")) < 1_000_000
