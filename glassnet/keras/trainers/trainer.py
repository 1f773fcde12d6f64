"""The training API of every Model: compile, fit, evaluate, predict and the *_on_batch calls.

One training step, in Keras's order (see keras-semantics §2):

1. forward pass with ``training=True``;
2. loss = compiled loss + every loss in ``model.losses`` (penalties, ``add_loss``);
3. gradients of that loss with respect to the trainable weights (the tape);
4. the optimizer's update;
5. metrics from the predictions of step 1.

A model that overrides ``train_step`` (steps.py) gets it called once per batch instead; one
that keeps the default runs the loop below on arrays, without per-batch dicts.
"""
import warnings

import numpy as np

from glassnet.autodiff import GradientTape, Tensor, observe
from glassnet.autodiff.tape import backward, not_recording
from glassnet.keras import optimizers
from glassnet.keras.optimizers import interrupts
from glassnet.keras.callbacks import CallbackList
from glassnet.keras.trainers import data
from glassnet.keras.trainers import distributed as distribution
from glassnet.distribute import strategy as strategies
from glassnet.keras.trainers import dataset_input
from glassnet.keras.trainers.batch_sources import ArrayBatches, DatasetBatches, StreamBatches, is_batch_stream
from glassnet.keras.trainers.compile_state import CompileMetrics, CompileState
from glassnet.keras.trainers import multi_output
from glassnet.keras.trainers.steps import StepMethods, unpack_x_y_sample_weight
from glassnet.keras import validation as check


