"""Layer: the base class of everything that holds weights and transforms tensors.

What a Keras user's own layer relies on, kept here:

- sub-layers, variables and metrics are found wherever they are assigned: attributes,
  lists, tuples, dicts, nested layers (see tracking.py);
- ``call`` gets ``training`` only if it takes it; when not given, ``training`` comes from
  the outermost layer's call (so a ``Dropout`` deep inside a custom layer follows ``fit``);
- ``add_loss`` inside ``call`` adds to :attr:`losses`, which the outermost call clears first;
- ``layer.trainable = False`` freezes its variables and every sub-layer, as in Keras;
- a layer builds once, from the first input it sees, and a build that fails leaves no
  weights behind.
"""
import contextlib
import inspect
import threading
import warnings

import numpy as np

from glassnet import backend
from glassnet.autodiff import Tensor, Variable, convert_to_tensor, observe, ops
from glassnet.autodiff.tape import not_recording
from glassnet.keras import constraints, initializers, naming, regularizers
from glassnet.keras.keras_tensor import KerasTensor, holds_keras_tensor, map_structure
from glassnet.keras.layers import auto_config, tracking
from glassnet.keras.metrics.metric import Metric
from glassnet.keras.trainers.data import numbers_of

# Building happens once, even when several threads call an unbuilt model at the same time.
build_lock = threading.RLock()
# The call in progress on each thread: its `training` value, inherited by nested layers.
_calls = threading.local()
# The layers being built or first called on each thread, outermost first: a weight's path names
# them all, as Keras's name scopes do ("sequential/block/dense/kernel").
_scopes = threading.local()

_TRACKED = (Variable, Metric)
_AGGREGATIONS = ("none", "mean", "sum", "only_first_replica")


def default_build(build):
    """Marks a base class's ``build``: a layer that keeps it is built by its first call."""
    build.is_default = True
    return build


_BY_KEYWORD = object()  # __call__'s default: the inputs came by keyword, under call's own name


