"""Random tensor expressions drawn from a seed, for comparing GradientTape gradients with JAX's.

``draw_expression(seed)`` returns an :class:`Expression`: 1-3 float32 input tensors of
small random shapes that broadcast against each other, and a short program over
them: 3-8 TensorFlow-named ops (``add``, ``matmul``, ``reduce_max``, ``gather``,
``where``, ``l2_normalize``...; a few more steps where an op brings its shift or
its positive operand), each applied to earlier values. Values nothing uses are
summed into the result; an unused input is sometimes left out, so that its
gradient is None. ``evaluate(expression, table, inputs)`` runs the program with one
library's functions: the tables of ``expression_ops.py`` hold the same op under
each library's name.

Kinks are avoided by construction, so that every gradient compared is a
derivative and no library's tie convention decides it: while drawing, the
program runs in float64 NumPy, and each op with a kink is placed at least
``MARGIN`` away from it. ``relu``, ``abs``, ``maximum``, ``minimum``,
``clip_by_value`` and ``where``'s condition get their operand shifted by a
constant chosen in a gap of the values (``relu(x - c)``); ``reduce_max`` and the
inf-norm are drawn only where the largest value leads the second by ``MARGIN``;
``sqrt``, ``log`` and a denominator get a positive operand (``square(x) + c``
where the value is not already positive enough); norms and ``l2_normalize`` only
vectors of norm above 0.1. Values stay within ``LIMIT``, and ``tanh``, ``sigmoid``
and ``softmax`` take values within ``SATURATION``: far into their flat tails the
slope (``1 - tanh(x)**2``) is mostly float32 rounding, which a later large factor
would turn into a difference that says nothing about either library. MARGIN is
many times float32's rounding of these values, so no tie can occur in float32
either.
"""
import random

import numpy as np
from expression_ops import NUMPY

MARGIN = 0.02
LIMIT = 30.0
SATURATION = 4.0
DIMS = [1, 2, 3, 4]


class Expression:
    """Inputs (float32 arrays) and steps ``(op, args, params)``; an arg is a value's index (int: the
    inputs come first, then each step's result) or a Python float constant."""

    def __init__(self, seed, inputs):
        self.seed, self.inputs, self.steps = seed, inputs, []
        self.values = [x.astype("float64") for x in inputs]          # float64 NumPy values, while drawing
        self.sources = [{i} for i in range(len(inputs))]             # the inputs each value is differentiable in

    def text(self):
        """The program, one line per step: ``v3 = relu(v2, params)``."""
        lines = [f"x{i}: shape {x.shape}" for i, x in enumerate(self.inputs)]
        for number, (op, args, params) in enumerate(self.steps, start=len(self.inputs)):
            names = [_name(a, len(self.inputs)) for a in args]
            options = "".join(f", {k}={_short(v)}" for k, v in params.items())
            lines.append(f"{_name(number, len(self.inputs))} = {op}({', '.join(names)}{options})")
        return "\n".join(lines)

    def connected(self):
        """The inputs the result is differentiable in (TensorFlow gives None for the others)."""
        return self.sources[-1]


def _name(arg, n_inputs):
    if isinstance(arg, float):
        return repr(arg)
    return f"x{arg}" if arg < n_inputs else f"v{arg}"


def _short(value):
    return np.array2string(value, separator=",") if isinstance(value, np.ndarray) else repr(value)


def evaluate(expression, table, inputs):
    """The expression's result, with `table`'s function for each op, from `inputs` (one per input)."""
    values = list(inputs)
    for op, args, params in expression.steps:
        operands = [a if isinstance(a, float) else values[a] for a in args]
        values.append(table[op](*operands, **params))
    return values[-1]


def draw_expression(seed):
    """The expression drawn from `seed`: its inputs and 3-8 steps over them."""
    drawer = _Drawer(seed)
    target, attempts = drawer.r.randint(3, 8), 0
    while len(drawer.expression.steps) < target and attempts < 200:
        attempts += 1
        drawer.attempt(drawer.r.choice(BUILDERS))
    drawer.fold_dead_ends()
    return drawer.expression


class _RejectedError(Exception):
    """This op does not fit here (a kink too close, a value too large, no operand of the right shape)."""


