"""The configs of a legacy ``.h5`` model file, both ways.

The file holds two JSON attributes in Keras's *legacy* form:

- ``model_config``: ``{"class_name": "Sequential", "config": {...}}``; each layer is
  ``{"class_name", "config"}`` with no ``module``, ``registered_name`` or ``build_config``
  (objects inside a layer's config, such as initializers, keep Keras 3's full form);
- ``training_config``: the compile config without its ``optimizer``, plus
  ``optimizer_config`` ``{"class_name", "config"}``; a loss or metric object is
  ``{"class_name", "config"}`` and a loss function is its name.

Writing turns glassnet's Keras 3 entries into that form (as Keras 3.15.1's
``legacy_h5_format`` does); reading turns a legacy config, Keras 3's or Keras 2's (tf.keras:
no ``module`` anywhere, ``batch_input_shape``, optimizer options such as ``decay``), back into
Keras 3 entries, so that classes are found only through ``deserialize_keras_object``: glassnet's
own table, the registry and ``custom_objects``.
"""
from glassnet.keras.saving import serialization_lib

_MODEL_CLASSES = ("Sequential", "Model", "Functional")
# Keras module of an object nested in a layer's config, by the ending of its key.
_NESTED_MODULES = (("_initializer", "keras.initializers"), ("_regularizer", "keras.regularizers"),
                   ("_constraint", "keras.constraints"))
_DTYPE_POLICIES = ("Policy", "DTypePolicy", "FloatDTypePolicy")
# Keras 2 optimizer options glassnet's optimizers do not have, with the value at which they do nothing.
_KERAS2_OPTIMIZER_NO_OPS = {"decay": 0.0}
_KERAS2_OPTIMIZER_IGNORED = ("is_legacy_optimizer", "jit_compile")  # how it ran, not what it computes


# --- writing: Keras 3 entries -> legacy form ----------------------------------------------------
def model_config(model):
    """``{"class_name", "config"}`` of `model`, its layers in legacy form."""
    entry = serialization_lib.serialize_keras_object(model)
    return _legacy_layer(entry)


def training_config(model):
    """The training config Keras writes for a compiled `model` with an optimizer, else None."""
    if not getattr(model, "compiled", False) or getattr(model, "optimizer", None) is None:
        return None
    config = dict(model.get_compile_config())
    optimizer = config.pop("optimizer")
    config = {key: _legacy_compile_value(value) for key, value in config.items()}
    config["loss"] = _loss_full_name(config.get("loss"))
    config["optimizer_config"] = {"class_name": _legacy_class_name(optimizer), "config": optimizer["config"]}
    return config


def _loss_full_name(loss):
    """A loss alias ("mse") as its function's name ("mean_squared_error"), in every place a loss
    may be (a string, or a list or dict of them per output).

    Keras 3.15.1 writes the alias as given but then cannot read it back (its legacy loader looks
    "mse" up as ``keras.metrics.mse`` and fails); the full name loads in Keras 3 and tf.keras 2.
    """
    if isinstance(loss, list):
        return [_loss_full_name(item) for item in loss]
    if isinstance(loss, dict) and "class_name" not in loss:
        return {key: _loss_full_name(item) for key, item in loss.items()}
    if isinstance(loss, str):
        function = serialization_lib.builtin_functions().get(loss)
        return function.__name__ if function is not None else loss
    return loss


def _legacy_layer(entry):
    config = entry["config"]
    if isinstance(config, dict) and isinstance(config.get("layers"), list):
        config = {**config, "layers": [_legacy_layer(layer) for layer in config["layers"]]}
    legacy = {"class_name": _legacy_class_name(entry), "config": config}
    for key in ("name", "inbound_nodes"):  # a functional model's layer entries keep their graph, as Keras's
        if key in entry:
            legacy[key] = entry[key]
    return legacy


def _legacy_class_name(entry):
    return entry.get("registered_name") or entry["class_name"]


