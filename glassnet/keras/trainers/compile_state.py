"""What compile() sets up: the loss function, the metrics, and how they combine per batch."""
import numpy as np

from glassnet.autodiff import Tensor, ops
from glassnet.keras import losses as losses_module
from glassnet.keras import metrics as metrics_module
from glassnet.keras import validation as check
from glassnet.keras.trainers.data import only_item

_AUTO_CROSSENTROPY = ("crossentropy", "ce")


class CompileState:
    """The resolved loss and metrics of a compiled model.

    Metrics named ``'accuracy'`` and the ``'crossentropy'`` loss depend on the shapes of
    the targets and outputs, so they are resolved from the first data: :meth:`resolve` works
    them out without keeping anything, and :meth:`commit` keeps them once that data has
    been accepted, so a refused first call leaves nothing behind.
    """

    def __init__(self, loss, metrics, weighted_metrics=None, loss_weights=None):
        loss = _one_loss(loss)
        self.loss_identifier = loss
        self.metric_identifiers = _metric_list(metrics, "metrics")
        self.weighted_metric_identifiers = _metric_list(weighted_metrics, "weighted_metrics")
        self.loss_weight = _loss_weight(loss_weights)
        self.loss_fn = None
        if loss is not None and not _is_auto_crossentropy(loss):
            self.loss_fn = losses_module.get(loss)
        self.metrics = []
        self.weighted_metrics = []
        self.loss_tracker = metrics_module.Mean(name="loss")
        self.compile_metrics = CompileMetrics(self)
        self.built = False

    def resolve(self, y_shape, y_pred_shape):
        """(loss function, metrics, weighted metrics) for targets and outputs of these shapes."""
        loss_fn = self.loss_fn
        if _is_auto_crossentropy(self.loss_identifier):
            loss_fn = losses_module.get(losses_module.resolve_crossentropy(y_shape, y_pred_shape))
        metrics = [metrics_module.get(m, y_true_shape=y_shape, y_pred_shape=y_pred_shape)
                   for m in self.metric_identifiers]
        weighted = [metrics_module.get(m, y_true_shape=y_shape, y_pred_shape=y_pred_shape)
                    for m in self.weighted_metric_identifiers]
        names = {m.name for m in metrics}
        for metric in weighted:  # Keras's name for a metric asked for both ways
            if metric.name in names:
                metric.name = "weighted_" + metric.name
        return loss_fn, metrics, weighted

    def commit(self, resolved):
        self.loss_fn, self.metrics, self.weighted_metrics = resolved
        self.built = True

    def build(self, y_shape, y_pred_shape):
        """Resolve and keep at once (for data that needs no further check)."""
        self.commit(self.resolve(y_shape, y_pred_shape))

    def loss(self, y, y_pred, sample_weight=None):
        """The compiled loss of one batch, times its `loss_weights` (a Tensor on the tape)."""
        y, y_pred, sample_weight = only_item(y), only_item(y_pred), only_item(sample_weight)
        if not self.built:
            self.build(np.shape(_plain(y)), np.shape(_plain(y_pred)))
        value = self.loss_fn(y, y_pred, sample_weight=sample_weight)
        if self.loss_weight is not None:
            value = ops.multiply(value, np.asarray(self.loss_weight, dtype=value.dtype))
        return value

    def reset(self):
        self.loss_tracker.reset_state()
        self.compile_metrics.reset_state()

    def update_metrics(self, y, y_pred, batch_size, loss_value, sample_weight=None):
        """Record one batch: the loss weighted by its size, each metric (unweighted, as Keras)
        and each weighted metric with the sample weights."""
        self.loss_tracker.update_state(loss_value, sample_weight=batch_size)
        y, y_pred, sample_weight = only_item(y), only_item(y_pred), only_item(sample_weight)
        for metric in self.metrics:
            metric.update_state(y, y_pred)
        for metric in self.weighted_metrics:
            metric.update_state(y, y_pred, sample_weight=sample_weight)

    def results(self):
        """The running values, keys in alphabetical order (Keras sorts its logs)."""
        logs = {"loss": self.loss_tracker.result(), **self.compile_metrics.result()}
        return dict(sorted(logs.items()))

    def results_in_compile_order(self):
        return [self.loss_tracker.result()] + [m.result() for m in self.metrics + self.weighted_metrics]