def _input_shapes(r):
    base = [r.choice(DIMS[1:]) for _ in range(r.choice([1, 2, 2, 3, 3]))]
    shapes = []
    for _ in range(r.randint(1, 3)):
        shape = [1 if r.random() < 0.25 else n for n in base]
        shapes.append(tuple(shape[r.choice([0, 0, 0, 1]):]))    # sometimes without the leading axis
    return shapes


class _Drawer:
    """Draws steps one at a time, each checked on the float64 values; a rejected op leaves no trace."""

    def __init__(self, seed):
        self.r, self.rng = random.Random(seed), np.random.default_rng(seed)
        inputs = [self.rng.normal(size=shape).astype("float32") for shape in _input_shapes(self.r)]
        self.expression = Expression(seed, inputs)
        self.used = set()

    def attempt(self, builder):
        e = self.expression
        saved = len(e.steps), set(self.used)
        try:
            builder(self)
        except _RejectedError:
            del e.steps[saved[0]:], e.values[len(e.inputs) + saved[0]:], e.sources[len(e.inputs) + saved[0]:]
            self.used = saved[1]

    def fold_dead_ends(self):
        """Add the sum of each value nothing uses to the result, so that every step counts; an
        unused input is left out one time in four (its gradient is then None)."""
        e = self.expression
        for i in range(len(e.values) - 1):
            if i < len(e.inputs) and self.r.random() < 0.25:
                continue
            boolean_or_constant = i >= len(e.inputs) and e.steps[i - len(e.inputs)][0] in ("greater", "one_hot")
            if i not in self.used and not boolean_or_constant:
                self.attempt(lambda d, i=i: d.emit("add", [len(e.values) - 1,
                                                           d.emit("reduce_sum", [i], axis=None, keepdims=False)]))

    def value(self, index):
        return self.expression.values[index]

    def emit(self, op, args, **params):
        """Append one step; its index. Rejects values that are not finite, too large or too many."""
        e = self.expression
        value = np.asarray(NUMPY[op](*[a if isinstance(a, float) else e.values[a] for a in args], **params))
        if not np.all(np.isfinite(value)) or value.size > 96 or value.ndim > 4 or \
                (value.dtype != bool and value.size and np.max(np.abs(value)) > LIMIT):
            raise _RejectedError
        nodes = [a for a in args if not isinstance(a, float)]
        # A where's condition and a one_hot carry no gradient (TensorFlow: None for what feeds only them).
        carrying = nodes[1:] if op == "where" else [] if op == "greater" else nodes
        e.steps.append((op, args, params))
        e.values.append(value)
        e.sources.append(set().union(*[e.sources[a] for a in carrying]))
        self.used.update(nodes)
        return len(e.values) - 1

    def pick(self, fits=lambda value: True):
        """A value that `fits`, preferring the latest and the unused (so that every input takes part)."""
        e = self.expression
        candidates = [i for i, v in enumerate(e.values) if v.dtype != bool and fits(v)]
        if not candidates:
            raise _RejectedError
        weights = [3 if i not in self.used or i == len(e.values) - 1 else 1 for i in candidates]
        return self.r.choices(candidates, weights)[0]

    def partner(self, a, fits):
        """A second operand that `fits` the first's value, or the first itself when it fits."""
        return self.pick(lambda v: fits(self.value(a), v))

    def away_from_values(self, values):
        """A constant at least MARGIN from every value: the middle of a gap between neighbours, or outside."""
        points = np.unique(np.round(np.asarray(values, dtype="float64").reshape(-1), 6))
        middles = [(lo + hi) / 2 for lo, hi in zip(points[:-1], points[1:]) if hi - lo >= 2.5 * MARGIN]
        outside = [points[0] - 0.25, points[-1] + 0.25]
        c = self.r.choice(middles) if middles and self.r.random() < 0.85 else self.r.choice(outside)
        return float(c)

    def positive(self, i, least=0.2):
        """`i` itself when all its values are at least `least`, else ``square(i) + c``."""
        if np.min(self.value(i), initial=np.inf) >= least:
            return i
        return self.emit("add", [self.emit("square", [i]), self.r.choice([0.3, 0.5, 1.0])])

    def axis(self, ndim, extra=0):
        return self.r.randrange(-ndim - extra, ndim + extra)


def _broadcast(a, b):
    try:
        np.broadcast_shapes(a.shape, b.shape)
        return True
    except ValueError:
        return False


