"""The training API of every Model: compile, fit, evaluate, predict and the *_on_batch calls.

One training step, in Keras's order (see keras-semantics §2):

1. forward pass with ``training=True``;
2. loss = compiled loss + the layers' regularization penalties;
3. gradients of that loss with respect to the trainable weights (the tape);
4. the optimizer's update;
5. metrics from the predictions of step 1.
"""
import warnings

import numpy as np

from glassnet.autodiff import GradientTape, Tensor
from glassnet.autodiff.tape import backward
from glassnet.keras import optimizers
from glassnet.keras.callbacks import CallbackList
from glassnet.keras.trainers import data
from glassnet.keras.trainers.compile_state import CompileState
from glassnet.keras.trainers.epoch_iterator import EpochIterator, batch_size_for
from glassnet.keras import validation as check


class Trainer:
    def __init__(self):
        self.optimizer = None
        self.loss = None
        self.compiled = False
        self.stop_training = False
        self.history = None
        self._compile_state = None
        self._fast_step = None

    # --- compile ---------------------------------------------------------------
    def compile(self, optimizer="rmsprop", loss=None, loss_weights=None, metrics=None,
                weighted_metrics=None, run_eagerly=False, steps_per_execution=1, jit_compile="auto",
                auto_scale_loss=True):
        """Configure the model for training.

        Args:
            optimizer: name (``'adam'``) or optimizer object; RMSprop by default, as Keras.
            loss: name, loss object or function; ``model.loss`` keeps what was given.
            metrics: a list (or dict) of names, metric objects or functions, e.g. ``['accuracy']``.
        """
        optimizer = optimizers.get(optimizer)
        if metrics is None and self._compile_state is not None and loss is not None:
            metrics = self._compile_state.metric_identifiers  # Keras keeps earlier metrics on recompile
        self._compile_state = CompileState(loss, metrics)
        self._fast_step = None
        self.optimizer = optimizer
        self.loss = loss
        self.compiled = True

    def _assert_compiled(self):
        if not self.compiled:
            raise ValueError("You must call `compile()` before using the model (fit, evaluate, train_on_batch).")
        if self._compile_state.loss_identifier is None:
            raise ValueError("The model was compiled without a loss: call compile(loss=...) before fit/evaluate.")

    # --- data preparation ----------------------------------------------------------
    def _prepare_arrays(self, x, y, sample_weight=None, prefix=""):
        """Check and convert one (x, y, sample_weight) triple; build the model from x if needed."""
        x = data.to_array(x, prefix + "x", dtype=self.dtype)
        y = data.to_array(y, prefix + "y")
        if y.dtype.kind == "f" and y.dtype != self.dtype:
            y = y.astype(self.dtype)
        if sample_weight is not None:
            sample_weight = data.to_array(sample_weight, prefix + "sample_weight", dtype=self.dtype)
        data.check_same_length({prefix + "x": x, prefix + "y": y, prefix + "sample_weight": sample_weight})
        for array, name in ((x, "x"), (y, "y"), (sample_weight, "sample_weight")):
            if array is not None:
                data.check_finite(array, prefix + name)
        self._ensure_built(x.shape)
        return x, y, sample_weight

    def _output_shape(self, x):
        return tuple(self.call(Tensor(x[:1]), training=False).shape)

    def _check_targets(self, x, y):
        """Resolve 'accuracy' & co. from the shapes on first use, then validate the labels
        against the loss. Returns True the first time (Keras's first fit after compile)."""
        state = self._compile_state
        output_shape = self._output_shape(x)
        first_use = not state.built
        if first_use:
            state.build(y[:1].shape, output_shape)
        state.loss_fn.validate_targets(y, (None, *output_shape[1:]))
        return first_use

    # --- fit ---------------------------------------------------------------------------
    def fit(self, x=None, y=None, batch_size=None, epochs=1, verbose="auto", callbacks=None,
            validation_split=0.0, validation_data=None, shuffle=True, class_weight=None,
            sample_weight=None, initial_epoch=0, steps_per_epoch=None, validation_steps=None,
            validation_batch_size=None, validation_freq=1):
        """Train for `epochs` passes over (x, y) in batches of `batch_size` (32).

        Returns a :class:`History` whose ``.history`` maps ``'loss'`` and each metric (and their
        ``val_`` versions) to one value per epoch.
        """
        self._assert_compiled()
        batch_size = check.optional(check.integer, "batch_size", batch_size, minimum=1)
        validation_batch_size = check.optional(check.integer, "validation_batch_size", validation_batch_size,
                                               minimum=1)
        steps_per_epoch = check.optional(check.integer, "steps_per_epoch", steps_per_epoch, minimum=1)
        validation_steps = check.optional(check.integer, "validation_steps", validation_steps, minimum=1)
        epochs = check.integer("epochs", epochs, minimum=0)
        initial_epoch = check.integer("initial_epoch", initial_epoch, minimum=0)
        verbose = _verbose(verbose)
        validation_freq = check.integer("validation_freq", validation_freq, minimum=1)
        _check_validation_split(validation_split)
        if class_weight is not None and sample_weight is not None:
            raise ValueError("You cannot use `class_weight` and `sample_weight` at the same time.")
        if shuffle not in (True, False, "batch"):
            raise ValueError(f"`shuffle` must be True, False or 'batch'. Received: shuffle={shuffle!r}")

        x, y, sample_weight = self._prepare_arrays(x, y, sample_weight)
        val = None
        if validation_data is not None:
            val = self._prepare_arrays(*_unpack_validation(validation_data), prefix="val_")
        elif validation_split:
            (x, y, sample_weight), val = data.split_validation([x, y, sample_weight], validation_split)
        if class_weight is not None:
            sample_weight = data.class_weight_to_sample_weight(y, class_weight)
        first_fit = self._check_targets(x, y)
        if val is not None:
            self._check_targets(val[0], val[1])
        batches = EpochIterator(len(x), batch_size_for(len(x), batch_size, steps_per_epoch), shuffle,
                                steps_per_epoch)
        if first_fit:  # Keras builds the model from one batch of a pass (drawing its shuffle), then resets
            next(batches.epoch(), None)
            batches.reset()
        if val is not None:
            val_batches = EpochIterator(len(val[0]), batch_size_for(len(val[0]), validation_batch_size or batch_size,
                                                                    validation_steps), steps_per_epoch=validation_steps)
        callback_list = CallbackList(callbacks, add_history=True, add_progbar=verbose != 0, model=self,
                                     verbose=verbose, epochs=epochs, steps=batches.num_batches)
        self.stop_training = False
        callback_list.on_train_begin()
        logs = {}
        try:
            for epoch in range(initial_epoch, epochs):
                callback_list.on_epoch_begin(epoch)
                logs = self._run_epoch(x, y, sample_weight, batches, callback_list)
                if val is not None and (epoch + 1) % validation_freq == 0:
                    val_logs = self._evaluate_arrays(*val, val_batches, callback_list)
                    logs.update({"val_" + key: value for key, value in val_logs.items()})
                _warn_if_diverged(logs, epoch)
                callback_list.on_epoch_end(epoch, logs)
                if self.stop_training:
                    break
        finally:
            if epochs > 0:  # as Keras, even when training stops on an error: e.g. EMA weights go in
                self.optimizer.finalize_variable_values(self.trainable_weights)
        callback_list.on_train_end(logs)
        return self.history

    def _run_epoch(self, x, y, sample_weight, batches, callback_list):
        state = self._compile_state
        state.reset()
        report_batches = callback_list.wants("on_train_batch_end")  # the running logs cost a dict per step
        announce_batches = callback_list.wants("on_train_batch_begin")
        train_step = self._training_step()
        for step, rows in batches.epoch():
            if announce_batches:
                callback_list.on_train_batch_begin(step)
            y_batch = y[rows]
            sw = None if sample_weight is None else sample_weight[rows]
            loss, y_pred = train_step(x[rows], y_batch, sw)
            state.update_metrics(y_batch, y_pred, len(y_pred), loss)
            if report_batches:
                callback_list.on_train_batch_end(step, state.results())
            if self.stop_training:
                break
        return state.results()

    def _training_step(self):
        """The step function for the next batches (chosen once per epoch, as Keras compiles its
        train function once per fit): the model's compiled step where it offers one (for a
        stack of Dense layers, the same ops without the tape), else the tape. Only this default
        step may ask for it: a user's own train_step must run as written."""
        self.optimizer._ensure_built(self.trainable_weights)
        return self._compiled_train_step() or self._tape_step

    def _tape_step(self, x, y, sample_weight):
        """One step: forward, loss, gradients, update. Returns (loss value, predictions)."""
        variables = self.trainable_weights
        with GradientTape():
            y_pred = self.call(Tensor(x), training=True)
            loss = self._compute_loss(y, y_pred, sample_weight)
        self.optimizer.apply(backward(loss, variables), variables)
        return loss.value, y_pred.value

    def _compute_loss(self, y, y_pred, sample_weight):
        loss = self._compile_state.loss_fn(y, y_pred, sample_weight=sample_weight)
        for penalty in self.losses:
            loss = loss + penalty
        return loss

    # --- evaluate / predict --------------------------------------------------------
    def evaluate(self, x=None, y=None, batch_size=None, verbose="auto", sample_weight=None, steps=None,
                 callbacks=None, return_dict=False):
        """Loss (and metrics) on (x, y), without dropout, regularization penalties included.

        Returns a float (loss only), a list ``[loss, *metrics]`` in compile order, or a dict
        with sorted keys when ``return_dict=True``.
        """
        self._assert_compiled()
        batch_size = check.optional(check.integer, "batch_size", batch_size, minimum=1)
        steps = check.optional(check.integer, "steps", steps, minimum=1)
        verbose = _verbose(verbose)
        x, y, sample_weight = self._prepare_arrays(x, y, sample_weight)
        self._check_targets(x, y)
        batches = EpochIterator(len(x), batch_size_for(len(x), batch_size, steps), steps_per_epoch=steps)
        callback_list = CallbackList(callbacks, add_progbar=verbose != 0, model=self, verbose=verbose,
                                     epochs=1, steps=batches.num_batches)
        logs = self._evaluate_arrays(x, y, sample_weight, batches, callback_list)
        return self._format_results(logs, return_dict)

    def _evaluate_arrays(self, x, y, sample_weight, batches, callback_list):
        batches.reset()  # as Keras's evaluate does: every validation starts at the first batch
        state = self._compile_state
        state.reset()
        callback_list.on_test_begin()
        logs = {}
        for step, rows in batches.epoch():
            callback_list.on_test_batch_begin(step)
            sw = None if sample_weight is None else sample_weight[rows]
            y_pred = self.call(Tensor(x[rows]), training=False)
            loss = self._compute_loss(y[rows], y_pred, sw)
            state.update_metrics(y[rows], y_pred.value, len(y_pred), loss.value)
            logs = state.results()
            callback_list.on_test_batch_end(step, logs)
        callback_list.on_test_end(logs)
        return logs

    def _format_results(self, logs, return_dict):
        if return_dict:
            return dict(logs)
        values = self._compile_state.results_in_compile_order()
        return values[0] if len(values) == 1 else values

    def predict(self, x, batch_size=None, verbose="auto", steps=None, callbacks=None):
        """Outputs for every row of `x` as one NumPy array (no dropout; works uncompiled)."""
        batch_size = check.optional(check.integer, "batch_size", batch_size, minimum=1)
        steps = check.optional(check.integer, "steps", steps, minimum=1)
        verbose = _verbose(verbose)
        x = data.to_array(x, "x", dtype=self.dtype)
        data.check_finite(x, "x")
        self._ensure_built(x.shape)
        batches = EpochIterator(len(x), batch_size_for(len(x), batch_size, steps), steps_per_epoch=steps)
        callback_list = CallbackList(callbacks, add_progbar=verbose != 0, model=self, verbose=verbose,
                                     epochs=1, steps=batches.num_batches)
        callback_list.on_predict_begin()
        outputs = []
        for step, rows in batches.epoch():
            callback_list.on_predict_batch_begin(step)
            outputs.append(self.call(Tensor(x[rows]), training=False).value)
            callback_list.on_predict_batch_end(step, {"outputs": outputs[-1]})
        callback_list.on_predict_end()
        return outputs[0] if len(outputs) == 1 else np.concatenate(outputs)

    # --- single batches -------------------------------------------------------------
    def train_on_batch(self, x, y=None, sample_weight=None, class_weight=None, return_dict=False):
        """One gradient update on exactly this batch; returns its loss (and metrics)."""
        self._assert_compiled()
        x, y, sample_weight = self._prepare_arrays(x, y, sample_weight)
        if class_weight is not None:
            if sample_weight is not None:
                raise ValueError("You cannot use `class_weight` and `sample_weight` at the same time.")
            sample_weight = data.class_weight_to_sample_weight(y, class_weight)
        self._check_targets(x, y)
        self._compile_state.reset()
        loss, y_pred = self._training_step()(x, y, sample_weight)
        self._compile_state.update_metrics(y, y_pred, len(y_pred), loss)
        return self._format_results(self._compile_state.results(), return_dict)

    def test_on_batch(self, x, y=None, sample_weight=None, return_dict=False):
        """Loss (and metrics) on exactly this batch, without updating anything."""
        self._assert_compiled()
        x, y, sample_weight = self._prepare_arrays(x, y, sample_weight)
        self._check_targets(x, y)
        logs = self._evaluate_arrays(x, y, sample_weight, EpochIterator(len(x), len(x)), CallbackList(None, model=self))
        return self._format_results(logs, return_dict)

    def predict_on_batch(self, x):
        """Outputs for exactly this batch, as a NumPy array."""
        return self(x, training=False).numpy()


