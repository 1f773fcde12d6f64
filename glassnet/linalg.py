"""``tf.linalg``: matrix products, norms and normalisation under TensorFlow's names.

Every function is built on the autodiff ops, so gradients flow through them.

>>> import glassnet as tf
>>> float(tf.linalg.norm([3.0, 4.0]))
5.0
"""
from glassnet import tensor_args as args
from glassnet.autodiff import convert_to_tensor, ops
from glassnet.missing import attribute_error as _attribute_error
from glassnet.nn import l2_normalize  # noqa: F401 - tf.linalg.l2_normalize is tf.nn.l2_normalize
from glassnet.norms import matrix_norm as _matrix_norm
from glassnet.norms import vector_norm as _vector_norm
from glassnet.keras.op_dispatch import dispatch_module as _dispatch_module


def _check_matmul(a, b, owner):
    if a.shape[-1] != b.shape[-2]:
        args.fail("b", tuple(b.shape), f"a matrix with {a.shape[-1]} rows to multiply `a` of shape "
                  f"{tuple(a.shape)} (after any transposes)", owner)


def matrix_transpose(a, name="matrix_transpose", conjugate=False):
    """`a` with its last two axes swapped."""
    x = convert_to_tensor(a)
    if x.ndim < 2:
        args.fail("a", tuple(x.shape), "a tensor of rank >= 2", "matrix_transpose")
    perm = tuple(range(x.ndim - 2)) + (x.ndim - 1, x.ndim - 2)
    return ops.transpose(x, axes=perm)


def matmul(a, b, transpose_a=False, transpose_b=False, adjoint_a=False, adjoint_b=False,
           a_is_sparse=False, b_is_sparse=False, output_type=None, name=None):
    """The matrix product of the last two axes of `a` and `b` (leading axes broadcast).

    ``transpose_a``/``transpose_b`` (or the adjoints, the same for real numbers) transpose that
    operand's last two axes first.
    """
    a, b = (convert_to_tensor(v) for v in args.matching([a, b], tensor_first=False))  # b as a, as in TF
    for name_, x in (("a", a), ("b", b)):
        if x.ndim < 2:
            args.fail(name_, tuple(x.shape), "a tensor of rank >= 2 (a matrix or a batch of them)", "matmul")
    if transpose_a or adjoint_a:
        a = matrix_transpose(a)
    if transpose_b or adjoint_b:
        b = matrix_transpose(b)
    _check_matmul(a, b, "matmul")
    return ops.matmul(a, b)


_TF_ORDS = ("euclidean", "fro", 1, 2, float("inf"))


def norm(tensor, ord="euclidean", axis=None, keepdims=None, name=None):  # noqa: A002 - TensorFlow's name
    """TensorFlow's norm: of all elements (`axis` None), of vectors along an int `axis`, or of
    matrices over a 2-tuple `axis`.

    `ord`: 'euclidean' (the 2-norm, Frobenius for matrices), 'fro' (matrices only), 1, 2,
    inf, or any positive p for vectors. Differentiable (except at 0 for the 2-norm); the slope of
    |x| at 0 is 0, as TensorFlow's.
    """
    x = convert_to_tensor(tensor)
    axes = args.axis("axis", axis, x.ndim, "norm")
    matrix = isinstance(axes, tuple) and len(axes) == 2
    if isinstance(axes, tuple) and not matrix:
        args.fail("axis", axis, "None, an integer, or a pair of integers for a matrix norm", "norm")
    positive = isinstance(ord, (int, float)) and not isinstance(ord, bool) and ord > 0
    if (matrix and ord not in _TF_ORDS) or (not matrix and (ord == "fro" or not (positive or ord == "euclidean"))):
        expected = ("'euclidean', 'fro', 1, 2 or inf for a matrix norm" if matrix
                    else "'euclidean' or a positive number (1, 2, inf...) for a vector norm")
        args.fail("ord", ord, expected, "norm")
    if matrix:
        return _matrix_norm(x, "fro" if ord == "euclidean" else ord, axes, bool(keepdims), slope_at_zero=0)
    return _vector_norm(x, 2 if ord == "euclidean" else ord, axes, bool(keepdims), slope_at_zero=0)


def trace(x, name=None):
    """The sum of the diagonal of each matrix in the last two axes."""
    x = convert_to_tensor(x)
    if x.ndim < 2:
        args.fail("x", tuple(x.shape), "a tensor of rank >= 2", "trace")
    n = min(x.shape[-2:])
    diagonal = ops.gather_nd(ops.transpose(x, axes=(x.ndim - 2, x.ndim - 1) + tuple(range(x.ndim - 2))),
                             [[i, i] for i in range(n)])
    return ops.sum(diagonal, axis=0)


_dispatch_module(globals(), "tf.linalg")  # on KerasTensors, each function records a TFOpLambda layer


__getattr__ = _attribute_error(__name__, "tf.linalg")