class Trainer(StepMethods):
    def __init__(self):
        self.optimizer = None
        self.loss = None
        self.compiled = False
        self.stop_training = False
        self.history = None
        self.steps_per_execution = 1
        self._compile_state = None
        # tf.distribute: the strategy whose scope the model was created in (None: the default one)
        self._distribute_strategy = strategies.get_strategy() if strategies.has_strategy() else None
        self._distributed = None

    # --- compile ---------------------------------------------------------------
    def compile(self, optimizer="rmsprop", loss=None, loss_weights=None, metrics=None,
                weighted_metrics=None, run_eagerly=False, steps_per_execution=1, jit_compile="auto",
                auto_scale_loss=True):
        """Configure the model for training.

        Args:
            optimizer: name (``'adam'``) or optimizer object; RMSprop by default, as Keras.
            loss: name, loss object or function; ``model.loss`` keeps what was given. May be
                None when the model adds its losses with ``add_loss`` or computes them itself.
            loss_weights: a float (or a list or dict of one) that scales the compiled loss.
            metrics: a list (or dict) of names, metric objects or functions, e.g. ``['accuracy']``.

        A model with several outputs takes one loss for all of them, or a list (one per output) or
        a dict keyed by output name; likewise ``loss_weights`` and ``metrics`` (a list of lists or a
        dict). Its logs add ``<output>_loss`` and ``<output>_<metric>``; a subclassed model whose call
        returns a list logs ``<loss>_loss`` and plain metric names, as Keras 3 (see multi_output.py).
            weighted_metrics: metrics computed with the sample (or class) weights.
            steps_per_execution: batch callbacks run once per this many batches, as Keras.
            run_eagerly, jit_compile: accepted for compatibility; glassnet always runs eagerly.
            auto_scale_loss: accepted; it only acts with mixed precision, which glassnet lacks.
        """
        check.boolean("run_eagerly", run_eagerly)
        check.boolean("auto_scale_loss", auto_scale_loss)
        if jit_compile not in (True, False, "auto"):
            raise ValueError(f"`jit_compile` must be True, False or 'auto'. Received: jit_compile={jit_compile!r}")
        steps_per_execution = check.integer("steps_per_execution", steps_per_execution, minimum=1)
        optimizer = optimizers.get(optimizer)
        if metrics is None and self._compile_state is not None and loss is not None:
            metrics = self._compile_state.metric_identifiers  # Keras keeps earlier metrics on recompile
        self._compile_state = self._new_compile_state(loss, metrics, weighted_metrics, loss_weights)
        self._compile_arguments = {"loss": loss, "loss_weights": loss_weights, "metrics": metrics,
                                   "weighted_metrics": weighted_metrics, "jit_compile": jit_compile}
        self.optimizer = optimizer
        self.loss = loss
        self.steps_per_execution = steps_per_execution
        self.compiled = True

    def _new_compile_state(self, loss, metrics, weighted_metrics, loss_weights, output_names=None, structure=None):
        """CompileState for one output; with `output_names` (a model with several outputs), the
        per-output state (multi_output.py; `structure` is that of a subclassed model's outputs)."""
        if output_names is None:
            output_names = self._training_output_names()
        if output_names is None and _per_output(loss, loss_weights, metrics, weighted_metrics):
            state = CompileState(None, None)  # a subclassed model's outputs are known from its first data
            state.pending_per_output = True
            return state
        if output_names is None:
            return CompileState(loss, metrics, weighted_metrics, loss_weights)
        return multi_output.MultiOutputCompileState(loss, metrics, weighted_metrics, loss_weights, output_names,
                                                    structure)

    def _training_output_names(self):
        """The names of the model's outputs when it has several and they are known before any data
        (a functional model); None otherwise."""
        return None

    def _use_call_outputs(self, x, y):
        """A subclassed model whose call returns a list, tuple or dict is known to have several
        outputs once it has run: when the targets come as a list or dict of arrays (or compile
        named several outputs), its outputs are probed on one row, and compile's arguments are
        applied per output (multi_output.call_outputs names them)."""
        state = self._compile_state
        if getattr(state, "multi_output", False) or self._training_output_names() is not None:
            return
        if not (getattr(state, "pending_per_output", False) or isinstance(y, dict) or _several_arrays(y)):
            return
        with not_recording(), self._state_kept():
            found = multi_output.call_outputs(self(data.as_model_input(x[:1]), training=False))
        if found is not None:
            arguments = self._compile_arguments
            self._compile_state = self._new_compile_state(
                arguments["loss"], arguments["metrics"], arguments["weighted_metrics"], arguments["loss_weights"],
                output_names=found[0], structure=found[1])

    def get_compile_config(self):
        """compile()'s arguments as a saved model holds them (None before compile)."""
        if not self.compiled:
            return None
        from glassnet.keras.saving.serialization_lib import serialize_keras_object
        arguments = self._compile_arguments
        jit_compile = True if arguments["jit_compile"] == "auto" else arguments["jit_compile"]  # Keras's resolution
        return serialize_keras_object({
            "optimizer": self.optimizer, "loss": arguments["loss"], "loss_weights": arguments["loss_weights"],
            "metrics": arguments["metrics"], "weighted_metrics": arguments["weighted_metrics"],
            "run_eagerly": False, "steps_per_execution": self.steps_per_execution, "jit_compile": jit_compile})

    def compile_from_config(self, config):
        """compile() with the arguments of a saved :meth:`get_compile_config`; a built model also
        builds its optimizer, so that the saved optimizer state can be loaded into it."""
        from glassnet.keras.saving.serialization_lib import deserialize_keras_object
        config = {key: deserialize_keras_object(value) for key, value in config.items()}
        self.compile(**{key: value for key, value in config.items() if key != "run_eagerly"})
        if self.built and self.optimizer is not None:
            self.optimizer._ensure_built(self.trainable_weights)

    def _assert_compiled(self, training=False):
        if not self.compiled:
            raise ValueError("You must call `compile()` before using the model (fit, evaluate, train_on_batch).")
        if training and self.optimizer is None:
            raise ValueError(
                "The model was compiled with optimizer=None: it can evaluate and predict but not train. "
                "Compile it with an optimizer, e.g. compile(optimizer='rmsprop', ...)."
            )

    # --- data preparation ----------------------------------------------------------
    def _prepare_arrays(self, x, y, sample_weight=None, prefix=""):
        """Check and convert one (x, y, sample_weight) triple; build the model from x if needed."""
        x = self._x_to_arrays(x, prefix + "x")
        if y is None and self._needs_targets():
            data.to_array(y, prefix + "y")  # raises: `y` is required
        self._use_call_outputs(self._adjust_input_rank(x), y)
        state = self._compile_state
        if getattr(state, "multi_output", False):
            return self._prepare_output_arrays(x, y, sample_weight, prefix)
        if getattr(state, "pending_per_output", False):
            raise ValueError(
                "The model was compiled with a loss, loss_weights or metrics per output (a dict or list of several), "
                f"so `{prefix}y` must be a dict keyed by the names of the outputs (the keys of the dict the model's "
                f"call returns). Received: {prefix}y of type {type(y).__name__}")
        y = None if y is None else data.to_array(data.only_item(y), prefix + "y")
        if y is not None and y.dtype.kind == "f" and y.dtype != self.dtype:
            y = y.astype(self.dtype)
        if sample_weight is not None:
            sample_weight = data.to_array(data.only_item(sample_weight), prefix + "sample_weight", dtype=self.dtype)
        x = self._checked_and_built(x, y, sample_weight, prefix)
        if sample_weight is not None:
            sample_weight = data.standardize_sample_weight(sample_weight, self._output_shape(x),
                                                           prefix + "sample_weight")
        return x, y, sample_weight

    def _prepare_output_arrays(self, x, y, sample_weight, prefix):
        """_prepare_arrays for a model with several outputs: y (and sample_weight, unless one array
        for every output) as a list in output order or a dict keyed by output name."""
        names, structure = self._compile_state.output_names, self._compile_state.structure
        y = None if y is None else multi_output.output_arrays(y, names, prefix + "y", self.dtype, structure)
        if sample_weight is not None and not hasattr(sample_weight, "shape"):
            sample_weight = multi_output.output_arrays(sample_weight, names, prefix + "sample_weight", self.dtype,
                                                       structure)
        elif sample_weight is not None:
            sample_weight = data.to_array(sample_weight, prefix + "sample_weight", dtype=self.dtype)
        x = self._checked_and_built(x, y, sample_weight, prefix)
        return x, y, sample_weight

    def _checked_and_built(self, x, y, sample_weight, prefix):
        """Check the converted arrays together (lengths, NaN and inf), then build the model from x."""
        data.check_same_length({prefix + "x": x, prefix + "y": y, prefix + "sample_weight": sample_weight})
        for array, name in ((x, "x"), (y, "y"), (sample_weight, "sample_weight")):
            if array is not None:
                data.check_finite(array, prefix + name)
        x = self._adjust_input_rank(x)
        self._ensure_built(x.shape)
        return x

    def _x_to_arrays(self, x, argument):
        """`x` as one checked array (a functional model with several inputs takes a list or dict: see
        data.InputArrays)."""
        takes_text = any(_takes_text(layer) for layer in self._flatten_layers())
        return data.to_array(_single_input(x, argument), argument, dtype=None if takes_text else self.dtype)

    def _needs_targets(self):
        """Targets are required where the default steps compute the compiled loss."""
        return self._compile_state.loss_identifier is not None and not (
            self._overridden("train_step") or self._overridden("compute_loss"))

    def _output_shape(self, x):
        with not_recording(), self._state_kept():
            outputs = self(data.as_model_input(x[:1]), training=False)
        found = multi_output.call_outputs(outputs)
        if found is not None:  # the targets were one array (else _use_call_outputs had seen the outputs)
            names, structure = found
            how = "a list of them in that order" if structure == "list" else f"a dict keyed by {names}"
            raise ValueError(f"The model's call returns a {type(outputs).__name__} of {len(names)} outputs, so `y` "
                             f"must hold one array per output: {how}. Received: one array")
        return tuple(data.only_item(outputs).shape)

    def _check_targets(self, x, y, validate=True):
        """Resolve 'accuracy' & co. from the shapes on first use, then validate the labels
        against the loss; nothing is kept from data that is refused. Returns True the first
        time (Keras's first fit after compile)."""
        state = self._compile_state
        if getattr(state, "multi_output", False):
            return self._check_output_targets(x, y, validate)
        output_shape = self._output_shape(x)
        y_shape = output_shape[:1] + output_shape[1:] if y is None else y[:1].shape
        resolved = None if state.built else state.resolve(y_shape, output_shape)
        loss_fn = resolved[0] if resolved else state.loss_fn
        if validate and loss_fn is not None and y is not None:
            loss_fn.validate_targets(y, (None, *output_shape[1:]))
        if resolved:
            state.commit(resolved)
        return resolved is not None

    def _check_output_targets(self, x, y, validate):
        """_check_targets per output."""
        state = self._compile_state
        with not_recording(), self._state_kept():
            outputs = state.flatten(self(data.as_model_input(x[:1]), training=False), "y_pred")
        output_shapes = [tuple(output.shape) for output in outputs]
        ys = [None] * len(outputs) if y is None else y.arrays
        y_shapes = [shape if part is None else part[:1].shape for shape, part in zip(output_shapes, ys)]
        resolved = None if state.built else state.resolve(y_shapes, output_shapes)
        loss_fns = resolved[0] if resolved else state.loss_fns
        for loss_fn, part, shape in zip(loss_fns, ys, output_shapes):
            if validate and loss_fn is not None and part is not None:
                loss_fn.validate_targets(part, (None, *shape[1:]))
        if resolved:
            state.commit(resolved)
        return resolved is not None

    def _array_batches(self, x, y, sample_weight=None, batch_size=None, shuffle=False, steps=None, validate=True,
                       prefix=""):
        """Checked arrays as batches; `validate` checks the labels against the loss."""
        x, y, sample_weight = self._prepare_arrays(x, y, sample_weight, prefix=prefix)
        self._check_targets(x, y, validate)
        return ArrayBatches(x, y, sample_weight, batch_size, shuffle, steps)

    def _stream_batches(self, stream, steps, validate=True, prefix=""):
        """Batches from a generator or PyDataset, each checked as arrays are."""
        def prepare(batch):
            x, y, sample_weight = self._prepare_arrays(*unpack_x_y_sample_weight(batch), prefix=prefix)
            self._check_targets(x, y, validate)
            return x, y, sample_weight
        return StreamBatches(stream, prepare, steps)

    def _dataset_batches(self, dataset, steps, steps_name, validate=True, prefix="", class_weight=None):
        """Batches from a glassnet.data.Dataset; the first is checked as arrays are (labels against the
        loss included), the rest of the same layout converted and checked for NaN and inf only.
        `class_weight` gives each batch its sample weights, as Keras maps it over the dataset."""
        dataset_input.check_dataset(dataset, steps, steps_name)
        targets_checked = []

        def full_prepare(x, y, sample_weight):
            x, y, sample_weight = self._prepare_arrays(x, y, sample_weight, prefix=prefix)
            if not targets_checked:
                self._check_targets(x, y, validate)
                targets_checked.append(True)
            return x, y, sample_weight
        later_batches = dataset_input.LaterBatches(full_prepare, self.dtype)

        def prepare(batch):
            x, y, sample_weight = unpack_x_y_sample_weight(batch)
            if class_weight is not None:
                sample_weight = dataset_input.class_weights(y, sample_weight, class_weight)
            return later_batches(x, y, sample_weight)
        return DatasetBatches(dataset, prepare, steps)

    # --- fit ---------------------------------------------------------------------------
    def fit(self, x=None, y=None, batch_size=None, epochs=1, verbose="auto", callbacks=None,
            validation_split=0.0, validation_data=None, shuffle=True, class_weight=None,
            sample_weight=None, initial_epoch=0, steps_per_epoch=None, validation_steps=None,
            validation_batch_size=None, validation_freq=1):
        """Train for `epochs` passes over (x, y) in batches of `batch_size` (32).

        `x` may also be a Python generator or a :class:`~glassnet.keras.utils.PyDataset` that
        yields batches ``(x, y)`` or ``(x, y, sample_weight)``.

        Returns a :class:`History` whose ``.history`` maps ``'loss'`` and each metric (and their
        ``val_`` versions) to one value per epoch.
        """
        self._assert_compiled(training=True)
        distributed = distribution.for_model(self)
        if distributed is None:
            return self._fit(x, y, batch_size, epochs, verbose, callbacks, validation_split, validation_data, shuffle,
                             class_weight, sample_weight, initial_epoch, steps_per_epoch, validation_steps,
                             validation_batch_size, validation_freq)
        self._distributed = distributed
        try:
            with distribution.failing_together(distributed):
                return self._fit(x, y, batch_size, epochs, verbose, callbacks, validation_split, validation_data,
                                 shuffle, class_weight, sample_weight, initial_epoch, steps_per_epoch,
                                 validation_steps, validation_batch_size, validation_freq)
        finally:
            distributed.finish_updates()
            self._distributed = None

    def _fit(self, x, y, batch_size, epochs, verbose, callbacks, validation_split, validation_data, shuffle,
             class_weight, sample_weight, initial_epoch, steps_per_epoch, validation_steps, validation_batch_size,
             validation_freq):
        """fit's work, after fit has set up a distributed strategy's hooks (self._distributed)."""
        distributed = self._distributed
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
        shuffle = data.standardize_shuffle(shuffle)
        class_weight = data.standardize_class_weight(class_weight)

        validate = not self._overridden("train_step")
        first_fit = not self._compile_state.built
        if dataset_input.is_dataset(x):  # shuffle is the dataset's own, as Keras
            dataset_input.check_arguments("fit", y, sample_weight, None, validation_split, batch_size)
            train = self._dataset_batches(x, steps_per_epoch, "steps_per_epoch", validate, class_weight=class_weight)
        elif is_batch_stream(x):
            _check_stream_arguments(y, sample_weight, class_weight, validation_split)
            train = self._stream_batches(x, steps_per_epoch, validate)
        else:
            x, y, sample_weight = self._prepare_arrays(x, y, sample_weight)
            val_arrays = None
            if validation_data is None and validation_split:
                (x, y, sample_weight), val_arrays = data.split_validation([x, y, sample_weight], validation_split)
                validation_data = tuple(val_arrays)
            if class_weight is not None:
                sample_weight = self._class_weight_to_sample_weight(y, class_weight)
            self._check_targets(x, y, validate)
            train = ArrayBatches(x, y, sample_weight, batch_size, shuffle, steps_per_epoch)
            if first_fit:  # Keras builds the model from one batch of a pass (drawing its shuffle), then resets
                next(train.iterator.epoch(), None)
                train.reset()
        val = None
        if validation_data is not None:
            val = self._validation_batches(validation_data, validation_batch_size or batch_size, validation_steps)
        if distributed is not None:
            distributed.check_agreement({"batches per epoch": train.num_batches, "epochs": epochs,
                                         "validation batches": None if val is None else val.num_batches})
            distributed.broadcast_start()
            train = distributed.sharded(train)
            val = None if val is None else distributed.sharded(val)
            callbacks, verbose = distributed.worker_callbacks(callbacks, verbose)
        callback_list = CallbackList(callbacks, add_history=True, add_progbar=verbose != 0, model=self,
                                     verbose=verbose, epochs=epochs, steps=train.num_batches)
        _hand_over_training_data(callback_list.callbacks, train)
        if distributed is not None:  # worker 0's progress bar shows every worker's rows
            distributed.share_batch_logs(callback_list.wants("on_train_batch_end"))
        self.stop_training = False
        callback_list.on_train_begin()
        initial_epoch, done_steps = self._resume_point(initial_epoch)
        if distributed is not None:  # BackupAndRestore restored every worker to the same point
            distributed.check_agreement({"first epoch": initial_epoch, "steps already trained": done_steps})
            distributed.start_updates()
        logs = {}
        try:
            with interrupts.holding():  # one Ctrl-C handler for every step; it still waits for a step's end
                for epoch in range(initial_epoch, epochs):
                    self.reset_metrics()
                    callback_list.on_epoch_begin(epoch)
                    if done_steps:  # resuming in the middle of this epoch
                        epoch_logs = self._run_epoch(_Skipping(train, done_steps), callback_list) or self._logs()
                        done_steps = 0
                    else:
                        epoch_logs = self._run_epoch(train, callback_list)
                    if distributed is not None and epoch_logs:
                        epoch_logs = distributed.global_logs(self._logs)
                        distributed.average_moving_statistics()
                    if train.exhausted and not epoch_logs:
                        break
                    logs = epoch_logs
                    if val is not None and (epoch + 1) % validation_freq == 0:
                        val_logs = self._evaluate_batches(val, callback_list)
                        logs = {**logs, **{"val_" + key: value for key, value in val_logs.items()}}
                    logs = _pythonify(logs)  # keys sorted over training and validation together, as Keras
                    _warn_if_diverged(logs, epoch)
                    callback_list.on_epoch_end(epoch, logs)
                    if self.stop_training or train.exhausted:
                        break
        finally:
            if epochs > 0:  # as Keras, even when training stops on an error: e.g. EMA weights go in
                self.optimizer.finalize_variable_values(self.trainable_weights)
        callback_list.on_train_end(logs)
        return self.history

    def _class_weight_to_sample_weight(self, y, class_weight):
        if isinstance(y, data.InputArrays):
            raise ValueError("`class_weight` is only supported for models with a single output (as Keras). "
                             "Pass `sample_weight` with one array per output instead.")
        return data.class_weight_to_sample_weight(y, class_weight)

    def _resume_point(self, initial_epoch):
        """(first epoch, batches of it already trained): where a callback's on_train_begin asked
        fit to start (BackupAndRestore restoring a backup sets Keras's ``_initial_epoch`` and
        glassnet's ``_initial_step``), else `initial_epoch` and 0. Used once, then cleared."""
        epoch, step = getattr(self, "_initial_epoch", None), getattr(self, "_initial_step", None)
        self._initial_epoch = self._initial_step = None
        return epoch or initial_epoch, step or 0

    def _validation_batches(self, validation_data, batch_size, steps):
        validate = not self._overridden("test_step")
        if dataset_input.is_dataset(validation_data):
            return self._dataset_batches(validation_data, steps, "validation_steps", validate, prefix="val_")
        if is_batch_stream(validation_data):
            return self._stream_batches(validation_data, steps, validate, prefix="val_")
        return self._array_batches(*_unpack_validation(validation_data), batch_size=batch_size, steps=steps,
                                   validate=validate, prefix="val_")

    def _run_epoch(self, batches, callback_list):
        """One epoch; returns its logs ({} when no batch came)."""
        if self._overridden("train_step"):
            return self._run_custom_epoch(batches, callback_list)
        state = None
        report_batches = callback_list.wants("on_train_batch_end")  # the running logs cost a dict per step
        read_batch_logs = self._batch_logs_reader(report_batches)
        announce_batches = callback_list.wants("on_train_batch_begin")
        group = self.steps_per_execution
        train_step = None
        for step, (x, y, sample_weight) in batches.epoch():
            if train_step is None:  # after the first batch: a generator's first batch builds the model
                train_step = self._training_step()
                state = self._compile_state  # and may show a subclassed model's outputs (_use_call_outputs)
            if announce_batches and step % group == 0:
                callback_list.on_train_batch_begin(step)
            loss, y_pred = train_step(x, y, sample_weight)
            state.update_metrics(y, y_pred, len(x), loss, sample_weight)
            if read_batch_logs is not None and (step + 1) % group == 0:
                logs = read_batch_logs()
                if report_batches:
                    callback_list.on_train_batch_end(step, logs)
            if self.stop_training:
                break
        return {} if train_step is None else self._logs()

    def _batch_logs_reader(self, wanted):
        """How the running logs are read after a batch; None where nobody reads them. In a distributed
        fit where worker 0 reads them (its progress bar), every worker reads them over all the workers'
        rows, joining the collective that needs."""
        distributed = self._distributed
        if distributed is not None and distributed.batch_logs:
            return lambda: distributed.global_logs(self._logs)
        return self._logs if wanted else None

    def _run_custom_epoch(self, batches, callback_list):
        logs = {}
        group = self.steps_per_execution
        for step, batch in batches.epoch():
            if step % group == 0:
                callback_list.on_train_batch_begin(step)
            logs = self.train_step(_as_step_data(batch))
            if (step + 1) % group == 0:
                callback_list.on_train_batch_end(step, _pythonify(logs))
            if self.stop_training:
                break
        return logs  # as returned: fit flattens the epoch's logs with the validation ones, as Keras

    def _logs(self):
        """The running metrics as fit reports them, keys sorted as Keras sorts its logs."""
        return _pythonify(self.get_metrics_result())

    def _training_step(self):
        """The step function for the next batches (chosen once per epoch, as Keras compiles its
        train function once per fit): the model's compiled step where it offers one (for a
        stack of Dense layers, the same ops without the tape), else the tape. Only this default
        step may ask for it: a user's own train_step must run as written."""
        self.optimizer._ensure_built(self.trainable_weights)
        if not self._may_use_plan() or observe.watchers:  # inspect.step watches the tape's forward pass
            return self._tape_step
        return self._compiled_train_step() or self._tape_step

    def _may_use_plan(self):
        """Whether what the model's plan cannot see leaves the step as the plan computes it:
        compile's loss weight, and penalties on the layers' outputs."""
        if self._compile_state.loss_weight is not None or getattr(self._compile_state, "multi_output", False):
            return False
        return not any(layer.activity_regularizer is not None for layer in self._flatten_layers())

    def _tape_step(self, x, y, sample_weight):
        """One step: forward, loss, gradients, update. Returns (loss value, predictions)."""
        variables = self.trainable_weights
        with GradientTape():
            y_pred = self(data.as_model_input(x), training=True)
            loss = self._compute_loss(x, y, y_pred, sample_weight, training=True)
        if variables:
            self.optimizer.apply(backward(loss, variables), variables)
        else:
            warnings.warn("The model does not have any trainable weights.", UserWarning, stacklevel=3)
        return loss.value, _for_metrics(y_pred)

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
        validate = not self._overridden("test_step")
        if dataset_input.is_dataset(x):
            dataset_input.check_arguments("evaluate", y, sample_weight, batch_size=batch_size)
            batches = self._dataset_batches(x, steps, "steps", validate)
        elif is_batch_stream(x):
            _check_stream_arguments(y, sample_weight, None, 0.0)
            batches = self._stream_batches(x, steps, validate)
        else:
            batches = self._array_batches(x, y, sample_weight, batch_size, steps=steps, validate=validate)
        distributed = distribution.for_model(self)
        if distributed is not None:
            distributed.check_agreement({"evaluate batches": batches.num_batches})
            batches = distributed.sharded(batches)
            callbacks, verbose = distributed.worker_callbacks(callbacks, verbose)
        callback_list = CallbackList(callbacks, add_progbar=verbose != 0, model=self, verbose=verbose,
                                     epochs=1, steps=batches.num_batches)
        self._distributed = distributed
        try:
            with distribution.failing_together(distributed):
                logs = self._evaluate_batches(batches, callback_list)
        finally:
            self._distributed = None
        return self._format_results(logs, return_dict)

    def _evaluate_batches(self, batches, callback_list):
        batches.reset()  # as Keras's evaluate does: every validation starts at the first batch
        self.reset_metrics()
        callback_list.on_test_begin()
        custom = self._overridden("test_step")
        logs = {}
        for step, batch in batches.epoch():
            callback_list.on_test_batch_begin(step)
            if custom:
                logs = _pythonify(self.test_step(_as_step_data(batch)))
            else:
                logs = self._default_test_step(*batch)
            callback_list.on_test_batch_end(step, logs)
        distributed = getattr(self, "_distributed", None)
        if distributed is not None and not custom:  # the logs of every worker's rows
            logs = distributed.global_logs(self._logs)
        callback_list.on_test_end(logs)
        return logs

    def _default_test_step(self, x, y, sample_weight):
        y_pred = self(data.as_model_input(x), training=False)
        loss = self._compute_loss(x, y, y_pred, sample_weight, training=False)
        self._compile_state.update_metrics(y, _for_metrics(y_pred), len(x), loss.value, sample_weight)
        return self._logs()

    def _format_results(self, logs, return_dict):
        """Keras's evaluate result: the dict, or its values in the order of ``model.metrics``."""
        if return_dict:
            return dict(logs)
        names = []
        for metric in self.metrics:
            names += [m.name for m in metric.metrics] if isinstance(metric, CompileMetrics) else [metric.name]
        values = [logs[name] for name in names if name in logs]
        values += [logs[key] for key in sorted(logs) if key not in names]
        return values[0] if len(values) == 1 else values

    def predict(self, x, batch_size=None, verbose="auto", steps=None, callbacks=None):
        """Outputs for every row of `x` as one NumPy array (no dropout; works uncompiled).

        `x` may also be a generator or PyDataset of batches (``x`` or ``(x, ...)``)."""
        batch_size = check.optional(check.integer, "batch_size", batch_size, minimum=1)
        steps = check.optional(check.integer, "steps", steps, minimum=1)
        verbose = _verbose(verbose)
        if dataset_input.is_dataset(x):
            dataset_input.check_arguments("predict", batch_size=batch_size)
            dataset_input.check_dataset(x, steps, "steps")
            batches = DatasetBatches(x, lambda batch: (self._prepare_x(unpack_x_y_sample_weight(batch)[0]),), steps)
        elif is_batch_stream(x):
            batches = StreamBatches(x, lambda batch: (self._prepare_x(unpack_x_y_sample_weight(batch)[0]),), steps)
        else:
            batches = ArrayBatches(self._prepare_x(x), batch_size=batch_size, steps=steps)
        distributed = distribution.for_model(self)
        if distributed is not None:
            distributed.check_agreement({"predict batches": batches.num_batches})
            batches = distributed.sharded(batches)
            callbacks, verbose = distributed.worker_callbacks(callbacks, verbose)
        callback_list = CallbackList(callbacks, add_progbar=verbose != 0, model=self, verbose=verbose,
                                     epochs=1, steps=batches.num_batches)
        with distribution.failing_together(distributed):
            outputs = self._predict_batches(batches, callback_list)
        if distributed is not None:  # every worker's rows of each batch, in order: one gather
            outputs = [_concatenate(parts) for parts in distributed.gather_batches(outputs)]
        return _concatenate(outputs)

    def _predict_batches(self, batches, callback_list):
        """The outputs of each batch, as a list."""
        callback_list.on_predict_begin()
        custom = self._overridden("predict_step")
        outputs = []
        for step, batch in batches.epoch():
            callback_list.on_predict_batch_begin(step)
            if custom:
                outputs.append(_to_numpy(self.predict_step(data.as_model_input(batch[0]))))
            else:
                outputs.append(_to_numpy(self(data.as_model_input(batch[0]), training=False)))
            callback_list.on_predict_batch_end(step, {"outputs": outputs[-1]})
        callback_list.on_predict_end()
        return outputs

    def _prepare_x(self, x):
        x = self._x_to_arrays(x, "x")
        data.check_finite(x, "x")
        x = self._adjust_input_rank(x)
        self._ensure_built(x.shape)
        return x

    # --- single batches -------------------------------------------------------------
    def train_on_batch(self, x, y=None, sample_weight=None, class_weight=None, return_dict=False):
        """One gradient update on exactly this batch; returns its loss (and metrics)."""
        self._assert_compiled(training=True)
        x, y, sample_weight = self._prepare_arrays(x, y, sample_weight)
        if class_weight is not None:
            if sample_weight is not None:
                raise ValueError("You cannot use `class_weight` and `sample_weight` at the same time.")
            sample_weight = self._class_weight_to_sample_weight(y, class_weight)
        custom = self._overridden("train_step")
        self._check_targets(x, y, validate=not custom)
        self.reset_metrics()
        if custom:
            logs = _pythonify(self.train_step(_as_step_data((x, y, sample_weight))))
        else:
            loss, y_pred = self._training_step()(x, y, sample_weight)
            self._compile_state.update_metrics(y, y_pred, len(x), loss, sample_weight)
            logs = self._logs()
        return self._format_results(logs, return_dict)

    def test_on_batch(self, x, y=None, sample_weight=None, return_dict=False):
        """Loss (and metrics) on exactly this batch, without updating anything."""
        self._assert_compiled()
        batches = self._array_batches(x, y, sample_weight, batch_size=len(x) if hasattr(x, "__len__") else None,
                                      validate=not self._overridden("test_step"))
        logs = self._evaluate_batches(batches, CallbackList(None, model=self))
        return self._format_results(logs, return_dict)

    def predict_on_batch(self, x):
        """Outputs for exactly this batch, as a NumPy array."""
        if self._overridden("predict_step"):
            return _to_numpy(self.predict_step(data.as_model_input(self._prepare_x(x))))
        return _to_numpy(self(x, training=False))