def _smallest_gap(values, axis):
    """The least lead of the largest value over the second along `axis` (inf when there is one value)."""
    axes = tuple(range(values.ndim)) if axis is None else tuple(np.atleast_1d(axis) % values.ndim)
    moved = np.moveaxis(values, axes, tuple(range(values.ndim - len(axes), values.ndim)))
    rows = np.sort(moved.reshape(moved.shape[:values.ndim - len(axes)] + (-1,)), axis=-1)
    return np.inf if rows.shape[-1] < 2 else float(np.min(rows[..., -1] - rows[..., -2]))


def _elementwise(op):
    return lambda d: d.emit(op, [d.pick()])


def _unsaturated(op):
    """tanh or sigmoid of values within +-SATURATION, where the slope is not a float32 rounding."""
    return lambda d: d.emit(op, [d.pick(lambda v: np.max(np.abs(v), initial=0.0) <= SATURATION)])


def _guarded(op, guard):
    return lambda d: d.emit(op, [guard(d, d.pick())])


def _exp(d):
    d.emit("exp", [d.pick(lambda v: v.size == 0 or np.max(v) <= 3.0)])


def _shifted(op):
    """relu(x - c) or abs(x - c), with c at least MARGIN from every x."""
    def build(d):
        i = d.pick()
        d.emit(op, [d.emit("subtract", [i, d.away_from_values(d.value(i))])])
    return build


def _arithmetic(op):
    def build(d):
        a = d.pick()
        b = d.partner(a, _broadcast)
        if op == "divide" and np.min(np.abs(d.value(b)), initial=np.inf) < 0.3:
            b = d.positive(b)
        d.emit(op, [a, b])
    return build


def _extremum(op):
    """maximum(a, b + c) or minimum(a, b + c), with c keeping a and b + c MARGIN apart everywhere."""
    def build(d):
        a = d.pick()
        b = d.partner(a, _broadcast)
        c = d.away_from_values(d.value(a) - d.value(b))
        d.emit(op, [a, d.emit("add", [b, c])])
    return build


def _constant_arithmetic(d):
    d.emit(d.r.choice(["multiply", "add"]), [d.pick(), d.r.choice([-1.5, -0.5, 0.25, 0.7, 2.0])])


def _matmul(d):
    a = d.pick(lambda v: v.ndim >= 2)
    va = d.value(a)
    try:
        b = d.partner(a, lambda x, v: v.ndim >= 2 and v.shape[-2] == x.shape[-1] and
                      _broadcast(np.empty(x.shape[:-2]), np.empty(v.shape[:-2])))
    except _RejectedError:                                           # a Gram matrix: a @ a^T
        perm = list(range(va.ndim - 2)) + [va.ndim - 1, va.ndim - 2]
        b = d.emit("transpose", [a], perm=perm)
    d.emit("matmul", [a, b])


def _reduction_axis(d, ndim):
    choice = d.r.random()
    if choice < 0.25 or ndim == 0:
        return None
    if choice < 0.45 and ndim >= 2:
        return sorted(d.r.sample(range(ndim), 2))
    return d.axis(ndim)


def _reduce(op):
    def build(d):
        i = d.pick(lambda v: v.ndim >= 1)
        axis = _reduction_axis(d, d.value(i).ndim)
        if op == "reduce_max" and _smallest_gap(d.value(i), axis) < MARGIN:
            raise _RejectedError                                     # a near-tie: the gradient's split is a convention
        d.emit(op, [i], axis=axis, keepdims=d.r.random() < 0.4)
    return build


def _softmax(d):
    i = d.pick(lambda v: v.ndim >= 1 and np.max(np.abs(v)) <= SATURATION)
    axis = d.axis(d.value(i).ndim)
    if d.value(i).shape[axis] < 2:
        raise _RejectedError                                         # always 1 (Keras warns)
    d.emit("softmax", [i], axis=axis)


def _reshape(d):
    i = d.pick(lambda v: v.size >= 2)
    shape = d.value(i).shape
    size = d.value(i).size
    factors = [n for n in range(1, size + 1) if size % n == 0]
    first = d.r.choice(factors)
    options = [[-1], list(reversed(shape)), [first, -1], [-1, first, 1], [1, size]]
    d.emit("reshape", [i], shape=d.r.choice(options))


def _transpose(d):
    i = d.pick(lambda v: v.ndim >= 2)
    d.emit("transpose", [i], perm=d.r.sample(range(d.value(i).ndim), d.value(i).ndim))


def _expand_dims(d):
    i = d.pick(lambda v: v.ndim <= 3)
    d.emit("expand_dims", [i], axis=d.axis(d.value(i).ndim, extra=1) if d.value(i).ndim else 0)