class Layer:
    """A callable that builds its weights from the first input shape it sees.

    Subclasses implement ``call(inputs)`` (with ``training=None`` if they behave differently
    in training), and usually ``build(input_shape)``, creating weights with :meth:`add_weight`.

    Args:
        activity_regularizer: a penalty on the layer's outputs, added to :attr:`losses`
            (divided by the batch size, as Keras does).
        trainable: whether the layer's weights are updated by fit.
        dtype: the dtype of weights and outputs; defaults to ``backend.floatx()`` at construction.
        name: unique name; defaults to the snake_case class name, numbered (``dense_1``).
        input_shape / input_dim: legacy Keras arguments: the shape of one sample, e.g. ``(400,)``.

    >>> import numpy as np
    >>> from glassnet.autodiff import ops
    >>> from glassnet.keras.layers import Layer
    >>> class Linear(Layer):
    ...     def __init__(self, units=32):
    ...         super().__init__()
    ...         self.units = units
    ...     def build(self, input_shape):
    ...         self.w = self.add_weight(shape=(input_shape[-1], self.units), initializer="random_normal")
    ...         self.b = self.add_weight(shape=(self.units,), initializer="zeros")
    ...     def call(self, inputs):
    ...         return ops.matmul(inputs, self.w) + self.b
    >>> Linear(4)(np.ones((2, 3))).shape.as_list()
    [2, 4]
    """

    # Attributes that hold references to layers without owning them, or internal lists that
    # change every step (tracking them would make every listing stale every step).
    # Layers without state that Keras builds when they are constructed (its _build_at_init):
    # their files hold no build_config.
    _built_at_init = False

    _untracked_attributes = frozenset({"input", "output", "_trainable_variables", "_non_trainable_variables",
                                       "_losses", "_auto_config"})

    # Masks (Keras): a layer that supports masking passes the mask of its first input on to its output,
    # through compute_mask; one that does not drops it, with a warning. Overriding compute_mask is
    # supporting masking, as in Keras. `_makes_masks`: compute_mask may make a mask from none.
    supports_masking = False
    _makes_masks = False

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        if "compute_mask" in cls.__dict__:
            cls._makes_masks = True
            if "supports_masking" not in cls.__dict__:
                cls.supports_masking = True

    def __new__(cls, *args, **kwargs):
        layer = super().__new__(cls)
        object.__setattr__(layer, "_auto_config", auto_config.arguments(cls, args, kwargs))
        return layer

    def __init__(self, *, activity_regularizer=None, trainable=True, dtype=None, autocast=True, name=None,
                 input_shape=None, input_dim=None, batch_input_shape=None, batch_size=None, **kwargs):
        if kwargs:
            raise TypeError(f"Unrecognized keyword arguments passed to {type(self).__name__}: {kwargs}")
        if name is not None and not isinstance(name, str):
            raise TypeError(f"name must be a string. Received: name={name!r}")
        self.name = name or naming.unique_name(naming.snake_case(type(self).__name__))
        self.dtype = backend.standardize_dtype(dtype).name
        self.autocast = autocast
        self.activity_regularizer = None if activity_regularizer is None else regularizers.get(activity_regularizer)
        self._trainable = bool(trainable)
        self.built = False
        self._trainable_variables = []
        self._non_trainable_variables = []
        self._losses = []
        self.input = None
        self.output = None
        if input_dim is not None:
            input_shape = (input_dim,)
        self._batch_input_shape = None
        if batch_input_shape is not None:
            self._batch_input_shape = (batch_input_shape[0], *_as_shape(batch_input_shape[1:], "batch_input_shape"))
        elif input_shape is not None:
            self._batch_input_shape = (batch_size, *_as_shape(input_shape, "input_shape"))

    # --- tracking ---------------------------------------------------------------
    def __setattr__(self, name, value):
        tracked = self.__dict__.get("_tracked")
        if tracked is None:  # Keras asks for super().__init__() first; either order works here
            tracked = {}
            object.__setattr__(self, "_tracked", tracked)
        if name not in self._untracked_attributes and _trackable(value):
            value = tracking.wrap(value)
            tracked[name] = value
            tracking.structure_changed()
        elif name in tracked:
            del tracked[name]
            tracking.structure_changed()
        object.__setattr__(self, name, value)

    def __delattr__(self, name):
        if self.__dict__.get("_tracked", {}).pop(name, None) is not None:
            tracking.structure_changed()
        object.__delattr__(self, name)

    def _cached(self, key, compute):
        """`compute()`, remembered until any tracked structure changes."""
        cache = self.__dict__.get("_structure_cache")
        version = tracking.structure_version()
        if cache is None or cache[0] != version:
            cache = (version, {})
            object.__setattr__(self, "_structure_cache", cache)
        if key not in cache[1]:
            cache[1][key] = compute()
        return cache[1][key]

    def _tracked_leaves(self, kinds):
        seen = set()
        return [leaf for value in self.__dict__.get("_tracked", {}).values()
                for leaf in tracking.leaves(value, kinds, seen)]

    @property
    def _layers(self):
        """The direct sub-layers, in the order they were assigned (Keras's ``_layers``)."""
        return self._cached("layers", lambda: [x for x in self._tracked_leaves(Layer) if x is not self])

    def _flatten_layers(self, include_self=True, recursive=True):
        """Every layer below this one, in Keras's order (which decides the order of `losses`).
        Without `include_self`, the cached list itself: read it, don't change it."""
        def compute():
            layers, seen = [], set()
            pending = list(reversed(self._layers))
            while pending:
                layer = pending.pop()
                if id(layer) in seen or layer is self:
                    continue
                seen.add(id(layer))
                layers.append(layer)
                if recursive:
                    pending.extend(reversed(layer._layers))
            return layers
        layers = self._cached(("flatten", recursive), compute)
        return [self, *layers] if include_self else layers

    # --- weights ------------------------------------------------------------
    def add_weight(self, *args, shape=None, initializer=None, dtype=None, trainable=True, autocast=True,
                   regularizer=None, constraint=None, aggregation="none", overwrite_with_gradient=False,
                   name=None):
        """Create a Variable of `shape` owned by this layer (Keras's signature and defaults).

        `initializer` defaults to ``'glorot_uniform'`` for float weights and ``'zeros'`` otherwise;
        `regularizer` adds its penalty to :attr:`losses`; `constraint` is applied by the optimizer
        after each update. `aggregation` (how replicas combine the variable) and `autocast` are
        kept on the variable; `overwrite_with_gradient=True` (Keras's float8 scales) is refused.

        Positional arguments are Keras 3's ``(shape, initializer, dtype)``, or tf.keras 2's
        ``(name, shape, dtype, initializer)`` when the first is a string, as TensorFlow's
        tutorials write ``add_weight("kernel", shape=[...])``.
        """
        given = dict(shape=shape, initializer=initializer, dtype=dtype, name=name)
        shape, initializer, dtype, name = _positional_weight_arguments(args, given).values()
        if aggregation not in _AGGREGATIONS:
            raise ValueError(f"Invalid `aggregation`: expected one of {_AGGREGATIONS}. Received: "
                             f"aggregation={aggregation!r}")
        if overwrite_with_gradient:
            raise ValueError("add_weight(overwrite_with_gradient=True) is not supported: glassnet has no float8 "
                             "training, the only use Keras has for it.")
        dtype = backend.standardize_dtype(dtype or self.dtype)
        shape = () if shape is None else tuple(shape)
        if initializer is None:
            initializer = "glorot_uniform" if dtype.kind == "f" else "zeros"
        value = initializers.get(initializer)(shape, dtype=dtype)
        name = name or naming.unique_name("variable")  # Keras's names for unnamed weights
        with name_scope(self):
            path = "/".join([layer.name for layer in _scope_stack()] + [name])
        variable = Variable(np.asarray(value, dtype=dtype), trainable=trainable, name=name, path=path,
                            constraint=constraints.get(constraint))
        variable.regularizer = None if regularizer is None else regularizers.get(regularizer)
        variable.aggregation, variable.autocast = aggregation, autocast
        self._own_variable(variable)
        return variable

    def _own_variable(self, variable):
        owned = self._trainable_variables if variable.trainable else self._non_trainable_variables
        if all(variable is not v for v in self._trainable_variables + self._non_trainable_variables):
            owned.append(variable)
            if not self.trainable:  # a frozen layer's new weights are frozen too (Keras)
                variable.trainable = False
            tracking.structure_changed()

    @property
    def weights(self):
        """Every variable: this layer's trainable ones, its non-trainable ones, then each
        sub-layer's (Keras's get_weights order)."""
        def compute():
            own = self._trainable_variables + self._non_trainable_variables + self._tracked_leaves(Variable)
            nested = [w for layer in self._layers for w in layer.weights]
            seen = set()
            return [w for w in own + nested if not (id(w) in seen or seen.add(id(w)))]
        return list(self._cached("weights", compute))

    @property
    def trainable_weights(self):
        return [w for w in self.weights if w.trainable] if self.trainable else []

    @property
    def non_trainable_weights(self):
        return [w for w in self.weights if not w.trainable] if self.trainable else self.weights

    @property
    def variables(self):
        return self.weights

    @property
    def trainable_variables(self):
        return self.trainable_weights

    @property
    def non_trainable_variables(self):
        return self.non_trainable_weights

    @property
    def trainable(self):
        return self._trainable

    @trainable.setter
    def trainable(self, value):
        """Freezing a layer freezes the variables it created trainable, and every sub-layer (Keras)."""
        value = bool(value)
        self.__dict__["_trainable"] = value
        for variable in self.__dict__.get("_trainable_variables", []):
            variable.trainable = value
        for layer in self._layers if "_tracked" in self.__dict__ else []:
            layer.trainable = value
        tracking.structure_changed()

    @property
    def _regularized(self):
        """(regularizer, variable) pairs of this layer's own variables."""
        return [(v.regularizer, v) for v in self._trainable_variables + self._non_trainable_variables
                if getattr(v, "regularizer", None) is not None]

    def get_weights(self):
        """The weights as NumPy arrays (copies), in :attr:`weights` order; ``[]`` before build."""
        return [np.array(w.value) for w in self.weights]

    def set_weights(self, weights):
        """Set the weights from a list of array-likes (nested lists and int/float64 arrays are cast)."""
        variables = self.weights
        for variable, array in zip(variables, _check_weight_list(weights, variables, self._owner_description())):
            variable.assign(array)

    def _owner_description(self):
        return f"layer '{self.name}'"

    def count_params(self):
        if not self.built:
            raise ValueError(
                f"You tried to call count_params on {self._owner_description()}, but it isn't built. "
                "Build it first, e.g. by calling it on data or with build(input_shape)."
            )
        return int(sum(w.value.size for w in self.weights))

    # --- losses ----------------------------------------------------------------
    def add_loss(self, loss):
        """Add a scalar (or a tensor, summed) to what training minimises; call it inside ``call``.

        The losses added during one call replace those of the previous call.
        """
        for value in loss if isinstance(loss, (list, tuple)) else [loss]:
            if not isinstance(value, Tensor):
                try:
                    value = convert_to_tensor(value)
                except (TypeError, ValueError):
                    raise ValueError(f"`add_loss()` expects a tensor or a number. Received: {value!r}") from None
            self._losses.append(value)

    @property
    def losses(self):
        """Losses added in the last call (this layer's, then its sub-layers'), then the
        regularization penalties of the trainable weights (Keras's order)."""
        losses = [loss for layer in self._flatten_layers() for loss in layer._losses]
        return losses + [w.regularizer(w) for w in self.trainable_weights if getattr(w, "regularizer", None)]

    @property
    def metrics(self):
        """The metrics assigned to this layer and its sub-layers."""
        return list(self._cached("metrics", lambda: self._tracked_leaves(Metric) + [
            m for layer in self._layers for m in layer.metrics]))

    def _clear_losses(self):
        if self._losses:
            self._losses.clear()
        for layer in self._flatten_layers(include_self=False):
            if layer._losses:
                layer._losses.clear()

    # --- building and calling ------------------------------------------------
    @default_build
    def build(self, input_shape):
        self.built = True

    def call(self, inputs, training=False):
        return inputs

    def compute_output_shape(self, input_shape):
        """The output shape for `input_shape`, found by calling the layer on one row of zeros
        (Keras traces ``call`` symbolically; layers that know their shape override this)."""
        return self._probe_output_shape(input_shape)

    def __call__(self, inputs=_BY_KEYWORD, *args, training=None, **kwargs):
        if inputs is _BY_KEYWORD:  # layer(logits=..., targets=...): the first of call's parameters by name
            inputs = _first_argument(self, kwargs)
        # the common eager call has no further arguments: only look through them when there are some
        if holds_keras_tensor(inputs) or (args and holds_keras_tensor(args)) or (
                kwargs and holds_keras_tensor(kwargs)):
            if training is not None:
                kwargs["training"] = training
            return self._call_symbolic(inputs, kwargs, args)
        call = type(self).call
        if args and training is None:  # `training` given by position, as in layer(x, True)
            args, training = _positional_training(call, args)
        inputs = self._convert_input(inputs)
        outer = getattr(_calls, "training", _NOT_CALLING)
        entry = outer is _NOT_CALLING
        if entry:  # the outermost call: the losses of the last call go
            self._clear_losses()
            outer = None
        signature = _SIGNATURES.get(call) or signature_of(call)
        if training is None:  # as Keras: the outer call's value, else call's own default
            training = signature.training_default if outer is None else outer
        _calls.training = training
        scoped = not self.built  # weights made during a first call are named under this layer
        if scoped:
            _scope_stack().append(self)
        try:
            if not self.built:
                self._maybe_build(inputs, args, kwargs)
            if isinstance(inputs, Tensor):
                self._check_input(inputs.shape)
            if signature.takes_training and training is not None:
                kwargs["training"] = bool(training)
            # None on every unmasked tensor; a list of inputs (a merge) has a list of masks
            mask = inputs._keras_mask if type(inputs) is Tensor else _masks_of(inputs)
            if mask is not None and signature.takes_mask and kwargs.get("mask") is None:
                kwargs["mask"] = mask
            if observe.watchers:  # inspect.step records this call's inputs, outputs and intermediates
                outputs = observe.watchers[-1].watch_call(self, inputs, lambda: self.call(inputs, *args, **kwargs))
            else:
                outputs = self.call(inputs, *args, **kwargs)
            if not self.built:  # a layer without its own build is built by its first call
                self._built_by_call(inputs)
            if self.activity_regularizer is not None:
                self._add_activity_penalty(outputs)
            if mask is not None or self._makes_masks:
                self._set_output_mask(inputs, outputs, kwargs.get("mask", mask))
            return outputs
        finally:
            if scoped:
                _scope_stack().pop()
            if entry:
                del _calls.training

    def compute_mask(self, inputs, previous_mask):
        """The mask of the output (a bool Tensor, or None): by default the input's (Keras)."""
        return previous_mask

    def _set_output_mask(self, inputs, outputs, previous_mask):
        """Keras's rule: the output carries ``compute_mask(inputs, mask)`` if the layer supports
        masking; a layer that does not drops a mask it was given, and says so."""
        if not self.supports_masking:
            if previous_mask is not None:
                warnings.warn(
                    f"Layer '{self.name}' (of type {type(self).__name__}) was passed an input with a mask attached "
                    "to it. However, this layer does not support masking and will therefore destroy the mask "
                    "information. Downstream layers will not see the mask.", UserWarning, stacklevel=3)
            return
        masks = self.compute_mask(inputs, previous_mask)
        if masks is None:
            return
        tensors = outputs if isinstance(outputs, (list, tuple)) else [outputs]
        masks = masks if isinstance(masks, (list, tuple)) else [masks]
        for tensor, mask in zip(tensors, masks):
            if isinstance(tensor, Tensor) and mask is not None and tensor._keras_mask is None:
                tensor._keras_mask = mask if isinstance(mask, Tensor) else Tensor(np.asarray(mask))

    def _built_by_call(self, inputs):
        """A layer with the default build is built by its first call; it saves that input shape
        (as Keras's build_config), with any batch size."""
        self.built = True
        if self._batch_input_shape is None and isinstance(inputs, Tensor) and inputs.ndim:
            self._batch_input_shape = (None, *inputs.shape[1:])

    def _call_with_training(self, inputs, training, args=(), kwargs=None):
        """``call``, with `training` passed only to a call that takes it (as Keras does)."""
        kwargs = kwargs or {}
        if signature_of(type(self).call).takes_training and training is not None:
            kwargs["training"] = bool(training)
        return self.call(inputs, *args, **kwargs)

    def _add_activity_penalty(self, outputs):
        for output in tracking.leaves(outputs, Tensor, set()):
            penalty = self.activity_regularizer(output)
            if output.ndim > 0 and output.shape[0]:
                penalty = penalty / np.asarray(output.shape[0], dtype=penalty.dtype)
            self.add_loss(penalty)

    def _maybe_build(self, inputs, args=(), kwargs=None):
        if not getattr(type(self).build, "is_default", False):
            self._build_from_shape(_shape_of(inputs), _keyword_shapes(self, inputs, args, kwargs or {}))

    def _call_symbolic(self, inputs, kwargs=None, args=()):
        """Build from the inputs' shapes and return KerasTensors of the output shape, recording the
        call as a node (see models/node.py). `input`/`output` are those of the first call, as in Keras.
        Further positional or keyword KerasTensors (``endpoint(logits, targets)``) join the node's inputs."""
        from glassnet.keras.models.node import Node
        kwargs = kwargs or {}
        shapes = map_structure(lambda x: tuple(x.shape) if isinstance(x, KerasTensor) else x, inputs)
        several = bool(args) or holds_keras_tensor(kwargs)
        if several and not self.built:
            self._build_from_shape(shapes, _keyword_shapes(self, inputs, args, kwargs))
        self._build_from_shape(shapes)
        if isinstance(inputs, KerasTensor):
            self._check_input(inputs.shape)
        if several:  # compute_output_shape knows one input; the call itself is probed with all of them
            output_shape = self._probe_output_shape(shapes, args, kwargs)
        else:
            output_shape = self.compute_output_shape(shapes)
        # a layer whose outputs are not of its dtype (a lookup's int64 indices) names theirs
        dtype = getattr(self, "_symbolic_output_dtype", None) or self.dtype
        outputs = map_shapes(lambda shape: KerasTensor(shape, dtype, name=self.name, history=(self, inputs)),
                             output_shape)
        Node(self, inputs, outputs, kwargs, args=args)
        if self.output is None:
            self.input, self.output = inputs, outputs
        return outputs

    def _build_from_shape(self, input_shape, keyword_shapes=None):
        """Build once (under a lock, for threads); a build that fails leaves no weights behind.
        A build with several parameters gets `keyword_shapes` instead (see _keyword_shapes)."""
        with build_lock:
            if self.built:
                return
            before = (len(self._trainable_variables), len(self._non_trainable_variables))
            try:
                with name_scope(self):
                    if keyword_shapes is None:
                        self.build(_plain_shape(input_shape))
                    else:
                        self.build(**keyword_shapes)
            except BaseException:
                del self._trainable_variables[before[0]:], self._non_trainable_variables[before[1]:]
                tracking.structure_changed()
                raise
            if self._batch_input_shape is None and isinstance(input_shape, tuple):
                self._batch_input_shape = input_shape
            self.built = True

    def _unbuild(self):
        """Forget the weights of a build that its model could not finish."""
        self._trainable_variables.clear()
        self._non_trainable_variables.clear()
        self.built = False
        self.input = self.output = None
        self.__dict__.pop("_inbound_nodes", None)
        tracking.structure_changed()

    def _probe_output_shape(self, input_shape, args=(), kwargs=None):
        """Run ``call`` on zeros of `input_shape` (unknown sizes taken as 1), off the tape; a list or
        dict of shapes gives the call a list or dict of inputs, and a call returning several
        outputs gives their shapes in the same structure. KerasTensors among `args` and `kwargs`
        are probed with zeros too."""
        def zeros(shape):
            return Tensor(np.zeros([1 if d is None else d for d in shape], dtype=self.dtype))
        probe = map_shapes(zeros, input_shape)
        args, kwargs = map_structure(lambda x: zeros(x.shape) if isinstance(x, KerasTensor) else x,
                                     (list(args), dict(kwargs or {})))
        kwargs.pop("training", None)
        with np.errstate(all="ignore"), not_recording(), name_scope(self), self._state_kept():
            output = self._call_with_training(probe, False, args, kwargs)
        self._clear_losses()
        batch = input_shape[0] if is_shape(input_shape) and input_shape else None

        def shape_of(value):
            shape = tuple(np.shape(getattr(value, "value", value)))
            return (batch, *shape[1:]) if shape else shape
        if isinstance(output, (list, tuple, dict)):
            return map_structure(shape_of, output)
        shape = tuple(np.shape(getattr(output, "value", output)))
        return (input_shape[0], *shape[1:]) if shape and is_shape(input_shape) and input_shape else shape

    @contextlib.contextmanager
    def _state_kept(self):
        """Undo what a probe call changed in the non-trainable weights (a running sum, a counter):
        Keras learns shapes symbolically, so its probes change nothing."""
        saved = [(w, w.numpy()) for w in self.weights if not w.trainable]
        try:
            yield
        finally:
            for variable, value in saved:
                variable.assign(value)

    def _convert_input(self, inputs):
        """Tensors of the layer's dtype: float inputs are cast (Keras's autocast), integer and
        bool ones kept; lists and tuples of arrays are taken as several inputs."""
        if isinstance(inputs, Tensor):
            if inputs.dtype.kind == "f" and inputs.dtype != self.dtype and self.autocast:
                return ops.cast(inputs, dtype=self.dtype)
            return inputs
        if _is_structure(inputs):
            if isinstance(inputs, dict):
                return {key: self._convert_input(value) for key, value in inputs.items()}
            return type(inputs)(self._convert_input(value) for value in inputs)
        array = np.asarray(inputs)
        if array.dtype == object:  # numbers and bools (np.array of a DataFrame): floats, as TensorFlow
            array = numbers_of(array)
        if array.dtype.kind == "f" and array.dtype != self.dtype and self.autocast:
            array = array.astype(self.dtype)
        return convert_to_tensor(array)

    def _check_input(self, shape):
        """Subclasses with a fixed input size override this to name the mismatch."""

    @classmethod
    def from_config(cls, config):
        """A new layer from :meth:`get_config`'s dict: ``cls(**config)``, as Keras does."""
        try:
            return cls(**config)
        except Exception as error:
            raise TypeError(
                f"Error when deserializing class '{cls.__name__}' using config={config}.\n\nException encountered: "
                f"{error}. A layer whose __init__ takes other arguments than get_config returns must override "
                "get_config (or from_config)."
            ) from error

    def get_config(self):
        """The arguments that rebuild this layer with :meth:`from_config`. A subclass that does not
        override it gets Keras's auto-config: the plain arguments it was constructed with."""
        config = {"name": self.name, "trainable": self.trainable, "dtype": self.dtype}
        if self.activity_regularizer is not None:
            config["activity_regularizer"] = regularizers.serialize(self.activity_regularizer)
        cls = type(self)
        if cls.get_config is not Layer.get_config or cls.__init__ is Layer.__init__:
            return config
        return self._constructor_config(config)

    def _constructor_config(self, config):
        """`config` with the plain arguments this layer was constructed with (Keras's auto-config)."""
        cls = type(self)
        if self._auto_config is None and auto_config.takes_arguments(cls):
            raise NotImplementedError(
                f"Layer {cls.__name__} was created by passing non-serializable argument values in `__init__()`, "
                "and therefore the layer must override `get_config()` in order to be serializable. Please "
                "implement `get_config()`."
            )
        return auto_config.merged(cls, config, self._auto_config or {})

    def get_build_config(self):
        """``{"input_shape": [...]}``: the shape the layer was built for, as Keras saves it (None if unknown)."""
        if not self.built or self._batch_input_shape is None or self._built_at_init:
            return None
        return {"input_shape": list(self._batch_input_shape)}

    def build_from_config(self, config):
        """Build for the shape a saved ``build_config`` gives (before its weights are loaded)."""
        shape = (config or {}).get("input_shape")
        if shape is not None and not self.built:
            self._build_from_shape(tuple(shape))

    def __repr__(self):
        return f"<{type(self).__name__} name={self.name}, built={self.built}>"