class _Skipping:
    """`batches` without the first `count` steps of its next epoch, which are still drawn (a
    shuffle, a generator's batches) so that the steps after them are the ones an uninterrupted
    run trains on."""

    def __init__(self, batches, count):
        self.batches, self.count = batches, count

    def epoch(self):
        for step, batch in self.batches.epoch():
            if step >= self.count:
                yield step, batch


def _per_output(loss, loss_weights, metrics, weighted_metrics):
    """Whether compile's arguments name several outputs (dicts of several entries, several losses)."""
    several = [value for value in (loss, loss_weights, metrics, weighted_metrics)
               if isinstance(value, dict) and len(value) > 1]
    return bool(several) or (isinstance(loss, (list, tuple)) and len(loss) > 1)


def _several_arrays(y):
    """Whether `y` is a list or tuple of arrays (the targets of several outputs, or a mistake)."""
    return isinstance(y, (list, tuple)) and len(y) > 0 and all(hasattr(part, "shape") for part in y)


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


def _check_stream_arguments(y, sample_weight, class_weight, validation_split):
    """A generator or PyDataset carries its own targets and weights (Keras refuses these too)."""
    for name, value in (("y", y), ("sample_weight", sample_weight), ("class_weight", class_weight)):
        if value is not None:
            raise ValueError(f"`{name}` must not be given when `x` is a generator or a PyDataset: its batches "
                             f"hold (x, y) or (x, y, sample_weight). Received: {name}={type(value).__name__}")
    if validation_split:
        raise ValueError("`validation_split` is only supported for arrays; with a generator or a PyDataset, "
                         "pass `validation_data` instead.")