def _legacy_compile_value(value):
    """A loss, metric or nested structure of them as Keras's legacy serialization writes it."""
    if isinstance(value, list):
        return [_legacy_compile_value(item) for item in value]
    if not isinstance(value, dict):
        return value
    if "class_name" not in value:
        return {key: _legacy_compile_value(item) for key, item in value.items()}
    if value["class_name"] == "function":
        return value["config"]  # a function is written as its (registered) name
    return {"class_name": _legacy_class_name(value), "config": value["config"]}


# --- reading: legacy form -> Keras 3 entries ----------------------------------------------------
def model_entry(config):
    """The Keras 3 entry of a legacy ``model_config`` (a dict already decoded from JSON)."""
    _check_entry(config, "model_config")
    class_name, inner = config["class_name"], config["config"]
    if isinstance(inner, dict) and isinstance(inner.get("layers"), list):
        inner = {**inner, "layers": [layer_entry(layer) for layer in inner["layers"]]}
    builtin = class_name in _MODEL_CLASSES
    return {"module": "keras" if builtin else None, "class_name": class_name, "config": inner,
            "registered_name": None if builtin else class_name}


def layer_entry(entry):
    """The Keras 3 entry of one layer of a legacy config (an entry with a module is kept)."""
    _check_entry(entry, "layer config")
    if "module" in entry:
        return entry
    graph = {key: entry[key] for key in ("name", "inbound_nodes") if key in entry}  # a functional model's layer
    class_name, inner = entry["class_name"], entry["config"]
    if class_name in _MODEL_CLASSES:
        return {**model_entry(entry), **graph}
    if isinstance(inner, dict):
        inner = {key: _nested_value(key, value) for key, value in inner.items()}
        if class_name == "InputLayer" and "batch_input_shape" in inner:
            inner["batch_shape"] = inner.pop("batch_input_shape")  # Keras 2's name
    return {"module": "keras.layers", "class_name": class_name, "config": inner, "registered_name": None, **graph}


def _nested_value(key, value):
    """An object inside a layer's config: Keras 2 wrote it without its module."""
    if not (isinstance(value, dict) and "class_name" in value and "config" in value) or "module" in value:
        return value
    value = {name: item for name, item in value.items() if name != "__passive_serialization__"}
    if key == "dtype" and value["class_name"] in _DTYPE_POLICIES:
        return value["config"]["name"] if isinstance(value["config"], dict) else value
    for ending, module in _NESTED_MODULES:
        if key.endswith(ending):
            return {**value, "module": module, "registered_name": None}
    return value


def compile_config(config):
    """The Keras 3 compile config of a legacy ``training_config``: the arguments Keras's legacy
    loader passes to ``compile`` (optimizer, loss, metrics, weighted_metrics, loss_weights)."""
    if not isinstance(config, dict) or not isinstance(config.get("optimizer_config"), dict):
        raise ValueError("The file's training_config has no optimizer_config dict: it is not one Keras writes. "
                         "Load the model with compile=False.")
    result = {"optimizer": optimizer_entry(config["optimizer_config"])}
    for key, module in (("loss", "keras.losses"), ("metrics", "keras.metrics"), ("weighted_metrics", "keras.metrics")):
        if config.get(key) is not None:
            result[key] = _compile_value(_single_output(config[key]) if module == "keras.metrics" else config[key],
                                         module)
    if config.get("loss_weights") is not None:
        result["loss_weights"] = config["loss_weights"]
    return result


def _single_output(metrics):
    """tf.keras 2 saved the metrics it had built, one list per output: ``[["mae"]]`` for one output."""
    if isinstance(metrics, list) and len(metrics) == 1 and isinstance(metrics[0], list):
        return metrics[0]
    return metrics


def _compile_value(value, module):
    if isinstance(value, list):
        return [_compile_value(item, module) for item in value]
    if not isinstance(value, dict) or "module" in value:
        return value
    if "class_name" not in value:
        return {key: _compile_value(item, module) for key, item in value.items()}
    _check_entry(value, f"{module.rsplit('.', 1)[-1][:-1]} config")
    inner = value["config"]
    if value["class_name"] == "MeanMetricWrapper" and isinstance(inner, dict) and isinstance(inner.get("fn"), str):
        return _wrapped_metric_name(inner)
    if module == "keras.losses" and isinstance(inner, dict):
        inner = _keras2_loss_options(value["class_name"], inner)
    return {"module": module, "class_name": value["class_name"], "config": inner, "registered_name": None}


