"""The legacy Keras HDF5 full-model file: ``model.save("m.h5")`` and ``load_model("m.h5")``.

glassnet writes it as Keras 3.15.1 does (Keras 3 opens it; tf.keras 2 does not read Keras 3's
configs, from Keras or from glassnet) and reads the files Keras 3 and Keras 2 (tf.keras) write:
architecture, weights, compile settings and the optimizer's state, so that training resumes as
it would have in Keras: Keras 3's and glassnet's in order, tf_keras 2.11+'s by name (checked with
files written by tf_keras 2.21). The state of TF <= 2.10's optimizers is not restored (another
layout, never checked against a real file): such a model loads compiled, with a fresh optimizer
and a warning, as Keras 3 does.
The layout is in legacy_h5_file.py, the configs in legacy_h5_config.py, the matching of tf_keras's
optimizer state in legacy_h5_keras2_optimizer.py.

Loading runs no code from the file: JSON and HDF5 only; classes come from glassnet's table, the
registry or ``custom_objects``. Every weight is checked (count and shape) before the model is
returned. Saving is atomic: the file is built in memory, then written beside the target and
renamed into place.
"""
import io
import json
import os
import warnings

from glassnet.keras.saving import (atomic, h5, legacy_h5_config, legacy_h5_file, legacy_h5_keras2_optimizer,
                                   object_registration, serialization_lib)

BACKEND = "numpy"  # what glassnet computes with; Keras records its backend here and reads nothing from it
_LARGEST_CONFIG = 64 << 20  # characters: larger than any model's config
LEGACY_WARNING = (
    "You are saving your model as an HDF5 file via `model.save()` or `keras.saving.save_model(model)`. "
    "This file format is considered legacy. We recommend using instead the native Keras format, e.g. "
    "`model.save('my_model.keras')` or `keras.saving.save_model(model, 'my_model.keras')`. "
)
_OPTIMIZER_NOT_RESTORED = ("Error in loading the saved optimizer state. As a result, your model is starting with a "
                           "freshly initialized optimizer.")


# --- saving ----------------------------------------------------------------------------------
def save_model(model, filepath, overwrite=True, include_optimizer=True, save_format=None, **kwargs):
    """Write `model` to `filepath` in the legacy HDF5 format (with Keras's warning that it is legacy).

    Args:
        overwrite: False refuses to replace an existing file.
        include_optimizer: False leaves out the training config and the optimizer's state.
        save_format: Keras 2's argument, accepted with Keras 3's deprecation warning when it says
            "h5" (the extension decides); any other value is refused.
    """
    if kwargs:
        raise ValueError(f"The following argument(s) are not supported: {list(kwargs)}")
    if save_format:
        if str(save_format).lower() not in ("h5", "hdf5"):
            raise ValueError(f"save_format={save_format!r} contradicts the file's extension: {filepath!s} is "
                             "written as a legacy .h5 file. Remove `save_format`.")
        warnings.warn("The `save_format` argument is deprecated in Keras 3. We recommend removing this argument as "
                      f"it can be inferred from the file path. Received: save_format={save_format}",
                      DeprecationWarning, stacklevel=_user_stacklevel())
    warnings.warn(LEGACY_WARNING, UserWarning, stacklevel=_user_stacklevel())
    h5py = h5.require_h5py()
    path = os.fspath(filepath)
    if not overwrite and os.path.exists(path):
        raise FileExistsError(f"{path} exists and overwrite=False: nothing was written.")
    content = _file_bytes(h5py, model, include_optimizer)

    def write(stream):
        stream.write(content)

    atomic.write_file(path, write)


def _user_stacklevel():
    """The stacklevel of the caller's first frame outside glassnet: the user's line that saved."""
    import sys
    package = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    frame, level = sys._getframe(1), 1
    while frame is not None and os.path.abspath(frame.f_code.co_filename).startswith(package + os.sep):
        frame, level = frame.f_back, level + 1
    return level