class CompileMetrics(metrics_module.Metric):
    """The metrics given to compile, as one metric (Keras's ``compile_metrics``): its result is
    a dict of their results. ``model.compiled_metrics`` is this object."""

    def __init__(self, state):
        super().__init__(name="compile_metrics")
        self._state = state

    @property
    def metrics(self):
        return self._state.metrics + self._state.weighted_metrics

    def update_state(self, y_true, y_pred, sample_weight=None):
        state = self._state
        y_true, y_pred = _plain(only_item(y_true)), _plain(only_item(y_pred))
        if not state.built:
            state.build(np.shape(y_true), np.shape(y_pred))
        for metric in state.metrics:
            metric.update_state(y_true, y_pred)
        for metric in state.weighted_metrics:
            metric.update_state(y_true, y_pred, sample_weight=_plain(only_item(sample_weight)))

    def result(self):
        """{name: result}; a name already taken gets _1, _2, ... as Keras's keys do
        (metrics=["auc", keras.metrics.AUC()] logs auc and auc_1)."""
        results, counts = {}, {}
        for metric in self.metrics:
            name = metric.name
            if name in counts:
                counts[name] += 1
                name = f"{name}_{counts[name] - 1}"
            else:
                counts[name] = 1
            results[name] = metric.result()
        return results

    def reset_state(self):
        for metric in self.metrics:
            metric.reset_state()


class CompiledLoss:
    """``model.compiled_loss(y, y_pred, sample_weight=None, regularization_losses=None)``, as
    tf.keras 2 wrote custom train steps: the compiled loss plus the given penalties; it also
    records the total in the ``loss`` metric, as tf.keras 2 did."""

    def __init__(self, state):
        self._state = state

    def __call__(self, y_true, y_pred, sample_weight=None, regularization_losses=None):
        total = self._state.loss(y_true, y_pred, sample_weight)
        for penalty in regularization_losses or []:
            total = total + penalty
        self._state.loss_tracker.update_state(float(total.value), sample_weight=len(_plain(y_pred)))
        return total

    @property
    def metrics(self):
        return [self._state.loss_tracker]


def _plain(value):
    return value.value if isinstance(value, Tensor) else value


def _is_auto_crossentropy(loss):
    return isinstance(loss, str) and loss.lower() in _AUTO_CROSSENTROPY


def _one_loss(loss):
    """The loss of one output given as a dict or list of one, as Keras accepts it (a subclassed
    model's dict may also name one of several outputs: trainer._use_call_outputs)."""
    if isinstance(loss, dict) and len(loss) == 1:
        return next(iter(loss.values()))
    if isinstance(loss, (list, tuple)) and len(loss) == 1:
        return loss[0]
    return loss


def _loss_weight(loss_weights):
    """The one weight of a single-output model's loss: a float, or a list or dict of one."""
    if loss_weights is None:
        return None
    if isinstance(loss_weights, dict) and len(loss_weights) == 1:
        loss_weights = next(iter(loss_weights.values()))
    elif isinstance(loss_weights, (list, tuple)):
        if len(loss_weights) != 1:
            raise ValueError(f"`loss_weights` must match the number of losses, got 1 losses and "
                             f"{len(loss_weights)} weights.")
        loss_weights = loss_weights[0]
    if not check.is_real(loss_weights):
        raise ValueError(
            "Expected `loss_weights` argument to be a float (single output case) or a list, tuple, or "
            f"dict (multiple output case). Received instead: loss_weights={loss_weights!r} "
            f"of type {type(loss_weights).__name__}"
        )
    return check.real("loss_weights", loss_weights)


def _metric_list(metrics, argument):
    if metrics is None:
        return []
    if isinstance(metrics, (list, tuple)) and len(metrics) == 1 and isinstance(metrics[0], (list, tuple)):
        metrics = metrics[0]                     # one output's list, as Keras takes it: [["mae"]]
    if isinstance(metrics, dict):
        return [m for value in metrics.values() for m in (value if isinstance(value, (list, tuple)) else [value])]
    if not isinstance(metrics, (list, tuple)):
        raise ValueError(
            f"Expected `{argument}` argument to be a list, tuple, or dict. "
            f"Received instead: {argument}={metrics!r} of type {type(metrics).__name__}. "
            f"Wrap it in a list: {argument}=[...]"
        )
    return list(metrics)