_NOT_CALLING = object()


def is_shape(value):
    """Whether `value` is one shape (a tuple or list of sizes, None where unknown), not a structure of shapes."""
    return isinstance(value, (tuple, list)) and all(
        d is None or (isinstance(d, (int, np.integer)) and not isinstance(d, bool)) for d in value)


def map_shapes(function, shapes):
    """`shapes` (one shape, or a list/tuple/dict of them) with every shape replaced by ``function(tuple(shape))``."""
    if is_shape(shapes):
        return function(tuple(shapes))
    if isinstance(shapes, dict):
        return {key: map_shapes(function, value) for key, value in shapes.items()}
    return type(shapes)(map_shapes(function, value) for value in shapes)


def _scope_stack():
    stack = getattr(_scopes, "stack", None)
    if stack is None:
        stack = _scopes.stack = []
    return stack


@contextlib.contextmanager
def name_scope(layer):
    """Name the weights made inside under `layer` (once, however often it is entered)."""
    stack = _scope_stack()
    pushed = not stack or stack[-1] is not layer
    if pushed:
        stack.append(layer)
    try:
        yield
    finally:
        if pushed:
            stack.pop()


def _masks_of(inputs):
    """The masks of a list of input tensors, or None when none of them has one (as Keras)."""
    if not isinstance(inputs, (list, tuple)):
        return None
    masks = [getattr(tensor, "_keras_mask", None) for tensor in inputs]
    return masks if any(mask is not None for mask in masks) else None