def _gather(d):
    i = d.pick(lambda v: v.ndim >= 1)
    axis = d.axis(d.value(i).ndim)
    size = (d.r.randint(1, 5),) if d.r.random() < 0.7 else (2, d.r.randint(1, 3))
    indices = d.rng.integers(0, d.value(i).shape[axis], size=size).astype("int32")   # with repeats
    d.emit("gather", [i], indices=indices, axis=axis)


def _concat(d):
    a = d.pick(lambda v: v.ndim >= 1)
    axis = d.axis(d.value(a).ndim)
    def same_but_axis(x, v):
        return v.ndim == x.ndim and all(m == n for k, (m, n) in enumerate(zip(x.shape, v.shape))
                                        if k != axis % x.ndim)
    d.emit("concat", [a, d.partner(a, same_but_axis)], axis=axis)


def _stack(d):
    a = d.pick()
    d.emit("stack", [a, d.partner(a, lambda x, v: v.shape == x.shape)], axis=d.axis(d.value(a).ndim, extra=1)
           if d.value(a).ndim else 0)


def _where(d):
    c = d.pick()
    condition = d.emit("greater", [c], threshold=d.away_from_values(d.value(c)))
    a = d.partner(c, _broadcast)
    both = np.empty(np.broadcast_shapes(d.value(c).shape, d.value(a).shape))
    d.emit("where", [condition, a, d.pick(lambda v: _broadcast(both, v))])


def _clip(d):
    i = d.pick(lambda v: v.size >= 1)
    low, high = sorted([d.away_from_values(d.value(i)), d.away_from_values(d.value(i))])
    if high - low < MARGIN:
        raise _RejectedError
    d.emit("clip_by_value", [i], low=low, high=high)


def _vector_axis(d, ndim):
    return None if d.r.random() < 0.3 else d.axis(ndim)


def _l2_normalize(d):
    i = d.pick(lambda v: v.ndim >= 1)
    axis = _vector_axis(d, d.value(i).ndim)
    if np.min(np.sqrt(np.sum(np.square(d.value(i)), axis=axis))) < 0.1:
        raise _RejectedError                                         # near 0 the epsilon decides
    d.emit("l2_normalize", [i], axis=axis)


def _norm(d):
    i = d.pick(lambda v: v.ndim >= 1)
    ord_ = d.r.choice(["euclidean", "euclidean", 1, np.inf])
    axis = _vector_axis(d, d.value(i).ndim)
    magnitudes = np.abs(d.value(i))
    if np.min(magnitudes) < MARGIN:                           # |x| has its kink at 0
        i = d.emit("subtract", [i, d.away_from_values(d.value(i))])
        magnitudes = np.abs(d.value(i))
    if ord_ == "euclidean" and np.min(NUMPY["norm"](d.value(i), "euclidean", axis, False)) < 0.1 or \
            ord_ == np.inf and _smallest_gap(magnitudes, axis) < MARGIN:
        raise _RejectedError
    d.emit("norm", [i], order=ord_, axis=axis, keepdims=d.r.random() < 0.4)


def _one_hot_sum(d):
    """sum(x * one_hot(labels, depth), axis=-1): each row's value at its label."""
    i = d.pick(lambda v: v.ndim >= 1)
    shape = d.value(i).shape
    labels = d.rng.integers(0, shape[-1], size=shape[:-1]).astype("int32")
    weights = d.emit("one_hot", [], indices=labels, depth=shape[-1])
    d.emit("reduce_sum", [d.emit("multiply", [i, weights])], axis=-1, keepdims=False)


BUILDERS = [
    _elementwise("square"), _unsaturated("tanh"), _unsaturated("sigmoid"), _exp,
    _guarded("sqrt", _Drawer.positive), _guarded("log", _Drawer.positive),
    _shifted("relu"), _shifted("abs"),
    _arithmetic("add"), _arithmetic("subtract"), _arithmetic("multiply"), _arithmetic("divide"),
    _extremum("maximum"), _extremum("minimum"), _constant_arithmetic, _matmul,
    _reduce("reduce_sum"), _reduce("reduce_mean"), _reduce("reduce_max"), _softmax,
    _reshape, _transpose, _expand_dims, _gather, _concat, _stack, _where, _clip,
    _l2_normalize, _norm, _one_hot_sum,
]
