"""Functional: a model defined as a graph of layers, ``Model(inputs, outputs)``.

Calling layers on KerasTensors records nodes (models/node.py); the model walks them back from
its outputs (models/graph.py) and, on real data, runs them in that order, each layer getting
the values its node was called with. Keras 3's behaviour throughout: inputs and outputs may be
one tensor, a list or a dict; layers may be shared (called several times); models nest.
"""
import inspect

from glassnet.autodiff import Tensor, ops
from glassnet.keras.keras_tensor import KerasTensor, flatten, map_structure
from glassnet.keras.layers.layer import Layer
from glassnet.keras.models import fused_layers, graph
from glassnet.keras.models.model import Model
from glassnet.keras.trainers import data
from glassnet.keras.trainers.trainer import Trainer


class Functional(Model):
    """``Model(inputs, outputs, name=None)``: the layers between `inputs` and `outputs`.

    >>> from glassnet.keras.layers import Concatenate, Dense, Input
    >>> from glassnet.keras.models import Model
    >>> a, b = Input(shape=(3,), name="a"), Input(shape=(2,), name="b")
    >>> merged = Concatenate(name="merged")([Dense(4, name="hidden")(a), b])
    >>> model = Model([a, b], Dense(1, name="out")(merged))
    >>> [layer.name for layer in model.layers]  # deepest first, as Keras lists them
    ['a', 'hidden', 'b', 'merged', 'out']
    """

    _untracked_attributes = Model._untracked_attributes | {
        "inputs", "outputs", "_inputs_struct", "_outputs_struct", "_graph_nodes", "_all_nodes", "_node_depths",
        "output_names"}

    def __init__(self, inputs, outputs, name=None, trainable=True, **kwargs):
        Layer.__init__(self, name=name, trainable=trainable, **kwargs)
        Trainer.__init__(self)
        for argument, value in (("inputs", inputs), ("outputs", outputs)):
            for x in flatten(value):
                if not isinstance(x, KerasTensor):
                    raise ValueError(f"All `{argument}` values must be KerasTensors. Received: {argument}={value} "
                                     f"including invalid value {x} of type {type(x)}")
        self._inputs_struct, self._outputs_struct = inputs, outputs
        self.inputs, self.outputs = flatten(inputs), flatten(outputs)
        nodes, layers, depths = graph.map_graph(self.inputs, self.outputs)
        self._all_nodes, self._node_depths = nodes, depths
        self._graph_nodes = [node for node in nodes if not node.is_input]
        self._chained_nodes = None  # fused_layers.graph_pairs of the nodes, on the first call
        self._graph_layers = layers  # tracked: the model's weights are its layers', in this order
        self.output_names = [x._keras_history[0].name for x in self.outputs]
        self.input, self.output = inputs, outputs
        self.built = True

    @property
    def layers(self):
        """The graph's layers, deepest first. A layer only assigned as an attribute (in a
        functional subclass) is not listed, though its weights count, as in Keras."""
        return list(self._graph_layers)

    # --- running the graph --------------------------------------------------------
    def call(self, inputs, training=None):
        flat = self._standardize_inputs(inputs)
        values = {id(tensor): value for tensor, value in zip(self.inputs, flat)}
        def value_of(x):
            return values[id(x)] if isinstance(x, KerasTensor) else x
        nodes = self._graph_nodes
        if getattr(self, "_chained_nodes", None) is None:  # the graph's conv -> pooling candidates, found once
            self._chained_nodes = fused_layers.graph_pairs(nodes, self.outputs)
        fused = {i: j for i, j in self._chained_nodes.items() if fused_layers.pairs(nodes[i].layer, nodes[j].layer)}
        done = set()  # a conv and its pooling as one op
        for i, node in enumerate(nodes):
            if i in done:
                continue
            if i in fused:
                outputs = fused_layers.run_pair(node.layer, nodes[fused[i]].layer, value_of(node.arguments))
                if outputs is not None:  # the pooling's node gets its value; the conv's is never read
                    values[id(nodes[fused[i]].output_tensors[0])] = outputs
                    done.add(fused[i])
                    continue
            arguments, args, kwargs = map_structure(value_of, (node.arguments, list(node.args), dict(node.kwargs)))
            node_training = kwargs.pop("training", training)
            outputs = node.layer(arguments, *args, training=node_training, **kwargs)
            for tensor, value in zip(node.output_tensors, flatten(outputs)):
                values[id(tensor)] = value
        return _unpack_singleton(map_structure(lambda x: values[id(x)], self._outputs_struct))

    def _dense_chain(self):
        """The layers, when the graph takes its one input through Dense layers (or models that are such
        chains), one after another, each once, to its one output; else None (models/dense_plan.py)."""
        if type(self).call is not Functional.call or isinstance(self._outputs_struct, dict):
            return None  # a dict of outputs is what the model returns, even of one
        layers = graph.chain(self.inputs, self.outputs, self._graph_nodes)
        return None if layers is None else self._as_dense_chain(layers)

    def _standardize_inputs(self, inputs):
        """The inputs as a flat list in the order of `self.inputs`, checked against them."""
        struct = self._inputs_struct
        if isinstance(inputs, (Tensor, KerasTensor)) and len(self.inputs) == 1:
            flat = [inputs]
        elif isinstance(inputs, dict) and not isinstance(struct, dict):
            names = [x.name for x in self.inputs]
            if not set(names) <= set(inputs):
                self._structure_error(inputs)
            flat = [inputs[name] for name in names]
        elif isinstance(inputs, dict) != isinstance(struct, dict):
            self._structure_error(inputs)
        else:
            flat = flatten(inputs)
        if len(flat) != len(self.inputs):
            self._structure_error(inputs)
        for position, (value, expected) in enumerate(zip(flat, self.inputs)):
            self._check_one_input(position, expected, tuple(value.shape))
        return flat

    def _structure_error(self, inputs):
        expected = map_structure(lambda x: x.name, self._inputs_struct)
        received = map_structure(lambda x: _Shown(f"Tensor(shape={tuple(getattr(x, 'shape', ()))})"), inputs)
        missing = [x.name for x in self.inputs if x.name not in inputs] if isinstance(inputs, dict) else []
        missing = f" Missing: {missing}." if missing else ""
        raise ValueError(f"The structure of `inputs` doesn't match the expected structure.\nExpected: {expected}\n"
                         f"Received: inputs={received}.{missing} Model '{self.name}' has {len(self.inputs)} input(s); "
                         f"pass them as a list in this order, or a dict keyed by their names.")

    def _check_one_input(self, position, expected, shape):
        want = tuple(expected.shape)
        # the batch axis is not checked (Keras's input spec leaves it out)
        if len(shape) != len(want) or any(w is not None and w != s for w, s in zip(want[1:], shape[1:])):
            raise ValueError(f"Input {position} with name '{expected.name}' of layer '{self.name}' is incompatible "
                             f"with the layer: expected shape={want}, found shape={shape}")

    def _check_input(self, shape):
        """A single tensor's check (Layer.__call__ runs it before `call`)."""
        if len(self.inputs) == 1:
            self._check_one_input(0, self.inputs[0], tuple(shape))

    def _adjust_input_rank(self, x):
        """Keras's rule, input by input: a missing trailing axis of size 1 is added, an extra one dropped."""
        if isinstance(x, data.InputArrays):
            return data.InputArrays([_adjust_rank(a, ref) for a, ref in zip(x.arrays, self.inputs)], x.names, x.keyed)
        if isinstance(x, (list, tuple)) and len(x) == len(self.inputs) and len(self.inputs) > 1:
            return type(x)(_adjust_rank(value, ref) for value, ref in zip(x, self.inputs))
        if isinstance(x, dict):
            by_name = {ref.name: ref for ref in self.inputs}
            return {key: _adjust_rank(value, by_name[key]) if key in by_name else value for key, value in x.items()}
        if hasattr(x, "shape") and len(self.inputs) == 1:
            return _adjust_rank(x, self.inputs[0])
        return x

    def _ensure_built(self, shape):
        """The trainer's check of its data: one shape, or a shape per input (data.InputArrays)."""
        if len(self.inputs) > 1:
            if isinstance(shape, dict):  # keyed InputArrays: the shapes by input name
                shape = [shape[tensor.name] for tensor in self.inputs]
            for position, (part, expected) in enumerate(zip(shape, self.inputs)):
                self._check_one_input(position, expected, tuple(part))
        else:
            self._check_input(tuple(shape))

    def _x_to_arrays(self, x, argument):
        if len(self.inputs) == 1:
            if isinstance(x, dict) and self.inputs[0].name in x:
                x = x[self.inputs[0].name]
            return Trainer._x_to_arrays(self, x, argument)  # one array, checked as a Sequential's
        return data.input_arrays(x, [tensor.name for tensor in self.inputs], argument,
                                 dtype=[self._input_dtype(tensor) for tensor in self.inputs],
                                 keyed=isinstance(self._inputs_struct, dict))

    def _input_dtype(self, tensor):
        """What fit converts an input's data to: integer and string Inputs keep theirs (an
        IntegerLookup's ids, a StringLookup's strings), as Keras converts to each Input's dtype."""
        if tensor.dtype == "string":
            return None
        return tensor.dtype if tensor.dtype in ("int32", "int64") else self.dtype

    def _training_output_names(self):
        """The names compile's dicts and the logs use: the output layers' names, or the keys of a dict of
        outputs (sorted, as Keras flattens a dict)."""
        if len(self.outputs) < 2:
            return None
        return sorted(self._outputs_struct) if isinstance(self._outputs_struct, dict) else list(self.output_names)

    def compute_output_shape(self, input_shape):
        return _unpack_singleton(map_structure(lambda x: tuple(x.shape), self._outputs_struct))

    def build(self, input_shape=None):
        """A functional model is built when it is made."""

    def build_from_config(self, config):
        """Nothing to build: the graph gave every layer its shapes."""

    def get_build_config(self):
        return {"input_shape": None}  # what Keras writes for a functional model

    # --- what Keras exposes -------------------------------------------------------
    @property
    def input_shape(self):
        return _unpack_singleton(map_structure(lambda x: tuple(x.shape), self.inputs))

    @property
    def output_shape(self):
        return _unpack_singleton(map_structure(lambda x: tuple(x.shape), self.outputs))

    def _is_sequential_like(self):
        """Keras's test for the summary's plain layout: one node per depth, each with at most one
        input, and no layer called twice inside the model."""
        per_depth = {}
        for node, depth in self._node_depths.items():
            per_depth.setdefault(depth, []).append(node)
        if any(len(group) > 1 or len(group[0].input_tensors) > 1 for group in per_depth.values()):
            return False
        return all(sum(1 for node in self._all_nodes if node.layer is layer) <= 1 for layer in self.layers)

    def get_config(self):
        """The graph (Keras's functional config); a subclass with a constructor of its own is saved
        as its constructor's arguments instead (see :func:`functional_like_constructor`)."""
        from glassnet.keras.models import functional_config
        if functional_like_constructor(type(self)):
            return functional_config.get_config(self)
        config = Layer.get_config(self)
        if type(self).get_config is Functional.get_config:
            # Keras saves only name, trainable and dtype here, which its own from_config cannot
            # rebuild from; glassnet adds the constructor's arguments (Layer's auto-config).
            config = self._constructor_config(config)
        return config

    @classmethod
    def from_config(cls, config, custom_objects=None):
        from glassnet.keras.models import functional_config
        if functional_like_constructor(cls):
            return functional_config.from_config(cls, config, custom_objects)
        return Layer.from_config.__func__(cls, config)