def _first_argument(layer, kwargs):
    name = signature_of(type(layer).call).first_parameter
    if name not in kwargs:
        raise TypeError(f"Layer '{layer.name}' was called without inputs: pass them first, or by the name of its "
                        f"call's first argument (`{name}`). Received keyword arguments: {sorted(kwargs)}")
    return kwargs.pop(name)


class _Signature:
    def __init__(self, function):
        parameters = inspect.signature(function).parameters
        self.first_parameter = next((name for name in list(parameters)[1:]), None)  # after self
        training = parameters.get("training")
        self.takes_training = training is not None or any(
            p.kind is inspect.Parameter.VAR_KEYWORD for p in parameters.values())
        self.training_default = None if training is None or training.default is inspect.Parameter.empty \
            else training.default
        self.takes_mask = "mask" in parameters


_SIGNATURES = {}


def signature_of(function):
    """What a method (``call``, ``compute_loss``) accepts, read once per method, not per call."""
    if function not in _SIGNATURES:
        _SIGNATURES[function] = _Signature(function)
    return _SIGNATURES[function]


def _positional_weight_arguments(args, given):
    """add_weight's positional arguments merged into the keyword ones (`given`), refusing both at once."""
    order = ("name", "shape", "dtype", "initializer") if args and isinstance(args[0], str) \
        else ("shape", "initializer", "dtype")
    if len(args) > len(order):
        raise TypeError(f"add_weight takes at most {len(order)} positional arguments ({', '.join(order)}). "
                        f"Received {len(args)}: pass the others by keyword.")
    for key, value in zip(order, args):
        if given[key] is not None:
            raise TypeError(f"add_weight got two values for `{key}`: {value!r} by position and {given[key]!r}.")
        given[key] = value
    return given


