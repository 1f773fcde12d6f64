"""Optimizer: the base class that turns gradients into in-place weight updates.

A subclass says how to update one variable (``update_step``) and which state it keeps
per variable (``build``). This class does everything around that, in Keras's order,
once per ``apply``:

1. divide the gradients by ``loss_scale_factor``; with gradient accumulation, add them to the
   accumulators; steps 2-4 then run only every n-th apply, on their mean (see averaging.py);
2. clip the gradients (``clipnorm`` per tensor, else ``global_clipnorm``, else ``clipvalue``);
3. decoupled weight decay ``w -= w * weight_decay * lr`` with the current learning rate;
4. ``update_step(g, w, lr)`` for each variable, where the step count is ``iterations + 1``;
5. with ``use_ema``, update the moving averages of the weights;
6. apply each updated variable's ``constraint`` (``w.assign(constraint(w))``), on every apply;
7. count the apply.

Everything is computed and checked before the first write (the gradients of steps 1-2, the
learning rate); then all the writes, the accumulators' included, run as one step, all or
nothing (see atomic.py).

Built-in optimizers write their update once, as ``_update(g, w, slots, lr)`` on arrays. After
the first apply the variables and slots are packed into flat buffers (see flat.py), and
step 4 becomes one ``_update`` on the buffers instead of one per variable: the same
arithmetic, element by element, in a fraction of the Python calls.

The learning rate is read once per apply: the ``learning_rate`` variable, or the
schedule called with ``iterations`` (0 on the first step).
"""
import re
import warnings

import numpy as np

from glassnet import backend
from glassnet.autodiff import Tensor, Variable, observe
from glassnet.keras import naming
from glassnet.keras.optimizers import flat, schedules
from glassnet.keras.optimizers.atomic import AtomicStepMixin
from glassnet.keras.optimizers.averaging import AveragingMixin
from glassnet.keras import validation as check
from glassnet.keras.optimizers.arguments import (
    as_python_number, check_one_clip_option, checked_learning_rate, legacy_keywords,
)
from glassnet.keras.optimizers.clipping import clip_gradients
from glassnet.keras.optimizers.gradients import checked_gradients, drop_missing
from glassnet.keras.optimizers.slots import SlotsMixin


