"""TensorFlow's functions that reshape, join, select and sort tensors (``tf.reshape``, ``tf.gather``...).

Each takes array-likes or Tensors and returns Tensors built from the autodiff ops, so
gradients flow through every one that moves values (gather, gather_nd, where, sort, tile,
pad...); the integer-valued ones (argsort, one_hot's indices) carry none, as in TensorFlow.

>>> import glassnet as tf
>>> tf.gather_nd([[1.0, 2.0], [3.0, 4.0]], [[1, 0], [0, 1]]).numpy()
array([3., 2.], dtype=float32)
"""
import numbers

from glassnet import tensor_args as args
from glassnet.autodiff import Tensor, convert_to_tensor, ops
from glassnet.keras.op_dispatch import dispatch_module as _dispatch_module

newaxis = None


def reshape(tensor, shape, name=None):
    """`tensor`'s values in a new shape; one dimension may be -1 (inferred)."""
    x = convert_to_tensor(tensor)
    dims = shape.numpy().tolist() if isinstance(shape, Tensor) else shape
    dims = [dims] if isinstance(dims, numbers.Integral) else list(dims)
    if not all(isinstance(d, numbers.Integral) and not isinstance(d, bool) and d >= -1 for d in dims) \
            or dims.count(-1) > 1:
        args.fail("shape", shape, "a list of non-negative integers, one of which may be -1", "reshape")
    dims = [int(d) for d in dims]
    known = 1
    for d in dims:
        known *= d if d != -1 else 1
    fits = known == x.size if -1 not in dims else known > 0 and x.size % known == 0
    if not fits:
        args.fail("shape", shape, f"a shape with {x.size} elements (one dimension may be -1), "
                  f"to hold a tensor of shape {tuple(x.shape)}", "reshape")
    return ops.reshape(x, shape=tuple(dims))


def transpose(a, perm=None, conjugate=False, name=None):
    """`a` with its axes permuted by `perm` (None reverses them)."""
    x = convert_to_tensor(a)
    if perm is not None:
        perm = list(perm.numpy()) if isinstance(perm, Tensor) else list(perm)
        if sorted(int(p) % max(x.ndim, 1) for p in perm) != list(range(x.ndim)) or len(perm) != x.ndim:
            args.fail("perm", perm, f"a permutation of 0..{x.ndim - 1} for a tensor of rank {x.ndim}", "transpose")
        perm = tuple(int(p) % x.ndim for p in perm)
    return ops.transpose(x, axes=perm)


def _same_shapes(name, tensors, axis, owner, skip_axis):
    shapes = [tuple(t.shape) for t in tensors]
    def key(s):
        return s[:axis] + s[axis + 1:] if skip_axis else s
    if any(len(s) != len(shapes[0]) or key(s) != key(shapes[0]) for s in shapes):
        what = "shapes that agree except along `axis`" if skip_axis else "tensors of one shape"
        args.fail(name, shapes, f"{what} (axis={axis})", owner)


def _tensor_list(name, values, owner):
    """The tensors in one dtype, as TensorFlow converts them (see tensor_args.matching)."""
    if isinstance(values, Tensor) or not isinstance(values, (list, tuple)) or not values:
        args.fail(name, values, "a non-empty list of tensors", owner)
    return [convert_to_tensor(v) for v in args.matching(list(values))]


def concat(values, axis, name=None):
    """Join tensors along an existing `axis`."""
    tensors = _tensor_list("values", values, "concat")
    axis = args.axis("axis", axis, tensors[0].ndim, "concat", allow_none=False)
    _same_shapes("values", tensors, axis, "concat", skip_axis=True)
    return ops.concatenate(*tensors, axis=axis)


def stack(values, axis=0, name=None):
    """Join tensors of one shape along a new `axis`."""
    tensors = _tensor_list("values", values, "stack")
    _same_shapes("values", tensors, axis, "stack", skip_axis=False)
    axis = args.axis("axis", axis, tensors[0].ndim + 1, "stack", allow_none=False)
    return ops.stack(*tensors, axis=axis)


