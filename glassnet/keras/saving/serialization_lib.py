"""Keras's dict form of any object (model, layer, optimizer, loss, ...) and back: what
``config.json`` of a ``.keras`` file and ``model.to_json()`` hold.

An object becomes ``{"module", "class_name", "config", "registered_name"}`` (plus
``build_config`` for a built layer and ``compile_config`` for a compiled model), exactly as
Keras 3 writes it, so Keras reads what glassnet writes and the other way round.

Reading never runs code named by the file: a class is found only in glassnet's own table
(below), in what the user registered (object_registration.py) or in ``custom_objects``.
"""
import inspect
import types

import numpy as np

from glassnet.keras.saving import object_registration

# Options Keras writes that glassnet does not have; at these values they change nothing.
_KERAS_ONLY_DEFAULTS = {"quantization_config": None, "lora_rank": None, "lora_alpha": None,
                        "sparse": False, "ragged": False, "optional": False}
_DTYPE_POLICIES = ("DTypePolicy", "FloatDTypePolicy")
_tables = None


# --- glassnet's own classes, by Keras's module names ----------------------------------------------
def builtin_tables():
    """``{Keras module: {class name: glassnet class}}``, built on first use (the models import this)."""
    global _tables
    if _tables is None:
        from glassnet.keras import constraints, initializers, layers, losses, metrics, optimizers, regularizers
        from glassnet.keras.models import Model, Sequential
        from glassnet.keras.models.functional import Functional
        from glassnet.keras.optimizers import schedules
        _tables = {
            "keras.layers": _classes(layers, layers.Layer),
            "keras.losses": _classes(losses, losses.Loss),
            "keras.metrics": _classes(metrics, metrics.Metric),
            "keras.optimizers": _classes(optimizers, optimizers.Optimizer),
            "keras.optimizers.schedules": _classes(schedules, schedules.LearningRateSchedule),
            "keras.initializers": _classes(initializers, initializers.Initializer),
            "keras.regularizers": _classes(regularizers, regularizers.Regularizer),
            "keras.constraints": _classes(constraints, constraints.Constraint),
            "keras": {"Sequential": Sequential, "Model": Model, "Functional": Functional},
        }
    return _tables


def _classes(module, base):
    return {name: value for name, value in vars(module).items()
            if isinstance(value, type) and issubclass(value, base) and not name.startswith("_")}


def _keras_module(cls):
    """The Keras module a glassnet class is written under, or None for the user's own classes."""
    from glassnet.keras.layers.keras_operation import KerasOperation
    if issubclass(cls, KerasOperation):
        return cls.keras_module
    for module, table in builtin_tables().items():
        if table.get(cls.__name__) is cls:
            return module
    return None


# --- writing --------------------------------------------------------------------------------
def serialize_keras_object(obj):
    """Keras's dict form of `obj` (plain values, lists and dicts pass through, converted inside).

    >>> from glassnet.keras.layers import Dropout
    >>> entry = serialize_keras_object(Dropout(0.5, name="drop"))
    >>> entry["module"], entry["class_name"], entry["config"]["rate"]
    ('keras.layers', 'Dropout', 0.5)
    """
    if obj is None or isinstance(obj, (bool, int, float, str)):
        return obj
    if isinstance(obj, np.generic):
        return obj.item()
    if isinstance(obj, np.ndarray):
        return {"class_name": "__numpy__", "config": {"value": obj.tolist(), "dtype": obj.dtype.name}}
    if isinstance(obj, (list, tuple)):
        return [serialize_keras_object(item) for item in obj]
    if isinstance(obj, dict):
        return {key: serialize_keras_object(value) for key, value in obj.items()}
    if isinstance(obj, (types.FunctionType, types.BuiltinFunctionType)):
        return _serialize_function(obj)
    if not hasattr(obj, "get_config"):
        raise TypeError(f"Cannot serialize {obj!r} of type {type(obj).__name__}: it has no get_config() method.")
    return _serialize_configurable(obj)


def _serialize_function(function):
    name = object_registration.get_registered_name(function)
    return {"module": function.__module__ if "." in name or ">" in name else "builtins",
            "class_name": "function", "config": name, "registered_name": "function"}


def _serialize_configurable(obj):
    from glassnet.keras.layers import InputLayer, Layer
    cls = type(obj)
    module = _keras_module(cls)
    config = serialize_keras_object(obj.get_config())
    if isinstance(obj, Layer) and not isinstance(obj, InputLayer) and isinstance(config.get("dtype"), str):
        config["dtype"] = dtype_policy(config["dtype"])
    entry = {"module": module if module else _user_module(cls), "class_name": cls.__name__, "config": config,
             "registered_name": None if module else object_registration.get_registered_name(cls)}
    if module and cls.__name__ == "Functional":  # where Keras 3 writes its functional models
        entry["module"], entry["registered_name"] = "keras.src.models.functional", "Functional"
    build_config = obj.get_build_config() if hasattr(obj, "get_build_config") else None
    if build_config:
        entry["build_config"] = build_config
    compile_config = obj.get_compile_config() if hasattr(obj, "get_compile_config") else None
    if compile_config:
        entry["compile_config"] = compile_config
    return entry


