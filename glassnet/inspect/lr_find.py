"""``lr_find(model, x, y)``: the learning-rate range test (Smith 2015; fastai's ``lr_find``).

On a copy of the model, train one batch per step with the learning rate rising exponentially
from ``start_lr`` to ``end_lr``, and record the loss of each batch. The loss first stays flat
(rates too small to move the weights), then falls, then shoots up (rates so large each step
overshoots). A good rate lies where the loss falls fastest.

As fastai does:

- the loss is smoothed, ``avg = β avg + (1 - β) loss`` with β = 0.98, and bias-corrected,
  ``smoothed = avg / (1 - β^t)`` for the t-th batch (so early values are not pulled to 0);
- the test stops once the smoothed loss exceeds 4x its minimum so far (or is NaN/inf);
- the suggestions ignore the first tenth of the steps and the last 5. ``suggestion`` is fastai's
  default since 2.5 (``valley``, fastai PR #3377): halfway down the longest stretch where the
  smoothed loss keeps falling. fastai's two earlier suggestions are kept beside it: ``lr_steep``,
  the rate where the smoothed curve falls steepest against log(rate), and ``lr_min``, the rate of
  the lowest smoothed loss divided by 10. ``steep`` is easily fooled: with rates too small to
  move the weights, batch-to-batch noise still makes short steep dips (the tests show one).

The batch loss is recorded as ``train_on_batch`` computes it, from the forward pass before that
batch's update. The user's model, its optimizer (state included), glassnet's random generators
and its layer-name counters are exactly as before: the test trains a copy with a new optimizer
of the same class and configuration, and puts the global state back.
"""
import contextlib
import copy
import random as _python_random

import numpy as np

from glassnet import random
from glassnet.keras import naming
from glassnet.keras import validation as check


