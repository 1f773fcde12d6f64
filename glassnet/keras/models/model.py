"""Model: a Layer made of layers, with the training API (compile, fit, evaluate, predict)."""
import contextlib

from glassnet.keras.layers import layer as layer_module
from glassnet.keras.layers.dense import Dense
from glassnet.keras.layers.layer import Layer, default_build
from glassnet.keras.models import dense_plan
from glassnet.keras.models.summary import summary_text
from glassnet.keras.trainers import data
from glassnet.keras.trainers.trainer import Trainer, _several_arrays


class Model(Trainer, Layer):
    """Groups layers into an object with training and inference features.

    Subclass it and define ``call``: layers assigned as attributes, in lists, tuples or dicts
    are tracked, and their weights train. Override ``train_step`` (or ``test_step``,
    ``predict_step``, ``compute_loss``) to change what ``fit`` does with each batch. Use
    :class:`Sequential` for a plain stack of layers.

    >>> import numpy as np
    >>> from glassnet.keras.layers import Dense
    >>> from glassnet.keras.models import Model
    >>> class TwoLayer(Model):
    ...     def __init__(self):
    ...         super().__init__()
    ...         self.blocks = [Dense(4, activation="relu"), Dense(4, activation="relu")]
    ...         self.out = Dense(1)
    ...     def call(self, x):
    ...         for block in self.blocks:
    ...             x = block(x)
    ...         return self.out(x)
    >>> model = TwoLayer()
    >>> model(np.ones((2, 3))).shape.as_list()
    [2, 1]
    >>> len(model.trainable_weights)
    6
    """

    _x_as_given = True  # a subclassed model's call gets fit's x in the user's structure (Sequential: False)
    _untracked_attributes = Layer._untracked_attributes | {
        "optimizer", "history", "_compile_state", "_compile_arguments", "_dense_plan", "_probed_output",
        "_input_layer",
    }

    def __new__(cls, *args, **kwargs):
        # Model(inputs, outputs) makes a functional model, as in Keras (its __init__ then runs once).
        if cls is Model and (args or "inputs" in kwargs or "outputs" in kwargs):
            from glassnet.keras.models.functional import Functional
            return Functional.__new__(Functional, *args, **kwargs)
        return super().__new__(cls, *args, **kwargs)

    def __init__(self, *args, **kwargs):
        if _functional_arguments(args, kwargs):
            # A subclass that calls super().__init__(inputs, outputs): Keras's "functional subclass".
            from glassnet.keras.models.functional import Functional, make_functional
            make_functional(type(self))
            Functional.__init__(self, *args, **kwargs)
            return
        if args or "inputs" in kwargs or "outputs" in kwargs:
            raise TypeError(
                f"Model.__init__ of {type(self).__name__} takes both `inputs` and `outputs` (a functional model: "
                f"super().__init__(inputs=inputs, outputs=outputs)) or neither (then define call()). Received: "
                f"{len(args)} positional argument(s) and the keyword arguments {sorted(kwargs)}"
            )
        Layer.__init__(self, **kwargs)
        Trainer.__init__(self)

    # --- the layers --------------------------------------------------------------
    @property
    def layers(self):
        """The model's direct sub-layers, in the order they were assigned."""
        return list(self._layers)

    def get_layer(self, name=None, index=None):
        """A layer by `name`, or by position `index`."""
        layers = self.layers
        if index is not None:
            if not -len(layers) <= index < len(layers):
                raise ValueError(f"Was asked to retrieve layer at index {index} but model only has "
                                 f"{len(layers)} layers.")
            return layers[index]
        for layer in layers:
            if layer.name == name:
                return layer
        raise ValueError(f"No such layer: {name}. Existing layers are: {[layer.name for layer in layers]}.")

    def _owner_description(self):
        return f"model '{self.name}'"

    def summary(self, line_length=None, positions=None, print_fn=None, expand_nested=False,
                show_trainable=False, layer_range=None):
        """Print a table of the layers, their output shapes and parameter counts (Keras's layout).

        Args:
            line_length: the table's width in characters.
            positions: where each column ends: fractions of the line (or absolute columns).
            print_fn: called with the text instead of ``print``.
            expand_nested: also list the layers inside nested layers and models, indented.
            show_trainable: add a column saying whether each layer is trainable.
            layer_range: two layer-name patterns; only the layers from the first match to the
                last match are listed.
        """
        text = summary_text(self, line_length=line_length, show_trainable=show_trainable, positions=positions,
                            expand_nested=expand_nested, layer_range=layer_range)
        (print_fn or print)(text)

    def explain(self, format="text"):  # noqa: A002 - the argument's name in the docs
        """The model as the math it computes: each layer's formula with its shapes, the cost J of
        the compiled loss, and the compiled optimizer's update rule (see glassnet.inspect.explain).

        >>> import glassnet as tf
        >>> model = tf.keras.Sequential([tf.keras.Input(shape=(400,)), tf.keras.layers.Dense(25, activation="sigmoid"),
        ...                              tf.keras.layers.Dense(1, activation="sigmoid")])
        >>> model.compile(optimizer="sgd", loss="binary_crossentropy")
        >>> print(model.explain())  # doctest: +NORMALIZE_WHITESPACE
        Model "sequential"
        <BLANKLINE>
        forward pass:
          a1 = sigmoid(x @ W1 + b1)     x:(m, 400)  W1:(400, 25)  b1:(25,)  ->  a1:(m, 25)
          a2 = sigmoid(a1 @ W2 + b2)    a1:(m, 25)  W2:(25, 1)  b2:(1,)  ->  a2:(m, 1)
        <BLANKLINE>
        cost:
          J = (1/m) Σ_i -[y log(ŷ) + (1 - y) log(1 - ŷ)]    ŷ = a2, clipped to [1e-7, 1 - 1e-7]
        <BLANKLINE>
        update, for every weight W with gradient g = dJ/dW:
          W := W - α g    SGD: α = 0.01
        """
        from glassnet.inspect import explain
        return explain(self, format=format)

    # --- weights files -------------------------------------------------------------
    def save_weights(self, filepath, overwrite=True):
        """Save the weights (and the optimizer's state, once compiled) to a Keras 3
        ``.weights.h5`` file, atomically; Keras's ``load_weights`` reads it. Needs h5py."""
        from glassnet.keras.saving import weights_file
        weights_file.save_weights(self, filepath, overwrite=overwrite)

    def load_weights(self, filepath, skip_mismatch=False):
        """Load a ``.weights.h5`` file written by Keras 3 or glassnet into this built model:
        all or nothing, or skipping the layers that do not match with ``skip_mismatch=True``."""
        from glassnet.keras.saving import weights_file
        weights_file.load_weights(self, filepath, skip_mismatch=skip_mismatch)

    # --- inputs and building --------------------------------------------------------
    def _convert_input(self, inputs):
        return self._adjust_input_rank(Layer._convert_input(self, inputs))

    def _adjust_input_rank(self, x):
        """A subclassed model's `call` takes its inputs as given (Sequential adds or drops an axis)."""
        return x

    def _x_to_arrays(self, x, argument):
        """A subclassed model's call takes `x` in the structure given: a dict of arrays arrives as a
        dict of batches, a list of several arrays as a list, as Keras passes them through."""
        if isinstance(x, data.InputArrays):  # already checked (a validation split's part)
            return x
        if self._x_as_given and (isinstance(x, dict) or (_several_arrays(x) and len(x) > 1)):
            names = list(x) if isinstance(x, dict) else [str(i) for i in range(len(x))]
            return data.input_arrays(x, names, argument, dtype=self.dtype, keyed=isinstance(x, dict))
        return super()._x_to_arrays(x, argument)

    def _ensure_built(self, shape):
        """Build from the first input's shape, then check every input against the built shape.
        Several inputs (a dict or tuple of shapes) build the model by calling it on that structure."""
        if isinstance(shape, dict) or (shape and isinstance(shape[0], tuple)):
            if not self.built:
                self.build({key: (None, *part[1:]) for key, part in shape.items()} if isinstance(shape, dict)
                           else [(None, *part[1:]) for part in shape])
            return
        if not self.built:
            self.build((None, *shape[1:]))
        self._check_input(tuple(shape))

    @default_build
    def build(self, input_shape=None):
        """Create every weight by calling the model once on zeros of `input_shape`."""
        if input_shape is None:
            raise ValueError("You must provide an `input_shape` argument, e.g. build(input_shape=(None, 400)).")
        with layer_module.build_lock, self._all_or_nothing(), layer_module.name_scope(self):
            if not self.built:
                shape = input_shape if isinstance(input_shape, (dict, list)) else tuple(input_shape)
                self._probe_output_shape(shape)
                self._batch_input_shape = shape
                self.built = True

    def build_from_config(self, config):
        """Build for the input shape a saved ``build_config`` gives (before its weights are loaded)."""
        shape = (config or {}).get("input_shape")
        if shape is not None and not self.built:
            self.build(tuple(shape))

    # --- files ------------------------------------------------------------------------
    @classmethod
    def from_config(cls, config, custom_objects=None):
        """A functional model from a config with `layers` and `input_layers` (Keras's Functional
        format); otherwise ``cls(**config)``."""
        if cls is Model and isinstance(config, dict) and "layers" in config and "input_layers" in config:
            from glassnet.keras.models.functional import Functional
            return Functional.from_config(config, custom_objects)
        return super().from_config(config)

    def to_json(self, **kwargs):
        """The model's config (architecture, build and compile settings) as a JSON string; rebuild it
        with ``models.model_from_json``. `kwargs` go to ``json.dumps``."""
        import json
        from glassnet.keras.saving.serialization_lib import serialize_keras_object
        return json.dumps(serialize_keras_object(self), **kwargs)

    def save(self, filepath, overwrite=True, zipped=None, **kwargs):
        """Save the whole model (architecture, weights, compile settings, optimizer state) to a
        ``.keras`` file, or to a legacy ``.h5`` file, both of which Keras opens too (see
        glassnet.keras.saving.save_model)."""
        from glassnet.keras.saving import saving_api
        saving_api.save_model(self, filepath, overwrite=overwrite, zipped=zipped, **kwargs)

    @contextlib.contextmanager
    def _all_or_nothing(self):
        """A build that fails part-way leaves every layer it touched unbuilt, as before."""
        unbuilt = [layer for layer in self._flatten_layers() if not layer.built]
        try:
            yield
        except BaseException:
            for layer in unbuilt:
                layer._unbuild()
            raise

    # --- fit's step without the tape ------------------------------------------------------
    def _dense_chain(self):
        """The Dense layers this model's forward pass runs, in order, when that is all it does: its one
        input through each layer once, each layer taking the previous one's output, to its one output.
        None for any other model; always None here, since a subclassed model's ``call`` is its own code
        (Sequential and functional models read theirs from their layers and graph).

        fit trains a model with a chain, loss and optimizer it can compile without the tape
        (models/dense_plan.py), computing exactly what the tape computes.
        """
        return None

    def _as_dense_chain(self, layers):
        """`layers`, run one after another, as a Dense chain: a model among them stands for its own
        chain; None unless all are then plain Dense layers (a subclass's call may compute anything), each
        once (a shared layer's gradient is the sum over its calls)."""
        chain = []
        for layer in layers:
            if isinstance(layer, Model):
                inner = layer._dense_chain() if layer.dtype == self.dtype else None  # else its call casts
                if inner is None:
                    return None
                chain += inner
            elif type(layer) is Dense:
                chain.append(layer)
            else:
                return None
        return chain if chain and len({*map(id, chain)}) == len(chain) else None

    def _compiled_train_step(self):
        """A step function ``(x, y, sample_weight) -> (loss, y_pred)`` that trains exactly as the
        tape does, without it; None to take the tape. fit's default step asks for it once per
        epoch: the plan for the model's :meth:`_dense_chain`, rebuilt whenever anything its arithmetic
        depends on changes (models/dense_plan.py), or None."""
        if "_dense_plan" not in self.__dict__:
            self._dense_plan = dense_plan.CachedPlan()
        return self._dense_plan.get(self)


def _functional_arguments(args, kwargs):
    """Whether Model.__init__'s arguments are a graph's, ``(inputs, outputs)`` (Keras's test)."""
    return len(args) == 2 or (len(args) == 1 and "outputs" in kwargs) or ("inputs" in kwargs and "outputs" in kwargs)