def _file_bytes(h5py, model, include_optimizer):
    """The whole file, built in memory: a failure here leaves the disk untouched."""
    from glassnet.keras.saving.keras_archive import KERAS_VERSION
    attributes = {"keras_version": KERAS_VERSION, "backend": BACKEND,
                  "model_config": legacy_h5_config.model_config(model)}
    training_config = legacy_h5_config.training_config(model) if include_optimizer else None
    if training_config is not None:
        attributes["training_config"] = training_config
    optimizer = model.optimizer if include_optimizer and training_config is not None else None
    buffer = io.BytesIO()
    with h5py.File(buffer, "w") as file:
        legacy_h5_file.write(file, model, attributes, optimizer, BACKEND, KERAS_VERSION)
    return buffer.getvalue()


# --- loading ---------------------------------------------------------------------------------
def load_model(filepath, custom_objects=None, compile=True):  # noqa: A002 - Keras's argument name
    """The model saved in a legacy ``.h5`` file, compiled as saved unless ``compile=False``; every
    weight is checked (count, shape, numeric type) before the model is returned."""
    path = os.fspath(filepath)
    if not os.path.exists(path):
        raise FileNotFoundError(f"No file at {path}.")
    with legacy_h5_file.opened(path) as file:
        keras_version, model_config, compile_config = _configs(file, path, compile)
        with object_registration.CustomObjectScope(custom_objects or {}):
            model = serialization_lib.deserialize_keras_object(model_config, custom_objects)
            assignments = _weight_assignments(file, model, path)
            for variable, _, value in assignments:
                variable.assign(value)
            if compile_config is not None:
                model.compile_from_config(compile_config)
                weights_by_name = {name: variable for variable, name, _ in assignments}
                _restore_optimizer(file, path, model.optimizer, keras_version, weights_by_name)
    return model


def _configs(file, path, compile):  # noqa: A002 - Keras's argument name
    """(Keras version, Keras 3 model entry, Keras 3 compile config or None) from the root attributes."""
    with legacy_h5_file.reading(path, "the root attributes"):
        keras_version = legacy_h5_file.text_attribute(file, "keras_version") or "1"
        model_config = _json_attribute(file, "model_config", path)
        training_config = _json_attribute(file, "training_config", path) if compile else None
    compile_config = None if training_config is None else legacy_h5_config.compile_config(training_config)
    return keras_version, legacy_h5_config.model_entry(model_config), compile_config


def _json_attribute(file, name, path):
    text = legacy_h5_file.text_attribute(file, name)
    if text is None:
        if name == "model_config":
            raise ValueError(f"No model config found in the file at {path}: it is not a Keras model file "
                             "(weights only? load them with model.load_weights).")
        return None
    if len(text) > _LARGEST_CONFIG:
        raise ValueError(f"{path}: the {name} attribute is larger than any model config ({len(text)} characters).")
    try:
        return json.loads(text)
    except (json.JSONDecodeError, RecursionError) as error:
        raise ValueError(f"{path}: the {name} attribute is not valid JSON ({error}).") from None


def _weight_assignments(file, model, path):
    """``[(variable, name in the file, value)]`` for every layer weight, all checked before any is assigned."""
    with legacy_h5_file.reading(path, "model_weights"):
        weights_group = legacy_h5_file.group(file, "model_weights")
        saved = [(name, legacy_h5_file.datasets(group, legacy_h5_file.names_attribute(group, "weight_names")))
                 for name, group in _layer_groups(weights_group)]
        saved = [(name, found) for name, found in saved if found]
        layers = [layer for layer in model.layers if legacy_h5_file.legacy_weights(layer)]
        if len(saved) != len(layers):
            unbuilt = "" if model.built else (
                f" The model '{model.name}' was not built from its config: a legacy .h5 file holds no input shape "
                f"for a subclassed model. Save it as .keras instead.")
            raise ValueError(
                f"Layer count mismatch when loading weights from file. Model expected {len(layers)} layers, found "
                f"{len(saved)} saved layers (the model's layers with weights: {[layer.name for layer in layers]}; "
                f"the file's: {[name for name, _ in saved]}).{unbuilt}"
            )
        assignments = []
        for index, (layer, (name, found)) in enumerate(zip(layers, saved)):
            label = f"layer #{index} (named {layer.name} in the model, {name} in the file)"
            assignments += _checked(legacy_h5_file.legacy_weights(layer), found, label)
        if "top_level_model_weights" in weights_group:
            top = legacy_h5_file.group(weights_group, "top_level_model_weights")
            found = legacy_h5_file.datasets(top, legacy_h5_file.names_attribute(top, "weight_names"))
            assignments += _checked(legacy_h5_file.own_weights(model), found, "the model's top-level weights")
    return assignments