def _single_input(x, argument):
    """`x` itself; a list or tuple of arrays means several inputs, which this model does not have."""
    if isinstance(x, (list, tuple)) and x and all(hasattr(item, "shape") for item in x):
        if len(x) == 1:
            return x[0]
        shapes = ", ".join(str(tuple(item.shape)) for item in x)
        raise ValueError(
            f"This model has 1 input, but `{argument}` is a {type(x).__name__} of {len(x)} arrays (shapes {shapes}). "
            "Pass one array; a model with several inputs is built with Model([input_a, input_b], outputs)."
        )
    return x


def _as_step_data(batch):
    """A batch of arrays as train_step/test_step receive it: x, (x, y) or (x, y, sample_weight)."""
    x, y, sample_weight = (None if part is None else data.as_model_input(part) for part in batch)
    if y is None:
        return x
    return (x, y) if sample_weight is None else (x, y, sample_weight)


def _pythonify(logs):
    """Logs as Keras hands them to callbacks: nested dicts flattened, scalars as Python floats."""
    result = {}
    for key, value in sorted(logs.items()):
        if isinstance(value, dict):
            result.update(_pythonify(value))
            continue
        value = value.value if isinstance(value, Tensor) else value
        result[key] = float(value) if np.ndim(value) == 0 else np.asarray(value)
    return result