def _user_module(cls):
    return None if cls.__module__ == "__main__" else cls.__module__  # Keras writes null for __main__


def dtype_policy(name):
    """Keras 3's form of a layer's dtype in a file."""
    return {"module": "keras", "class_name": "DTypePolicy", "config": {"name": name}, "registered_name": None}


# --- reading --------------------------------------------------------------------------------
def deserialize_keras_object(config, custom_objects=None, safe_mode=True, **kwargs):
    """The object `config` describes (plain values, lists and dicts of them come back as they are).

    Args:
        custom_objects: ``{name: class or function}`` for the user's own objects named in `config`.
        safe_mode: accepted for Keras's signature; glassnet never runs code from a file either way.
    """
    if config is None or isinstance(config, (bool, int, float, str)):
        return config
    if isinstance(config, list):
        return [deserialize_keras_object(item, custom_objects) for item in config]
    if not isinstance(config, dict):
        raise TypeError(f"Could not parse config: expected a dict, a list or a plain value. Received: {config!r}")
    if "class_name" not in config or "config" not in config:
        return config
    class_name, inner = config["class_name"], config["config"]
    if class_name == "__tuple__":
        return tuple(deserialize_keras_object(item, custom_objects) for item in inner["value"])
    if class_name == "__numpy__":
        return np.array(inner["value"], dtype=np.dtype(inner["dtype"]))
    if class_name in _DTYPE_POLICIES and config.get("module") == "keras":
        return inner["name"]
    if class_name == "function":
        return _find(inner, config.get("module"), None, custom_objects, config)
    cls = _find(class_name, config.get("module"), config.get("registered_name"), custom_objects, config)
    with object_registration.CustomObjectScope(custom_objects or {}):
        obj = cls.from_config(_accepted_config(cls, inner))
        if config.get("build_config") and hasattr(obj, "build_from_config"):
            obj.build_from_config(config["build_config"])
        if config.get("compile_config") and hasattr(obj, "compile_from_config"):
            obj.compile_from_config(config["compile_config"])
    return obj


def _find(class_name, module, registered_name, custom_objects, config):
    """The class (or function) named: the user's own first, then glassnet's for a Keras module."""
    for name in (registered_name, class_name):
        found = name and object_registration.get_registered_object(name, custom_objects)
        if found is not None:
            return found
    table = _table_for(module)
    if table is not None and class_name in table:
        return table[class_name]
    # Keras's .keras files name an operation's module (keras.src.ops.numpy); its .h5 files say keras.layers
    if isinstance(module, str) and module.startswith(("keras.src.ops.", "keras.ops.", "keras.layers")):
        from glassnet.keras.layers.keras_operation import operation_class
        operation = operation_class(class_name, module)
        if operation is not None:
            return operation
    function = builtin_functions().get(class_name)
    if function is not None:
        return function
    known = "" if table is None else f" glassnet's {module} has: {', '.join(sorted(table))}."
    raise TypeError(
        f"Could not locate class '{class_name}'. Make sure custom classes and functions are decorated with "
        f"`@glassnet.keras.saving.register_keras_serializable()` or passed in `custom_objects`.{known} "
        f"Full object config: {config}"
    )


def _table_for(module):
    """The table of a Keras module name (``keras.layers``, also ``keras.src.layers.core``), else None."""
    if not isinstance(module, str):
        return None
    module = module.replace("keras.src.", "keras.", 1)
    tables = builtin_tables()
    for name in sorted(tables, key=len, reverse=True):
        if name != "keras" and (module == name or module.startswith(name + ".")):
            return tables[name]
    return tables["keras"] if module in ("keras", "keras.models") or module.startswith("keras.models.") else None


def builtin_functions():
    """glassnet's activation and loss functions by name: the functions a file may name."""
    from glassnet.keras import activations, losses
    functions = {name: value for name, value in vars(losses).items()
                 if isinstance(value, types.FunctionType) and value.__module__.rsplit(".", 1)[-1]
                 in ("crossentropy", "margin", "regression")}
    return {**functions, **activations._BY_NAME}


def _accepted_config(cls, config):
    """`config` without the Keras-only options glassnet lacks, where they hold their no-op values;
    any other option glassnet lacks is refused by name."""
    if not isinstance(config, dict):
        return config
    config = dict(config)
    if isinstance(config.get("dtype"), dict) and config["dtype"].get("class_name") in _DTYPE_POLICIES:
        config["dtype"] = config["dtype"]["config"]["name"]
    accepted = _parameters(cls)
    for key in [key for key in config if key in _KERAS_ONLY_DEFAULTS and key not in accepted]:
        if config[key] != _KERAS_ONLY_DEFAULTS[key]:
            raise ValueError(f"glassnet's {cls.__name__} does not support {key}={config[key]!r} (from the saved "
                             f"config). Save the model without it, or load it with Keras.")
        del config[key]
    return config


def _parameters(cls):
    try:
        return set(inspect.signature(cls.__init__).parameters)
    except (TypeError, ValueError):
        return set()