class LRFinderResult:
    """What :func:`lr_find` returns.

    Attributes:
        learning_rates: the rate of each step (rising).
        losses: the smoothed loss of each step; ``raw_losses``: the batch losses.
        suggestion: fastai's ``valley`` rate, halfway down the longest descent of ``losses``
            (None if the curve is too short).
        lr_steep: the rate where ``losses`` fall steepest against log(rate) (fastai's ``steep``).
        lr_min: the rate of the lowest smoothed loss, divided by 10 (fastai's ``minimum``).
        stop_reason: why the test ended.
    """

    def __init__(self, learning_rates, losses, raw_losses, optimizer_name, stop_reason, skip_start):
        self.learning_rates = np.asarray(learning_rates)
        self.losses, self.raw_losses = np.asarray(losses), np.asarray(raw_losses)
        self.optimizer_name, self.stop_reason = optimizer_name, stop_reason
        self.suggestion, self.lr_steep, self.lr_min = _suggestions(self.learning_rates, self.losses, skip_start)

    def plot(self, path=None):
        """Draw the curve with the suggestion marked (``glassnet.plot.lr_find``); to `path` if given."""
        from glassnet.plot import lr_find as plot_lr_find  # matplotlib only when asked for a picture

        return plot_lr_find(self, path)

    def __str__(self):
        rates, losses = self.learning_rates, self.losses
        lines = [f"learning-rate range test: {len(rates)} steps of {self.optimizer_name}, rate "
                 f"{rates[0]:.3g} to {rates[-1]:.3g}; {self.stop_reason}"]
        stride = max(1, len(rates) // 10)
        lines += [f"  rate {rate:10.3g}   smoothed loss {loss:.4g}" for rate, loss in
                  zip(rates[::stride], losses[::stride])]
        if self.suggestion is None:
            lines.append("no suggestion: too few finite steps (raise end_lr or num_steps)")
        else:
            lines.append(f"suggested learning rate: {self.suggestion:.3g} (halfway down the longest descent); "
                         f"steepest descent: {self.lr_steep:.3g}; lowest loss / 10: {self.lr_min:.3g}")
        return "\n".join(lines)

    __repr__ = __str__


def lr_find(model, x, y, start_lr=1e-7, end_lr=10.0, num_steps=100, batch_size=32, beta=0.98, stop_factor=4.0,
            seed=0):
    """Run the learning-rate range test on a copy of `model` (see the module docstring).

    Args:
        model: a compiled model; its optimizer's class and configuration and its loss are used.
        x, y: training data; batches of `batch_size` are drawn in a shuffled order (`seed`).
        start_lr, end_lr: the first and the last rate; the rates in between rise geometrically.
        num_steps: the most batches to train (fewer if the loss diverges first).
        beta: the smoothing of the loss (fastai: 0.98).
        stop_factor: stop once the smoothed loss exceeds this times its minimum (fastai: 4).

    Returns an :class:`LRFinderResult`; ``result.suggestion`` is the suggested rate.

    >>> from glassnet.keras import Input, layers, models, optimizers
    >>> x = np.linspace(-1, 1, 64).reshape(-1, 1).astype("float32")
    >>> model = models.Sequential([Input(shape=(1,)), layers.Dense(1)])
    >>> model.compile(optimizer=optimizers.SGD(), loss="mse")
    >>> result = lr_find(model, x, 3 * x, num_steps=50)
    >>> bool(np.all(np.diff(result.learning_rates) > 0)), 1e-3 < result.suggestion < 2
    (True, True)
    """
    _check_arguments(model, start_lr, end_lr, num_steps, batch_size, beta, stop_factor, seed)
    x, y = _check_data(model, x, y)
    rates = start_lr * (end_lr / start_lr) ** (np.arange(num_steps) / (num_steps - 1))
    with _global_state_kept(), np.errstate(all="ignore"):  # a diverging run overflows: that is its point
        trial = _copy(model, start_lr)
        batches = _batches(x, y, batch_size, seed)
        raw, smoothed, stop_reason = _run(trial, rates, batches, beta, stop_factor)
    return LRFinderResult(rates[:len(raw)], smoothed, raw, type(model.optimizer).__name__, stop_reason,
                          skip_start=num_steps // 10)


def _run(trial, rates, batches, beta, stop_factor):
    raw, smoothed, average, best = [], [], 0.0, np.inf
    for step, rate in enumerate(rates, start=1):
        trial.optimizer.learning_rate = float(rate)
        xb, yb = next(batches)
        loss = float(trial.train_on_batch(xb, yb, return_dict=True)["loss"])
        average = beta * average + (1 - beta) * loss
        raw.append(loss)
        smoothed.append(average / (1 - beta ** step))
        best = min(best, smoothed[-1])
        if not np.isfinite(smoothed[-1]):
            return raw, smoothed, f"stopped at step {step}: the loss is {smoothed[-1]}"
        if smoothed[-1] > stop_factor * best:
            return raw, smoothed, (f"stopped at step {step}: the smoothed loss {smoothed[-1]:.4g} exceeds "
                                   f"{stop_factor:g}x its minimum {best:.4g}")
    return raw, smoothed, "ran every step without diverging"


def _suggestions(rates, losses, skip_start):
    """(valley, steepest descent, lowest loss / 10) over fastai's window: without the first
    `skip_start` steps and the last 5, and only up to the first non-finite loss."""
    finite = np.isfinite(losses)
    end = len(losses) if finite.all() else int(np.argmin(finite))
    window = slice(skip_start, end - 5) if end - 5 - skip_start >= 2 else slice(0, end)
    rates, losses = rates[window], losses[window]
    if len(rates) < 2:
        return None, None, None
    slopes = np.diff(losses) / np.diff(np.log(rates))
    return (float(rates[_valley(losses)]), float(rates[np.argmin(slopes)]),
            float(rates[np.argmin(losses)] / 10))


def _valley(losses):
    """fastai's ``valley``: the longest run of falling losses (a decreasing subsequence, gaps
    allowed), and the point halfway down it. Noise in the flat start makes short steep dips;
    only the real descent is long."""
    length = np.ones(len(losses), dtype=int)  # the longest decreasing subsequence ending at i
    for i in range(1, len(losses)):
        earlier = length[:i][losses[:i] > losses[i]]
        length[i] = 1 + (earlier.max() if earlier.size else 0)
    end = int(np.argmax(length))  # the first of the longest, as fastai's strict comparison keeps
    start = max(end - int(length[end]), 0)
    third = (end - start) / 3
    return start + int(third) + int(third / 2)


def _batches(x, y, batch_size, seed):
    """Endless shuffled batches, a new order each pass, from a private generator."""
    rng = np.random.default_rng(seed)
    while True:
        order = rng.permutation(len(x))
        for start in range(0, len(x), batch_size):
            rows = order[start:start + batch_size]
            yield x[rows], y[rows]


# --- the copy -----------------------------------------------------------------------------------------
def _copy(model, learning_rate):
    """A compiled copy of `model`: the same weights, a fresh optimizer of the same class and
    configuration, the same loss. Sequential models of built-in layers are rebuilt from the layers'
    configs (as Keras's clone_model); other models are deep-copied without their training state."""
    try:
        trial = _from_configs(model) if _built_in_sequential(model) else _deep_copy(model)
        # A schedule would fight the test's own rates: the copy's optimizer starts from a plain rate.
        config = {**model.optimizer.get_config(), "learning_rate": learning_rate}
        optimizer = type(model.optimizer).from_config(config)
    except Exception as error:
        raise TypeError(
            f"lr_find could not copy model '{model.name}' to train the copy: {type(error).__name__}: {error}. "
            "Give custom layers and optimizers a get_config() that from_config() accepts.") from error
    state = model._compile_state
    trial.compile(optimizer=optimizer, loss=copy.deepcopy(state.loss_identifier), loss_weights=state.loss_weight)
    return trial


def _built_in_sequential(model):
    from glassnet.keras.models.sequential import Sequential  # models import inspect: import late

    return type(model) is Sequential and all(
        type(layer).__module__.startswith("glassnet.keras.layers.") for layer in model.layers)


def _from_configs(model):
    from glassnet.keras.models import clone_model  # models import inspect: import late

    trial = clone_model(model)
    if model.built:
        trial.set_weights(model.get_weights())  # copies
    return trial


def _deep_copy(model):
    leave_out = (model.optimizer, model._compile_state, getattr(model, "history", None))
    trial = copy.deepcopy(model, memo={id(obj): None for obj in leave_out if obj is not None})
    trial.__dict__.pop("_dense_plan", None)  # it holds the original's optimizer
    if any(np.shares_memory(a.value, b.value) for a, b in zip(model.weights, trial.weights)):
        raise ValueError("the copy shares weight arrays with the model")
    return trial


@contextlib.contextmanager
def _global_state_kept():
    """glassnet's generator (weights, dropout), NumPy's and Python's global ones (shuffling) and the
    layer-name counters, exactly as before the block: building and training the copy draws from them."""
    generator = random.generator()
    states = generator.bit_generator.state, np.random.get_state(), _python_random.getstate()
    counters = dict(naming._counters)
    try:
        yield
    finally:
        random._generator = generator
        generator.bit_generator.state = states[0]
        np.random.set_state(states[1])
        _python_random.setstate(states[2])
        naming._counters.clear()
        naming._counters.update(counters)


def _check_arguments(model, start_lr, end_lr, num_steps, batch_size, beta, stop_factor, seed):
    if getattr(model, "_compile_state", None) is None or getattr(model, "optimizer", None) is None:
        raise ValueError(f"lr_find needs a model compiled with an optimizer and a loss; model "
                         f"'{getattr(model, 'name', model)}' is not. "
                         "Call model.compile(optimizer=..., loss=...) first.")
    start_lr = check.positive("start_lr", start_lr)
    if check.positive("end_lr", end_lr) <= start_lr:
        check.fail("end_lr", end_lr, f"a rate above start_lr={start_lr:g}")
    check.integer("num_steps", num_steps, minimum=2)
    check.integer("batch_size", batch_size, minimum=1)
    check.real("beta", beta, low=0.0, high=0.999999, expected="a number in [0, 1)")
    check.real("stop_factor", stop_factor, low=1.0, expected="a number >= 1")
    check.integer("seed", seed, minimum=0)


def _check_data(model, x, y):
    """`x` and `y` as arrays of the same number of samples (generators and datasets are not taken)."""
    if isinstance(x, (list, tuple, dict)):  # a model with several inputs: its own checks, arrays sliced together
        x, y, _ = model._prepare_arrays(x, y)
        return x, y
    x, y = np.asarray(x), np.asarray(y)
    for name, array in (("x", x), ("y", y)):
        if array.ndim == 0 or len(array) == 0 or array.dtype.kind not in "biuf":
            raise ValueError(f"lr_find needs `{name}` as a non-empty array of numbers, one row per sample. "
                             f"Received: {name} of shape {array.shape} and dtype {array.dtype}")
    if len(x) != len(y):
        raise ValueError(f"`x` and `y` must have the same number of samples. Received: x with {len(x)} rows "
                         f"and y with {len(y)}")
    return x, y
