"""``Diagnostics``: a callback that watches training from the inside and says what goes wrong.

Once per epoch it traces one training step (``glassnet.inspect.step``, without applying it)
on a small fixed sample of the training rows, records each layer's health and warns, once
per kind and in words, about the classic failures: a non-finite loss, vanishing or
exploding gradients, dead ReLUs, saturated sigmoids, a loss that does not decrease,
oscillates or overfits, outputs that do not fit the loss or the labels. The checklist and
its thresholds are the published detectors' (docs/diagnostics.md).
"""
import math

import numpy as np

from glassnet.inspect.diagnosis import causes, curves, output_checks, step_checks, thresholds
from glassnet.inspect.diagnosis.findings import Finding, Reporter, TrainingWarning
from glassnet.inspect.diagnosis.layer_stats import LayerStats
from glassnet.inspect.diagnosis.record import Record
from glassnet.inspect.diagnosis.sample import Sample
from glassnet.inspect.diagnosis.unchanged import UnchangedOutputs
from glassnet.keras import validation as check
from glassnet.keras.callbacks import Callback

__all__ = ["Diagnostics", "TrainingWarning"]

# The loss-curve findings that mean training is failing (and make the layers' states worth reporting).
_FAILING = frozenset({"exploding_gradient", "loss_not_decreasing", "slow_convergence", "oscillating_loss"})
# Training steps between two traced steps at least, by default: a traced step costs about 15 plain ones.
_MIN_STEPS_BETWEEN_TRACES = 50
# check_model's findings about the inputs' scale: once said before training, not said again as a cause.
_SAID_BEFORE = frozenset({"unscaled_inputs", "integer_inputs"})