class Optimizer(SlotsMixin, AveragingMixin, AtomicStepMixin):
    """Base class of all optimizers.

    Args:
        learning_rate: a non-negative float, or a
            :class:`~glassnet.keras.optimizers.schedules.LearningRateSchedule`.
        weight_decay: if set, ``w -= w * weight_decay * lr`` before each update.
        clipnorm: clip each gradient to this L2 norm.
        clipvalue: clip each gradient element to ``[-clipvalue, clipvalue]``.
        global_clipnorm: clip all gradients together to this joint L2 norm.
        loss_scale_factor: gradients are divided by it before use.
        name: defaults to the snake-cased class name, made unique (``adam``, ``adam_1``).
        gradient_accumulation_steps: if set (>= 2), update once every this many applies, with
            the mean of their gradients (see averaging.py).
        use_ema: keep a moving average of the weights, with momentum ``ema_momentum`` (0.99);
            the weights take it every ``ema_overwrite_frequency`` updates (if set) and at the
            end of ``fit``.

    Custom training loop:

    >>> from glassnet.keras.optimizers import SGD
    >>> opt = SGD(learning_rate=0.1)
    >>> w = Variable(np.array([1.0, 2.0], dtype="float32"))
    >>> _ = opt.apply_gradients([(np.array([1.0, -1.0], dtype="float32"), w)])
    >>> w.numpy()                       # w - 0.1 * g
    array([0.9, 2.1], dtype=float32)
    """

    def __init__(self, learning_rate, weight_decay=None, clipnorm=None, clipvalue=None,
                 global_clipnorm=None, use_ema=False, ema_momentum=0.99,
                 ema_overwrite_frequency=None, loss_scale_factor=None,
                 gradient_accumulation_steps=None, name=None, **kwargs):
        learning_rate = checked_learning_rate(legacy_keywords(type(self), learning_rate, kwargs))
        check_one_clip_option(clipnorm=clipnorm, clipvalue=clipvalue, global_clipnorm=global_clipnorm)
        self.weight_decay = check.optional(check.non_negative, "weight_decay", weight_decay)
        self.clipnorm = check.optional(check.positive, "clipnorm", clipnorm)
        self.clipvalue = check.optional(check.positive, "clipvalue", clipvalue)
        self.global_clipnorm = check.optional(check.positive, "global_clipnorm", global_clipnorm)
        self.loss_scale_factor = check.optional(check.positive, "loss_scale_factor", loss_scale_factor)
        self._check_averaging_options(use_ema, ema_momentum, ema_overwrite_frequency, gradient_accumulation_steps)
        name = check.optional(check.string, "name", name)
        self.name = name or naming.unique_name(naming.snake_case(type(self).__name__))
        self.built = False
        self._variables = []
        self._slot_groups = {}  # slot name -> one slot Variable per trainable variable
        self._flat = None  # (flat weights, {slot name: flat slots}, flat gradient) once packed
        # During a distributed fit: how each step's gradients are summed over the workers
        # (glassnet.distribute.updates). None: this process trains alone.
        self._workers = None
        self._excluded_from_decay, self._excluded_names = {}, None
        self._iterations = self.add_variable((), initializer="zeros", dtype="int32", name="iteration")
        self._learning_rate = learning_rate
        if not isinstance(learning_rate, schedules.LearningRateSchedule):
            self._learning_rate = self.add_variable((), initializer=learning_rate, name="learning_rate")

    # --- state -----------------------------------------------------------------
    @property
    def variables(self):
        """``iteration``, ``learning_rate`` (absent with a schedule), then the slots."""
        return list(self._variables)

    @property
    def iterations(self):
        """The number of updates applied so far: an int32 Variable (a Tensor with gradient
        accumulation, where it is the number of applies divided by the accumulation steps)."""
        if self.gradient_accumulation_steps:
            return Tensor(np.asarray(self._update_count()))
        return self._iterations

    @property
    def learning_rate(self):
        """The float32 learning-rate Variable; with a schedule, the rate at the current step."""
        if self._uses_schedule():
            return Tensor(self._current_learning_rate())
        return self._learning_rate

    @learning_rate.setter
    def learning_rate(self, value):
        if isinstance(value, schedules.LearningRateSchedule):
            self._variables = [v for v in self._variables if v is not self._learning_rate]
            self._learning_rate = value
            return
        if self._uses_schedule():
            raise TypeError(
                "This optimizer was created with a LearningRateSchedule as its `learning_rate`, "
                f"so its learning rate cannot be set to {value!r}. Create the optimizer with a "
                "float `learning_rate` if you need to change it."
            )
        self._learning_rate.assign(checked_learning_rate(as_python_number(value)))

    # tf.keras 2 spelling, still common in callbacks and notebooks.
    lr = learning_rate

    def _uses_schedule(self):
        return isinstance(self._learning_rate, schedules.LearningRateSchedule)

    def _current_learning_rate(self):
        """The learning rate for the next update, as a 0-d floatx array."""
        if self._uses_schedule():
            # Keras calls it with the applies, even under gradient accumulation.
            return np.asarray(self._learning_rate(self._iterations), dtype=backend.floatx())
        return self._learning_rate.value

    # --- building ------------------------------------------------------------------
    def build(self, variables):
        """Remember the variables this optimizer updates; subclasses then add their slots.

        Called by the first :meth:`apply` with all the variables passed to it.
        """
        self._trainable_variables = list(variables)
        self._variable_index = {id(v): i for i, v in enumerate(self._trainable_variables)}
        self._build_averaging(self._trainable_variables)
        self.built = True

    def _get_variable_index(self, variable):
        """The position of `variable` in the built list: the key to its slots."""
        return self._variable_index[id(variable)]

    def exclude_from_weight_decay(self, var_list=None, var_names=None):
        """Exempt variables from weight decay: these objects, or those whose name
        contains one of `var_names` (a regex search, as in Keras). Call before the first apply."""
        if self.built:
            raise ValueError("`exclude_from_weight_decay()` can only be called before the optimizer is built.")
        self._excluded_from_decay = {id(v): v for v in var_list or []}
        self._excluded_names = "|".join(var_names) if var_names else None
        if self._excluded_names is not None:
            re.compile(self._excluded_names)  # a bad pattern fails here, not halfway through a step

    # --- applying ----------------------------------------------------------------------
    def apply_gradients(self, grads_and_vars):
        """Apply ``(gradient, variable)`` pairs; pairs whose gradient is None are skipped.

        Returns the ``iterations`` Variable.
        """
        pairs = list(grads_and_vars)
        if not pairs or any(not isinstance(p, (tuple, list)) or len(p) != 2 for p in pairs):
            raise ValueError(
                "`apply_gradients` expects a non-empty iterable of (gradient, variable) pairs, "
                f"such as zip(grads, model.trainable_variables). Received: {pairs!r}"
            )
        grads, variables = zip(*pairs, strict=True)
        self.apply(grads, variables)
        return self._iterations

    def minimize(self, loss, var_list, tape=None):
        """One step down `loss` (tf.keras 2's ``minimize``): its gradients with respect to
        `var_list`, then :meth:`apply_gradients`.

        Args:
            loss: a function of no arguments returning the loss (computed here, on a tape), or
                a loss Tensor computed under `tape`.
            var_list: the Variables to update (or a function returning them, as tf.keras 2 takes).
            tape: the GradientTape that recorded a Tensor `loss`.

        Returns the ``iterations`` Variable.
        """
        from glassnet.autodiff import GradientTape  # the tape module imports optimizers' helpers: import late
        if callable(loss):
            with GradientTape() as tape:
                loss = loss()
        elif tape is None:
            raise ValueError("`tape` is required when a Tensor is passed as `loss` to minimize(): pass the "
                             "GradientTape that computed it, or pass `loss` as a function of no arguments.")
        variables = list(var_list() if callable(var_list) else var_list)
        grads = tape.gradient(loss, variables)
        return self.apply_gradients(zip(grads, variables))

    def apply(self, grads, trainable_variables=None):
        """Update `trainable_variables` in place from `grads` (Tensors or ndarrays, same order).

        Without `trainable_variables`, the variables the optimizer was built with are used.
        Everything that can be checked is checked before the first write, and the writes run
        as one step (see atomic.py): a Ctrl-C waits for its end, an error inside it undoes it.
        """
        variables = self._variables_to_update(trainable_variables)
        grads = checked_gradients(grads, variables)
        grads, updated = drop_missing(grads, variables)
        if self.built:
            self._check_known(updated)
        if observe.watchers:  # inspect.step records the gradients and the weights before the update
            observe.watchers[-1].before_update(grads, updated)
        self._ensure_built(variables)
        workers = self._workers
        if workers is not None and not self._can_apply_flat_gradient(updated):
            # summed first, so that clipping and accumulation see the global batch's gradient
            grads, workers = workers.sum_gradients(grads), None
        grads, accumulated, learning_rate = self._unscaled(grads, updated), [], None
        if self.gradient_accumulation_steps:
            grads, accumulated = self._accumulated(grads, updated)
        if grads is not None:  # None: an apply that only accumulates
            learning_rate = self._current_learning_rate()
            grads = clip_gradients(grads, self.clipnorm, self.global_clipnorm, self.clipvalue)
        self._write_step(lambda: self._step(grads, updated, learning_rate, accumulated, workers))

    def _step(self, grads, variables, learning_rate, accumulated, workers=None):
        """Every write of one apply, in Keras's order."""
        if grads is not None:
            self._update_variables(grads, variables, learning_rate, workers)
        self._finish_step(variables, accumulated)

    def _update_variables(self, grads, variables, learning_rate, workers=None):
        """Weight decay, then the update of each variable (or of the flat buffer at once)."""
        if self._can_update_flat(variables):
            self._update_flat(flat.gather(grads, self._flat[2]), learning_rate, workers)
            return
        self._apply_weight_decay(variables, learning_rate)
        for grad, variable in zip(grads, variables, strict=True):
            self.update_step(grad, variable, learning_rate.astype(variable.dtype))

    def _update_flat(self, gradient, learning_rate, workers=None):
        """Weight decay, then the update of the flat buffers from the flat `gradient`; during a
        distributed fit, `workers` (glassnet.distribute.updates) first sums it over the workers."""
        weights, slots, _ = self._flat
        learning_rate = learning_rate.astype(weights.dtype)
        if workers is not None:
            workers.update(self, gradient, learning_rate)
            return
        self._apply_weight_decay(self._trainable_variables, learning_rate)
        flat.update_in_blocks(self._update, gradient, weights, slots, learning_rate)

    def _finish_step(self, variables, accumulated=()):
        """What follows the update on every apply, in Keras's order: the accumulators, the
        moving averages, the constraints (on applies that only accumulate too), the count."""
        for accumulator, value in accumulated:
            accumulator.value[...] = value
        if self.use_ema:
            self._update_averages()
        for variable in variables:
            if variable.constraint is not None:
                variable.assign(variable.constraint(variable))
        self._iterations.assign_add(1)

    def update_step(self, gradient, variable, learning_rate):
        """Update one variable in place. ``gradient`` is an ndarray of the variable's dtype
        and ``learning_rate`` a 0-d array of that dtype.

        Custom optimizers override this (or ``_update``, which works on plain arrays).
        """
        i = self._get_variable_index(variable)
        slots = {name: group[i].value for name, group in self._slot_groups.items()}
        self._update(gradient, variable.value, slots, learning_rate)

    def _update(self, gradient, weights, slots, learning_rate):
        """Update the array `weights` in place, with `slots` mapping slot names to arrays."""
        raise NotImplementedError(f"{type(self).__name__} must implement update_step().")

    def _ensure_built(self, variables):
        """Build for `variables` (and pack them) unless built already: fit does it before its first step."""
        if not self.built:
            self.build(variables)
            self._pack()

    def _pack(self):
        """Pack variables and slots into flat buffers, when one elementwise update can serve them all."""
        variables = self._trainable_variables
        uses_arrays = type(self).update_step is Optimizer.update_step
        if not uses_arrays or len({v.dtype for v in variables}) != 1:
            return
        weights = flat.pack(variables)
        slots = {name: flat.pack(group) for name, group in self._slot_groups.items()}
        self._flat = (weights, slots, np.empty_like(weights))

    def _can_apply_flat_gradient(self, variables):
        """Whether :meth:`_apply_flat_gradient` may serve `variables`: packed, and nothing to do per tensor."""
        no_clipping = not (self.clipnorm or self.global_clipnorm or self.clipvalue or self.loss_scale_factor)
        plain = no_clipping and not (self.use_ema or self.gradient_accumulation_steps)
        return self.built and plain and self._can_update_flat(variables)

    def _apply_flat_gradient(self):
        """apply() for a gradient already written into the flat gradient buffer (the fast training step)."""
        learning_rate = self._current_learning_rate()

        def write():
            self._update_flat(self._flat[2], learning_rate, self._workers)
            self._finish_step(self._trainable_variables)

        self._write_step(write)

    def _can_update_flat(self, variables):
        """The flat path needs exactly the packed variables, still packed, decayed alike."""
        if self._flat is None or self.clipnorm or len(variables) != len(self._trainable_variables):
            return False
        if self.weight_decay is not None and (self._excluded_from_decay or self._excluded_names):
            return False
        same = all(a is b for a, b in zip(variables, self._trainable_variables))
        return same and flat.still_packed(variables, self._flat[0])

    def _variables_to_update(self, trainable_variables):
        if trainable_variables is None:
            if not self.built:
                raise ValueError("`apply` needs `trainable_variables` until the optimizer has been built.")
            return self._trainable_variables
        variables = list(trainable_variables)
        for v in variables:
            if not isinstance(v, Variable):
                raise TypeError(f"Optimizers update Variables only. Received {type(v).__name__}: {v!r}")
        return variables

    def _check_known(self, variables):
        unknown = [v.path for v in variables if id(v) not in self._variable_index]
        if unknown:
            raise ValueError(
                f"Unknown variables {unknown}: optimizer '{self.name}' was built for other "
                "variables. Create a new optimizer to train a new set of variables."
            )

    def _unscaled(self, grads, variables):
        """Gradients cast to their variable's dtype and divided by the loss scale factor."""
        grads = [g.astype(v.dtype, copy=False) for g, v in zip(grads, variables, strict=True)]
        if self.loss_scale_factor is not None:
            grads = [g / self.loss_scale_factor for g in grads]
        return grads

    def _apply_weight_decay(self, variables, learning_rate):
        if self.weight_decay is None:
            return
        for variable in variables:
            if self._use_weight_decay(variable):
                self._decay(variable.value, learning_rate)

    def _decay(self, w, learning_rate):
        """``w -= w * weight_decay * lr`` on the array `w`, in place and in its precision."""
        decay = w * self.weight_decay
        decay *= learning_rate.astype(w.dtype)
        w -= decay

    def _use_weight_decay(self, variable):
        if id(variable) in self._excluded_from_decay:
            return False
        return self._excluded_names is None or re.search(self._excluded_names, variable.name) is None

    # --- saving ------------------------------------------------------------------------
    def get_config(self):
        """Keras's optimizer config keys; subclasses add their hyperparameters."""
        learning_rate = self._learning_rate
        return {
            "name": self.name,
            "learning_rate": schedules.serialize(learning_rate) if self._uses_schedule()
            else float(learning_rate.numpy()),
            "weight_decay": self.weight_decay, "clipnorm": self.clipnorm,
            "global_clipnorm": self.global_clipnorm, "clipvalue": self.clipvalue,
            "use_ema": self.use_ema, "ema_momentum": self.ema_momentum,
            "ema_overwrite_frequency": self.ema_overwrite_frequency,
            "loss_scale_factor": self.loss_scale_factor,
            "gradient_accumulation_steps": self.gradient_accumulation_steps,
        }

    @classmethod
    def from_config(cls, config, custom_objects=None):
        """A new optimizer from :meth:`get_config`'s dict (its variables start afresh)."""
        config = dict(config)
        # tf.keras 2.11+ configs carry these; they mean nothing here.
        config.pop("is_legacy_optimizer", None)
        config.pop("jit_compile", None)
        if isinstance(config.get("learning_rate"), dict):
            config["learning_rate"] = schedules.deserialize(config["learning_rate"], custom_objects)
        return cls(**config)

    def save_own_variables(self, store):
        """Write the variables into `store` under the keys ``"0"``, ``"1"``, ... (Keras's layout)."""
        for i, variable in enumerate(self._variables):
            store[str(i)] = variable.numpy()

    def load_own_variables(self, store):
        """Read the variables back; a count mismatch skips loading with a warning, as in Keras."""
        if len(store.keys()) != len(self._variables):
            warnings.warn(
                f"Skipping variable loading for optimizer '{self.name}', because it has "
                f"{len(self._variables)} variables whereas the saved optimizer has "
                f"{len(store.keys())} variables.", stacklevel=2,
            )
            return
        for i, variable in enumerate(self._variables):
            variable.assign(store[str(i)])