def unstack(value, num=None, axis=0, name=None):
    """The list of slices of `value` along `axis` (the inverse of stack)."""
    x = convert_to_tensor(value)
    axis = args.axis("axis", axis, x.ndim, "unstack", allow_none=False)
    if num is not None and num != x.shape[axis]:
        args.fail("num", num, f"the length of axis {axis}, {x.shape[axis]}", "unstack")
    index = (slice(None),) * axis
    return [x[index + (i,)] for i in range(x.shape[axis])]


def expand_dims(input, axis, name=None):  # noqa: A002 - TensorFlow's name
    """`input` with a new axis of length 1 inserted at `axis`."""
    x = convert_to_tensor(input)
    axis = args.axis("axis", axis, x.ndim + 1, "expand_dims", allow_none=False)
    return ops.reshape(x, shape=tuple(x.shape[:axis]) + (1,) + tuple(x.shape[axis:]))


def squeeze(input, axis=None, name=None):  # noqa: A002 - TensorFlow's name
    """`input` without its axes of length 1 (only those in `axis` when given)."""
    x = convert_to_tensor(input)
    axes = args.axis("axis", axis, x.ndim, "squeeze")
    if axes is None:
        axes = tuple(i for i, n in enumerate(x.shape) if n == 1)
    axes = (axes,) if isinstance(axes, int) else axes
    if any(x.shape[a] != 1 for a in axes):
        args.fail("axis", axis, f"axes of length 1 in shape {tuple(x.shape)}", "squeeze")
    return ops.reshape(x, shape=tuple(n for i, n in enumerate(x.shape) if i not in axes))


def _indices(name, indices, owner):
    idx = convert_to_tensor(indices)
    if idx.dtype.kind not in "iu":
        args.fail(name, indices, "integer indices", owner)
    return idx.numpy()


def gather(params, indices, validate_indices=None, axis=None, batch_dims=0, name=None):
    """Slices of `params` along `axis` at `indices`; output shape
    ``params.shape[:axis] + indices.shape[batch_dims:] + params.shape[axis + 1:]``.

    With `batch_dims` b, the first b axes of params and indices are batch axes walked together,
    and `axis` defaults to b (else 0), as in TensorFlow. Differentiable in `params`."""
    x = convert_to_tensor(params)
    idx = _indices("indices", indices, "gather")
    given = args.integer("batch_dims", batch_dims, "gather")
    batch_dims = given + idx.ndim if given < 0 else given
    if not 0 <= batch_dims <= idx.ndim:
        args.fail("batch_dims", given, f"an integer in [{-idx.ndim}, {idx.ndim}] for indices of rank {idx.ndim}",
                  "gather")
    axis = args.axis("axis", batch_dims if axis is None else axis, x.ndim, "gather", allow_none=False)
    if axis < batch_dims or tuple(x.shape[:batch_dims]) != idx.shape[:batch_dims]:
        args.fail("batch_dims", batch_dims, f"at most axis={axis}, over leading axes that params "
                  f"{tuple(x.shape)} and indices {idx.shape} share", "gather")
    if idx.size and (idx.min() < 0 or idx.max() >= x.shape[axis]):
        args.fail("indices", indices, f"indices in [0, {x.shape[axis]}) for axis {axis} of shape "
                  f"{tuple(x.shape)}", "gather")
    if batch_dims == 0:
        return ops.take(x, idx, axis=axis)
    # Batched: move `axis` behind the batch axes, gather_nd one coordinate per index, move the
    # gathered axes back to where `axis` was.
    middle = tuple(range(batch_dims, axis))
    moved = ops.transpose(x, axes=tuple(range(batch_dims)) + (axis,) + middle + tuple(range(axis + 1, x.ndim)))
    out = ops.gather_nd(moved, ops.with_batch_coordinates(idx[..., None], batch_dims))
    gathered = tuple(range(batch_dims, idx.ndim))
    after = tuple(range(idx.ndim, idx.ndim + len(middle)))
    rest = tuple(range(idx.ndim + len(middle), out.ndim))
    return ops.transpose(out, axes=tuple(range(batch_dims)) + after + gathered + rest)