class Diagnostics(Callback):
    """Records per-layer statistics each epoch and warns about training failures.

    Usage::

        diagnostics = glassnet.inspect.Diagnostics()
        model.fit(x, y, epochs=20, callbacks=[diagnostics])
        diagnostics.findings        # every problem seen (check, epoch, layer, message)
        diagnostics.record          # the curves, as glassnet.plot.diagnostics reads them
        diagnostics.plot("diagnostics.png")

    A traced epoch costs one training step on `sample_size` rows, traced (no change to the
    model, its optimizer or the random state), and a few NumPy reductions; every batch costs
    one finiteness test of the running loss. A traced step costs about as much as 15 plain
    ones, so by default epochs shorter than 50 steps are traced every few epochs (and the
    last one always): the record then has None for the epochs between.

    Args:
        sample: x, (x, y) or (x, y, sample_weight) to trace; by default `sample_size` rows of
            the training data, chosen once with a private generator (fit hands them over).
        sample_size: rows traced per epoch (64: from about 128 rows NumPy's BLAS starts its threads,
            which on a busy 2-core machine made one traced step cost 30-50 ms instead of 2).
        seed: the seed of the private generator that picks the rows.
        stop_on_nan: stop training (as ``TerminateOnNaN`` does) after the batch whose loss
            became NaN or infinite: every later step would be NaN too. False warns and trains on.
        trace_every: trace every this many epochs (and the last); ``"auto"`` (default) traces
            every epoch of 50 steps or more, else often enough that 50 steps pass between traces.
        **thresholds: any threshold of ``glassnet.inspect.diagnosis.thresholds.DEFAULTS``, e.g.
            ``saturation_share=0.3`` or ``window=10``.

    Warnings have the category :class:`TrainingWarning`; each check id warns once per fit.
    The loss curve decides whether training is failing (not decreasing, too slow, oscillating,
    exploding); the layers' states (saturated, dead, vanishing or exploding gradients) and the
    likely causes are reported only then, in AUTOTRAINER's order: a confident healthy sigmoid
    net saturates too. docs/diagnostics.md lists every check, its source and its threshold.
    """

    def __init__(self, sample=None, sample_size=64, seed=0, stop_on_nan=True, trace_every="auto", **thresholds_):
        super().__init__()
        if trace_every != "auto":
            trace_every = check.integer("trace_every", trace_every, minimum=1)
        self.trace_every = trace_every
        self.thresholds = thresholds.resolve(thresholds_)
        self.sample_size = check.integer("sample_size", sample_size, minimum=1)
        self.seed = check.integer("seed", seed, minimum=0)
        self.stop_on_nan = check.boolean("stop_on_nan", stop_on_nan, owner="Diagnostics")
        self._given = Sample.given(sample)
        self._sample = self._given
        self._reporter = Reporter()
        self._start()

    def _start(self):
        self._record, self._unchanged = Record(), UnchangedOutputs()
        self._epoch, self._batch, self._nan_seen, self._failing = 0, -1, False, False
        self._statics_done, self._training, self._tracing, self._tracker = False, False, True, None

    # --- what it found ------------------------------------------------------------------
    @property
    def findings(self):
        """Every :class:`Finding` of the last fit, in the order seen (check, epoch, batch, layer, message)."""
        return list(self._reporter.findings)

    @property
    def record(self):
        """The recorded curves (see glassnet/inspect/diagnosis/record.py for the format)."""
        return self._record.as_dict()

    def plot(self, path=None):
        """Draw :attr:`record` with ``glassnet.plot.diagnostics`` (to `path` as PNG when given)."""
        from glassnet import plot  # matplotlib is optional: only drawing needs it

        return plot.diagnostics(self.record, path)

    # --- the data fit hands over ----------------------------------------------------------
    def _set_training_data(self, x, y=None, sample_weight=None):
        """Called once by fit with its prepared training arrays (or a stream's first batch)."""
        if self._given is None:
            self._sample = Sample.draw(x, y, sample_weight, self.sample_size, self.seed)
        if self._training:
            self._static_checks()

    # --- hooks --------------------------------------------------------------------------
    def on_train_begin(self, logs=None):
        self._reporter.reset()
        self._start()
        self._training = True
        metrics = self.model.metrics
        self._tracker = metrics[0] if metrics and getattr(metrics[0], "name", None) == "loss" else None
        if self._sample is not None:
            self._static_checks()

    def on_epoch_begin(self, epoch, logs=None):
        self._epoch, self._batch = epoch, -1

    def on_train_batch_begin(self, batch, logs=None):
        # The running mean of the loss stays NaN once a batch's loss was: reading it before
        # each batch finds the batch that broke it, without fit building logs every step.
        if not self._nan_seen and self._tracker is not None and not math.isfinite(self._tracker.total.value):
            # With steps_per_execution > 1 this hook runs every few batches: the last one is named.
            self._non_finite_loss(float(self._tracker.result()), batch - 1)
        self._batch = batch

    def on_epoch_end(self, epoch, logs=None):
        logs = logs or {}
        self._static_checks()  # with no data handed over (a custom fit loop), on the model alone
        loss, val_loss = logs.get("loss"), logs.get("val_loss")
        if loss is not None and not math.isfinite(loss) and not self._nan_seen:
            # The batch hook found nothing, so the last batch broke the loss (unless a custom
            # train_step keeps its own loss, and the batch is unknown).
            custom = self.model._overridden("train_step")
            self._non_finite_loss(loss, None if custom else max(self._batch, 0))
        self._record.add_epoch(epoch, loss, val_loss)
        traced = self._sample is not None and self._tracing and self._traces(epoch)
        stats, y_pred = self._trace() if traced else (None, None)
        if stats is not None:
            self._record.add_layers(stats)
        if self._nan_seen:
            return
        failing = self._curve_checks() if loss is not None else []
        self._failing = self._failing or any(f.check in _FAILING for f in failing)
        found = failing
        if stats is not None:
            found += self._output_checks(stats, y_pred)
            states = self._layer_checks(stats)
            if self._failing and states:  # AUTOTRAINER's order: a layer's state is the cause of a failure seen
                found += states + self._causes(stats)
        self._report(found, epoch)

    def on_train_end(self, logs=None):
        self._training = False
        if self._given is None:
            self._sample = None  # the next fit hands over its own data

    # --- the checks ----------------------------------------------------------------------
    def _static_checks(self):
        """glassnet.inspect.check_model's findings, once per fit, before the first epoch."""
        if self._statics_done:
            return
        self._statics_done = True
        try:
            from glassnet.inspect import check_model
        except ImportError:  # check_model is not part of this build
            return
        sample = self._sample or Sample(None)
        for found in check_model(self.model, sample.x, sample.y):
            self._reporter.add(Finding(found.check, found.problem, found.fix, layer=found.layer))

    def _layer_checks(self, stats):
        """The layers' states. Each can be harmless while the loss falls (a confident sigmoid
        net saturates; some ReLUs idle), so they are reported once training is failing."""
        th = self.thresholds
        return (step_checks.gradients(stats, th) + step_checks.dead_relu(stats, th) + step_checks.saturated(stats, th)
                + step_checks.large_outputs(stats, th) + self._unchanged.check(stats, th))

    def _output_checks(self, stats, y_pred):
        th, loss = self.thresholds, output_checks.LossInfo(self.model)
        return (output_checks.row_sums(y_pred, loss, th)
                + output_checks.label_range(y_pred, self._sample.y, stats[-1].activation if stats else None, loss, th))

    def _causes(self, stats):
        th = self.thresholds
        said = {finding.check for finding in self._reporter.findings}
        scale = [] if said & _SAID_BEFORE else causes.input_range(self._sample.x, th)
        return scale + causes.weight_variance(stats, th) + causes.update_size(stats, th, _learning_rate(self.model))

    def _curve_checks(self):
        record, th = self._record, self.thresholds
        loss = record.loss
        epochs = (self.params or {}).get("epochs")
        found = (curves.loss_size(loss, th) + curves.not_decreasing(loss, th) + curves.slow(loss, th, epochs)
                 + curves.oscillating(loss, th, epochs))
        if any(value is not None for value in record.val_loss):
            found += curves.overfitting(loss, record.val_loss, th)
        return found

    def _traces(self, epoch):
        """Whether this epoch is traced (see `trace_every`)."""
        params = self.params or {}
        every = self.trace_every
        if every == "auto":
            steps = params.get("steps") or _MIN_STEPS_BETWEEN_TRACES
            every = math.ceil(_MIN_STEPS_BETWEEN_TRACES / steps)
        last = params.get("epochs") is not None and epoch == params["epochs"] - 1
        return epoch % every == 0 or last

    def _trace(self):
        """(LayerStats per top-level layer, y_pred) of one step on the sample, not applied."""
        from glassnet import inspect  # the package imports this module: look `step` up when used

        sample = self._sample
        try:
            with np.errstate(all="ignore"):
                trace = inspect.step(self.model, sample.x, sample.y, sample_weight=sample.sample_weight)
                stats = [LayerStats(layer, self.thresholds["saturation_z"]) for layer in trace.layers]
        except Exception as error:  # noqa: BLE001 - diagnosing must never stop training
            self._tracing = False
            self._reporter.add(Finding("trace_failed", f"Diagnostics could not trace a step on its sample "
                                       f"({type(error).__name__}: {error}); the per-layer checks are off for this fit.",
                                       "pass a sample that fit accepts: Diagnostics(sample=(x[:256], y[:256])).",
                                       epoch=self._epoch + 1))
            return None, None
        return stats, np.asarray(trace.y_pred)

    def _non_finite_loss(self, loss, batch):
        self._nan_seen = True
        layer, what = self._first_non_finite()
        where = (f"The first layer with non-finite values is '{layer}' (its {what})." if layer else
                 "The weights are still finite on the sample: this batch's loss itself overflowed "
                 "(e.g. log(0), or a huge prediction squared).")
        rate = _learning_rate(self.model)
        rate = "" if rate is None else f" The learning rate is {rate:g}."
        stop = " Training stops here (Diagnostics(stop_on_nan=False) trains on)." if self.stop_on_nan else ""
        self._reporter.add(Finding(
            "nonfinite_loss", f"the loss became {loss} in this batch. {where}{rate}{stop}",
            "lower the learning rate (try 10 times smaller), scale the inputs (a Normalization layer), or clip "
            "the gradients (e.g. SGD(learning_rate=..., clipnorm=1.0)).",
            epoch=self._epoch + 1, batch=batch))
        if self.stop_on_nan:
            self.model.stop_training = True

    def _first_non_finite(self):
        """The first layer whose weights or output on the sample are not finite (None if none)."""
        if self._sample is None or not self._tracing:
            return None, None
        stats, _ = self._trace()
        return step_checks.first_non_finite(stats) if stats else (None, None)

    def _report(self, found, epoch):
        for finding in found:
            finding.epoch = epoch + 1
            self._reporter.add(finding)


def _learning_rate(model):
    try:
        return float(model.optimizer.learning_rate)
    except (AttributeError, TypeError, ValueError):
        return None