def _verbose(verbose):
    if verbose == "auto":
        return 1
    if verbose not in (0, 1, 2):
        raise ValueError(f"`verbose` must be 'auto', 0, 1 or 2. Received: verbose={verbose!r}")
    return int(verbose)


def _check_validation_split(validation_split):
    if isinstance(validation_split, bool) or not isinstance(validation_split, (int, float)) \
            or not 0 <= validation_split < 1:
        raise ValueError(
            f"`validation_split` must be a float in [0, 1). Received: validation_split={validation_split!r}"
        )


def _unpack_validation(validation_data):
    if not isinstance(validation_data, (tuple, list)) or len(validation_data) not in (2, 3):
        length = len(validation_data) if hasattr(validation_data, "__len__") else "?"
        raise ValueError(
            "`validation_data` must be a tuple (x_val, y_val) or (x_val, y_val, val_sample_weight). "
            f"Received: {type(validation_data).__name__} of length {length}"
        )
    return tuple(validation_data)


def _warn_if_diverged(logs, epoch):
    loss = logs.get("loss")
    if loss is not None and not np.isfinite(loss):
        warnings.warn(
            f"The training loss became {loss} in epoch {epoch + 1}: training diverged. Usual causes: a "
            "learning rate that is too high, or unscaled inputs (try a Normalization layer).",
            RuntimeWarning, stacklevel=3,
        )