def _keyword_shapes(layer, inputs, args, kwargs):
    """None for a build of one parameter (it gets the first input's shape); for a build of
    several, Keras's rule: ``build(self, a_shape, b_shape)`` gets the shape of call's arguments
    `a` and `b`."""
    kinds = (inspect.Parameter.POSITIONAL_OR_KEYWORD, inspect.Parameter.POSITIONAL_ONLY,
             inspect.Parameter.KEYWORD_ONLY)
    names = [name for name, p in inspect.signature(layer.build).parameters.items() if p.kind in kinds]
    if len(names) <= 1:
        return None
    call_names = [name for name in inspect.signature(layer.call).parameters if name != "self"]
    values = {**dict(zip(call_names, (inputs, *args))), **kwargs}
    for name in names:
        if not name.endswith("_shape") or name[:-len("_shape")] not in call_names:
            raise ValueError(
                f"For a `build()` method with more than one argument, all arguments should have a `_shape` suffix "
                f"and match an argument from `call()`. E.g. `build(self, foo_shape, bar_shape)`. Received: "
                f"build({', '.join(names)}) on {type(layer).__name__} whose call takes ({', '.join(call_names)})."
            )
    return {name: _shape_of(_as_tensor(values.get(name[:-len("_shape")]))) for name in names}


