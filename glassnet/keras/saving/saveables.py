"""Where each layer's and optimizer's variables go in a Keras weights file.

Keras 3 (``saving_lib._save_state``) walks the model's attributes and writes each layer's own
variables at the path of the attribute that first reaches it:

- a Sequential or functional model lists ``layers`` first: ``layers/dense``, ``layers/dense_1``, ...;
- then every attribute in sorted order, private ones (``_x``) last, skipping those a bare
  Layer has: ``self.encoder`` is saved at ``encoder``, its own sub-layers below it
  (``encoder/inner``), a compiled model's optimizer at ``optimizer``;
- a list, tuple or dict attribute names its items by their snake_case class name, made unique
  in that container (``blocks/dense``, ``blocks/dense_1``, ``blocks/block``), a nested
  container ``container``, ``container_1``, ...; a dict by its values, in order;
- the model's ``layers`` property is an attribute like any other for a subclassed model: a
  layer reached only through it is saved at ``layers/<name>``;
- each object is written once, at the first path that reaches it (an alias sorting before
  the original name takes it: Keras saves ``self.alias = self.dense1`` at ``alias``).

Metrics and losses are visited (they take a name in a container) but hold nothing in the file.
"""
import functools
import re

from glassnet.autodiff import Variable
from glassnet.keras import naming
from glassnet.keras.layers.layer import Layer
from glassnet.keras.losses.loss import Loss
from glassnet.keras.metrics.metric import Metric
from glassnet.keras.optimizers.optimizer import Optimizer

# glassnet's own attributes that hold layers but are not Keras's (Keras keeps the stack in
# `_layers`, which its walk skips) or that are caches; their layers are reached through `layers`.
_INTERNAL = frozenset({"_stack", "_input_layer", "_probed_output", "_structure_cache", "_tracked",
                       "_compile_state", "_dense_plan", "_graph_layers", "_graph_nodes", "_all_nodes",
                       "_inbound_nodes", "_inputs_struct", "_outputs_struct"})
# What a compiled model adds to a bare Layer that Keras's walk visits.
_MODEL_ATTRIBUTES = ("layers", "optimizer")


def saveables(model):
    """``[(path, object)]``: every layer and optimizer reachable from `model` (itself at ``""``),
    in Keras's order, each once, at the path whose ``vars`` group holds its variables."""
    found, visited = [], set()
    _visit(model, "", found, visited)
    return found


def own_variables(saveable):
    """The variables Keras writes for one object, in its order (datasets ``"0"``, ``"1"``, ...).

    A layer's own trainable variables, then its non-trainable ones (not its sub-layers'), each
    in the order Keras's tracker met them: ``add_weight`` meets a variable when it creates it,
    an attribute assignment (``self.v = Variable(...)``) when it assigns it. An optimizer's
    ``variables``: ``iteration``, ``learning_rate``, then the slots.
    """
    if isinstance(saveable, Optimizer):
        return saveable.variables
    trainable, frozen = saveable._trainable_variables, saveable._non_trainable_variables
    assigned = [v for v in saveable._tracked_leaves(Variable) if all(v is not c for c in trainable + frozen)]
    tracked = saveable._tracked_leaves(Variable)
    return (_tracking_order(trainable, tracked, [v for v in assigned if v.trainable])
            + _tracking_order(frozen, tracked, [v for v in assigned if not v.trainable]))


def _tracking_order(created, tracked, assigned):
    """`created` (by add_weight, in order) merged with `assigned` (attributes only, no add_weight):
    the attributes (`tracked`, in order) that hold created variables mark how far creation had
    come when each of `assigned` was assigned."""
    merged, pending = [], list(created)
    for variable in tracked:
        if any(variable is v for v in pending):
            while pending:
                merged.append(pending.pop(0))
                if merged[-1] is variable:
                    break
        elif any(variable is v for v in assigned) and all(variable is not v for v in merged):
            merged.append(variable)
    return merged + pending


def group_path(path):
    """The HDF5 group of an object's variables: ``vars`` for the model, ``<path>/vars`` below it."""
    return f"{path}/vars" if path else "vars"


def _visit(saveable, path, found, visited):
    if id(saveable) in visited:
        return
    visited.add(id(saveable))
    if not isinstance(saveable, (Layer, Optimizer)):
        return  # a metric or a loss: nothing to write, and nothing below it is a layer in glassnet
    found.append((path, saveable))
    if isinstance(saveable, Layer):
        for name, child in _children(saveable):
            _visit_child(child, _join(path, name), found, visited, set())


def _visit_child(child, path, found, visited, seen_containers):
    if _is_saveable(child):
        _visit(child, path, found, visited)
    elif isinstance(child, (list, tuple, dict)):
        _visit_container(child, path, found, visited, seen_containers)


def _visit_container(container, path, found, visited, seen_containers):
    if id(container) in seen_containers:
        return
    seen_containers.add(id(container))
    used = {}
    for item in container.values() if isinstance(container, dict) else container:
        if _is_saveable(item):
            name = _unique(_snake_case(type(item).__name__), used)
        elif isinstance(item, (list, tuple, dict)):
            name = _unique("container", used)
        else:
            continue
        _visit_child(item, _join(path, name), found, visited, seen_containers)


def _children(layer):
    """``(attribute name, value)`` pairs in the order of Keras's ``_walk_saveable``."""
    from glassnet.keras.models.functional import Functional
    from glassnet.keras.models.model import Model
    from glassnet.keras.models.sequential import Sequential
    if isinstance(layer, (Sequential, Functional)):  # Keras's Functional lists `layers` first too
        yield "layers", layer.layers
    names = set(vars(layer)) | _user_class_attributes(type(layer))
    if isinstance(layer, Model):
        names.update(_MODEL_ATTRIBUTES)
    for name in sorted(names - _skipped_names(), key=_name_key):
        if name.startswith("__"):
            continue
        try:
            value = getattr(layer, name)
        except Exception:  # noqa: BLE001 - Keras skips an attribute whose getter raises
            continue
        yield name, value


@functools.cache
def _user_class_attributes(cls):
    """Names defined by the user's classes above glassnet's (properties among them, as Keras's
    ``dir()`` sees them)."""
    return frozenset(name for klass in cls.__mro__ if klass is not object and not _is_glassnet_class(klass)
                     for name in vars(klass))


def _is_glassnet_class(klass):
    return klass.__module__ == "glassnet" or klass.__module__.startswith("glassnet.")


@functools.cache
def _skipped_names():
    """What Keras skips: everything a bare Layer has (``dir(Layer())``), and glassnet's internals."""
    return frozenset(dir(Layer(name="bare_layer"))) | _INTERNAL


def _is_saveable(value):
    return isinstance(value, (Layer, Optimizer, Metric, Loss))


def _name_key(name):
    """Keras's sort key: private attributes last."""
    return f"~{name}" if name.startswith("_") else name


def _snake_case(class_name):
    return naming.snake_case(re.sub(r"\W+", "", class_name))


def _unique(name, used):
    if name in used:
        used[name] += 1
        return f"{name}_{used[name]}"
    used[name] = 0
    return name


def _join(path, name):
    return f"{path}/{name}" if path else name

