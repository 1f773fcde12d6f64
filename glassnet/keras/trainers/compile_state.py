"""What compile() sets up: the loss function, the metrics, and how they combine per batch."""
from glassnet.keras import losses as losses_module
from glassnet.keras import metrics as metrics_module

_AUTO_CROSSENTROPY = ("crossentropy", "ce")


class CompileState:
    """The resolved loss and metrics of a compiled model.

    Metrics named ``'accuracy'`` and the ``'crossentropy'`` loss depend on the shapes of
    the targets and outputs, so they are resolved by :meth:`build` on the first data.
    """

    def __init__(self, loss, metrics):
        self.loss_identifier = loss
        self.metric_identifiers = _metric_list(metrics)
        self.loss_fn = None
        if loss is not None and not _is_auto_crossentropy(loss):
            self.loss_fn = losses_module.get(loss)
        self.metrics = []
        self.loss_tracker = metrics_module.Mean(name="loss")
        self.built = False

    def build(self, y_shape, y_pred_shape):
        """Resolve shape-dependent identifiers from one batch's target and output shapes."""
        if _is_auto_crossentropy(self.loss_identifier):
            self.loss_fn = losses_module.get(losses_module.resolve_crossentropy(y_shape, y_pred_shape))
        self.metrics = [metrics_module.get(m, y_true_shape=y_shape, y_pred_shape=y_pred_shape)
                        for m in self.metric_identifiers]
        self.built = True

    def reset(self):
        self.loss_tracker.reset_state()
        for metric in self.metrics:
            metric.reset_state()

    def update_metrics(self, y, y_pred, batch_size, loss_value):
        """Record one batch: the loss weighted by its size, and each metric (unweighted, as Keras)."""
        self.loss_tracker.update_state(loss_value, sample_weight=batch_size)
        for metric in self.metrics:
            metric.update_state(y, y_pred)

    def results(self):
        """The running values, keys in alphabetical order (Keras sorts its logs)."""
        logs = {"loss": self.loss_tracker.result()}
        for metric in self.metrics:
            logs[metric.name] = metric.result()
        return dict(sorted(logs.items()))

    def results_in_compile_order(self):
        return [self.loss_tracker.result()] + [m.result() for m in self.metrics]


def _is_auto_crossentropy(loss):
    return isinstance(loss, str) and loss.lower() in _AUTO_CROSSENTROPY


def _metric_list(metrics):
    if metrics is None:
        return []
    if isinstance(metrics, dict):
        return [m for value in metrics.values() for m in (value if isinstance(value, (list, tuple)) else [value])]
    if not isinstance(metrics, (list, tuple)):
        raise ValueError(
            "Expected `metrics` argument to be a list, tuple, or dict. "
            f"Received instead: metrics={metrics!r} of type {type(metrics).__name__}. Wrap it in a list: metrics=[...]"
        )
    return list(metrics)