def _for_metrics(outputs):
    """The predictions as arrays, except a masked output (a sequence with padded steps), kept as
    the Tensor that carries its mask: the metrics count only its real steps, as Keras's do."""
    if isinstance(outputs, Tensor) and outputs._keras_mask is not None:
        return outputs
    return _to_numpy(outputs)


def _to_numpy(outputs):
    if isinstance(outputs, dict):
        return {key: _to_numpy(value) for key, value in outputs.items()}
    if isinstance(outputs, (list, tuple)):
        return type(outputs)(_to_numpy(value) for value in outputs)
    return np.asarray(outputs.value if isinstance(outputs, Tensor) else outputs)


def _concatenate(outputs):
    """Per-batch outputs joined along the batch axis (each part of a tuple or dict on its own)."""
    first = outputs[0]
    if isinstance(first, dict):
        return {key: _concatenate([o[key] for o in outputs]) for key in first}
    if isinstance(first, (list, tuple)):
        return type(first)(_concatenate([o[i] for o in outputs]) for i in range(len(first)))
    return first if len(outputs) == 1 else np.concatenate(outputs)


def _unpack_validation(validation_data):
    if not isinstance(validation_data, (tuple, list)) or len(validation_data) not in (2, 3):
        length = len(validation_data) if hasattr(validation_data, "__len__") else "?"
        raise ValueError(
            "`validation_data` must be a tuple (x_val, y_val) or (x_val, y_val, val_sample_weight). "
            f"Received: {type(validation_data).__name__} of length {length}"
        )
    return tuple(validation_data)