def gather_nd(params, indices, batch_dims=0, name=None):
    """TensorFlow's gather_nd: ``indices[..., :]`` addresses the leading ``indices.shape[-1]``
    axes of `params`; output shape ``indices.shape[:-1] + params.shape[indices.shape[-1]:]``.

    With `batch_dims` b, the first b axes of params and indices are batch axes walked together:
    the index rows address the axes after them."""
    x = convert_to_tensor(params)
    idx = _indices("indices", indices, "gather_nd")
    batch_dims = args.integer("batch_dims", batch_dims, "gather_nd", minimum=0)
    if idx.ndim <= batch_dims or idx.shape[-1] > x.ndim - batch_dims:
        args.fail("indices", indices, f"an array of rank > batch_dims={batch_dims} whose last axis (at most "
                  f"{x.ndim - batch_dims} long) addresses the axes of params of shape {tuple(x.shape)} "
                  "after the batch axes", "gather_nd")
    if tuple(x.shape[:batch_dims]) != idx.shape[:batch_dims]:
        args.fail("batch_dims", batch_dims, f"leading axes that params {tuple(x.shape)} and indices {idx.shape} "
                  "share", "gather_nd")
    bounds = tuple(x.shape[batch_dims: batch_dims + idx.shape[-1]])
    if idx.size and ((idx < 0).any() or (idx >= bounds).any()):
        args.fail("indices", indices, f"indices within the dimensions {bounds} of params", "gather_nd")
    return ops.gather_nd(x, ops.with_batch_coordinates(idx, batch_dims) if batch_dims else idx)


def where(condition, x=None, y=None, name=None):
    """Elements of `x` where `condition`, else of `y` (broadcast together, in x's dtype unless only
    y is a Tensor, as TensorFlow converts them); differentiable in x and y.

    With only `condition`: the int64 coordinates of its true elements, one row each.
    """
    if (x is None) != (y is None):
        args.fail("x" if x is None else "y", None, "both x and y, or neither", "where")
    cond = convert_to_tensor(condition)
    if x is None:
        return ops.true_coordinates(cond)
    x, y = (convert_to_tensor(v) for v in args.matching([x, y]))
    return ops.where(ops.cast(cond, dtype="bool"), x, y)


def one_hot(indices, depth, on_value=None, off_value=None, axis=None, dtype=None, name=None):
    """A new axis (last by default) of length `depth` holding on_value at each index (1.0), else
    off_value (0.0). float32 unless `dtype` or the values say otherwise. Not differentiable."""
    idx = _indices("indices", indices, "one_hot")
    depth = args.integer("depth", depth, "one_hot", minimum=0)
    given = [convert_to_tensor(v) for v in (on_value, off_value) if v is not None]
    # Without `dtype` the values decide (Python ints: int32, floats: float32), else float32.
    dtype = args.dtype("dtype", dtype, given[0].dtype if given and dtype is None else None)
    axis = args.axis("axis", -1 if axis is None else axis, idx.ndim + 1, "one_hot", allow_none=False)
    return ops.one_hot(idx, depth=depth, on_value=1 if on_value is None else on_value,
                       off_value=0 if off_value is None else off_value, axis=axis, dtype=dtype)


_DIRECTIONS = ("ASCENDING", "DESCENDING")


def argsort(values, axis=-1, direction="ASCENDING", stable=False, name=None):
    """int32 indices that sort `values` along `axis`; equal values keep their order. Not differentiable."""
    x = convert_to_tensor(values)
    axis = args.axis("axis", axis, x.ndim, "argsort", allow_none=False)
    direction = args.one_of("direction", direction, _DIRECTIONS, "argsort")
    return ops.argsort(x, axis=axis, descending=direction == "DESCENDING")


def sort(values, axis=-1, direction="ASCENDING", name=None):
    """`values` sorted along `axis`; the gradient returns to each value's original place."""
    x = convert_to_tensor(values)
    axis = args.axis("axis", axis, x.ndim, "sort", allow_none=False)
    direction = args.one_of("direction", direction, _DIRECTIONS, "sort")
    return ops.sort(x, axis=axis, descending=direction == "DESCENDING")


