"""The per-batch methods a Model subclass may override, as Keras's guide "Customizing what
happens in fit()" writes them: ``train_step``, ``test_step``, ``predict_step``,
``compute_loss``, ``compute_metrics``, and the ``metrics`` they report.

``fit`` calls ``train_step(data)`` once per batch, where `data` is ``x``, ``(x, y)`` or
``(x, y, sample_weight)`` as Tensors, and logs the dict it returns. A model that keeps
the defaults trains through the same arithmetic without the per-batch Python dicts (see
trainer.py); the tests check both give the same numbers.
"""
import numpy as np

from glassnet.autodiff import Tensor, ops
from glassnet.keras.layers.layer import signature_of
from glassnet.keras.metrics import Metric
from glassnet.keras.trainers.compile_state import CompiledLoss


def unpack_x_y_sample_weight(data):
    """``x``, ``(x,)``, ``(x, y)`` or ``(x, y, sample_weight)`` as a triple (Keras's helper)."""
    if isinstance(data, list):
        data = tuple(data)
    if not isinstance(data, tuple):
        return data, None, None
    if len(data) in (1, 2, 3):
        return (*data, None, None)[:3]
    raise ValueError(
        "Data is expected to be in format `x`, `(x,)`, `(x, y)`, or `(x, y, sample_weight)`, "
        f"found a tuple of {len(data)} items."
    )


def pack_x_y_sample_weight(x, y=None, sample_weight=None):
    """The inverse of :func:`unpack_x_y_sample_weight`, dropping trailing Nones (as Keras)."""
    if y is None:
        return x if not isinstance(x, (list, tuple)) else (x,)
    return (x, y) if sample_weight is None else (x, y, sample_weight)


class StepMethods:
    """The overridable per-batch API of every Model (mixed into Trainer)."""

    # --- metrics ------------------------------------------------------------------
    @property
    def metrics(self):
        """The loss tracker and the compiled metrics (once compiled), then every metric assigned
        to the model or its layers (Keras's order)."""
        state = self._compile_state
        compiled = [] if state is None else [state.loss_tracker]
        if state is not None and (state.metric_identifiers or state.weighted_metric_identifiers):
            compiled.append(state.compile_metrics)  # listed only when compile was given metrics (Keras)
        if state is not None:
            compiled += getattr(state, "output_loss_trackers", [])  # `<output>_loss` of several outputs
        return compiled + self._cached("metrics", self._assigned_metrics)

    def _assigned_metrics(self):
        metrics = self._tracked_leaves(Metric)
        for layer in self._flatten_layers(include_self=False):
            if not isinstance(layer, StepMethods):  # a nested model's own trackers are its own
                metrics += layer._tracked_leaves(Metric)
        return metrics

    @property
    def metrics_names(self):
        return [metric.name for metric in self.metrics]

    def reset_metrics(self):
        for metric in self.metrics:
            metric.reset_state()

    def get_metrics_result(self):
        """``{name: result}`` of :attr:`metrics`; a metric whose result is a dict adds its items."""
        logs = {}
        for metric in self.metrics:
            result = metric.result()
            if isinstance(result, dict):
                logs.update(result)
            else:
                logs[metric.name] = result
        return logs

    @property
    def compiled_loss(self):
        """tf.keras 2's ``compiled_loss(y, y_pred, sample_weight, regularization_losses)``."""
        return CompiledLoss(self._checked_state())

    @property
    def compiled_metrics(self):
        """tf.keras 2's ``compiled_metrics``: ``update_state(y, y_pred, sample_weight)``."""
        return self._checked_state().compile_metrics

    def _checked_state(self):
        if self._compile_state is None:
            raise ValueError("You must call `compile()` before using `compiled_loss` or `compiled_metrics`.")
        return self._compile_state

    # --- loss ---------------------------------------------------------------------------
    def compute_loss(self, x=None, y=None, y_pred=None, sample_weight=None, training=True):
        """The compiled loss (times `loss_weights`) plus every loss in :attr:`losses` (penalties of
        the weights, ``add_loss`` and activity regularizers), as one scalar Tensor."""
        losses = []
        state = self._compile_state
        if state is not None and state.loss_identifier is not None:
            losses.append(state.loss(y, y_pred, sample_weight))
        for penalty in self.losses:
            losses.append(ops.sum(penalty) if penalty.ndim else penalty)
        if not losses:
            raise ValueError(
                "No loss to compute. Provide a `loss` argument in `compile()`, or add one with `add_loss()`."
            )
        total = losses[0]
        for loss in losses[1:]:
            total = total + loss
        return total

    def _compute_loss(self, x=None, y=None, y_pred=None, sample_weight=None, training=True):
        """compute_loss, also when an override predates its `training` argument (as Keras)."""
        if signature_of(type(self).compute_loss).takes_training:  # read once per method, not per batch
            return self.compute_loss(x, y, y_pred, sample_weight, training=training)
        return self.compute_loss(x, y, y_pred, sample_weight)

    def compute_metrics(self, x, y, y_pred, sample_weight=None):
        """Update the compiled metrics with one batch; return :meth:`get_metrics_result`."""
        if self._compile_state is not None:
            self._compile_state.compile_metrics.update_state(y, y_pred, sample_weight)
        return self.get_metrics_result()

    # --- the steps ----------------------------------------------------------------------
    def train_step(self, data):
        """One batch of training: forward, loss, gradients, update, metrics. Returns the logs."""
        x, y, sample_weight = (_array(part) for part in unpack_x_y_sample_weight(data))
        loss, y_pred = self._training_step()(x, y, sample_weight)
        self._compile_state.loss_tracker.update_state(loss, sample_weight=_batch_size(y_pred))
        return self.compute_metrics(x, y, y_pred, sample_weight)

    def test_step(self, data):
        """One batch of evaluation: forward without training, loss, metrics. Returns the logs."""
        x, y, sample_weight = unpack_x_y_sample_weight(data)
        y_pred = self(x, training=False)
        loss = self._compute_loss(x=x, y=y, y_pred=y_pred, sample_weight=sample_weight, training=False)
        self._compile_state.loss_tracker.update_state(float(loss.value), sample_weight=_batch_size(y_pred))
        return self.compute_metrics(x, y, y_pred, sample_weight)

    def predict_step(self, data):
        """The model's outputs for one batch."""
        x, _, _ = unpack_x_y_sample_weight(data)
        return self(x, training=False)

    def _overridden(self, name):
        """Whether a subclass replaced one of the methods above."""
        return getattr(type(self), name) is not getattr(StepMethods, name)


def _batch_size(y_pred):
    """The number of samples in a batch of outputs (one array, or a list or dict of them)."""
    if isinstance(y_pred, dict):
        y_pred = next(iter(y_pred.values()))
    elif isinstance(y_pred, (list, tuple)):
        y_pred = y_pred[0]
    return len(y_pred)


def _array(value):
    if value is None:
        return None
    if isinstance(value, dict):
        return {key: _array(part) for key, part in value.items()}
    if isinstance(value, (list, tuple)):
        return [_array(part) for part in value]
    return value.value if isinstance(value, Tensor) else np.asarray(value)