def _hand_over_training_data(callbacks, batches):
    """Callbacks that ask for the training data (with a ``_set_training_data(x, y, sample_weight)``
    method, as glassnet.inspect.Diagnostics has) get fit's prepared arrays once, before
    on_train_begin; from a generator or PyDataset, its first batch as it arrives. Keras hands
    callbacks no data; no other callback pays anything for this."""
    takers = [callback._set_training_data for callback in callbacks if hasattr(callback, "_set_training_data")]
    if not takers:
        return
    if isinstance(batches, ArrayBatches):
        for take in takers:
            take(*batches.arrays)
        return
    prepare = batches.prepare

    def prepare_and_hand_over(batch):
        batches.prepare = prepare  # only the first batch
        prepared = prepare(batch)
        for take in takers:
            take(*prepared)
        return prepared

    batches.prepare = prepare_and_hand_over


def _warn_if_diverged(logs, epoch):
    loss = logs.get("loss")
    if loss is not None and not np.isfinite(loss):
        warnings.warn(
            f"The training loss became {loss} in epoch {epoch + 1}: training diverged. Usual causes: a "
            "learning rate that is too high, or unscaled inputs (try a Normalization layer).",
            RuntimeWarning, stacklevel=3,
        )


def _takes_text(layer):
    """Whether `layer` takes strings: an Input of dtype "string", a StringLookup, a TextVectorization."""
    return getattr(layer, "dtype", None) == "string" or getattr(layer, "_takes_text", False)