def functional_like_constructor(cls):
    """Whether ``cls(inputs, outputs, name=...)`` makes the model (Keras's test): Functional
    itself, or a subclass whose __init__ takes exactly those arguments, or ``*args, **kwargs``.
    Other subclasses build their own graph, so their config is their constructor's arguments."""
    spec = inspect.getfullargspec(cls.__init__)
    if spec.args[1:] in (["inputs", "outputs", "name"], ["inputs", "outputs", "name", "trainable"]):
        return True
    return spec.varargs is not None and spec.varkw is not None


def make_functional(cls):
    """Put Functional where Model is among `cls`'s bases (and its bases'), as Keras does for a
    subclass whose __init__ calls ``super().__init__(inputs, outputs)``: its instances are then
    functional models (``call`` runs the graph unless the subclass overrides it). The class
    changes once, for all its instances."""
    if issubclass(cls, Functional) or not issubclass(cls, Model):
        return
    for base in cls.__bases__:
        make_functional(base)
    cls.__bases__ = tuple(Functional if base is Model else base for base in cls.__bases__)


def _adjust_rank(value, reference):
    want = tuple(reference.shape)
    if not hasattr(value, "shape") or value.ndim == len(want):
        return value
    if value.ndim == len(want) + 1 and value.shape[-1] == 1:
        shape = tuple(value.shape[:-1])
    elif value.ndim == len(want) - 1 and want[-1] == 1:
        shape = (*value.shape, 1)
    else:
        return value
    return ops.reshape(value, shape=shape) if isinstance(value, Tensor) else value.reshape(shape)


class _Shown(str):
    """Text that a message shows as it is, without quotes, inside a list or dict."""

    def __repr__(self):
        return str(self)


def _unpack_singleton(x):
    return x[0] if isinstance(x, (list, tuple)) and len(x) == 1 else x