def _as_tensor(value):
    if value is None or isinstance(value, (Tensor, KerasTensor, list, tuple, dict)):
        return value
    return convert_to_tensor(value)


def _positional_training(call, args):
    """(the other positional arguments, training) when `training` came by position."""
    names = list(inspect.signature(call).parameters)[2:]  # after self and inputs
    if "training" in names and names.index("training") < len(args):
        at = names.index("training")
        return args[:at] + args[at + 1:], args[at]
    return args, None


def _trackable(value):
    if isinstance(value, (Layer, *_TRACKED)):
        return True
    if isinstance(value, (list, dict)):
        return True
    return isinstance(value, tuple) and any(True for _ in tracking.leaves(value, (Layer, *_TRACKED), set()))


def _is_structure(inputs):
    """A list, tuple or dict holding tensors or arrays: several inputs, not one nested list."""
    if isinstance(inputs, dict):
        return True
    return isinstance(inputs, (list, tuple)) and any(isinstance(x, (Tensor, np.ndarray)) or _is_structure(x)
                                                     for x in inputs)


def _shape_of(inputs):
    if inputs is None:
        return None
    if isinstance(inputs, KerasTensor):
        return tuple(inputs.shape)
    if isinstance(inputs, Tensor):
        return (None, *inputs.shape[1:]) if inputs.ndim else ()
    if isinstance(inputs, dict):
        return {key: _shape_of(value) for key, value in inputs.items()}
    return [_shape_of(value) for value in inputs]