def _keras2_loss_options(class_name, config):
    """A loss object's config as tf_keras 2 wrote it, in Keras 3's words."""
    if config.get("reduction") == "auto":
        config = {**config, "reduction": "sum_over_batch_size"}  # Keras 2's "auto" is this outside tf.distribute
    built_in = class_name in serialization_lib.builtin_tables()["keras.losses"]
    if "fn" in config and built_in and class_name not in ("Loss", "LossFunctionWrapper"):
        # tf_keras 2.13+ writes the function a built-in loss class wraps; the class alone names it.
        config = {key: item for key, item in config.items() if key != "fn"}
    return config


def _wrapped_metric_name(config):
    """tf.keras 2 saved a metric given by name as ``MeanMetricWrapper(fn=<function name>)``: the
    name again, so that glassnet resolves it as the user's string was ("accuracy" by the loss)."""
    name, function = config.get("name"), config["fn"]
    if name in ("accuracy", "acc", "crossentropy", "ce"):
        return name
    functions = serialization_lib.builtin_functions()
    same = name in functions and functions[name] is functions.get(function)  # "mse" for mean_squared_error
    return name if same else function


def optimizer_entry(config):
    """The Keras 3 entry of a legacy ``optimizer_config``: the class found case-insensitively as
    Keras does (``"Adam"``, ``"adam"``, and tf.keras 2.11+'s ``"Custom>Adam"``), Keras 2's options
    dropped where they do nothing and refused where they would change training."""
    _check_entry(config, "optimizer_config")
    class_name, inner = config["class_name"], config["config"]
    table = serialization_lib.builtin_tables()["keras.optimizers"]
    cls = _builtin_optimizer(class_name, table)
    if cls is None:  # the user's own optimizer: found by its name in the registry or custom_objects
        return {"module": None, "class_name": class_name, "config": inner, "registered_name": class_name}
    if isinstance(inner, dict):
        inner = _keras2_optimizer_options(cls.__name__, inner)
    return {"module": "keras.optimizers", "class_name": cls.__name__, "config": inner, "registered_name": None}


def _builtin_optimizer(class_name, table):
    from glassnet.keras.saving import object_registration
    if object_registration.get_registered_object(class_name) is not None:
        return None
    name = class_name[len("Custom>"):] if class_name.startswith("Custom>") else class_name
    by_lower = {key.lower(): value for key, value in table.items()}
    return by_lower.get(name.lower())


def _keras2_optimizer_options(class_name, config):
    config = dict(config)
    for key in _KERAS2_OPTIMIZER_IGNORED:
        config.pop(key, None)
    for key, no_op in _KERAS2_OPTIMIZER_NO_OPS.items():
        if key not in config:
            continue
        value = config.pop(key)
        if value is not None and value != no_op:
            raise ValueError(
                f"The file's {class_name} optimizer has {key}={value!r}, a Keras 2 option that glassnet's "
                f"{class_name} does not have (Keras 3 drops it with a warning, which would train differently). "
                f"Load with compile=False and compile with a learning-rate schedule instead, e.g. "
                f"InverseTimeDecay, which is what Keras 2's `{key}` computed."
            )
    if "lr" in config and "learning_rate" not in config:
        config["learning_rate"] = config.pop("lr")  # Keras 2.0-2.2's name
    return config


def _check_entry(entry, what):
    if not isinstance(entry, dict) or "class_name" not in entry or "config" not in entry:
        raise ValueError(f"The file's {what} is not a Keras config: expected a dict with 'class_name' and "
                         f"'config'. Received: {str(entry)[:200]}")
    if not isinstance(entry["class_name"], str):
        raise ValueError(f"The file's {what} has a class_name that is not a string: {entry['class_name']!r}")