class TopKV2(tuple):
    """``(values, indices)``, also readable as ``.values`` and ``.indices``, as TF's result."""

    values = property(lambda self: self[0])
    indices = property(lambda self: self[1])


def top_k(input, k=1, sorted=True, index_type="int32", name=None):  # noqa: A002 - TensorFlow's names
    """The `k` largest values along the last axis and their int32 indices, largest first; equal
    values come in index order. The values are differentiable."""
    x = convert_to_tensor(input)
    if x.ndim == 0:
        args.fail("input", tuple(x.shape), "a tensor of rank >= 1", "top_k")
    k = args.integer("k", k, "top_k", minimum=0)
    if k > x.shape[-1]:
        args.fail("k", k, f"at most the last dimension, {x.shape[-1]}", "top_k")
    order = ops.argsort(x, axis=-1, descending=True).numpy()[..., :k]
    indices = ops.cast(Tensor(order), dtype=args.dtype("index_type", index_type))
    return TopKV2((ops.take_along_axis(x, order, axis=-1), indices))


def tile(input, multiples, name=None):  # noqa: A002 - TensorFlow's name
    """`input` repeated ``multiples[i]`` times along axis i."""
    x = convert_to_tensor(input)
    multiples = args.shape("multiples", multiples, "tile")
    if len(multiples) != x.ndim:
        args.fail("multiples", multiples, f"one count per axis of the input ({x.ndim})", "tile")
    return ops.tile(x, multiples=multiples)


_PAD_MODES = {"CONSTANT": "constant", "REFLECT": "reflect", "SYMMETRIC": "symmetric"}


def pad(tensor, paddings, mode="CONSTANT", constant_values=0, name=None):
    """`tensor` padded by ``paddings[i] = [before, after]`` on axis i; differentiable."""
    x = convert_to_tensor(tensor)
    pairs = convert_to_tensor(paddings).numpy()
    if pairs.shape != (x.ndim, 2) or pairs.dtype.kind not in "iu" or (pairs < 0).any():
        args.fail("paddings", paddings, f"a [{x.ndim}, 2] array of non-negative integers", "pad")
    mode = args.one_of("mode", str(mode).upper(), tuple(_PAD_MODES), "pad")
    limit = {"CONSTANT": None, "REFLECT": 0, "SYMMETRIC": 1}[mode]
    if limit is not None and any(max(p) > n - 1 + limit for p, n in zip(pairs, x.shape)):
        args.fail("paddings", paddings, f"at most dim - {1 - limit} on each side in {mode} mode", "pad")
    return ops.pad(x, paddings=tuple(map(tuple, pairs.tolist())), mode=_PAD_MODES[mode],
                   constant_value=constant_values)


def _in_dtype_of(x, value):
    """`value` as a Tensor of x's dtype, as TensorFlow converts a second operand (a Python float
    for an integer `x` is a TypeError); a Tensor keeps its gradient path."""
    if isinstance(value, Tensor):
        return value if value.dtype == x.dtype else ops.cast(value, dtype=x.dtype)
    return convert_to_tensor(value, x.dtype)


def clip_by_value(t, clip_value_min, clip_value_max, name=None):
    """`t` clamped to [clip_value_min, clip_value_max], computed as TensorFlow does:
    ``maximum(minimum(t, max), min)``. The gradient passes to t where it is inside (bounds
    included) and to a bound where it clips."""
    x = convert_to_tensor(t)
    low, high = _in_dtype_of(x, clip_value_min), _in_dtype_of(x, clip_value_max)
    if ops.broadcast_shape(x.shape, low.shape, high.shape) != tuple(x.shape):
        args.fail("clip_value_min", (tuple(low.shape), tuple(high.shape)),
                  f"bounds that broadcast to t's shape {tuple(x.shape)}", "clip_by_value")
    if (low.numpy() > high.numpy()).any():
        args.fail("clip_value_min", clip_value_min, f"a value <= clip_value_max={clip_value_max!r}", "clip_by_value")
    return ops.maximum(ops.minimum(x, high, tie_share=1), low, tie_share=1)


_dispatch_module(globals(), "tf")  # on KerasTensors, each function records a TFOpLambda layer