def _plain_shape(shape):
    return tuple(shape) if isinstance(shape, tuple) else shape


def _as_shape(shape, argument):
    """A tuple of dimensions (positive ints, None where unknown) from a tuple, list or bare int
    (``Input(shape=14)``). Strings and floats are refused even where int() would take them, as in Keras."""
    from glassnet.keras import validation as check

    if isinstance(shape, (int, np.integer)) and not isinstance(shape, bool):
        shape = (shape,)
    try:
        dims = None if isinstance(shape, str) else tuple(shape)
    except TypeError:  # not iterable
        dims = None
    if dims is None or not all(d is None or (isinstance(d, (int, np.integer)) and not isinstance(d, bool)
                                             and d >= 1) for d in dims):
        check.fail(argument, shape, "a tuple of positive integers (None for an unknown size), e.g. (400,)")
    return tuple(None if d is None else int(d) for d in dims)


def _check_weight_list(weights, variables, owner):
    """Convert `weights` to arrays matching `variables`, or raise naming the mismatch."""
    if not isinstance(weights, (list, tuple)):
        raise TypeError(f"set_weights expects a list of arrays. Received: {type(weights).__name__}")
    if len(weights) != len(variables):
        raise ValueError(
            f"You called set_weights(weights) on {owner} with a weight list of length {len(weights)}, "
            f"but it was expecting {len(variables)} weights."
        )
    arrays = []
    for variable, value in zip(variables, weights):
        array = np.asarray(getattr(value, "value", value), dtype=variable.dtype)
        if array.shape != variable.value.shape:
            raise ValueError(
                f"{owner.capitalize()} weight '{variable.path}' has shape {variable.value.shape}, "
                f"which is not compatible with the provided weight shape {array.shape}."
            )
        arrays.append(array)
    return arrays
