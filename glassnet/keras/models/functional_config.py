"""A functional model's config in Keras 3's format, and the model back from it.

``{"name", "trainable", "layers": [...], "input_layers", "output_layers"}``: each layer's entry
is its usual one plus ``name`` and ``inbound_nodes``, one ``{"args": [...], "kwargs": {...}}``
per call of the layer inside this model, whose KerasTensors are written as
``{"class_name": "__keras_tensor__", "config": {"shape", "dtype", "keras_history": [layer name,
node index, tensor index]}}``. Node indices count only the calls inside this model, as Keras's do.
Reading also takes Keras 2's nodes (lists of ``[layer name, node index, tensor index, kwargs]``),
as tf.keras's ``.h5`` files hold them.
"""
from glassnet.keras.keras_tensor import KerasTensor, flatten, map_structure
from glassnet.keras.models.node import inbound_nodes


def get_config(model):
    from glassnet.keras.saving.serialization_lib import serialize_keras_object
    own = {id(node) for node in model._all_nodes}
    entries = []
    for layer in model.layers:
        entry = serialize_keras_object(layer)
        entry["name"] = layer.name
        entry["inbound_nodes"] = [_serialize_node(node, own) for node in inbound_nodes(layer)
                                  if id(node) in own and not node.is_input]
        entries.append(entry)
    return {"name": model.name, "trainable": model.trainable, "layers": entries,
            "input_layers": map_structure(lambda x: _address(x, own), model._inputs_struct),
            "output_layers": map_structure(lambda x: _address(x, own), model._outputs_struct)}


def _address(tensor, own):
    """``[layer name, node index among this model's nodes, tensor index]``."""
    layer, index, position = tensor._keras_history
    skipped = sum(1 for node in inbound_nodes(layer)[:index] if id(node) not in own)
    return [layer.name, index - skipped, position]


def _serialize_node(node, own):
    from glassnet.keras.models.functional import Functional
    from glassnet.keras.saving.serialization_lib import serialize_keras_object

    def tensor_entry(x):
        if not isinstance(x, KerasTensor):
            return x
        return {"class_name": "__keras_tensor__",
                "config": {"shape": list(x.shape), "dtype": x.dtype, "keras_history": _address(x, own)}}
    kwargs = map_structure(tensor_entry, dict(node.kwargs))
    if isinstance(node.layer, Functional):
        kwargs = {"mask": None, **kwargs}  # Keras records the mask argument of a nested model's call
    return {"args": serialize_keras_object([map_structure(tensor_entry, x) for x in (node.arguments, *node.args)]),
            "kwargs": serialize_keras_object(kwargs)}


# --- reading ----------------------------------------------------------------------------------
def from_config(cls, config, custom_objects=None):
    """The model of a Keras 3 functional config: every layer made, then called on the tensors its
    nodes name, as soon as they exist (a layer may wait for a later one: Keras's order)."""
    from glassnet.keras.saving.serialization_lib import deserialize_keras_object
    for key in ("layers", "input_layers", "output_layers"):
        if key not in config:
            raise ValueError(f"A functional model's config needs `{key}`. Received keys: {sorted(config)}")
    created, pending = {}, {}
    for entry in config["layers"]:
        layer_entry = {key: value for key, value in entry.items() if key not in ("name", "inbound_nodes")}
        layer = deserialize_keras_object(layer_entry, custom_objects)
        created[entry["name"]] = layer
        pending[entry["name"]] = list(entry.get("inbound_nodes") or [])
    while any(pending.values()):
        progressed = False
        for entry in config["layers"]:
            name = entry["name"]
            while pending[name]:
                arguments = _arguments(pending[name][0], created)
                if arguments is None:
                    break
                args, kwargs = arguments
                kwargs = {key: value for key, value in kwargs.items() if not (key == "mask" and value is None)}
                created[name](*args, **kwargs)
                pending[name].pop(0)
                progressed = True
        if not progressed:
            waiting = sorted(name for name, nodes in pending.items() if nodes)
            raise ValueError(f"Invalid functional model config: the inputs of layers {waiting} are never made.")
    inputs = _tensors(config["input_layers"], created)
    outputs = _tensors(config["output_layers"], created)
    return cls(inputs, outputs, name=config.get("name"), trainable=config.get("trainable", True))


def _arguments(node_data, created):
    """(args, kwargs) of a saved node with its KerasTensors found, or None while one is not made yet."""
    if isinstance(node_data, list):
        return _legacy_arguments(node_data, created)
    missing = []

    def resolve(value):
        if isinstance(value, dict) and value.get("class_name") == "__keras_tensor__":
            name, index, position = value["config"]["keras_history"]
            tensor = _tensor(name, index, position, created)
            if tensor is None:
                missing.append(name)
            return tensor
        if isinstance(value, dict):
            return {key: resolve(item) for key, item in value.items()}
        if isinstance(value, list):
            return [resolve(item) for item in value]
        return value
    args, kwargs = resolve(node_data.get("args", [])), resolve(node_data.get("kwargs", {}))
    return None if missing else (args, kwargs)


def _legacy_arguments(node_data, created):
    """Keras 2's node: a list of ``[layer name, node index, tensor index, kwargs]``, the layer called
    on the one tensor, or on the list of them."""
    tensors, kwargs = [], {}
    for item in node_data:
        if not isinstance(item, list) or len(item) not in (3, 4):
            raise ValueError(f"Invalid functional model config: a Keras 2 inbound node entry must be [layer name, "
                             f"node index, tensor index(, kwargs)]. Received: {item!r}")
        tensor = _tensor(item[0], item[1], item[2], created)
        if tensor is None:
            return None
        tensors.append(tensor)
        kwargs = item[3] if len(item) == 4 else kwargs
    return [tensors[0] if len(tensors) == 1 else tensors], dict(kwargs)


def _tensor(name, index, position, created):
    if name not in created:
        raise ValueError(f"Invalid functional model config: no layer named '{name}'. Layers: {sorted(created)}")
    nodes = inbound_nodes(created[name])
    if index >= len(nodes):
        return None
    return flatten(nodes[index].outputs)[position]


def _tensors(addresses, created):
    if isinstance(addresses, list) and len(addresses) == 3 and isinstance(addresses[0], str):
        tensor = _tensor(*addresses, created)
        if tensor is None:
            raise ValueError(f"Invalid functional model config: the tensor {addresses} is never made.")
        return tensor
    if isinstance(addresses, dict):
        return {key: _tensors(value, created) for key, value in addresses.items()}
    return [_tensors(value, created) for value in addresses]
