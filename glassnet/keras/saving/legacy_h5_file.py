"""The HDF5 side of a legacy ``.h5`` model file, laid out as Keras 3.15.1's ``legacy_h5_format`` writes it::

    /                         attrs backend, keras_version, model_config, training_config (JSON)
    /model_weights            attrs layer_names (every layer's name), backend, keras_version
    /model_weights/<layer>    attr weight_names, e.g. ["sequential/dense/kernel", ...] (tf.keras 2
                              wrote "dense/kernel:0"); datasets nested along those names
    /model_weights/top_level_model_weights   the model's own variables (none for Sequential)
    /optimizer_weights        attr weight_names ("adam/iteration", ...), datasets along them

A layer's weights are its trainable then its non-trainable ones. Loading matches layers with
weights by order, and each layer's weights by order, as Keras does; names only label them.

h5py is imported here, only when such a file is read or written.
"""
import contextlib
import json

import numpy as np

from glassnet.keras.saving import h5

HDF5_OBJECT_HEADER_LIMIT = 64512  # bytes: a larger attribute is split into name0, name1, ...


def legacy_weights(layer):
    """The weights of `layer` in the file's order: trainable, then non-trainable."""
    return list(layer.trainable_weights) + list(layer.non_trainable_weights)


def own_weights(model):
    """The model's own variables (not its layers'): ``top_level_model_weights``."""
    return list(model._trainable_variables) + list(model._non_trainable_variables)


# --- writing ---------------------------------------------------------------------------------
def write(file, model, attributes, optimizer, backend, keras_version):
    """Fill the open h5py `file`: root `attributes`, the model's weights, `optimizer`'s variables."""
    for key, value in attributes.items():
        file.attrs[key] = json.dumps(value, default=_json_default).encode("utf8") if isinstance(value, dict) \
            else value
    group = file.create_group("model_weights")
    _save_attributes(group, "layer_names", [layer.name.encode("utf8") for layer in model.layers])
    group.attrs["backend"] = backend.encode("utf8")
    group.attrs["keras_version"] = keras_version.encode("utf8")
    for layer in sorted(model.layers, key=lambda layer: layer.name):  # Keras sorts, so no name prefixes another
        _save_weights(group.create_group(layer.name), legacy_weights(layer))
    _save_weights(group.create_group("top_level_model_weights"), own_weights(model))
    variables = optimizer.variables if optimizer is not None else []
    if variables:
        _save_weights(file.create_group("optimizer_weights"), variables)


def _save_weights(group, variables):
    names = [str(variable.path).encode("utf8") for variable in variables]
    _save_attributes(group, "weight_names", names)
    for name, variable in zip(names, variables):
        value = np.asarray(variable.numpy())
        dataset = group.create_dataset(name, value.shape, dtype=value.dtype)
        dataset[()] = value


def _save_attributes(group, name, data):
    """Keras's ``save_attributes_to_hdf5_group``: split an attribute too large for an HDF5 header."""
    too_large = [item for item in data if len(item) > HDF5_OBJECT_HEADER_LIMIT]
    if too_large:
        raise RuntimeError(f"The following attributes cannot be saved to HDF5 file because they are larger than "
                           f"{HDF5_OBJECT_HEADER_LIMIT} bytes: {too_large}")
    array = np.asarray(data)
    chunks = 1
    while any(part.nbytes > HDF5_OBJECT_HEADER_LIMIT for part in np.array_split(array, chunks)):
        chunks += 1
    if chunks == 1:
        group.attrs[name] = data
        return
    for index, part in enumerate(np.array_split(array, chunks)):
        group.attrs[f"{name}{index}"] = part


def _json_default(value):
    if isinstance(value, np.generic):
        return value.item()
    if isinstance(value, np.ndarray):
        return value.tolist()
    raise TypeError(f"Not JSON serializable: {value!r} of type {type(value).__name__}")


# --- reading ---------------------------------------------------------------------------------
@contextlib.contextmanager
def opened(filepath):
    """The h5py file at `filepath`, open for reading; anything h5py cannot read is a ValueError."""
    h5py = h5.require_h5py()
    try:
        file = h5py.File(filepath, "r")
    except OSError as error:
        raise ValueError(f"{filepath!s} is not a readable HDF5 file (a legacy Keras .h5 model), or it is "
                         f"truncated or damaged: {error}") from None
    with file:
        yield file


@contextlib.contextmanager
def reading(filepath, what):
    """Turn h5py's errors while reading `what` into a ValueError naming the file and the part."""
    try:
        yield
    except (OSError, KeyError, RuntimeError, TypeError, AttributeError) as error:
        raise ValueError(f"{filepath!s}: could not read {what} (the file is damaged or not one Keras "
                         f"writes): {type(error).__name__}: {error}") from None


def text_attribute(node, name):
    """A string attribute (h5py gives str or bytes), None when absent."""
    if name not in node.attrs:
        return None
    value = node.attrs[name]
    if isinstance(value, np.ndarray) and value.ndim == 0:
        value = value.item()
    if isinstance(value, bytes):
        value = value.decode("utf8", "surrogateescape")
    if not isinstance(value, str):
        raise ValueError(f"The attribute {name!r} of {node.name!r} is not text: {value!r}")
    return _checked_text(value, name, node)


def _checked_text(value, name, node):
    """h5py passes bytes that are not UTF-8 on as lone surrogates: refuse them here, by name."""
    try:
        value.encode("utf8")
    except UnicodeEncodeError:
        raise ValueError(f"The attribute {name!r} of {node.name!r} is not valid UTF-8 text: the file is "
                         f"damaged.") from None
    return value


def names_attribute(node, name):
    """Keras's ``load_attributes_from_hdf5_group``: a list of names, joined from chunks if split."""
    if name in node.attrs:
        parts = [node.attrs[name]]
    else:
        parts, index = [], 0
        while f"{name}{index}" in node.attrs:
            parts.append(node.attrs[f"{name}{index}"])
            index += 1
    names = []
    for part in parts:
        for item in np.atleast_1d(np.asarray(part, dtype=object)).tolist():
            item = item.decode("utf8", "surrogateescape") if isinstance(item, bytes) else item
            if not isinstance(item, str):
                raise ValueError(f"The attribute {name!r} of {node.name!r} holds {item!r}, not a name.")
            names.append(_checked_text(item, name, node))
    return names


def group(node, name):
    """``node[name]`` when it is a group, else a ValueError saying what is missing."""
    child = node.get(name) if name else None
    if child is None or not hasattr(child, "keys") or hasattr(child, "shape"):
        raise ValueError(f"The file has no group {name!r} under {node.name!r}: it is incomplete or not a Keras "
                         f"model file (found: {sorted(node.keys())[:20]}).")
    return child


def datasets(node, weight_names):
    """``[(name, h5py dataset)]`` for `weight_names` under `node`; each must be a numeric dataset."""
    found = []
    for name in weight_names:
        child = node.get(name)
        if child is None or not hasattr(child, "shape"):
            raise ValueError(f"The file lists the weight {name!r} in {node.name!r} but holds no dataset for it.")
        if child.dtype.kind not in "biuf":
            raise ValueError(f"The weight {name!r} in {node.name!r} is not numeric (dtype {child.dtype}).")
        found.append((name, child))
    return found
