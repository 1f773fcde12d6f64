"""``glassnet.plot.lr_find``: the learning-rate range test (Smith 2015), loss against rate."""
import math

from glassnet.plot import _backend


def lr_find(result, path=None):
    """The loss after each step of a learning-rate range test, the rate on a log axis, with the
    suggested rate marked.

    Args:
        result: what ``glassnet.inspect.lr_find`` returns: ``learning_rates`` and ``losses`` (one
            per step, the same length) and ``suggestion`` (a rate, or None).
        path: where to write the picture as a PNG (the folder must exist); None draws only.

    Returns the matplotlib ``Figure``.
    """
    rates, losses, suggestion = _curve(result)
    path = _backend.checked_path(path, "lr_find")
    figure = _backend.new_figure("glassnet.plot.lr_find", (7, 4.5))
    axis = figure.subplots()
    axis.plot(rates, losses, label="loss")
    axis.set_xscale("log")
    axis.set(title="learning-rate range test", xlabel="learning rate (log scale)", ylabel="loss")
    axis.grid(alpha=0.3, which="both")
    _clip_divergence(axis, losses)
    if suggestion is not None:
        _mark(axis, rates, losses, suggestion)
    axis.legend()
    return _backend.finish(figure, path)


def _curve(result):
    try:
        rates, losses = [float(r) for r in result.learning_rates], [float(v) for v in result.losses]
        suggestion = result.suggestion
    except AttributeError as error:
        raise TypeError("glassnet.plot.lr_find: expected the result of glassnet.inspect.lr_find (with "
                        f"learning_rates, losses and suggestion). Received: {result!r} ({error})") from None
    if not rates or len(rates) != len(losses):
        raise ValueError("glassnet.plot.lr_find: expected one loss per learning rate, at least one. "
                         f"Received: {len(rates)} learning_rates and {len(losses)} losses")
    if min(rates) <= 0:
        raise ValueError(f"glassnet.plot.lr_find: learning rates must be positive. Received: {min(rates)!r}")
    return rates, losses, None if suggestion is None else float(suggestion)


def _mark(axis, rates, losses, suggestion):
    """A dashed line at the suggested rate and a dot on the curve at the rate nearest it."""
    nearest = min(range(len(rates)), key=lambda i: abs(math.log(rates[i]) - math.log(suggestion)))
    axis.axvline(suggestion, color="tab:red", linestyle="--", linewidth=1, label=f"suggested: {suggestion:.2g}")
    axis.plot([rates[nearest]], [losses[nearest]], "o", color="tab:red")


def _clip_divergence(axis, losses):
    """Keep the y axis on the useful part: a diverging end (loss x10, inf) would flatten the dip."""
    finite = [v for v in losses if math.isfinite(v)]
    if not finite:
        return
    # The first points are single noisy batches (the smoothing has not settled): the start is their highest.
    start, low, high = max(finite[:max(1, len(finite) // 10)]), min(finite), max(finite)
    top = min(high, start + 1.5 * (start - low)) if start > low else high
    margin = 0.05 * (top - low) or 0.05 * abs(top) or 0.05
    axis.set_ylim(low - margin, top + margin)