def _layer_groups(weights_group):
    for name in legacy_h5_file.names_attribute(weights_group, "layer_names"):
        yield name, legacy_h5_file.group(weights_group, name)


def _checked(variables, found, label):
    if len(found) != len(variables):
        raise ValueError(
            f"Weight count mismatch for {label}: the layer expects {len(variables)} weight(s) "
            f"({[v.path for v in variables]}); the file has {len(found)} ({[name for name, _ in found]})."
        )
    pairs = []
    for variable, (name, dataset) in zip(variables, found):
        if tuple(dataset.shape) != tuple(variable.shape):
            raise ValueError(
                f"Shape mismatch in {label} for weight {variable.path}: the weight expects shape "
                f"{tuple(variable.shape)}; the file's {name!r} has shape {tuple(dataset.shape)}."
            )
        pairs.append((variable, name, dataset[()]))
    return pairs


def _restore_optimizer(file, path, optimizer, keras_version, weights_by_name):
    """Set the optimizer's variables from the file: in order, as Keras's ``set_weights`` does, for
    Keras 3's files; by name for tf_keras 2.11+'s (legacy_h5_keras2_optimizer.py).

    Other Keras 2 files (TF <= 2.10's optimizers) are skipped with a warning, and so are files whose
    variables do not match the optimizer's (Keras warns and starts afresh too).
    """
    if optimizer is None or "optimizer_weights" not in file:
        return
    with legacy_h5_file.reading(path, "optimizer_weights"):
        group = legacy_h5_file.group(file, "optimizer_weights")
        saved = legacy_h5_file.datasets(group, legacy_h5_file.names_attribute(group, "weight_names"))
        if not keras_version.startswith("3."):
            _restore_keras2_optimizer(optimizer, saved, keras_version, weights_by_name)
            return
        variables = optimizer.variables
        if len(saved) < len(variables) and len(saved) == _unbuilt_count(optimizer):
            variables = variables[:len(saved)]  # saved before its first step: no slots yet, nothing to restore in them
        if len(saved) != len(variables) or any(tuple(v.shape) != d.shape for v, (_, d) in zip(variables, saved)):
            warnings.warn(
                f"{_OPTIMIZER_NOT_RESTORED} (The optimizer has {len(variables)} variables of shapes "
                f"{[tuple(v.shape) for v in variables]}; the file has {len(saved)} of shapes "
                f"{[dataset.shape for _, dataset in saved]}.)", stacklevel=_user_stacklevel())
            return
        values = [dataset[()] for _, dataset in saved]
    for variable, value in zip(variables, values):
        variable.assign(value)


def _restore_keras2_optimizer(optimizer, saved, keras_version, weights_by_name):
    if not legacy_h5_keras2_optimizer.is_keras2_layout([name for name, _ in saved]):
        warnings.warn(f"The optimizer state in this file was written by Keras {keras_version}, whose optimizer "
                      f"variables are laid out differently. {_OPTIMIZER_NOT_RESTORED}", stacklevel=_user_stacklevel())
        return
    pairs, reason = legacy_h5_keras2_optimizer.assignments(optimizer, saved, weights_by_name)
    if pairs is None:
        warnings.warn(f"{_OPTIMIZER_NOT_RESTORED} (The file was written by Keras {keras_version}: {reason}.)",
                      stacklevel=_user_stacklevel())
        return
    for variable, value in pairs:
        variable.assign(value)


def _unbuilt_count(optimizer):
    """How many variables `optimizer` has before it is built (iteration, learning rate): they come first."""
    return len(type(optimizer).from_config(optimizer.get_config()).variables)
